#!/usr/bin/env node
// `npx torchvgg finetune | evaluate | predict ...`: parses the command line and calls the library's tasks.
import * as fs from 'fs';
import * as models from '../models';
import { Shapes, SHAPES, ShapeName } from '../data/shapes';
import { ImageFolder, randomSplit } from '../data/datasets';
import type { Dataset } from '../data/datasets';
import { finetune, evaluate, predict, saveCheckpoint, loadCheckpoint, evalTransform, quantizeCheckpoint } from '../tasks';
import type { QuantizedEngine } from '../quantization/engine';
import { MAX_IMAGE_SIZE } from '../tasks/checkpoint';
import { Flags, parseArgs as parse, str, required, num, choice, checkWritable } from './flags';

const USAGE = `usage:
  torchvgg finetune --data <ImageFolder dir | shapes> [--arch vgg16] [--weights <file | IMAGENET1K_V1 | DEFAULT>]
                    [--epochs 3] [--lr 1e-3] [--batch-size 32] [--freeze backbone|none] [--cache-features]
                    [--image-size 224 (32-1024)] [--val-split 0.2 (0: none)] [--classes a,b,c (shapes)] [--count N (shapes)]
                    [--optimizer adam|sgd] [--workers 0] [--seed 0] --out model.pth
  torchvgg evaluate --model model.pth --data <ImageFolder dir> [--batch-size 64] [--workers 0]
  torchvgg predict --model model.pth [--topk 3] <image> [<image> ...]
  torchvgg quantize --model model.pth --data <ImageFolder dir | shapes> [--calibration-images 256]
                    [--batch-size 32] [--backend onednn|x86|fbgemm|qnnpack] [--keep-float head] [--observer minmax|histogram]
                    [--seed 0]
                    --out model-int8.pth
  torchvgg serve --weights model.pth [--port 8080] ... (torchvgg serve --help)

finetune replaces the model's head with one for the dataset's classes (model.replaceHead), freezes what
--freeze names (the backbone, also accepted under its name in the model), trains, reports validation
accuracy each epoch, and writes { arch, classes, image_size, model } with torch.save (Python:
getattr(torchvision.models, arch)(num_classes=K).load_state_dict(torch.load(f)['model'])).
--cache-features (with --freeze backbone) runs the frozen backbone once and trains only the rest on
its outputs: much faster, but without random augmentation of the training images.
quantize calibrates on --calibration-images images of --data (a shapes checkpoint's own classes with
--data shapes), writes the int8 checkpoint (predict, evaluate and serve read it), and prints the top-1
agreement of int8 with float32 on as many held-out images. --keep-float keeps the named trailing layers
(comma-separated module paths; 'head' is the model's last layer, whose logits otherwise round to 256
levels) in float32. --observer histogram picks each post-ReLU activation range from a histogram (the range
top with the least squared quantization error) instead of its min and max.
models: ${models.listModels().join(', ')}`;

// Flags that take no value, and every flag each command knows.
const SWITCHES = new Set(['cache-features']);
const FLAGS: Record<string, string[]> = {
  finetune: ['data', 'arch', 'weights', 'epochs', 'lr', 'batch-size', 'freeze', 'cache-features', 'image-size', 'val-split',
    'classes', 'count', 'optimizer', 'workers', 'seed', 'out'],
  evaluate: ['model', 'data', 'batch-size', 'workers'],
  predict: ['model', 'topk'],
  quantize: ['model', 'data', 'calibration-images', 'batch-size', 'backend', 'keep-float', 'observer', 'seed', 'out'],
};

// Bounds of the numeric flags: every loop and allocation they size stays finite and sane.
const BATCH = { min: 1, max: 65536 };
const WORKERS = { min: 0, max: 256 };

export function parseArgs(argv: string[]): { command: string; flags: Flags; rest: string[] } {
  return parse(argv, FLAGS, SWITCHES);
}

/** --weights: absent (random init), a weights name, or a checkpoint file (its class count read from the head). */
function buildModel(arch: string, weights: string | undefined): models.Classifier {
  if (!weights) return models.getModel(arch);
  if (!fs.existsSync(weights)) return models.getModel(arch, { weights });
  return models.modelFromStateDict(arch, models.readStateDict(weights));
}

