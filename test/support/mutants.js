// The mutation run of test/hostile-files.test.js, in its own process so that a crash (a native abort,
// a segfault, running out of memory) fails the test instead of killing mocha.
// Usage: node mutants.js COUNT SEED FILE...   Prints a JSON summary on stdout.
const fs = require('fs');
const { torch, Tensor } = require('../..');

const [count, seed, ...files] = process.argv.slice(2);
const sources = files.map((f) => fs.readFileSync(f));

// mulberry32: a small fixed-seed PRNG, so every run tries the same mutants.
let state = Number(seed) >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const int = (n) => Math.floor(rand() * n);

function mutate(src) {
  const b = Buffer.from(src);
  switch (int(5)) {
    case 0: { // flip 1-8 random bytes
      for (let k = 1 + int(8); k > 0; k--) b[int(b.length)] = int(256);
      return b;
    }
    case 1: return b.subarray(0, int(b.length)); // truncate
    case 2: { // insert 1-16 random bytes
      const at = int(b.length);
      const extra = Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256)));
      return Buffer.concat([b.subarray(0, at), extra, b.subarray(at)]);
    }
    case 3: { // delete a range
      const at = int(b.length);
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(32)))]);
    }
    default: { // set a 4-byte little-endian field to an extreme value
      const at = int(Math.max(1, b.length - 4));
      b.writeUInt32LE([0xffffffff, 0x7fffffff, 0x80000000, 0, 1 << 20][int(5)], at);
      return b;
    }
  }
}

// Reads every tensor of a loaded object, so a view that reaches past its storage would show here.
function touch(v, depth = 0) {
  if (depth > 50 || v === null || typeof v !== 'object') return;
  if (v instanceof Tensor) { v.toTypedArray(); return; }
  for (const x of Object.values(v)) touch(x, depth + 1);
}

const summary = { mutants: 0, loaded: 0, threw: 0, notErrors: [], unnamed: [] };
for (let i = 0; i < Number(count); i++) {
  const m = mutate(sources[i % sources.length]);
  summary.mutants++;
  try {
    touch(torch.load(m));
    summary.loaded++;
  } catch (e) {
    summary.threw++;
    if (!(e instanceof Error)) summary.notErrors.push(String(e));
    else if (!e.message.startsWith('<buffer>:') && summary.unnamed.length < 20) summary.unnamed.push(e.message.split('\n')[0]);
  }
}
process.stdout.write(JSON.stringify(summary));
