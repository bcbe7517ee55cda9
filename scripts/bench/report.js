// Turns the measurements into the targets of issue 5 (met or not, with the numbers) and into the one
// markdown table `npm run bench` prints. Every ratio reads "> 1 means torchvgg is better": throughput
// ratios are torchvgg / other, time ratios are other / torchvgg.
'use strict';

const fmt = (v, digits = 2) => (v === undefined || v === null || Number.isNaN(v) ? '–' : v.toFixed(digits));
const x = (v) => (v === undefined || v === null || Number.isNaN(v) ? '–' : `${v.toFixed(2)}×`);
const imgs = (batch, seconds) => (seconds ? batch / seconds : undefined);

/** rows: one per (setting, batch), with img/s for each side and the ratios. */
function throughputRows({ settings, torchvgg, python, ort }) {
  return torchvgg.map((r) => {
    const setting = settings.find((s) => s.key === r.setting);
    const py = python.find((p) => p.setting === r.setting && p.batch === r.batch);
    const o = ort && ort.find((p) => p.batch === r.batch);
    const row = {
      setting: r.setting, name: setting.name, batch: r.batch,
      syncImgS: imgs(r.batch, r.syncSeconds), asyncImgS: imgs(r.batch, r.asyncSeconds),
      pythonImgS: py && imgs(r.batch, py.seconds), ortImgS: o && imgs(r.batch, o.seconds),
    };
    row.best = Math.max(row.syncImgS, row.asyncImgS);
    row.syncVsPython = row.pythonImgS && row.syncImgS / row.pythonImgS;
    row.asyncVsPython = row.pythonImgS && row.asyncImgS / row.pythonImgS;
    row.vsOrt = row.ortImgS && row.best / row.ortImgS;
    return row;
  });
}

function cpuTargets(r) {
  const t = [];
  const cells = r.rows.flatMap((row) => [['sync', row.syncVsPython], ['async', row.asyncVsPython]]
    .map(([mode, v]) => ({ label: `${row.name} b${row.batch} ${mode}`, v })));
  const below = cells.filter((c) => !(c.v >= 1));
  t.push({
    target: 'every torchvgg row ≥ 1.0× Python (same settings)', met: below.length === 0,
    value: `${cells.length - below.length}/${cells.length} cells ≥ 1.0×; lowest ${below.length ? below.sort((a, b) => a.v - b.v).slice(0, 3).map((c) => `${c.label} ${x(c.v)}`).join(', ') : x(Math.min(...cells.map((c) => c.v)))}`,
  });
  if (r.ort.error) {
    t.push({ target: 'best fp32 ≥ 1.0× onnxruntime-node fp32', met: false, value: r.ort.error });
    t.push({ target: 'bf16 ≥ 1.7× onnxruntime-node fp32', met: false, value: r.ort.error });
  } else {
    const batches = [...new Set(r.rows.map((row) => row.batch))];
    const perBatch = (pred) => batches.map((b) => {
      const best = Math.max(...r.rows.filter((row) => row.batch === b && pred(row)).map((row) => row.vsOrt));
      return { b, best };
    });
    const fp32 = perBatch((row) => row.setting.startsWith('fp32'));
    const bf16 = perBatch((row) => row.setting.startsWith('bf16'));
    t.push({ target: 'best fp32 ≥ 1.0× onnxruntime-node fp32 (stretch)', met: fp32.every((p) => p.best >= 1), value: fp32.map((p) => `b${p.b} ${x(p.best)}`).join(', ') });
    t.push({ target: 'bf16 ≥ 1.7× onnxruntime-node fp32', met: bf16.every((p) => p.best >= 1.7), value: bf16.map((p) => `b${p.b} ${x(p.best)}`).join(', ') });
  }
  const a = r.accuracy;
  t.push({
    target: 'bf16 logits within 1e-2 relative of fp32, same top-5', met: a.bf16VsFp32 <= 1e-2 && a.top5Same === a.images,
    value: `max rel diff ${a.bf16VsFp32.toExponential(2)}, top-5 same for ${a.top5Same}/${a.images} images `
      + `(PyTorch's own bf16: ${a.pythonBf16VsFp32.toExponential(2)}, ${a.pythonBf16Top5Same}/${a.images}; torchvgg bf16 vs PyTorch bf16 `
      + `${a.bf16VsPythonBf16.toExponential(2)}; smallest 5th-6th logit gap ${a.top5Margin.toExponential(2)} of max |logit|, random-init weights)`,
  });
  t.push({
    target: 'tiny-op overhead ≤ Python', met: r.tinyOp.ns <= r.tinyOp.pythonNs,
    value: `${fmt(r.tinyOp.ns / 1000)} µs vs ${fmt(r.tinyOp.pythonNs / 1000)} µs (dispose() each: ${fmt(r.tinyOp.disposedNs / 1000)} µs)`,
  });
  t.push({
    target: 'event-loop delay p99 < 20 ms during back-to-back forwardAsync', met: r.eventLoop.torchvgg.p99Ms < 20,
    value: `p99 ${fmt(r.eventLoop.torchvgg.p99Ms, 1)} ms, max ${fmt(r.eventLoop.torchvgg.maxMs, 1)} ms over ${r.eventLoop.torchvgg.calls} batches`,
  });
  return t;
}

