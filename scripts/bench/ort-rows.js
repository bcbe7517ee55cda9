// onnxruntime-node's rows: fp32 on the Python oracle's ONNX export of the same weights, with as many
// intra-op threads as torchvgg and Python use.
'use strict';
const { bestSeconds, fmtRate } = require('./timing');
const { VGG16_GFLOP } = require('./settings');

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    return { error: `onnxruntime-node did not load (${e.message.split('\n')[0]}); npm install --save-dev onnxruntime-node --ignore-scripts` };
  }
}

async function ortSession(onnxPath, threads) {
  const ort = loadOrt();
  if (ort.error) return ort;
  const session = await ort.InferenceSession.create(onnxPath, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const version = require('onnxruntime-node/package.json').version;
  const input = (batch) => {
    const data = new Float32Array(batch * 3 * 224 * 224);
    for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
    return { [session.inputNames[0]]: new ort.Tensor('float32', data, [batch, 3, 224, 224]) };
  };
  return { session, input, version };
}

/** budget, rowCap, rates: the time caps of timing.js, as for torchvgg's rows (rates keyed 'ort'). */
async function ortRows({ ort, batches, timing, log = () => {}, budget = null, rowCap = Infinity, rates = null }) {
  const rows = [];
  let rowsLeft = batches.length;
  for (const batch of batches) {
    const feeds = ort.input(batch);
    const gflop = VGG16_GFLOP * batch;
    const r = await bestSeconds(() => ort.session.run(feeds), {
      ...timing, cap: budget ? budget.cap(rowCap, rowsLeft--) : rowCap, predicted: rates ? rates.predict('ort', gflop) : 0,
    });
    if (rates) rates.record('ort', gflop, r);
    rows.push({ batch, seconds: r.seconds, iters: r.iters, cut: r.cut });
    log(`onnxruntime-node fp32 batch ${batch}: ${fmtRate(batch, r)}`);
  }
  return rows;
}

module.exports = { ortSession, ortRows };
