// How every throughput row is timed, torchvgg's and onnxruntime's alike (python_bench.py does the same):
// one warm-up call, then timed calls until both minIters calls and minSeconds have passed (at most
// maxIters); the row reports the best call. Best-of, because this machine is shared and noisy: the
// fastest call is the one least disturbed, on every side equally. bench.js also runs every side in
// two rounds, taking turns, and keeps each row's best round.
'use strict';

const DEFAULT_TIMING = { minIters: 2, minSeconds: 2, maxIters: 10 };

async function bestSeconds(fn, { minIters, minSeconds, maxIters } = DEFAULT_TIMING) {
  await fn();
  const times = [];
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  while (times.length < maxIters && (times.length < minIters || elapsed() < minSeconds)) {
    const t = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return { seconds: Math.min(...times), iters: times.length };
}

/**
 * Rows of the same measurement from several rounds -> one row per (setting, batch) with the best time
 * of each field ending in "seconds"/"Seconds" and the calls added up. Rounds take turns with the other
 * sides, so a burst of outside load that hits one side in one round is outvoted by the other round.
 */
function bestOfRounds(rounds) {
  const merged = new Map();
  for (const row of rounds.flat()) {
    const key = `${row.setting ?? ''}/${row.batch}`;
    const m = merged.get(key);
    if (!m) {
      merged.set(key, { ...row });
      continue;
    }
    for (const [k, v] of Object.entries(row)) {
      if (/seconds$/i.test(k)) m[k] = Math.min(m[k], v);
      else if (k === 'iters') m[k] += v;
    }
  }
  return [...merged.values()];
}

/** Lets N-API finalizers run (they need a turn of the event loop), so garbage from one row is gone before the next. */
function turn() {
  return new Promise((resolve) => setImmediate(resolve));
}

module.exports = { DEFAULT_TIMING, bestSeconds, bestOfRounds, turn };
