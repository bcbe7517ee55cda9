// Runs fuzz mutants in capped child processes (child.js): a V8 heap cap, an address-space or data cap
// through prlimit where it exists, and a time limit per mutant. One child takes many mutants; when a
// child dies (a signal, a cap, an exit without finishing) or a mutant runs past its time, that mutant is
// re-run alone in a fresh child and reported, and the batch goes on after it.
// As a script: node scripts/fuzz/run.js SEED_DIR [count] [seed]   (seeds named <format>-*.{pt,safetensors})
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHILD = path.join(__dirname, 'child.js');
// Under AddressSanitizer (npm run test:asan preloads it) the data cap would stop its shadow memory from
// being mapped: the heap cap and the time limit still apply there.
const UNDER_ASAN = /libasan/.test(process.env.LD_PRELOAD ?? '');
const HAS_PRLIMIT = !UNDER_ASAN && spawnSync('prlimit', ['--version']).status === 0;

/**
 * Runs mutants [start, start + count) of `seeds` in one child; resolves with the per-mutant outcomes and
 * how the child ended: { outcomes: Map<k, string>, begun, signal, status, timedOut, stderr }.
 */
function runChild(job, { heapMB, dataMB, mutantMs }) {
  const node = [`--max-old-space-size=${heapMB}`, CHILD, JSON.stringify(job)];
  // RLIMIT_DATA caps what malloc and V8 can make writable, without counting the address space that V8
  // and libtorch only reserve (an address-space cap would stop them from starting).
  const [cmd, args] = HAS_PRLIMIT ? ['prlimit', [`--data=${dataMB * 2 ** 20}`, process.execPath, ...node]] : [process.execPath, node];
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const outcomes = new Map();
    let begun = -1;
    let since = Date.now();
    let timedOut = false;
    let buffered = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const [kind, k, ...rest] = line.split(' ');
        if (kind === 'B') { begun = Number(k); since = Date.now(); } else if (kind === 'E') outcomes.set(Number(k), rest.join(' '));
      }
    });
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    const watchdog = setInterval(() => {
      if (begun >= 0 && !outcomes.has(begun) && Date.now() - since > mutantMs) { timedOut = true; child.kill('SIGKILL'); }
    }, 100);
    child.on('close', (status, signal) => {
      clearInterval(watchdog);
      resolve({ outcomes, begun, signal, status, timedOut, stderr });
    });
  });
}

/**
 * Fuzzes `total` mutants of `seeds` ([{ format, file }]) in batches of `perChild`; returns
 * { mutants, byFormat: { format: { loaded, threw } }, failures: [{ k, format, why, alone }], seconds }.
 */
async function fuzz({ seeds, total, seed = 1, perChild = 2500, heapMB = 512, dataMB = 3072, mutantMs = 10000, dir = os.tmpdir() }) {
  const started = Date.now();
  const caps = { heapMB, dataMB, mutantMs };
  const byFormat = {};
  const failures = [];
  const job = (start, count) => ({ seeds, seed, start, count, dir });
  const count = (k, outcome) => {
    const f = seeds[k % seeds.length].format;
    byFormat[f] ??= { loaded: 0, threw: 0 };
    if (outcome === 'loaded' || outcome === 'threw') byFormat[f][outcome]++;
    else failures.push({ k, format: f, why: outcome.replace(/^bad /, '') });
  };
  const ending = (r) => (r.timedOut ? `ran past ${mutantMs} ms` : r.signal ? `killed by ${r.signal}` : `exited with status ${r.status}`);
  let mutants = 0;
  for (let start = 0; start < total;) {
    const n = Math.min(perChild, total - start);
    const r = await runChild(job(start, n), caps);
    for (const [k, outcome] of r.outcomes) count(k, outcome);
    mutants += r.outcomes.size;
    const next = start + n;
    if (r.outcomes.size === n && r.status === 0) { start = next; continue; }
    if (r.begun < 0) {
      failures.push({ k: start, format: 'all', why: `a fuzz child could not start (${ending(r)})`, stderr: r.stderr.slice(-500) });
      break;
    }
    // The child ended early: the mutant it was on is re-run alone, reported, and the batch resumes after it.
    const k = r.begun >= 0 && !r.outcomes.has(r.begun) ? r.begun : start + r.outcomes.size;
    if (k >= next) { start = next; continue; } // finished every mutant, then failed to exit cleanly
    const alone = await runChild(job(k, 1), caps);
    failures.push({ k, format: seeds[k % seeds.length].format, why: ending(r), alone: alone.outcomes.get(k) ?? ending(alone),
      stderr: (alone.stderr || r.stderr).split('\n').filter(Boolean).slice(-3).join(' | ') });
    mutants++;
    start = k + 1;
  }
  return { mutants, byFormat, failures, seconds: (Date.now() - started) / 1000 };
}

module.exports = { fuzz, HAS_PRLIMIT };

if (require.main === module) {
  const [dir, total = '2000', seed = '1'] = process.argv.slice(2);
  const seeds = fs.readdirSync(dir).map((f) => ({ format: f.split('-')[0], file: path.join(dir, f) }));
  fuzz({ seeds, total: Number(total), seed: Number(seed) }).then((r) => console.log(JSON.stringify(r, null, 1)));
}
