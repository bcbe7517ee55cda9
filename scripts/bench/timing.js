// How every throughput row is timed, torchvgg's and onnxruntime's alike (python_bench.py does the same):
// one warm-up call, then timed calls until both minIters calls and minSeconds have passed (at most
// maxIters); the row reports the best call. Best-of, because this machine is shared and noisy: the
// fastest call is the one least disturbed, on every side equally. bench.js also runs every side in
// two rounds, taking turns, and keeps each row's best round.
//
// Time caps: a row may be given `cap` (seconds for the whole row, warm-up included) and `predicted` (the
// expected seconds per call, from the FLOPs and the rate measured so far). A row whose warm-up and one
// timed call would not fit is not started; a row stops timing when the next call would pass the cap.
// Either way the row says `cut: cap`, and the table prints "cut at N s".
'use strict';

const DEFAULT_TIMING = { minIters: 2, minSeconds: 2, maxIters: 10 };

/**
 * -> { seconds (best call, null when cut before any timed call), iters, cut (the cap in seconds when the
 *    row was cut short, else null), warmupSeconds }
 */
async function bestSeconds(fn, { minIters, minSeconds, maxIters, cap = Infinity, predicted = 0 } = DEFAULT_TIMING) {
  if (2 * predicted > cap) return { seconds: null, iters: 0, cut: cap, warmupSeconds: null, predicted };
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  await fn();
  const warmupSeconds = elapsed();
  const times = [];
  let last = warmupSeconds;
  while (times.length < maxIters && (times.length < minIters || elapsed() < minSeconds)) {
    if (elapsed() + Math.min(last, warmupSeconds) > cap) break;
    const t = process.hrtime.bigint();
    await fn();
    last = Number(process.hrtime.bigint() - t) / 1e9;
    times.push(last);
  }
  const cut = times.length < Math.min(minIters, maxIters) ? cap : null;
  return { seconds: times.length ? Math.min(...times) : null, iters: times.length, cut, warmupSeconds };
}

/**
 * A wall-clock allowance: `left()` seconds remain of it (never more than its parent's); `part(share)`
 * is a child allowance of that share of what is left now.
 */
class Budget {
  constructor(seconds, parent = null) {
    this.end = Date.now() + seconds * 1000;
    this.parent = parent;
  }

  left() {
    const own = (this.end - Date.now()) / 1000;
    return Math.max(0, this.parent ? Math.min(own, this.parent.left()) : own);
  }

  part(share) { return new Budget(this.left() * share, this); }

  /**
   * The cap for one of `rowsLeft` rows still to run: rowCap, but no more than 3× an even share of what is
   * left (so early rows cannot starve later ones) and no less than an even share (so time left over is
   * used); never past this allowance.
   */
  cap(rowCap, rowsLeft = 1) {
    const left = this.left();
    const share = left / Math.max(1, rowsLeft);
    return Math.min(left, Math.max(Math.min(rowCap, 3 * share), share));
  }
}

/**
 * Expected seconds per call, from the call's GFLOP and the rate (GFLOP/s) last measured for the same kind
 * of row, or a first guess (`initial(key)`) before any; each measured row updates its kind's rate.
 */
class Rates {
  constructor(initial) {
    this.initial = initial;
    this.known = new Map();
  }

  predict(key, gflop) { return gflop / (this.known.get(key) ?? this.initial(key)); }

  record(key, gflop, result) {
    const s = result.seconds ?? result.warmupSeconds;
    if (s) this.known.set(key, gflop / s);
  }

  toJSON() { return Object.fromEntries(this.known); }
}

/**
 * Rows of the same measurement from several rounds -> one row per (setting, batch) with the best time
 * of each field ending in "seconds"/"Seconds" and the calls added up. Rounds take turns with the other
 * sides, so a burst of outside load that hits one side in one round is outvoted by the other round.
 * A row cut in one round but measured in another keeps the measurement.
 */
function bestOfRounds(rounds) {
  const merged = new Map();
  const min = (a, b) => (a === null || a === undefined ? b : b === null || b === undefined ? a : Math.min(a, b));
  for (const row of rounds.flat()) {
    const key = `${row.setting ?? ''}/${row.batch}`;
    const m = merged.get(key);
    if (!m) {
      merged.set(key, { ...row });
      continue;
    }
    for (const [k, v] of Object.entries(row)) {
      if (/seconds$/i.test(k)) m[k] = min(m[k], v);
      else if (k === 'iters') m[k] += v;
      else if (/cut$/i.test(k)) m[k] = m[k] !== null && m[k] !== undefined && v !== null && v !== undefined ? Math.max(m[k], v) : null;
    }
  }
  return [...merged.values()];
}

/** "12.34 img/s", with "(cut at N s)" after it, or only "cut at N s" when no call was timed. */
function fmtRate(batch, r) {
  if (!r.seconds) return cutText(r.cut);
  return `${(batch / r.seconds).toFixed(2)} img/s${r.cut !== null && r.cut !== undefined ? ` (${cutText(r.cut)})` : ''}`;
}

/** "cut at N s", or "cut: no time left" when the run's time cap was used up before the row. */
function cutText(cap) {
  return cap >= 0.5 ? `cut at ${cap.toFixed(0)} s` : 'cut: no time left';
}

/** Lets N-API finalizers run (they need a turn of the event loop), so garbage from one row is gone before the next. */
function turn() {
  return new Promise((resolve) => setImmediate(resolve));
}

module.exports = { DEFAULT_TIMING, bestSeconds, bestOfRounds, Budget, Rates, fmtRate, cutText, turn };
