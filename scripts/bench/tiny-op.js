// Per-call overhead: a.add(b) on 1-element tensors, the JS twin of python_bench.py's timeit of a + b.
// Python frees each result at once (reference counting); here results are freed by the collector, so
// the loop runs in chunks with a turn of the event loop between them (finalizers need one) and that
// cost is inside the time. A second figure disposes each result at once, as Python does.
'use strict';
const { torch } = require('../..');
const { turn } = require('./timing');

async function perCallNs(op, calls, chunk) {
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t = process.hrtime.bigint();
    for (let done = 0; done < calls; done += chunk) {
      for (let i = 0; i < chunk; i++) op();
      await turn();
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t) / calls);
  }
  return best;
}

async function tinyOp({ calls = 200000 } = {}) {
  const a = torch.ones(1);
  const b = torch.ones(1);
  await perCallNs(() => a.add(b), 20000, 10000); // warm-up: JIT, allocator
  const ns = await perCallNs(() => a.add(b), calls, 10000);
  const disposedNs = await perCallNs(() => a.add(b).dispose(), calls, 10000);
  return { ns, disposedNs };
}

module.exports = { tinyOp };