// Every finetune flag, read and checked before anything is loaded, trained or written.
function finetuneSettings(flags: Flags) {
  const arch = choice(flags, 'arch', 'vgg16', models.listModels());
  const data = required(flags, 'data', '<ImageFolder dir | shapes>');
  const out = required(flags, 'out', '<file.pth>');
  // The backbone's own path in the model (from the family) is accepted as a synonym of 'backbone'.
  const backboneName = models.familyOfArch(arch).backbone;
  const freezeFlag = choice(flags, 'freeze', 'backbone', ['backbone', 'none', backboneName]);
  const classes = data === 'shapes' ? str(flags, 'classes', 'circle,star,cross')!.split(',') as ShapeName[] : undefined;
  for (const c of classes ?? []) if (!SHAPES.includes(c)) throw new Error(`unknown shape '${c}'; --classes takes shapes from ${SHAPES.join(', ')}`);
  if (data !== 'shapes') for (const k of ['classes', 'count']) if (flags[k] !== undefined) throw new Error(`--${k} is for --data shapes only`);
  const settings = {
    arch, data, out, classes, weights: str(flags, 'weights'),
    freeze: freezeFlag === 'none' ? 'none' as const : 'backbone' as const,
    cacheFeatures: flags['cache-features'] === true,
    imageSize: num(flags, 'image-size', data === 'shapes' ? 32 : 224, { min: models.familyOfArch(arch).minImageSize, max: MAX_IMAGE_SIZE }),
    seed: num(flags, 'seed', 0, { min: 0, max: 2 ** 32 - 1 }),
    count: num(flags, 'count', 600, { min: 1, max: 10_000_000 }),
    valFraction: num(flags, 'val-split', 0.2, { min: 0, max: 1, integer: false, maxExclusive: true }),
    epochs: num(flags, 'epochs', 3, { min: 1, max: 100_000 }),
    lr: num(flags, 'lr', 1e-3, { min: 0, max: 1e6, integer: false }),
    batchSize: num(flags, 'batch-size', 32, BATCH),
    optimizer: choice(flags, 'optimizer', 'adam', ['adam', 'sgd'] as const),
    numWorkers: num(flags, 'workers', 0, WORKERS),
  };
  checkWritable('out', out);
  return settings;
}

async function finetuneCommand(flags: Flags): Promise<void> {
  const { arch, data, out, classes: shapeClasses, weights, freeze, cacheFeatures, imageSize, seed, count, valFraction, ...settings } = finetuneSettings(flags);
  const transform = evalTransform(imageSize);
  const dataset: Dataset & { classes?: string[] } = shapeClasses
    ? new Shapes({ classes: shapeClasses, size: imageSize, count, seed, transform })
    : new ImageFolder(data, { transform });
  const classes = dataset.classes!;
  const [train, val] = randomSplit(dataset, [1 - valFraction, valFraction], seed);
  if (train.length === 0) throw new Error(`--val-split ${valFraction} leaves no training image out of ${dataset.length}`);

  const model = buildModel(arch, weights);
  model.replaceHead(classes.length);
  console.error(`torchvgg finetune: ${arch}, ${classes.length} classes (${classes.join(', ')}), ${train.length} training / ${val.length} validation images, freeze ${freeze}${cacheFeatures ? ', backbone outputs cached' : ''}`);
  const reports = await finetune({ model, train, val: val.length ? val : undefined, freeze, cacheFeatures, seed, ...settings });
  saveCheckpoint(out, { arch, classes, imageSize, model });
  const last = reports[reports.length - 1];
  console.error(`saved ${out}${last.valAccuracy === null ? '' : ` (validation accuracy ${(100 * last.valAccuracy).toFixed(1)}%)`}`);
}

