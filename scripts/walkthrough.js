#!/usr/bin/env node
// `npm start`: the seed article (shared/seed) end to end in Node. Load a VGG16 whose features were
// trained on something, print it, list its parameters, replace its head for new classes, freeze the
// backbone, fine-tune, check validation accuracy, save and load the result, and predict.
//
// Transfer learning needs trained features: frozen *random* VGG16 features leave a classifier at chance.
// ImageNet weights are used when they are in PyTorch's hub cache (or given with --weights); an offline
// machine has none, so we first train VGG16 on a *source* task (four polygon shapes) and cache that
// checkpoint, then transfer to a *target* task with other classes (circle, star, cross).
'use strict';
const loadStart = Date.now();
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, models, datasets, tasks } = require('torchvgg');

const SOURCE = ['square', 'triangle', 'pentagon', 'hexagon'];
const TARGET = ['circle', 'star', 'cross'];
const cacheDir = process.env.TORCHVGG_CACHE
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'torchvgg');
const started = Date.now();
// Where the time went: each step's wall time, printed at the end with setup.js's (scripts/setup.js writes
// .cache/setup-timing.json just before `npm start` runs this).
const STEP_NAMES = ['pretrained features (source training, or the cache)', 'torch.load, print the model', 'list the parameters',
  'replace the head', 'freeze the backbone', 'fine-tune (frozen features cached)', 'save, reload, evaluate', 'predict'];
const steps = [{ name: 'load torchvgg (addon, libtorch)', start: loadStart, end: started }];
function endStep() {
  const last = steps[steps.length - 1];
  if (last.end === undefined) last.end = Date.now();
}
const line = (title) => {
  endStep();
  const n = Number.parseInt(title, 10);
  steps.push({ name: `step ${n}: ${STEP_NAMES[n]}`, start: Date.now() });
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 76 - title.length))}`);
};
const count = (params) => params.reduce((n, p) => n + p.numel(), 0).toLocaleString('en-US');
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function argWeights() {
  const i = process.argv.indexOf('--weights');
  if (i > 0) return process.argv[i + 1];
  const hub = path.join(models.hubCheckpointsDir(), 'vgg16-397923af.pth');
  return fs.existsSync(hub) ? hub : null;
}

// The checkpoint whose features we transfer: ImageNet's if present, else our cached source-task model.
async function pretrainedCheckpoint() {
  const imagenet = argWeights();
  if (imagenet) {
    console.log(`Using ImageNet weights: ${imagenet}`);
    return { file: imagenet, size: 64, numClasses: 1000 };
  }
  const file = path.join(cacheDir, 'vgg16-shapes-source-32px.pth');
  if (fs.existsSync(file)) {
    console.log(`Using the cached source-task checkpoint ${file}`);
    return { file, size: 32, numClasses: SOURCE.length };
  }
  console.log('No ImageNet weights in the hub cache and no network to fetch them, and frozen *random*\n'
    + `features transfer nothing. So: first train VGG16 on a source task (${SOURCE.join(', ')}; 32x32 Shapes),\n`
    + `and save it as a real checkpoint in ${cacheDir} (reused on the next run). This takes a few minutes once.`);
  const transform = tasks.evalTransform(32);
  const train = new datasets.Shapes({ classes: SOURCE, size: 32, count: 2400, seed: 1, transform });
  const val = new datasets.Shapes({ classes: SOURCE, size: 32, count: 400, seed: 2, transform });
  torch.manualSeed(0);
  const model = models.vgg16({ numClasses: SOURCE.length });
  const reports = await tasks.finetune({ model, train, val, epochs: 3, lr: 1e-4, batchSize: 32, label: 'source epoch' });
  steps[steps.length - 1].parts = epochParts(reports, train.length, 'source training');
  fs.mkdirSync(cacheDir, { recursive: true });
  tasks.saveCheckpoint(file, { arch: 'vgg16', classes: SOURCE, imageSize: 32, model });
  console.log(`saved ${file} (${elapsed()})`);
  return { file, size: 32, numClasses: SOURCE.length };
}

// Two pixel rows per text row, coloured with ANSI half blocks (only on a terminal).
function ansiImage(img) {
  const rows = [];
  for (let y = 0; y < img.height; y += 2) {
    let row = '';
    for (let x = 0; x < img.width; x++) {
      const px = (yy) => Array.from(img.data.subarray((yy * img.width + x) * img.channels, (yy * img.width + x) * img.channels + 3));
      const [r1, g1, b1] = px(y);
      const [r2, g2, b2] = px(Math.min(y + 1, img.height - 1));
      row += `\x1b[38;2;${r1};${g1};${b1}m\x1b[48;2;${r2};${g2};${b2}m\u2580`;
    }
    rows.push(`${row}\x1b[0m`);
  }
  return rows;
}

async function main() {
  line('0. pretrained features');
  const pre = await pretrainedCheckpoint();

  line('1. vgg16 = models.vgg16(); vgg16.load_state_dict(torch.load(f)); print(vgg16)');
  const vgg16 = models.vgg16({ numClasses: pre.numClasses, initWeights: false });
  vgg16.loadStateDict(models.readStateDict(pre.file)); // torch.load, then the state dict inside the checkpoint
  console.log(vgg16);

  line('2. for name, param in vgg16.named_parameters(): print(name, param.numel())');
  for (const [name, param] of vgg16.namedParameters()) console.log(name, param.numel());
  console.log(`total parameters: ${count(vgg16.parameters())}`);

  line(`3. vgg16.replaceHead(${TARGET.length})   # target classes: ${TARGET.join(', ')}`);
  torch.manualSeed(1); // the new layer's init and the dropout: the same run every time
  const head = vgg16.replaceHead(TARGET.length); // Python: vgg16.classifier[6] = nn.Linear(4096, 3)
  console.log(head);

  line('4. freeze the backbone (Python: for param in vgg16.features.parameters(): param.requires_grad = False)');
  const { backbone } = models.familyOf(vgg16);
  vgg16.getSubmodule(backbone).requiresGrad_(false);
  const trainable = vgg16.parameters().filter((p) => p.requiresGrad);
  console.log(`trainable parameters: ${count(trainable)} of ${count(vgg16.parameters())} (${backbone} frozen)`);

  line('5. fine-tune the rest (the frozen backbone run once, then Adam on what follows it)');
  const transform = tasks.evalTransform(pre.size);
  const train = new datasets.Shapes({ classes: TARGET, size: pre.size, count: 900, seed: 3, transform });
  const val = new datasets.Shapes({ classes: TARGET, size: pre.size, count: 300, seed: 4, transform });
  const reports = await tasks.finetune({ model: vgg16, train, val, epochs: 5, lr: 1e-4, batchSize: 32, cacheFeatures: true, label: 'target epoch' });
  steps[steps.length - 1].parts = epochParts(reports, train.length, 'training', 'frozen-feature extraction');
  const accuracy = reports[reports.length - 1].valAccuracy;
  console.log(`validation accuracy on ${TARGET.join('/')}: ${(100 * accuracy).toFixed(1)}% (chance: ${(100 / TARGET.length).toFixed(1)}%)`);

  line('6. torch.save(...), then torch.load(...) into a fresh vgg16(num_classes=3)');
  const out = path.join(cacheDir, 'vgg16-shapes-target.pth');
  fs.mkdirSync(cacheDir, { recursive: true });
  tasks.saveCheckpoint(out, { arch: 'vgg16', classes: TARGET, imageSize: pre.size, model: vgg16 });
  const { model: reloaded, classes } = tasks.loadCheckpoint(out);
  const again = await tasks.evaluate(reloaded, val);
  console.log(`saved ${out} (${(fs.statSync(out).size / 2 ** 20).toFixed(0)} MiB); reloaded model's validation accuracy: ${(100 * again).toFixed(1)}%`);

  line('7. predict a few validation images');
  const raw = new datasets.Shapes({ classes: TARGET, size: pre.size, count: 300, seed: 4 });
  const samples = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => raw.get(i)));
  const predictions = await tasks.predict(reloaded, samples.map(([img]) => img), { transform, categories: classes, topk: 1 });
  const shown = predictions.map(({ input, top: [best] }, i) =>
    ({ img: input, text: `${best.label} ${(100 * best.probability).toFixed(0)}% (true: ${TARGET[samples[i][1]]})` }));
  if (process.stdout.isTTY) {
    const arts = shown.map((s) => ansiImage(s.img));
    for (let r = 0; r < arts[0].length; r++) console.log(arts.map((a) => a[r]).join('  '));
  }
  shown.forEach((s, i) => console.log(`image ${i}: predicted ${s.text}`));
  endStep();
  console.log(`\ndone in ${elapsed()}`);
  printTimeTable();
}

