#!/usr/bin/env node
// `npm run bench`: VGG16 inference measured side by side in one run — torchvgg (sync and async), Python
// PyTorch (Debian's python3-torch, the same libtorch) and onnxruntime-node — with the same weights and
// thread count, then the extras of issue 5. Prints the targets and one markdown table, and writes
// everything to .cache/bench/results.json.
//
//   node scripts/bench.js [--device cpu|cuda] [--batches 1,8,32] [--rounds 2] [--quick] [--budget SECONDS]
//
// The header says which CPU ran it (torch.backends.cpu.capability(): model, instruction sets, libtorch's
// kernels) and what this machine can do at most: the fp32 peak (torch.matmul and a oneDNN 1×1 convolution),
// memory bandwidth, and VGG16's roofline from them; every VGG16 row is also given as a fraction of those.
// Time cap: the whole CPU run stays within --budget seconds (default 540, --quick 110), so it finishes in
// under 10 minutes on a slow 2-core machine too: every row has a cap, a row that would not fit is cut
// short and says "cut at N s", and a second round is skipped when the first one used its share.
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
const { CPU_SETTINGS, PYTHON_ONLY_SETTINGS, VGG16_GFLOP } = require('./bench/settings');
const { DEFAULT_TIMING, Budget, Rates, bestOfRounds, fmtRate } = require('./bench/timing');
const { measurePeak, measureConvPeak, measureBandwidth, rooflineImgS, vgg16Gflop } = require('./bench/roofline');
const { trainingRows } = require('./bench/training');
const { prepare, pythonBench } = require('./bench/python');
const { torchvggRows, loadedVgg16 } = require('./bench/torchvgg-rows');
const { ortSession, ortRows } = require('./bench/ort-rows');
const { tinyOp } = require('./bench/tiny-op');
const { int8Rows } = require('./bench/int8');
const { eventLoopDelay } = require('./bench/event-loop');
const { readAccuracyInputs, bf16Accuracy } = require('./bench/accuracy');
const { cudaBench } = require('./bench/cuda');
const report = require('./bench/report');

function parseArgs(argv) {
  const opts = { device: 'cpu', batches: null, quick: false, rounds: null, budget: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--device') opts.device = argv[++i];
    else if (a.startsWith('--device=')) opts.device = a.slice(9);
    else if (a === '--batches') opts.batches = argv[++i];
    else if (a.startsWith('--batches=')) opts.batches = a.slice(10);
    else if (a === '--quick') opts.quick = true;
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--budget') opts.budget = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: bench.js [--device cpu|cuda] [--batches 1,8,32] [--rounds 2] [--quick] [--budget SECONDS]`);
  }
  if (!['cpu', 'cuda'].includes(opts.device)) throw new Error(`--device must be cpu or cuda; got ${opts.device}`);
  opts.rounds = opts.rounds ?? (opts.quick ? 1 : 2);
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new Error('--rounds takes a positive integer');
  opts.budget = opts.budget ?? (opts.quick ? 110 : 540);
  if (!(opts.budget > 0)) throw new Error('--budget takes a number of seconds');
  if (opts.batches !== null) {
    opts.batches = String(opts.batches).split(',').map(Number);
    if (!opts.batches.every((b) => Number.isInteger(b) && b > 0)) throw new Error('--batches takes positive integers: 1,8,32');
  }
  return opts;
}

const log = (msg) => console.error(`bench: ${msg}`);

function machine(cpu) {
  const sets = ['avx512_bf16', 'amx_bf16', 'avx512_vnni', 'avx512f', 'avx2'].filter((f) => cpu.flags[f]);
  return `${cpu.cores.logical} cores (${cpu.model}, ${sets.length ? sets.join('/') : 'no AVX2'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`;
}

/** The inference settings as measured here: bf16 without native bf16 is labelled so and given a quarter of the time. */
function cpuSettings(cpu) {
  return CPU_SETTINGS.map((s) => (s.dtype !== 'bfloat16' || cpu.nativeBf16 ? s
    : { ...s, label: `${s.name} — emulated (no native bf16): not picked by default`, capFactor: 0.25 }));
}

/** fp32 (and, where the CPU has it, bf16) peak, memory bandwidth, and VGG16's roofline from them. */
function ceilings(quick, cpu) {
  log('measuring the fp32 peak (torch.matmul, oneDNN 1×1 convolution) and memory bandwidth ...');
  const sgemm = measurePeak({ quick });
  const conv = measureConvPeak({ quick });
  const bf16 = cpu.nativeBf16 ? measurePeak({ quick, dtype: 'bfloat16', sizes: [2048] }) : null;
  const bandwidth = measureBandwidth({ quick });
  const peak = { gflops: Math.max(sgemm.gflops, conv.gflops), sgemm, conv, bf16 };
  const roof = {
    peak: (dtype) => (dtype === 'float32' ? peak.gflops : dtype === 'bfloat16' ? bf16?.gflops : undefined),
    roofline: (batch, dtype) => {
      const p = roof.peak(dtype);
      return p ? rooflineImgS({ batch, peakGflops: p, bandwidthGBs: bandwidth.gbs, elementBytes: dtype === 'float32' ? 4 : 2 }) : undefined;
    },
  };
  log(`fp32 peak ${peak.gflops.toFixed(1)} GFLOP/s (matmul ${sgemm.gflops.toFixed(1)}, oneDNN conv ${conv.gflops.toFixed(1)})`
    + `${bf16 ? `, bf16 matmul ${bf16.gflops.toFixed(1)}` : ''}; memory ${bandwidth.gbs.toFixed(1)} GB/s`);
  return { peak, bandwidth, roof };
}

