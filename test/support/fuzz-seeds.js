// Seeds for the fuzzer (test/fuzz.test.js): small valid files of every format it mutates, written here in
// JS (torch.save, safetensors.save, the legacy builder), plus the Python oracle's small checkpoints and a
// tiny TorchScript module when the oracle is present. Each seed is named <format>-<name>.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { torch, safetensors } = require('../..');
const { legacyBytes } = require('./legacy');
const { CHECKPOINTS, PYTHON } = require('../helpers');

/** Writes the seeds into `dir`; returns [{ format, file }] and, when the oracle is absent, why. */
function writeSeeds(dir, { oracle }) {
  const seeds = [];
  const put = (format, name, write) => {
    const file = path.join(dir, `${format}-${name}`);
    write(file);
    seeds.push({ format, file });
  };
  torch.manualSeed(0);
  const shared = torch.randn(2, 3);
  const objects = {
    'tensors.pt': { w: shared, again: shared, i: torch.arange(4), mask: torch.tensor([1, 0, 1]).to('bool'), h: torch.ones(2).to('float16') },
    'plain.pt': { n: [1, 2.5, -70000, 2 ** 40, 'text', true, null], nested: { a: { b: [torch.zeros(1), []] } }, s: '' },
  };
  for (const [name, obj] of Object.entries(objects)) {
    put('zip', name, (f) => torch.save(obj, f));
    put('pickle', name, (f) => torch.save(obj, f));
  }
  const f = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) f.writeFloatLE(i + 0.5, i * 4);
  const l = Buffer.alloc(16);
  l.writeBigInt64LE(7n);
  put('legacy', 'views.pt', (file) => fs.writeFileSync(file, legacyBytes({ 0: { dtype: 'float32', bytes: f }, 1: { dtype: 'int64', bytes: l } },
    { w: { key: '0', size: [2, 3], stride: [3, 1] }, v: { key: '0', size: [2], stride: [2], offset: 1 }, n: { key: '1', size: [2], stride: [1] } })));
  put('safetensors', 'small.safetensors', (file) => safetensors.saveFile({ w: shared, i: torch.arange(3), e: torch.zeros(0) }, file, { format: 'pt' }));
  put('safetensors', 'one.safetensors', (file) => safetensors.saveFile({ x: torch.ones(2, 2) }, file));
  if (!oracle) return seeds;
  for (const [format, name] of [['zip', 'small.pt'], ['zip', 'views.pt'], ['pickle', 'checkpoint.pt'], ['pickle', 'dtypes.pt'],
    ['legacy', 'small-legacy.pt'], ['legacy', 'views-legacy.pt'], ['legacy', 'dtypes-legacy.pt'], ['legacy', 'checkpoint-legacy.pt']]) {
    const src = path.join(CHECKPOINTS, name);
    if (fs.existsSync(src)) put(format, name, (file) => fs.copyFileSync(src, file));
  }
  const ts = path.join(dir, 'torchscript-tiny.pt');
  const r = spawnSync(PYTHON, ['-c', `
import sys, torch
torch.manual_seed(0)
torch.jit.script(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())).save(sys.argv[1])`, ts], { encoding: 'utf8' });
  if (r.status === 0) seeds.push({ format: 'torchscript', file: ts });
  return seeds;
}

module.exports = { writeSeeds };