async function evaluateCommand(flags: Flags): Promise<void> {
  const file = required(flags, 'model', '<checkpoint.pth>');
  const root = required(flags, 'data', '<ImageFolder dir>');
  const batchSize = num(flags, 'batch-size', 64, BATCH);
  const numWorkers = num(flags, 'workers', 0, WORKERS);
  const scanned = new ImageFolder(root); // a bad folder is reported before the model is loaded
  const { model, classes, transform } = loadCheckpoint(file);
  const data = new ImageFolder(root, { transform }, scanned);
  if (data.classes.join(',') !== classes.join(',')) {
    throw new Error(`the dataset's classes (${data.classes.join(', ')}) are not the checkpoint's (${classes.join(', ')})`);
  }
  const accuracy = await evaluate(model, data, { batchSize, numWorkers });
  console.log(`accuracy ${(100 * accuracy).toFixed(2)}% on ${data.length} images`);
}

async function predictCommand(flags: Flags, images: string[]): Promise<void> {
  const file = required(flags, 'model', '<checkpoint.pth>');
  const topk = num(flags, 'topk', 3, { min: 1, max: 1_000_000 });
  if (!images.length) throw new Error('give at least one image');
  for (const image of [file, ...images]) {
    let st: fs.Stats;
    try { st = fs.statSync(image); } catch (e) { throw new Error(`${image}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`); }
    if (!st.isFile()) throw new Error(`${image}: not a regular file`);
  }
  const { model, classes, transform } = loadCheckpoint(file);
  // Inputs here are the image paths given on the command line.
  for (const r of await predict(model, images, { transform, categories: classes, topk })) {
    console.log(`${r.input as string}: ${r.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
  }
}

async function quantizeCommand(flags: Flags): Promise<void> {
  const file = required(flags, 'model', '<checkpoint.pth>');
  const data = required(flags, 'data', '<ImageFolder dir | shapes>');
  const out = required(flags, 'out', '<file.pth>');
  const numImages = num(flags, 'calibration-images', 256, { min: 1, max: 1_000_000 });
  const batchSize = num(flags, 'batch-size', 32, BATCH);
  const seed = num(flags, 'seed', 0, { min: 0, max: 2 ** 32 - 1 });
  const backend = str(flags, 'backend') as QuantizedEngine | undefined;
  const observer = str(flags, 'observer') as 'minmax' | 'histogram' | undefined;
  const keepFloat = str(flags, 'keep-float')?.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  checkWritable('out', out);
  const { classes, imageSize } = loadCheckpoint(file);
  const transform = evalTransform(imageSize);
  let calibration: Dataset, validation: Dataset;
  if (data === 'shapes') {
    for (const c of classes) if (!SHAPES.includes(c as ShapeName)) throw new Error(`${file}: class '${c}' is not a shape; give an ImageFolder --data`);
    calibration = new Shapes({ classes: classes as ShapeName[], size: imageSize, count: numImages, seed, transform });
    validation = new Shapes({ classes: classes as ShapeName[], size: imageSize, count: numImages, seed: seed + 1, transform });
  } else {
    const all = new ImageFolder(data, { transform });
    if (all.classes.join(',') !== classes.join(',')) throw new Error(`the dataset's classes (${all.classes.join(', ')}) are not the checkpoint's (${classes.join(', ')})`);
    const n = Math.min(numImages, Math.floor(all.length / 2));
    if (n < 1) throw new Error(`${data}: needs at least 2 images (half calibrate, half measure agreement)`);
    [calibration, validation] = randomSplit(all, [n, all.length - n], seed);
  }
  const r = await quantizeCheckpoint(file, out, { calibration, validation, numImages, batchSize, backend, keepFloat, observer });
  console.error(`saved ${out} (int8, calibrated on ${r.calibrationImages} images; top-1 agreement with float32 ` +
    `${(100 * r.agreement!).toFixed(1)}% on ${r.validationImages} held-out images)`);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'serve') return (await import('./serve')).serve(argv.slice(1)); // its own flags: see lib/cli/serve.ts
  const { command, flags, rest } = parseArgs(argv);
  if (command === 'finetune') return finetuneCommand(flags);
  if (command === 'evaluate') return evaluateCommand(flags);
  if (command === 'predict') return predictCommand(flags, rest);
  if (command === 'quantize') return quantizeCommand(flags);
  console.log(USAGE);
  if (command !== 'help' && command !== '--help') process.exitCode = 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`torchvgg: ${e.message}`);
    process.exit(1);
  });
}
