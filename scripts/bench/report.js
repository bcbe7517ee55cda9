// Turns the measurements into the targets of issues 5 and 12 (met or not, with the numbers), the header
// (the CPU, its instruction sets, the measured peak and bandwidth) and the one markdown table `npm run
// bench` prints. Every ratio reads "> 1 means torchvgg is better": throughput ratios are torchvgg / other,
// time ratios are other / torchvgg. A row cut short by its time cap prints "cut at N s".
'use strict';
const { cutText } = require('./timing');

const fmt = (v, digits = 2) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(digits));
const x = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${v.toFixed(2)}×`);
const imgs = (batch, seconds) => (seconds ? batch / seconds : undefined);

const ratio = (a, b) => (a && b ? a / b : undefined);
const maxDefined = (...v) => (v.some((e) => e) ? Math.max(...v.filter((e) => e)) : undefined);

/**
 * rows: one per (setting, batch), with img/s for each side, the ratios, and where a side was cut short,
 * its cap (syncCut, asyncCut, pythonCut, ortCut). With `roof` ({ peak(dtype), roofline(batch, dtype) }):
 * the best torchvgg rate's GFLOP/s, its fraction of the measured peak and of VGG16's roofline.
 */
function throughputRows({ settings, torchvgg, python, ort, roof = null, gflopPerImage = 31 }) {
  return torchvgg.map((r) => {
    const setting = settings.find((s) => s.key === r.setting);
    const py = python.find((p) => p.setting === r.setting && p.batch === r.batch);
    const o = ort && ort.find((p) => p.batch === r.batch);
    const row = {
      setting: r.setting, name: setting.name, label: setting.label ?? setting.name, batch: r.batch,
      syncImgS: imgs(r.batch, r.syncSeconds), asyncImgS: imgs(r.batch, r.asyncSeconds),
      pythonImgS: py && imgs(r.batch, py.seconds), ortImgS: o && imgs(r.batch, o.seconds),
      syncCut: r.syncCut ?? null, asyncCut: r.asyncCut ?? null, pythonCut: py?.cut ?? null, ortCut: o?.cut ?? null,
    };
    row.best = maxDefined(row.syncImgS, row.asyncImgS);
    row.syncVsPython = ratio(row.syncImgS, row.pythonImgS);
    row.asyncVsPython = ratio(row.asyncImgS, row.pythonImgS);
    row.vsOrt = ratio(row.best, row.ortImgS);
    if (roof && row.best) {
      row.gflops = row.best * gflopPerImage;
      const peak = roof.peak(setting.dtype);
      row.ofPeak = peak ? row.gflops / peak : undefined;
      const rl = roof.roofline(r.batch, setting.dtype);
      row.ofRoofline = rl ? row.best / rl : undefined;
    }
    return row;
  });
}

/** Training rows: torchvgg's optim.trainStep and Python eager, img/s, the ratio, and the FLOP rate against the peak. */
function trainingTableRows({ settings, torchvgg, python, peakGflops }) {
  return settings.map((s) => {
    const t = torchvgg.find((r) => r.setting === s.key) ?? {};
    const p = python.find((r) => r.setting === s.key) ?? {};
    const row = {
      setting: s.key, name: s.name, batch: s.batch, imgS: imgs(s.batch, t.seconds), pythonImgS: imgs(s.batch, p.seconds),
      cut: t.cut ?? (t.seconds ? null : undefined), pythonCut: p.cut ?? null,
    };
    row.vsPython = ratio(row.imgS, row.pythonImgS);
    row.gflops = row.imgS && (row.imgS * s.gflop) / s.batch;
    row.ofPeak = ratio(row.gflops, peakGflops);
    return row;
  });
}

const isCut = (cut) => cut !== null && cut !== undefined;
/** A rate cell: the number, the number with "(cut at N s)", "cut at N s" alone, or "–". */
const cell = (v, cut, digits = 2) => {
  if (v === undefined || v === null || Number.isNaN(v)) return isCut(cut) ? cutText(cut) : '–';
  return isCut(cut) ? `${fmt(v, digits)} (${cutText(cut)})` : fmt(v, digits);
};

function cpuTargets(r) {
  const t = [];
  const cells = r.rows.flatMap((row) => [['sync', row.syncVsPython], ['async', row.asyncVsPython]]
    .map(([mode, v]) => ({ label: `${row.name} b${row.batch} ${mode}`, v })));
  const below = cells.filter((c) => !(c.v >= 1));
  t.push({
    target: 'every torchvgg inference row ≥ 1.0× Python (same settings)', met: below.length === 0,
    value: `${cells.length - below.length}/${cells.length} cells ≥ 1.0×; lowest ${below.length ? below.sort((a, b) => (a.v ?? -1) - (b.v ?? -1)).slice(0, 3).map((c) => `${c.label} ${c.v === undefined ? 'cut' : x(c.v)}`).join(', ') : x(Math.min(...cells.map((c) => c.v)))}`,
  });
  const batches = [...new Set(r.rows.map((row) => row.batch))];
  const bestOf = (b, pred, field) => {
    const v = r.rows.filter((row) => row.batch === b && pred(row)).map((row) => row[field]).filter((e) => e !== undefined && !Number.isNaN(e));
    return v.length ? Math.max(...v) : undefined;
  };
  const fp32 = (row) => row.setting.startsWith('fp32');
  if (r.ort.error) {
    t.push({ target: 'best fp32 ≥ 1.0× onnxruntime-node fp32 at every batch', met: false, value: r.ort.error });
  } else {
    const per = batches.map((b) => ({ b, v: bestOf(b, fp32, 'vsOrt') }));
    t.push({ target: 'best fp32 ≥ 1.0× onnxruntime-node fp32 at every batch', met: per.every((p) => p.v >= 1), value: per.map((p) => `b${p.b} ${p.v === undefined ? 'cut' : x(p.v)}`).join(', ') });
    if (r.cpu.nativeBf16) {
      const bf = batches.map((b) => ({ b, v: bestOf(b, (row) => row.setting.startsWith('bf16'), 'vsOrt') }));
      t.push({ target: 'bf16 ≥ 1.7× onnxruntime-node fp32 (native bf16 CPU)', met: bf.every((p) => p.v >= 1.7), value: bf.map((p) => `b${p.b} ${p.v === undefined ? 'cut' : x(p.v)}`).join(', ') });
    }
  }
  if (r.peak) {
    const big = batches.filter((b) => b >= 8);
    const per = big.map((b) => ({ b, v: bestOf(b, fp32, 'ofPeak') }));
    t.push({
      target: 'best fp32 ≥ 80% of the measured fp32 peak at batch 8 and 32', met: per.length > 0 && per.every((p) => p.v >= 0.8),
      value: `${per.map((p) => `b${p.b} ${p.v === undefined ? 'cut' : `${fmt(100 * p.v, 0)}%`}`).join(', ')} of ${fmt(r.peak.gflops, 0)} GFLOP/s`,
    });
  }
  if (!r.cpu.nativeBf16) {
    t.push({
      target: 'bf16 not picked by default without native bf16', met: r.evalDtype === 'float32',
      value: `this CPU has no AVX-512 BF16/AMX-BF16: the bf16 row is emulated and measured short; VGG16's eval() gives ${r.evalDtype} weights`,
    });
  }
  if (r.training) {
    const tr = r.training.rows;
    const low = tr.filter((row) => !(row.vsPython >= 1));
    t.push({
      target: 'training (optim.trainStep) ≥ 1.0× Python eager, same settings', met: tr.length > 0 && low.length === 0,
      value: tr.map((row) => `${row.setting.replace('train-', '')} ${row.vsPython === undefined ? 'cut' : x(row.vsPython)}`).join(', '),
    });
  }
  if (r.int8) {
    const b8 = r.int8.rows.find((row) => row.batch === 8);
    const ratio = b8 && b8.int8ImgS / b8.fp32ImgS;
    t.push({
      target: 'int8 ≥ 2.0× its own fp32 at batch 8 (walkthrough Shapes model)', met: ratio >= 2,
      value: `${x(ratio)} (${fmt(b8?.int8ImgS)} vs ${fmt(b8?.fp32ImgS)} img/s, engine ${r.int8.engine})`,
    });
    t.push({
      target: 'int8 top-1 agreement with fp32 ≥ 99% on the validation set', met: r.int8.agreement >= 0.99,
      value: `${fmt(100 * r.int8.agreement, 1)}% of ${r.int8.validationImages} images (histogram observer; MinMax: ${fmt(100 * r.int8.minmaxAgreement, 1)}%)`,
    });
  }
  const a = r.accuracy;
  if (a) {
    t.push({
      target: 'bf16 logits within 1e-2 relative of fp32, same top-5', met: a.bf16VsFp32 <= 1e-2 && a.top5Same === a.images,
      value: `max rel diff ${a.bf16VsFp32.toExponential(2)}, top-5 same for ${a.top5Same}/${a.images} images `
        + `(PyTorch's own bf16: ${a.pythonBf16VsFp32.toExponential(2)}, ${a.pythonBf16Top5Same}/${a.images}; torchvgg bf16 vs PyTorch bf16 `
        + `${a.bf16VsPythonBf16.toExponential(2)}; smallest 5th-6th logit gap ${a.top5Margin.toExponential(2)} of max |logit|, random-init weights)`,
    });
  }
  if (r.tinyOp) {
    t.push({
      target: 'tiny-op overhead ≤ Python', met: r.tinyOp.ns <= r.tinyOp.pythonNs,
      value: `${fmt(r.tinyOp.ns / 1000)} µs vs ${fmt(r.tinyOp.pythonNs / 1000)} µs (dispose() each: ${fmt(r.tinyOp.disposedNs / 1000)} µs)`,
    });
  }
  if (r.eventLoop) {
    t.push({
      target: 'event-loop delay p99 < 20 ms during back-to-back forwardAsync', met: r.eventLoop.torchvgg.p99Ms < 20,
      value: `p99 ${fmt(r.eventLoop.torchvgg.p99Ms, 1)} ms, max ${fmt(r.eventLoop.torchvgg.maxMs, 1)} ms over ${r.eventLoop.torchvgg.calls} batches`,
    });
  }
  return t;
}

