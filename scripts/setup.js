#!/usr/bin/env node
// Makes a fresh clone runnable; `npm start`, `npm test` and `npm run bench` call it first.
// Idempotent and quiet when nothing is missing:
//   1. libtorch: $LIBTORCH, LIBTORCH_USE_PYTORCH=1, or the system's; on Debian/Ubuntu as root it
//      installs libtorch-dev, otherwise it says what to install.
//      It also swaps Debian's reference BLAS for OpenBLAS (10x faster Linear layers).
//   2. --oracle (tests, bench): Debian's python3-torch and python3-torchvision, the reference oracle.
//   3. node_modules (npm ci), the native addon and the TypeScript, each only when out of date.
//   4. --oracle: test fixtures from the oracle (scripts/make-fixtures.py) when missing or stale.
// It times each step and writes the times to .cache/setup-timing.json, which `npm start`'s walkthrough
// reads to print where the whole run's time went; a step that had nothing to do takes ~0 s.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const wantOracle = process.argv.includes('--oracle');
const PYTHON = '/usr/bin/python3';

const started = Date.now();
const timings = [];
/** Runs fn, adding its wall time to the step `name` (steps of the same name add up). */
function timed(name, fn) {
  const t = Date.now();
  try {
    return fn();
  } finally {
    const e = timings.find((x) => x.name === name);
    const seconds = (Date.now() - t) / 1000;
    if (e) e.seconds += seconds;
    else timings.push({ name, seconds });
  }
}

function writeTimings() {
  const dir = path.join(root, '.cache');
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'setup-timing.json'), `${JSON.stringify({
      startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, steps: timings,
    }, null, 2)}\n`);
  } catch {
    // read-only checkout: the timing table is a nicety
  }
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: opts.quiet ? 'pipe' : 'inherit', env: { ...process.env, ...opts.env } });
  return res.status === 0;
}

function fail(msg) {
  console.error(`torchvgg setup: ${msg}`);
  process.exit(1);
}

function systemLibtorch() {
  const dirs = ['/usr/lib/x86_64-linux-gnu/cmake/Torch', '/usr/lib/aarch64-linux-gnu/cmake/Torch',
    '/usr/lib/cmake/Torch', '/usr/share/cmake/Torch', '/usr/local/share/cmake/Torch', '/usr/local/lib/cmake/Torch'];
  return dirs.some((d) => fs.existsSync(path.join(d, 'TorchConfig.cmake')));
}

const canApt = fs.existsSync('/etc/debian_version') && process.getuid && process.getuid() === 0
  && fs.existsSync('/usr/bin/apt-get');
let aptUpdated = false;
function aptInstall(pkgs) {
  console.error(`torchvgg setup: installing ${pkgs.join(' ')} with apt-get ...`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['install', '-y', '-q', ...pkgs], { quiet: true, env })) return true;
  if (!aptUpdated) {
    aptUpdated = true;
    run('apt-get', ['update', '-q'], { quiet: true, env });
  }
  return run('apt-get', ['install', '-y', '-q', ...pkgs], { env });
}

function ensureLibtorch() {
  if (process.env.LIBTORCH) {
    if (!fs.existsSync(path.join(process.env.LIBTORCH, 'share', 'cmake', 'Torch'))) {
      fail(`LIBTORCH=${process.env.LIBTORCH} does not look like a libtorch root (no share/cmake/Torch).`);
    }
    return;
  }
  if (process.env.LIBTORCH_USE_PYTORCH === '1' || systemLibtorch()) return;
  if (canApt && aptInstall(['libtorch-dev'])) return;
  fail('libtorch was not found. Install it (Debian/Ubuntu: `sudo apt-get install libtorch-dev`), or set LIBTORCH '
    + 'to an unpacked libtorch, or LIBTORCH_USE_PYTORCH=1 to use the torch of your python3.');
}

