// Shared by the tests: where the oracle's fixtures are, and how to read its raw tensor hand-over files.
'use strict';
const fs = require('fs');
const path = require('path');
const { torch } = require('..');

const FIXTURES = path.join(__dirname, 'fixtures');

/** In a mocha `before`: skip the suite, saying why, when the Python oracle's fixtures are absent. */
function requireFixture(ctx, file) {
  const p = path.join(FIXTURES, file);
  if (!fs.existsSync(p)) {
    console.log(`      (skipped: ${file} missing — the Python oracle /usr/bin/python3 with torch and torchvision `
      + 'is needed to make fixtures; run npm test as root on Debian to install it)');
    ctx.skip();
  }
  return p;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
}

/** Tensors written by scripts/fixtures/vgg.py write_raw(): views into one buffer, no copies. */
function readRaw(stem) {
  const index = readJson(`${stem}.json`);
  const buf = fs.readFileSync(path.join(FIXTURES, `${stem}.bin`));
  const out = {};
  for (const e of index) {
    const size = torch.ITEM_SIZE[e.dtype];
    out[e.name] = torch.frombuffer(buf, { dtype: e.dtype, offset: e.offset, count: e.nbytes / size }).reshape(e.shape);
  }
  return out;
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

module.exports = { FIXTURES, requireFixture, readJson, readRaw, relativeError };