const pct = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${fmt(100 * v, 0)}%`);

function cpuTable(r) {
  const lines = [
    '| measurement | batch | torchvgg sync | torchvgg async | Python PyTorch | onnxruntime-node fp32 | vs Python (sync / async) | vs onnxruntime | vs measured peak (roofline) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    lines.push(`| VGG16 ${row.label ?? row.name}, img/s | ${row.batch} | ${cell(row.syncImgS, row.syncCut)} | ${cell(row.asyncImgS, row.asyncCut)} | ${cell(row.pythonImgS, row.pythonCut)} | ${cell(row.ortImgS, row.ortCut)} | ${x(row.syncVsPython)} / ${x(row.asyncVsPython)} | ${x(row.vsOrt)} | ${row.gflops ? `${pct(row.ofPeak)} (${pct(row.ofRoofline)})` : '–'} |`);
  }
  for (const row of r.pythonOnly) {
    lines.push(`| Python only: ${row.name}, img/s | ${row.batch} | – | – | ${cell(row.pythonImgS, row.pythonCut)} | ${fmt(row.ortImgS)} | – | – | – |`);
  }
  for (const row of r.training?.rows ?? []) {
    lines.push(`| ${row.name} (optim.trainStep vs eager), img/s | ${row.batch} | ${cell(row.imgS, row.cut)} | – | ${cell(row.pythonImgS, row.pythonCut)} | – | ${x(row.vsPython)} | – | ${row.gflops ? pct(row.ofPeak) : '–'} |`);
  }
  if (r.tinyOp) {
    const to = r.tinyOp;
    lines.push(`| 1-element add, µs per call | – | ${fmt(to.ns / 1000)} (dispose() each: ${fmt(to.disposedNs / 1000)}) | – | ${fmt(to.pythonNs / 1000)} | – | ${x(to.pythonNs / to.ns)} | – | – |`);
  }
  for (const row of r.int8?.rows ?? []) {
    lines.push(`| Shapes VGG16 ${r.int8.imageSize}x${r.int8.imageSize}: int8 (${r.int8.engine}) vs its fp32, img/s | ${row.batch} | ${fmt(row.int8ImgS)} int8 | – | ${fmt(row.fp32ImgS)} fp32 (torchvgg) | – | ${x(row.int8ImgS / row.fp32ImgS)} int8/fp32 | – | – |`);
  }
  if (r.int8) lines.push(`| int8 top-1 agreement with fp32 (validation set; histogram observer, MinMax in brackets) | ${r.int8.validationImages} | ${fmt(100 * r.int8.agreement, 1)}% (${fmt(100 * r.int8.minmaxAgreement, 1)}%) | – | – | – | – | – | – |`);
  for (const l of r.load ?? []) {
    lines.push(`| torch.load ${l.name} (553 MB), s | – | ${fmt(l.torchvggSeconds, 3)} | – | ${fmt(l.pythonSeconds, 3)} | – | ${x(l.pythonSeconds / l.torchvggSeconds)} | – | – |`);
  }
  const el = r.eventLoop;
  if (el) lines.push(`| event-loop delay p99 / max, ms, while batches run back to back for ${el.torchvgg.seconds} s | 8 | – | ${fmt(el.torchvgg.p99Ms, 1)} / ${fmt(el.torchvgg.maxMs, 1)} | – | ${el.ort ? `${fmt(el.ort.p99Ms, 1)} / ${fmt(el.ort.maxMs, 1)}` : '–'} | – | – | – |`);
  const a = r.accuracy;
  if (a) {
    lines.push(`| bf16 vs fp32 logits: max rel diff, images with the same top-5 | ${a.images} | – | ${a.bf16VsFp32.toExponential(2)}, ${a.top5Same}/${a.images} | ${a.pythonBf16VsFp32.toExponential(2)}, ${a.pythonBf16Top5Same}/${a.images} | – | – | – | – |`);
    lines.push(`| fp32 logits vs Python fp32: max rel diff, same top-5 | ${a.images} | – | ${a.fp32VsOracle.toExponential(2)}, ${a.fp32Top5SameAsOracle}/${a.images} | – | – | – | – | – |`);
  }
  for (const skipped of r.skipped ?? []) lines.push(`| ${skipped} | – | – | – | – | – | – | – | – |`);
  return lines.join('\n');
}

/** The machine in one paragraph: CPU, instruction sets, cores, libtorch's kernels, measured ceilings. */
function cpuHeader(r) {
  const c = r.cpu;
  const sets = Object.entries(c.flags).filter(([, v]) => v).map(([k]) => k.toUpperCase().replace(/^AVX512(?!_)/, 'AVX512-').replace('AVX512_', 'AVX512-'));
  const lib = c.libtorch;
  const lines = [
    `CPU: ${c.model} (${c.vendor}), ${c.cores.physical} physical / ${c.cores.logical} logical cores; instruction sets: ${sets.join(' ') || 'unknown'}`,
    `    bf16: ${c.nativeBf16 ? 'native' : 'emulated (no native bf16): not picked by default'}; int8 dot product: ${c.nativeInt8 ? 'native' : 'none'}; `
      + `libtorch ${r.libtorch} kernels: ${lib ? `ATen ${lib.aten}, oneDNN ${lib.mkldnn ? 'yes' : 'no'}${lib.mkldnnBf16 === null ? '' : ` (bf16 ${lib.mkldnnBf16 ? 'yes' : 'no'})`}, MKL ${lib.mkl ? 'yes' : 'no'}, OpenMP ${lib.openmp ? 'yes' : 'no'}` : 'unknown (addon without cpuCapability)'}`,
  ];
  if (r.peak) {
    lines.push(`Measured peak: fp32 ${fmt(r.peak.gflops, 1)} GFLOP/s (the better of torch.matmul ${r.peak.sgemm.n}² ${fmt(r.peak.sgemm.gflops, 1)}, through the system BLAS, `
      + `and a oneDNN 1×1 convolution ${fmt(r.peak.conv.gflops, 1)})${r.peak.bf16 ? `; bf16 torch.matmul ${fmt(r.peak.bf16.gflops, 1)} GFLOP/s` : ''}; `
      + `memory ${fmt(r.bandwidth.gbs, 1)} GB/s (copy ${fmt(r.bandwidth.copyGBs, 1)}, add_ ${fmt(r.bandwidth.addGBs, 1)}, ${r.bandwidth.mib} MiB tensors). `
      + `VGG16 = ${fmt(r.vgg16Gflop, 2)} GFLOP per 224×224 image; its roofline here: ${r.roofline.map((e) => `b${e.batch} ${fmt(e.imgS, 1)} img/s`).join(', ')}.`);
  }
  return lines.join('\n');
}

function cudaTargets(r) {
  const cells = r.rows.flatMap((row) => [row.syncVsPython, row.asyncVsPython]);
  const bf16 = r.rows.filter((row) => row.setting === 'bf16-cl');
  const top = bf16[bf16.length - 1];
  return [
    { target: 'every torchvgg GPU row ≥ 1.0× Python eager', met: cells.every((v) => v >= 1), value: `lowest ${x(Math.min(...cells))}` },
    {
      target: 'bf16 channels_last at large batch ≥ 0.5 of the measured matmul rate', met: top.ofMatmul >= 0.5,
      value: `batch ${top.batch}: ${fmt(top.tflops, 1)} TFLOP/s = ${fmt(top.ofMatmul)} of ${fmt(r.matmulTflops, 1)} TFLOP/s`,
    },
  ];
}

function cudaTable(r) {
  const lines = [
    '| VGG16 on the GPU | batch | torchvgg sync img/s | torchvgg async img/s | Python PyTorch img/s | vs Python (sync / async) | torchvgg TFLOP/s | of bf16 matmul rate |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    lines.push(`| ${row.name} | ${row.batch} | ${fmt(row.syncImgS, 1)} | ${fmt(row.asyncImgS, 1)} | ${fmt(row.pythonImgS, 1)} | ${x(row.syncVsPython)} / ${x(row.asyncVsPython)} | ${fmt(row.tflops, 1)} | ${fmt(row.ofMatmul)} |`);
  }
  lines.push(`| bf16 8192×8192 matmul (Python), TFLOP/s | – | – | – | ${fmt(r.matmulTflops, 1)} | – | – | 1.00 |`);
  return lines.join('\n');
}

function printReport(r, table, targets) {
  const budget = r.budget ? ` Time cap ${fmt(r.budget.seconds, 0)} s, used ${fmt(r.budget.usedSeconds, 0)} s; ${r.rounds} round(s)${r.roundsSkipped ? ` (${r.roundsSkipped} skipped to stay within the cap)` : ''}.` : '';
  console.log(`\nVGG16 224×224, ${r.date}, ${r.machine}; libtorch ${r.libtorch} (torchvgg), torch ${r.pythonTorch} (Python)`
    + `${r.ortVersion ? `, onnxruntime-node ${r.ortVersion}` : ''}; ${r.threads} intra-op threads on every side; `
    + `load average ${fmt(r.loadBefore)} before, ${fmt(r.loadAfter)} after.${budget}`);
  if (r.cpu) console.log(cpuHeader(r));
  console.log('Targets (issues 5 and 12):');
  for (const t of targets) console.log(`  [${t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.value}`);
  console.log('\nRatios: > 1× means torchvgg is faster (for times: the other side\'s time / torchvgg\'s). Best of the timed calls after a warm-up. '
    + '"vs measured peak": the best torchvgg rate in GFLOP/s over the measured peak of its dtype, and in brackets over VGG16\'s roofline at that batch.\n');
  console.log(table);
}

module.exports = { throughputRows, trainingTableRows, cpuTargets, cpuTable, cpuHeader, cudaTargets, cudaTable, printReport };
