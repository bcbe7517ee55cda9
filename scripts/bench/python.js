// Runs the Python oracle's side of the benchmark (python_bench.py) and prepare.py, and reads their JSON.
// Python runs while Node waits, so the two never compete for the cores.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

// The Python oracle: Debian's python3-torch by default; TORCHVGG_PYTHON names another (a GPU host's PyTorch).
const PYTHON = process.env.TORCHVGG_PYTHON || '/usr/bin/python3';

function runPython(script, args) {
  const r = spawnSync(PYTHON, [path.join(__dirname, script), ...args], {
    encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw new Error(`${PYTHON} could not run (${r.error.message}); run npm run bench to install the oracle`);
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The ONNX export and the accuracy inputs, made once from the bench state dict. */
function prepare(stateDictPath, dir) {
  return runPython('prepare.py', [stateDictPath, dir]);
}

/**
 * config: { device, threads, weights, settings: [{ key, name, dtype, format: 'nchw' | 'channels_last' }],
 *           batches, minIters, minSeconds, maxIters, tinyOp }
 * -> { torch, threads, rows: [{ setting, batch, seconds, iters }], tinyOpNs?, gpu?, matmulTflops? }
 */
function pythonBench(config) {
  return runPython('python_bench.py', [JSON.stringify(config)]);
}

module.exports = { prepare, pythonBench };
