// Runs a snippet of JS in its own Node process with a heap cap and a time limit, for tests whose failure
// on broken code would be a hang or an out-of-memory crash rather than an assertion.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

/** Runs `code` (with `torch`, `safetensors` and the pickle helpers `P` in scope); returns { status, signal, stdout, stderr, ms }. */
function runCapped(code, { heapMB = 512, timeoutMs = 30000 } = {}) {
  const prelude = `const { torch, safetensors } = require(${JSON.stringify(path.join(__dirname, '..', '..'))});
const P = require(${JSON.stringify(path.join(__dirname, 'pickle'))});\n`;
  const started = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMB}`, '-e', prelude + code],
    { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

module.exports = { runCapped };
