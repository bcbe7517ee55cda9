// One fuzz worker: mutates and loads a range of mutants, one after another, from a file on disk, and
// says on stdout when each begins and how it ended, so that the parent (run.js) knows which mutant was
// running when a cap or a signal ended this process.
// Usage: node child.js '<json job>'  job = { seeds: [{ format, file }], seed, start, count, dir }
'use strict';
const fs = require('fs');
const path = require('path');
const { torch, Tensor, safetensors } = require('../..');
const { rng, MUTATORS } = require('./mutate');

const job = JSON.parse(process.argv[2]);
const seeds = job.seeds.map((s) => ({ ...s, bytes: fs.readFileSync(s.file) }));
const EXT = { zip: 'pt', pickle: 'pt', legacy: 'pt', safetensors: 'safetensors', torchscript: 'pt' };
const say = (line) => fs.writeSync(1, `${line}\n`);
// TORCHVGG_FUZZ_SELFTEST=segv:K | hang:K | oom:K makes mutant K die that way, to test the harness itself.
const [selfTest, selfTestAt] = (process.env.TORCHVGG_FUZZ_SELFTEST || ':').split(':');
const misbehave = {
  segv: () => process.kill(process.pid, 'SIGSEGV'),
  hang: () => { for (;;); },
  oom: () => { const keep = []; for (;;) keep.push(Buffer.alloc(1 << 24, 1)); },
};

// Reads every tensor of a loaded value once (shared objects once), so a view past its storage would show.
function touch(root) {
  const seen = new Set();
  const todo = [root];
  while (todo.length && seen.size < 1e6) {
    const v = todo.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Tensor) {
      if (v.numel() * torch.ITEM_SIZE[v.dtype] <= 1 << 24) v.toTypedArray();
    } else if (typeof v.namedParameters === 'function') {
      for (const [, t] of v.namedParameters()) todo.push(t);
    } else {
      for (const x of Object.values(v)) todo.push(x);
    }
  }
}

function load(format, file) {
  if (format === 'safetensors') return safetensors.loadFile(file);
  if (format === 'torchscript') return torch.jit.load(file);
  return torch.load(file);
}

for (let k = job.start; k < job.start + job.count; k++) {
  const seed = seeds[k % seeds.length];
  const r = rng(job.seed, k);
  const same = seeds.filter((s) => s.format === seed.format);
  const donor = same[r.int(same.length)].bytes;
  const file = path.join(job.dir, `mutant-${process.pid}.${EXT[seed.format]}`);
  fs.writeFileSync(file, MUTATORS[seed.format](seed.bytes, r, donor));
  say(`B ${k}`);
  if (selfTest && Number(selfTestAt) === k) misbehave[selfTest]();
  let outcome = 'loaded';
  try {
    touch(load(seed.format, file));
  } catch (e) {
    if (!(e instanceof Error)) outcome = `bad ${JSON.stringify(`threw a non-Error: ${String(e)}`)}`;
    else if (!e.message.startsWith(`${file}:`)) outcome = `bad ${JSON.stringify(`${e.name}: ${e.message.split('\n')[0].slice(0, 300)}`)}`;
    else outcome = 'threw';
  }
  say(`E ${k} ${outcome}`);
}