function cpuTable(r) {
  const lines = [
    '| measurement | batch | torchvgg sync | torchvgg async | Python PyTorch | onnxruntime-node fp32 | vs Python (sync / async) | vs onnxruntime |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of r.rows) {
    lines.push(`| VGG16 ${row.name}, img/s | ${row.batch} | ${fmt(row.syncImgS)} | ${fmt(row.asyncImgS)} | ${fmt(row.pythonImgS)} | ${fmt(row.ortImgS)} | ${x(row.syncVsPython)} / ${x(row.asyncVsPython)} | ${x(row.vsOrt)} |`);
  }
  for (const row of r.pythonOnly) {
    lines.push(`| Python only: ${row.name}, img/s | ${row.batch} | – | – | ${fmt(row.pythonImgS)} | ${fmt(row.ortImgS)} | – | – |`);
  }
  const to = r.tinyOp;
  lines.push(`| 1-element add, µs per call | – | ${fmt(to.ns / 1000)} (dispose() each: ${fmt(to.disposedNs / 1000)}) | – | ${fmt(to.pythonNs / 1000)} | – | ${x(to.pythonNs / to.ns)} | – |`);
  for (const l of r.load) {
    lines.push(`| torch.load ${l.name} (553 MB), s | – | ${fmt(l.torchvggSeconds, 3)} | – | ${fmt(l.pythonSeconds, 3)} | – | ${x(l.pythonSeconds / l.torchvggSeconds)} | – |`);
  }
  const el = r.eventLoop;
  lines.push(`| event-loop delay p99 / max, ms, while batches run back to back for ${el.torchvgg.seconds} s | 8 | – | ${fmt(el.torchvgg.p99Ms, 1)} / ${fmt(el.torchvgg.maxMs, 1)} | – | ${el.ort ? `${fmt(el.ort.p99Ms, 1)} / ${fmt(el.ort.maxMs, 1)}` : '–'} | – | – |`);
  const a = r.accuracy;
  lines.push(`| bf16 vs fp32 logits: max rel diff, images with the same top-5 | ${a.images} | – | ${a.bf16VsFp32.toExponential(2)}, ${a.top5Same}/${a.images} | ${a.pythonBf16VsFp32.toExponential(2)}, ${a.pythonBf16Top5Same}/${a.images} | – | – | – |`);
  lines.push(`| fp32 logits vs Python fp32: max rel diff, same top-5 | ${a.images} | – | ${a.fp32VsOracle.toExponential(2)}, ${a.fp32Top5SameAsOracle}/${a.images} | – | – | – | – |`);
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
  console.log(`\nVGG16 224×224, ${r.date}, ${r.machine}; libtorch ${r.libtorch} (torchvgg), torch ${r.pythonTorch} (Python)`
    + `${r.ortVersion ? `, onnxruntime-node ${r.ortVersion}` : ''}; ${r.threads} intra-op threads on every side; `
    + `load average ${fmt(r.loadBefore)} before, ${fmt(r.loadAfter)} after.`);
  console.log('Targets (issue 5):');
  for (const t of targets) console.log(`  [${t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.value}`);
  console.log('\nRatios: > 1× means torchvgg is faster (for times: the other side\'s time / torchvgg\'s). Best of the timed calls after a warm-up.\n');
  console.log(table);
}

module.exports = { throughputRows, cpuTargets, cpuTable, cudaTargets, cudaTable, printReport };
