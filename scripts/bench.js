#!/usr/bin/env node
// `npm run bench`: VGG16 inference measured side by side in one run — torchvgg (sync and async), Python
// PyTorch (Debian's python3-torch, the same libtorch) and onnxruntime-node — with the same weights and
// thread count, then the extras of issue 5. Prints the targets and one markdown table, and writes
// everything to .cache/bench/results.json.
//
//   node scripts/bench.js [--device cpu|cuda] [--batches 1,8,32] [--rounds 2] [--quick]
//
// Throughput rows run in rounds (default 2): Python, torchvgg, onnxruntime, then again; each row keeps
// its best round. --quick (batches 1 and 8, one round, one timed call per row, 3 s of event-loop
// sampling) is for trying changes.
// The pieces live in scripts/bench/: one file per side or measurement.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch } = require('..');
const { benchLoad, ensureCheckpoints, BENCH_DIR } = require('./bench-load');
const { CPU_SETTINGS, PYTHON_ONLY_SETTINGS } = require('./bench/settings');
const { DEFAULT_TIMING, bestOfRounds } = require('./bench/timing');
const { prepare, pythonBench } = require('./bench/python');
const { torchvggRows, loadedVgg16 } = require('./bench/torchvgg-rows');
const { ortSession, ortRows } = require('./bench/ort-rows');
const { tinyOp } = require('./bench/tiny-op');
const { eventLoopDelay } = require('./bench/event-loop');
const { readAccuracyInputs, bf16Accuracy } = require('./bench/accuracy');
const { cudaBench } = require('./bench/cuda');
const report = require('./bench/report');

