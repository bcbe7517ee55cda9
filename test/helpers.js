// The one helper for the Python oracle in tests: where its fixtures are, skipping (saying why) when they
// or the oracle are missing, running oracle scripts, and reading its raw tensor hand-over files.
// Fixtures are written by scripts/make-fixtures.py (npm test does it); when one is missing and the
// oracle is usable, the first test to need it generates them all here.
'use strict';
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { torch } = require('..');

// The Python oracle: Debian's python3-torch by default; TORCHVGG_PYTHON names another (a GPU host's PyTorch).
const PYTHON = process.env.TORCHVGG_PYTHON || '/usr/bin/python3';
const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const CHECKPOINTS = path.join(FIXTURES, 'checkpoints');

/** Absolute path of a fixture: fixture('printing.json'), fixture('checkpoints/small.pt'). */
const fixture = (name) => path.join(FIXTURES, name);
/** Absolute path of a checkpoint fixture: checkpoint('small.pt'). */
const checkpoint = (name) => path.join(CHECKPOINTS, name);

/** Skips the running test or suite, printing the reason in the one style every skip uses. */
function skip(ctx, reason) {
  console.log(`      (skipped: ${reason})`);
  ctx.skip();
}

let oracleReason;
/** Why the oracle cannot run (null when it can). */
function oracleProblem() {
  if (oracleReason === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    oracleReason = r.status === 0 ? null
      : `the Python oracle ${PYTHON} cannot import torch and torchvision: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  }
  return oracleReason;
}

let generated;
/** Runs scripts/make-fixtures.py once per process; returns why it failed, or null. */
function generateFixtures() {
  if (generated === undefined) {
    generated = oracleProblem();
    if (generated === null) {
      const g = spawnSync(PYTHON, [path.join(ROOT, 'scripts', 'make-fixtures.py'), FIXTURES], { encoding: 'utf8' });
      if (g.status !== 0) generated = `scripts/make-fixtures.py failed: ${(g.stderr || '').trim().split('\n').pop()}`;
    }
  }
  return generated;
}

/**
 * In a before() or an it(): skips unless the oracle's fixtures `files` exist (paths relative to
 * test/fixtures), generating them first when the oracle is usable. Returns the first file's path.
 */
function needFixtures(ctx, ...files) {
  const missing = () => files.filter((f) => !fs.existsSync(fixture(f)));
  if (missing().length) {
    ctx.timeout(Math.max(ctx.timeout(), 600000)); // generating every fixture takes minutes
    const why = generateFixtures();
    const still = missing();
    if (still.length) skip(ctx, `fixture ${still.join(', ')} missing: ${why ?? 'make-fixtures.py did not write it'}`);
  }
  return fixture(files[0]);
}

/** In a before() or an it(): skips unless the oracle runs and the checkpoint fixtures exist. */
function needOracle(ctx) {
  const why = oracleProblem();
  if (why) skip(ctx, why);
  needFixtures(ctx, 'checkpoints/cuda-legacy.pt');
}

/** Runs a Python script with the oracle; the script prints one JSON value on its last line. */
function python(script, args = []) {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(fixture(file), 'utf8'));
}

/** Tensors written by scripts/fixtures/vgg.py write_raw(): views into one buffer, no copies. */
function readRaw(stem) {
  const index = readJson(`${stem}.json`);
  const buf = fs.readFileSync(fixture(`${stem}.bin`));
  const out = {};
  for (const e of index) {
    const size = torch.ITEM_SIZE[e.dtype];
    out[e.name] = torch.frombuffer(buf, { dtype: e.dtype, offset: e.offset, count: e.nbytes / size }).reshape(e.shape);
  }
  return out;
}

/** The largest absolute elementwise difference of two tensors of the same shape. */
function maxAbsDiff(a, b) {
  assert.deepStrictEqual(a.shape, b.shape);
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

/** max |a - b| / max |b|: the relative error of a whole output. */
function relativeError(a, b) {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  if (x.length !== y.length) throw new Error(`length ${x.length} != ${y.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return diff / scale;
}

module.exports = {
  FIXTURES, CHECKPOINTS, PYTHON, fixture, checkpoint, skip, oracleProblem, needFixtures, needOracle, python, readJson, readRaw, relativeError, maxAbsDiff,
  // Older names, still imported by test files of other areas.
  requireFixture: needFixtures,
  requireOracle: needOracle,
};