async function cpuBench(opts, stateDict, weightsPath, threads, total, cpu) {
  const quick = opts.quick;
  const batches = opts.batches ?? (quick ? [1, 8] : [1, 8, 32]);
  const timing = quick ? { minIters: 1, minSeconds: 0, maxIters: 1 } : DEFAULT_TIMING;
  // The most one row may take (warm-up included), and what the extras after the throughput rows need.
  const rowCap = quick ? 8 : 30;
  const trainCap = quick ? 12 : 90;
  const reserve = quick ? 25 : 70;
  const skipped = [];
  const { peak, bandwidth, roof } = ceilings(quick, cpu);
  const settings = cpuSettings(cpu);
  // First guesses of each kind of call's rate (GFLOP/s), replaced by what each row measures.
  const fp32Rate = (rates) => Math.max(0.5 * peak.gflops, ...[...rates.known].filter(([k]) => k.startsWith('fp32')).map(([, v]) => v));
  // Training: the fastest training kind measured so far, else 60% of the fp32 inference rate (backward
  // runs somewhat below forward's rate).
  const trainRate = (rates) => Math.max(0.6 * fp32Rate(rates), ...[...rates.known].filter(([k]) => k.startsWith('train')).map(([, v]) => v));
  const rates = new Rates((key) => {
    if (key.startsWith('bf16')) return cpu.nativeBf16 ? peak.gflops : 0.1 * peak.gflops;
    if (key.startsWith('train')) return trainRate(rates);
    return 0.5 * peak.gflops;
  });
  const initialRates = (keys) => Object.fromEntries(keys.map((k) => [k, 1 / rates.predict(k, 1)]));

  const files = prepare(weightsPath, BENCH_DIR);
  const ort = await ortSession(files.onnx, threads);
  if (ort.error) log(ort.error);

  const inference = new Budget(Math.max(0, total.left() - reserve) * 0.62, total);
  const rounds = { python: [], torchvgg: [], ort: [] };
  let python;
  let pythonTinyOpNs;
  let roundsDone = 0;
  let lastRound = 0;
  for (let round = 1; round <= opts.rounds; round++) {
    if (round > 1 && lastRound * 1.1 > inference.left()) {
      log(`round ${round}/${opts.rounds} skipped: ${inference.left().toFixed(0)} s left of the inference time, the last round took ${lastRound.toFixed(0)} s`);
      break;
    }
    const roundStart = Date.now();
    const roundBudget = inference.part(1 / (opts.rounds - round + 1));
    const pyBudget = roundBudget.part(0.4);
    log(`round ${round}/${opts.rounds}: Python PyTorch rows (batches ${batches.join(', ')}; ${pyBudget.left().toFixed(0)} s at most) ...`);
    python = pythonBench({
      device: 'cpu', threads, weights: weightsPath, settings: [...settings, ...PYTHON_ONLY_SETTINGS], batches,
      tinyOp: round === 1, ...timing, budget: pyBudget.left(), rowCap,
      rates: initialRates([...settings, ...PYTHON_ONLY_SETTINGS].map((s) => s.key)), gflopPerImage: VGG16_GFLOP,
    });
    if (python.threads !== threads) throw new Error(`Python ran with ${python.threads} threads, torchvgg with ${threads}`);
    for (const r of python.rows) {
      log(`Python ${[...settings, ...PYTHON_ONLY_SETTINGS].find((st) => st.key === r.setting).name} batch ${r.batch}: ${fmtRate(r.batch, r)}`);
    }
    rounds.python.push(python.rows);
    if (round === 1) pythonTinyOpNs = python.tinyOpNs;
    const tvBudget = roundBudget.part(0.75);
    log(`round ${round}/${opts.rounds}: torchvgg rows (${tvBudget.left().toFixed(0)} s at most) ...`);
    rounds.torchvgg.push(await torchvggRows({
      settings, batches, stateDict, timing, log, budget: tvBudget, rowCap, rates, capOf: (s) => s.capFactor ?? 1,
    }));
    if (!ort.error) {
      log(`round ${round}/${opts.rounds}: onnxruntime-node rows (${roundBudget.left().toFixed(0)} s at most) ...`);
      rounds.ort.push(await ortRows({ ort, batches, timing, log, budget: roundBudget, rowCap, rates }));
    }
    roundsDone = round;
    lastRound = (Date.now() - roundStart) / 1000;
  }
  python.rows = bestOfRounds(rounds.python);
  const torchvgg = bestOfRounds(rounds.torchvgg);
  const ortResults = ort.error ? null : bestOfRounds(rounds.ort);

  // int8 before training: its rows take ~20 s on 2 cores (quantize 7 s, agreement, 3 batch sizes) and are
  // one of issue 12's targets, while the training rows can use whatever time is left and say when cut.
  let int8 = null;
  if (total.left() - reserve > 40) {
    int8 = await int8Rows({ budget: new Budget(Math.min(40, total.left() - reserve), total), log });
    if (int8.skipped) { skipped.push(int8.skipped); int8 = null; }
  } else {
    skipped.push(`int8 rows: skipped (${total.left().toFixed(0)} s left of the time cap; they need about 40 s)`);
  }

  const train = await trainingRows({
    stateDict, weightsPath, threads, timing, budget: new Budget(Math.max(0, total.left() - reserve), total), rowCap: trainCap, rates, log,
  });
  const training = { ...train, rows: report.trainingTableRows({ ...train, peakGflops: peak.gflops }) };

  log('tiny op ...');
  const tiny = await tinyOp({ calls: quick ? 50000 : 200000 });

  const fp32Model = loadedVgg16(stateDict).eval();
  let accuracy = null;
  const bf16Predicted = rates.predict('bf16-cl', VGG16_GFLOP * 8);
  if (bf16Predicted < Math.max(5, total.left() / 6)) {
    log('bf16 accuracy ...');
    const bf16Model = loadedVgg16(stateDict).eval().to({ dtype: torch.bfloat16, memoryFormat: torch.channelsLast });
    const inputs = readAccuracyInputs(files.accuracy, path.join(BENCH_DIR, 'accuracy.json'));
    accuracy = await bf16Accuracy({ fp32Model, bf16Model, inputs });
  } else {
    skipped.push(`bf16 vs fp32 logits: skipped (a bf16 batch of 8 would take ~${bf16Predicted.toFixed(0)} s, ${total.left().toFixed(0)} s left)`);
  }

  const seconds = Math.max(2, Math.min(quick ? 3 : 10, (total.left() - 20) / 3));
  log(`event-loop delay, ${seconds.toFixed(0)} s of forwardAsync batch 8 back to back ...`);
  const x8 = torch.randn(8, 3, 224, 224);
  const eventLoop = { torchvgg: await eventLoopDelay(async () => (await fp32Model.forwardAsync(x8)).dispose(), { seconds }) };
  if (!ort.error) {
    log(`event-loop delay, ${seconds.toFixed(0)} s of onnxruntime-node session.run batch 8 back to back ...`);
    const feeds = ort.input(8);
    eventLoop.ort = await eventLoopDelay(() => ort.session.run(feeds), { seconds });
  }

  let load = [];
  if (total.left() > 15) {
    log('checkpoint load (scripts/bench-load.js) ...');
    load = await benchLoad();
  } else {
    skipped.push(`torch.load rows: skipped (${total.left().toFixed(0)} s left of the time cap)`);
  }

  const rows = report.throughputRows({ settings, torchvgg, python: python.rows, ort: ortResults, roof, gflopPerImage: VGG16_GFLOP });
  const pythonOnly = PYTHON_ONLY_SETTINGS.flatMap((setting) => python.rows.filter((p) => p.setting === setting.key).map((p) => {
    const o = ortResults && ortResults.find((r) => r.batch === p.batch);
    return { setting: p.setting, name: setting.name, batch: p.batch, pythonImgS: p.seconds && p.batch / p.seconds, pythonCut: p.cut, ortImgS: o && o.seconds && p.batch / o.seconds };
  }));
  return {
    // what eval() picked on this CPU: bf16 must never be the default where it is emulated
    evalDtype: fp32Model.features[0].weight.dtype,
    rounds: roundsDone, roundsSkipped: opts.rounds - roundsDone, rows, pythonOnly, training,
    tinyOp: { ...tiny, pythonNs: pythonTinyOpNs }, int8, load, eventLoop, accuracy, skipped,
    peak, bandwidth, vgg16Gflop: vgg16Gflop(224),
    roofline: batches.map((b) => ({ batch: b, imgS: roof.roofline(b, 'float32') })),
    rates: rates.toJSON(),
    ort: ort.error ? { error: ort.error } : { version: ort.version }, ortVersion: ort.version, pythonTorch: python.torch,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const total = new Budget(opts.budget);
  const startedAt = Date.now();
  const cpu = torch.backends.cpu.capability();
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
    date: new Date().toISOString().slice(0, 10), machine: machine(cpu), libtorch: torch.version.libtorch, cpu,
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
    log(`${cpu.model}: ${Object.entries(cpu.flags).filter(([, v]) => v).map(([k]) => k).join(' ')}; bf16 ${cpu.nativeBf16 ? 'native' : 'emulated'}; `
      + `time cap ${opts.budget} s`);
    results = { ...base, ...(await cpuBench(opts, stateDict, weightsPath, threads, total, cpu)) };
    results.budget = { seconds: opts.budget, usedSeconds: (Date.now() - startedAt) / 1000 };
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