function parseArgs(argv) {
  const opts = { device: 'cpu', batches: null, quick: false, rounds: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--device') opts.device = argv[++i];
    else if (a.startsWith('--device=')) opts.device = a.slice(9);
    else if (a === '--batches') opts.batches = argv[++i];
    else if (a.startsWith('--batches=')) opts.batches = a.slice(10);
    else if (a === '--quick') opts.quick = true;
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: bench.js [--device cpu|cuda] [--batches 1,8,32] [--rounds 2] [--quick]`);
  }
  if (!['cpu', 'cuda'].includes(opts.device)) throw new Error(`--device must be cpu or cuda; got ${opts.device}`);
  opts.rounds = opts.rounds ?? (opts.quick ? 1 : 2);
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new Error('--rounds takes a positive integer');
  if (opts.batches !== null) {
    opts.batches = String(opts.batches).split(',').map(Number);
    if (!opts.batches.every((b) => Number.isInteger(b) && b > 0)) throw new Error('--batches takes positive integers: 1,8,32');
  }
  return opts;
}

const log = (msg) => console.error(`bench: ${msg}`);

function machine() {
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
}

async function cpuBench(opts, stateDict, weightsPath, threads) {
  const quick = opts.quick;
  const batches = opts.batches ?? (quick ? [1, 8] : [1, 8, 32]);
  const timing = quick ? { minIters: 1, minSeconds: 0, maxIters: 1 } : DEFAULT_TIMING;
  const files = prepare(weightsPath, BENCH_DIR);

  const ort = await ortSession(files.onnx, threads);
  if (ort.error) log(ort.error);
  const rounds = { python: [], torchvgg: [], ort: [] };
  let python;
  let pythonTinyOpNs;
  for (let round = 1; round <= opts.rounds; round++) {
    log(`round ${round}/${opts.rounds}: Python PyTorch rows (batches ${batches.join(', ')}) ...`);
    python = pythonBench({
      device: 'cpu', threads, weights: weightsPath, settings: [...CPU_SETTINGS, ...PYTHON_ONLY_SETTINGS], batches,
      tinyOp: round === 1, ...timing,
    });
    if (python.threads !== threads) throw new Error(`Python ran with ${python.threads} threads, torchvgg with ${threads}`);
    rounds.python.push(python.rows);
    if (round === 1) pythonTinyOpNs = python.tinyOpNs;
    log(`round ${round}/${opts.rounds}: torchvgg rows ...`);
    rounds.torchvgg.push(await torchvggRows({ settings: CPU_SETTINGS, batches, stateDict, timing, log }));
    if (!ort.error) {
      log(`round ${round}/${opts.rounds}: onnxruntime-node rows ...`);
      rounds.ort.push(await ortRows({ ort, batches, timing, log }));
    }
  }
  python.rows = bestOfRounds(rounds.python);
  const torchvgg = bestOfRounds(rounds.torchvgg);
  const ortResults = ort.error ? null : bestOfRounds(rounds.ort);

  log('tiny op ...');
  const tiny = await tinyOp({ calls: quick ? 50000 : 200000 });

  log('bf16 accuracy ...');
  const fp32Model = loadedVgg16(stateDict).eval();
  const bf16Model = loadedVgg16(stateDict).eval().to({ dtype: torch.bfloat16, memoryFormat: torch.channelsLast });
  const inputs = readAccuracyInputs(files.accuracy, path.join(BENCH_DIR, 'accuracy.json'));
  const accuracy = await bf16Accuracy({ fp32Model, bf16Model, inputs });

  const seconds = quick ? 3 : 10;
  log(`event-loop delay, ${seconds} s of forwardAsync batch 8 back to back ...`);
  const x8 = torch.randn(8, 3, 224, 224);
  const eventLoop = { torchvgg: await eventLoopDelay(async () => (await fp32Model.forwardAsync(x8)).dispose(), { seconds }) };
  if (!ort.error) {
    log(`event-loop delay, ${seconds} s of onnxruntime-node session.run batch 8 back to back ...`);
    const feeds = ort.input(8);
    eventLoop.ort = await eventLoopDelay(() => ort.session.run(feeds), { seconds });
  }

  log('checkpoint load (scripts/bench-load.js) ...');
  const load = await benchLoad();

  const rows = report.throughputRows({ settings: CPU_SETTINGS, torchvgg, python: python.rows, ort: ortResults });
  const pythonOnly = PYTHON_ONLY_SETTINGS.flatMap((setting) => python.rows.filter((p) => p.setting === setting.key).map((p) => {
    const o = ortResults && ortResults.find((r) => r.batch === p.batch);
    return { setting: p.setting, name: setting.name, batch: p.batch, pythonImgS: p.batch / p.seconds, ortImgS: o && p.batch / o.seconds };
  }));
  return {
    rounds: opts.rounds, rows, pythonOnly, tinyOp: { ...tiny, pythonNs: pythonTinyOpNs }, load, eventLoop, accuracy,
    ort: ort.error ? { error: ort.error } : { version: ort.version }, ortVersion: ort.version, pythonTorch: python.torch,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // The same intra-op thread count on every side: all cores, as the addon sets at load.
  const threads = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  if (torch.getNumThreads() !== threads) torch.setNumThreads(threads);
  if (opts.device === 'cuda' && !torch.cuda.isAvailable()) {
    throw new Error('CUDA is not available: torch.cuda.isAvailable() is false (this addon was built against a '
      + 'CPU libtorch, or no GPU is visible).');
  }
  // One VGG16 state dict with a fixed seed (torch.manual_seed(0), torchvision's init), saved once:
  // torchvgg loads it, Python loads it, and Python exports it to ONNX for onnxruntime.
  const weightsPath = path.join(BENCH_DIR, 'vgg16.pt');
  if (opts.device === 'cpu') {
    ensureCheckpoints();
  } else if (!fs.existsSync(weightsPath)) {
    // GPU hosts may lack torchvision, which ensureCheckpoints() uses: torchvgg's init is torchvision's.
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    torch.manualSeed(0);
    torch.save(require('..').models.vgg16().stateDict(), weightsPath);
  }
  const stateDict = torch.load(weightsPath);

  const base = {
    date: new Date().toISOString().slice(0, 10), machine: machine(), libtorch: torch.version.libtorch,
    node: process.version, threads, device: opts.device,
    // Other work on the machine skews every row; the 1-minute load average before and after says how much.
    loadBefore: os.loadavg()[0],
  };
  let results;
  let table;
  let targets;
  if (opts.device === 'cuda') {
    const cuda = await cudaBench({ stateDict, weightsPath, batches: opts.batches ?? undefined, log });
    results = { ...base, ...cuda, machine: `${cuda.gpu}; host ${base.machine}` };
    targets = report.cudaTargets(results);
    table = report.cudaTable(results);
  } else {
    results = { ...base, ...(await cpuBench(opts, stateDict, weightsPath, threads)) };
    targets = report.cpuTargets(results);
    table = report.cpuTable(results);
  }
  results.loadAfter = os.loadavg()[0];
  results.targets = targets;
  results.table = table;
  // A --quick run never overwrites a full run's results.
  const out = path.join(BENCH_DIR, `results${opts.device === 'cuda' ? '-cuda' : ''}${opts.quick ? '-quick' : ''}.json`);
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  report.printReport(results, table, targets);
  console.log(`\n(results written to ${path.relative(process.cwd(), out)})`);
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
