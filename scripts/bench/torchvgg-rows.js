// torchvgg's throughput rows: VGG16 with the bench weights, per setting and batch, timed sync
// (torch.inferenceMode(() => model.forward(x))) and async (await model.forwardAsync(x), inference mode).
// Each row is capped in time (timing.js): `budget` is this side's allowance for the round, `rowCap` the
// most one row may take, `rates` predicts a call's time before it is made.
'use strict';
const { torch, models } = require('../..');
const { bestSeconds, fmtRate, turn } = require('./timing');
const { VGG16_GFLOP } = require('./settings');

function loadedVgg16(stateDict) {
  const model = models.vgg16({ initWeights: false });
  model.loadStateDict(stateDict);
  return model;
}

/**
 * The model for a setting. eval() on the CPU moves conv weights to channels_last and each conv converts
 * its input; the NCHW row opts out with to({ memoryFormat: torch.contiguousFormat }) before eval().
 */
function modelFor(setting, stateDict, device) {
  const vgg = loadedVgg16(stateDict);
  if (device === 'cpu' && setting.format === 'nchw') {
    const model = vgg.to({ memoryFormat: torch.contiguousFormat }).eval();
    const w = vgg.features[0].weight;
    if (!w.isContiguous() || w.isContiguous(torch.channelsLast)) throw new Error('the NCHW model is not NCHW');
    return model;
  }
  vgg.eval();
  if (device !== 'cpu' || setting.dtype !== 'float32') {
    vgg.to({ device, dtype: setting.dtype, memoryFormat: torch.channelsLast });
  }
  return vgg;
}

function inputFor(setting, batch, device) {
  const x = torch.randn(batch, 3, 224, 224);
  // The fp32 default takes the NCHW input users pass: its forward converts it (cost included).
  if (device === 'cpu' && setting.dtype === 'float32') return x;
  return x.to({ device, dtype: setting.dtype, memoryFormat: torch.channelsLast });
}

async function torchvggRows({ settings, batches, stateDict, device = 'cpu', timing, log = () => {}, budget = null, rowCap = Infinity, rates = null, capOf = () => 1 }) {
  const rows = [];
  let rowsLeft = settings.length * batches.length * 2; // sync and async
  for (const setting of settings) {
    const model = modelFor(setting, stateDict, device);
    for (const batch of batches) {
      const x = inputFor(setting, batch, device);
      // The logits come back to the host, as in python_bench.py; on CUDA that also waits for the GPU.
      const finish = (y) => {
        const host = y.cpu();
        if (host !== y) host.dispose();
        y.dispose();
      };
      const gflop = VGG16_GFLOP * batch;
      const limits = () => ({
        ...timing,
        cap: budget ? budget.cap(rowCap * capOf(setting), rowsLeft--) : rowCap * capOf(setting),
        predicted: rates ? rates.predict(setting.key, gflop) : 0,
      });
      const sync = await bestSeconds(() => finish(torch.inferenceMode(() => model.forward(x))), limits());
      if (rates) rates.record(setting.key, gflop, sync);
      await turn();
      const async = await bestSeconds(async () => finish(await model.forwardAsync(x)), limits());
      if (rates) rates.record(setting.key, gflop, async);
      x.dispose();
      rows.push({
        setting: setting.key, batch, syncSeconds: sync.seconds, asyncSeconds: async.seconds, iters: sync.iters + async.iters,
        syncCut: sync.cut, asyncCut: async.cut,
      });
      log(`torchvgg ${setting.name} batch ${batch}: sync ${fmtRate(batch, sync)}, async ${fmtRate(batch, async)}`);
    }
  }
  return rows;
}

module.exports = { torchvggRows, loadedVgg16 };
