// Runs a script in a child Node process with a memory cap (address space, via ulimit -v) and a time limit, for hostile-input tests.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

let baseline;
/** The address space (MB) a Node process maps once torchvgg and sharp are loaded: ~1.9 GB here, far more with CUDA's libtorch. */
function baselineMB() {
  if (baseline === undefined) {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(ROOT)}); require('sharp');
      process.stdout.write(/VmPeak:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1])`], { cwd: ROOT, encoding: 'utf8' });
    baseline = Math.ceil(Number(r.stdout) / 1024);
    if (!(baseline > 0)) throw new Error(`cannot measure the baseline address space: ${r.stderr}`);
  }
  return baseline;
}

// Runs `node <nodeArgs...>` under ulimit -v (address space: the baseline plus `extraMB`) and a
// wall-time limit, killed with SIGKILL.
function capped(nodeArgs, { extraMB = 700, seconds = 60, cwd = ROOT } = {}) {
  const memoryMB = baselineMB() + extraMB;
  const r = spawnSync('/bin/sh', ['-c', `ulimit -v ${memoryMB * 1024} && exec "$0" "$@"`, process.execPath,
    '--max-old-space-size=512', ...nodeArgs],
  { cwd, encoding: 'utf8', timeout: seconds * 1000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 });
  return {
    status: r.status, signal: r.signal, timedOut: r.error?.code === 'ETIMEDOUT',
    stdout: r.stdout ?? '', stderr: r.stderr ?? '',
  };
}

/**
 * Runs `script` (CommonJS; `torchvgg` is the package) in a child with at most `extraMB` of address
 * space beyond what loading torchvgg maps, and `seconds` of wall time; `args` become process.argv.slice(1). Returns how it ended:
 * { status, signal, timedOut, stdout, stderr }.
 */
function runCapped(script, { args = [], ...opts } = {}) {
  return capped(['-e', `const torchvgg = require(${JSON.stringify(ROOT)});\n${script}`, '--', ...args], opts);
}

/** Runs the `torchvgg` command line under the same caps. */
function cliCapped(argv, opts = {}) {
  return capped([path.join(ROOT, 'dist', 'cli', 'index.js'), ...argv], opts);
}

/** A one-line account of how a capped child ended, for assertion messages. */
function ending(r) {
  return `status ${r.status}, signal ${r.signal}${r.timedOut ? ' (time limit)' : ''}; stderr: ${r.stderr.slice(-600)}`;
}

module.exports = { runCapped, cliCapped, ending };
