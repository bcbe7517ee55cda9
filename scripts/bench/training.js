// Training rows: optim.trainStep images/s against Python eager with the same settings — VGG16 from the
// bench weights with a 10-class head, batch 32, 32×32 and 224×224 inputs, Adam lr 1e-4, features trainable
// and frozen — Python first, then torchvgg, each side with half of the section's time (rows capped as in
// timing.js: a step that cannot fit twice in its cap is not started).
'use strict';
const { torch, models, optim } = require('../..');
const { bestSeconds, fmtRate, turn } = require('./timing');
const { trainGflop } = require('./roofline');
const { pythonBench } = require('./python');

const NUM_CLASSES = 10;
const BATCH = 32;

/** The training rows, cheapest first (so a short budget cuts the 224×224 trainable row, not the rest). */
function trainSettings() {
  const rows = [];
  for (const size of [32, 224]) {
    for (const frozen of [true, false]) {
      rows.push({
        key: `train-${size}-${frozen ? 'frozen' : 'trainable'}`,
        name: `VGG16 training ${size}×${size}, features ${frozen ? 'frozen' : 'trainable'}, Adam`,
        size, frozen, batch: BATCH, gflop: trainGflop(size, frozen, NUM_CLASSES) * BATCH,
      });
    }
  }
  return rows;
}

async function torchvggTrainRows({ settings, stateDict, timing, budget, rowCap, rates, log }) {
  const rows = [];
  let rowsLeft = settings.length;
  for (const s of settings) {
    torch.manualSeed(0);
    const model = models.vgg16({ initWeights: false });
    model.loadStateDict(stateDict);
    model.replaceHead(NUM_CLASSES);
    if (s.frozen) model.features.requiresGrad_(false);
    model.train();
    const optimizer = new optim.Adam(model.parameters().filter((p) => p.requiresGrad), { lr: 1e-4 });
    const input = torch.randn(s.batch, 3, s.size, s.size);
    const target = torch.tensor(Array.from({ length: s.batch }, (_, i) => (i * 7) % NUM_CLASSES), { dtype: 'int64' });
    const r = await bestSeconds(() => optim.trainStep({ model, optimizer, input, target }), {
      ...timing, cap: budget.cap(rowCap, rowsLeft--), predicted: rates.predict(s.key, s.gflop),
    });
    rates.record(s.key, s.gflop, r);
    rows.push({ setting: s.key, batch: s.batch, seconds: r.seconds, iters: r.iters, cut: r.cut });
    log(`torchvgg ${s.name} batch ${s.batch}: ${fmtRate(s.batch, r)}`);
    input.dispose();
    target.dispose();
    await turn();
  }
  return rows;
}

/**
 * Both sides' training rows in `budget` (a timing.Budget). rates: timing.Rates shared with the inference
 * rows (its first guess for a training kind is derived from them). -> { settings, python, torchvgg }
 */
async function trainingRows({ stateDict, weightsPath, threads, timing, budget, rowCap, rates, log }) {
  const settings = trainSettings();
  const pyBudget = budget.part(0.5);
  log(`training: Python eager rows (${pyBudget.left().toFixed(0)} s at most) ...`);
  const initial = Object.fromEntries(settings.map((s) => [s.key, rates.predict(s.key, 1) ** -1]));
  const python = pythonBench({
    mode: 'train', device: 'cpu', threads, weights: weightsPath, numClasses: NUM_CLASSES, train: settings,
    ...timing, budget: pyBudget.left(), rowCap, rates: initial,
  });
  for (const r of python.rows) log(`Python ${settings.find((s) => s.key === r.setting).name}: ${fmtRate(r.batch, r)}`);
  for (const r of python.rows) rates.record(r.setting, settings.find((s) => s.key === r.setting).gflop, r);
  log(`training: torchvgg optim.trainStep rows (${budget.left().toFixed(0)} s at most) ...`);
  const torchvgg = await torchvggTrainRows({ settings, stateDict, timing, budget, rowCap, rates, log });
  return { settings, python: python.rows, torchvgg };
}

module.exports = { trainingRows, trainSettings, NUM_CLASSES };
