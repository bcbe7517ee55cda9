// int8 against its own float32 on the walkthrough's fine-tuned Shapes model (VGG16, 32x32, 3 classes):
// models.quantize calibrated on 256 images of the target task (histogram observer; MinMax's agreement beside), throughput at batch 1, 8 and 32 (best
// call, both sides timed alike), and the top-1 agreement with float32 on the walkthrough's 300
// validation images. The model comes from `npm start` (it trains and caches it); without it the row
// says so instead of training for minutes.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, tasks, datasets, quantization, utils } = require('../..');
const { bestSeconds } = require('./timing');

const TARGET_CHECKPOINT = path.join(os.homedir(), '.cache', 'torchvgg', 'vgg16-shapes-target.pth');

async function int8Rows({ batches = [1, 8, 32], budget, log }) {
  if (!fs.existsSync(TARGET_CHECKPOINT)) {
    return { skipped: `int8 rows: skipped (no ${TARGET_CHECKPOINT}: \`npm start\` trains and caches the walkthrough's Shapes model)` };
  }
  const ck = tasks.loadCheckpoint(TARGET_CHECKPOINT);
  const transform = tasks.evalTransform(ck.imageSize);
  // The walkthrough's own target-task sets: training images (seed 3) calibrate, validation (seed 4) measures.
  const calibration = new datasets.Shapes({ classes: ck.classes, size: ck.imageSize, count: 256, seed: 3, transform });
  const validation = new datasets.Shapes({ classes: ck.classes, size: ck.imageSize, count: 300, seed: 4, transform });
  log(`int8: quantizing the walkthrough's Shapes model (engine ${quantization.engine()}, 256 calibration images) ...`);
  const started = Date.now();
  // The histogram observer (PyTorch's get_default_qconfig uses one); MinMax's agreement is measured beside it.
  const int8 = await quantization.quantize(ck.model, { calibration: new utils.data.DataLoader(calibration, { batchSize: 32 }), observer: 'histogram' });
  const quantizeSeconds = (Date.now() - started) / 1000;
  const agreement = await tasks.top1Agreement(int8, ck.model, validation, 32);
  const minmax = await quantization.quantize(ck.model, { calibration: new utils.data.DataLoader(calibration, { batchSize: 32 }) });
  const minmaxAgreement = await tasks.top1Agreement(minmax, ck.model, validation, 32);
  const rows = [];
  for (const b of batches) {
    const x = torch.randn([b, 3, ck.imageSize, ck.imageSize]);
    const cap = Math.max(1, budget.left() / (2 * (batches.length - rows.length)));
    const fp32 = await bestSeconds(async () => (await ck.model.forwardAsync(x)).dispose(), { minIters: 3, minSeconds: 1, maxIters: 20, cap });
    const q = await bestSeconds(async () => (await int8.forwardAsync(x)).dispose(), { minIters: 3, minSeconds: 1, maxIters: 20, cap });
    rows.push({ batch: b, fp32ImgS: fp32.seconds && b / fp32.seconds, int8ImgS: q.seconds && b / q.seconds, cut: fp32.cut || q.cut });
  }
  return { engine: quantization.engine(), observer: 'histogram', quantizeSeconds, agreement, minmaxAgreement, validationImages: validation.length, imageSize: ck.imageSize, rows };
}

module.exports = { int8Rows, TARGET_CHECKPOINT };