// Debian's libtorch calls the system BLAS for every Linear layer; the default alternative is the
// reference BLAS, about 10x slower than OpenBLAS on VGG's classifier (measured: 2.0 s vs 0.17 s for
// a [32, 25088] batch). Python's torch from Debian uses the same library, so both benefit.
function ensureFastBlas() {
  const blas = ['/usr/lib/x86_64-linux-gnu/libblas.so.3', '/usr/lib/aarch64-linux-gnu/libblas.so.3'].find((p) => fs.existsSync(p));
  if (!blas || !fs.realpathSync(blas).includes('/blas/')) return;
  if (canApt && aptInstall(['libopenblas0-openmp'])) return;
  console.error('torchvgg setup: the system BLAS is the slow reference one; install OpenBLAS '
    + '(Debian: apt-get install libopenblas0-openmp) for ~10x faster fully connected layers.');
}

// With Debian's libtorch, the addon runs CPU inference through the same libdnnl's own primitives
// (Winograd convolutions: about 2x VGG16's eval throughput, README "Performance"); that needs its
// headers, libdnnl-dev. Without them the addon still builds, on libtorch's slower oneDNN path.
function ensureOnednnHeaders() {
  if (process.env.LIBTORCH || process.env.LIBTORCH_USE_PYTORCH === '1' || !systemLibtorch()) return;
  if (fs.existsSync('/usr/include/oneapi/dnnl/dnnl.hpp')) return;
  if (canApt && aptInstall(['libdnnl-dev'])) return;
  console.error('torchvgg setup: oneDNN\'s headers are missing (Debian: apt-get install libdnnl-dev); the addon builds '
    + 'without its oneDNN runs, about 2x slower in CPU inference.');
}

function oracleReady() {
  return fs.existsSync(PYTHON) && run(PYTHON, ['-c', 'import torch, torchvision'], { quiet: true });
}

function ensureOracle() {
  if (oracleReady()) return true;
  if (canApt && aptInstall(['python3-torch', 'python3-torchvision']) && oracleReady()) return true;
  console.error('torchvgg setup: the Python oracle (Debian: apt-get install python3-torch python3-torchvision) is '
    + 'missing; tests that compare with PyTorch will be skipped.');
  return false;
}

function newest(dir, ext) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, ext));
    else if (e.name.endsWith(ext)) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

function mtime(p) { return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0; }

function main() {
  timed('apt: libtorch', ensureLibtorch);
  timed('apt: OpenBLAS', ensureFastBlas);
  timed('apt: oneDNN headers', ensureOnednnHeaders);
  const oracle = wantOracle && timed('apt: Python oracle', ensureOracle);
  timed('npm ci', () => {
    if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
      // Scripts off: our own install script (the native build) runs below, after libtorch is in place.
      if (!run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'])) fail('npm ci failed');
    }
  });
  timed('native build', () => {
    if (!run(process.execPath, [path.join(__dirname, 'build-native.js'), '--if-needed'])) process.exit(1);
  });
  timed('tsc', () => {
    if (newest(path.join(root, 'lib'), '.ts') > mtime(path.join(root, 'dist', 'index.js')) - 1) {
      if (!run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', root])) fail('TypeScript build failed');
      fs.utimesSync(path.join(root, 'dist', 'index.js'), new Date(), new Date());
    }
  });
  if (oracle) {
    timed('fixtures', () => {
      const stamp = path.join(root, 'test', 'fixtures', '.stamp');
      const sources = Math.max(newest(path.join(root, 'scripts', 'fixtures'), '.py'), mtime(path.join(__dirname, 'make-fixtures.py')));
      if (sources > mtime(stamp)) {
        if (!run(PYTHON, [path.join(__dirname, 'make-fixtures.py'), path.join(root, 'test', 'fixtures')])) fail('making fixtures failed');
        fs.writeFileSync(stamp, new Date().toISOString());
      }
    });
  }
  writeTimings();
  const total = (Date.now() - started) / 1000;
  if (total > 5) {
    console.error(`torchvgg setup: done in ${total.toFixed(0)} s (${timings.filter((t) => t.seconds >= 0.5)
      .map((t) => `${t.name} ${t.seconds.toFixed(0)} s`).join(', ')})`);
  }
}

main();