/**
 * A fine-tuning step's time split: its epochs (each report's images / images per second, validation
 * included) and, named `rest`, what came before them (the frozen backbone's one pass over the data).
 */
function epochParts(reports, images, what, rest = null) {
  const epochs = reports.reduce((n, r) => n + images / r.imagesPerSec, 0);
  return [{ name: `${what}: ${reports.length} epochs of ${images} images, with validation`, seconds: epochs, rest }];
}

/** The setup's steps (when it ran just before this) and the walkthrough's, with their share of the total. */
function printTimeTable() {
  const rows = [];
  let setupStart = null;
  try {
    const t = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.cache', 'setup-timing.json'), 'utf8'));
    const setupEnd = Date.parse(t.startedAt) + t.seconds * 1000;
    // Only a setup run that ended just before this walkthrough began is part of this `npm start`.
    if (loadStart - setupEnd < 30000 && loadStart >= setupEnd - 1000) {
      setupStart = Date.parse(t.startedAt);
      for (const st of t.steps) rows.push({ name: `setup: ${st.name}`, seconds: st.seconds });
      rows.push({ name: 'setup: the rest (node start, checks)', seconds: Math.max(0, t.seconds - t.steps.reduce((n, st) => n + st.seconds, 0)) });
    }
  } catch {
    // no setup timing: the walkthrough was run on its own
  }
  for (const st of steps) {
    const seconds = (st.end - st.start) / 1000;
    rows.push({ name: `walkthrough ${st.name}`, seconds });
    for (const part of st.parts ?? []) {
      rows.push({ name: `  of which ${part.name}`, seconds: part.seconds, sub: true });
      if (part.rest) rows.push({ name: `  of which ${part.rest}`, seconds: Math.max(0, seconds - part.seconds), sub: true });
    }
  }
  const total = (Date.now() - (setupStart ?? loadStart)) / 1000;
  console.log(`\nWhere the time went (${setupStart ? '`npm start`: setup, then the walkthrough' : 'the walkthrough alone'}; ${total.toFixed(0)} s in all):`);
  for (const r of rows.filter((e) => e.seconds >= 0.5)) {
    console.log(`  ${r.name.padEnd(64)} ${r.seconds.toFixed(1).padStart(7)} s ${(100 * r.seconds / total).toFixed(0).padStart(3)}%`);
  }
  const small = rows.filter((e) => e.seconds < 0.5 && !e.sub);
  const short = (name) => name.replace(/^walkthrough step (\d+):.*/, 'step $1').replace(/^walkthrough /, '').replace(/\s*\(.*\)$/, '');
  if (small.length) console.log(`  (under 0.5 s each: ${small.map((e) => short(e.name)).join(', ')})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
