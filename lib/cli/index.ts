#!/usr/bin/env node
// `npx torchvgg finetune | evaluate | predict ...`: parses the command line and calls the library's tasks.
import * as fs from 'fs';
import * as models from '../models';
import { closest } from '../check';
import { Shapes, SHAPES, ShapeName } from '../data/shapes';
import { ImageFolder, randomSplit } from '../data/datasets';
import type { Dataset } from '../data/datasets';
import { finetune, evaluate, predict, saveCheckpoint, loadCheckpoint, evalTransform } from '../tasks';

const USAGE = `usage:
  torchvgg finetune --data <ImageFolder dir | shapes> [--arch vgg16] [--weights <file | IMAGENET1K_V1 | DEFAULT>]
                    [--epochs 3] [--lr 1e-3] [--batch-size 32] [--freeze backbone|none] [--cache-features]
                    [--image-size 224] [--val-split 0.2] [--classes a,b,c (shapes)] [--count N (shapes)]
                    [--optimizer adam|sgd] [--workers 0] [--seed 0] --out model.pth
  torchvgg evaluate --model model.pth --data <ImageFolder dir> [--batch-size 64] [--workers 0]
  torchvgg predict --model model.pth [--topk 3] <image> [<image> ...]
  torchvgg serve --weights model.pth [--port 8080] ... (torchvgg serve --help)

finetune replaces the model's head with one for the dataset's classes (model.replaceHead), freezes what
--freeze names (the backbone, also accepted under its name in the model), trains, reports validation
accuracy each epoch, and writes { arch, classes, image_size, model } with torch.save (Python:
getattr(torchvision.models, arch)(num_classes=K).load_state_dict(torch.load(f)['model'])).
--cache-features (with --freeze backbone) runs the frozen backbone once and trains only the rest on
its outputs: much faster, but without random augmentation of the training images.
models: ${models.listModels().join(', ')}`;

type Flags = Record<string, string | boolean>;

// Flags that take no value, and every flag each command knows.
const SWITCHES = new Set(['cache-features']);
const FLAGS: Record<string, string[]> = {
  finetune: ['data', 'arch', 'weights', 'epochs', 'lr', 'batch-size', 'freeze', 'cache-features', 'image-size', 'val-split',
    'classes', 'count', 'optimizer', 'workers', 'seed', 'out'],
  evaluate: ['model', 'data', 'batch-size', 'workers'],
  predict: ['model', 'topk'],
};

export function parseArgs(argv: string[]): { command: string; flags: Flags; rest: string[] } {
  const [command = 'help', ...args] = argv;
  const flags: Flags = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { rest.push(a); continue; }
    const [key, inline] = a.slice(2).split('=', 2);
    if (FLAGS[command] && !FLAGS[command].includes(key)) {
      const hint = closest(key, FLAGS[command]);
      throw new Error(`${command} has no flag --${key}${hint ? `; did you mean --${hint}?` : ''} (see torchvgg help)`);
    }
    if (inline !== undefined) flags[key] = inline;
    else if (i + 1 < args.length && !args[i + 1].startsWith('--') && !SWITCHES.has(key)) flags[key] = args[++i];
    else flags[key] = true;
  }
  return { command, flags, rest };
}

function num(flags: Flags, key: string, fallback: number, integer = true): number {
  if (flags[key] === undefined) return fallback;
  const v = Number(flags[key]);
  if (flags[key] === true || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new Error(`--${key} must be ${integer ? 'an integer' : 'a number'}; got ${String(flags[key])}`);
  }
  return v;
}

function str(flags: Flags, key: string, fallback?: string): string | undefined {
  const v = flags[key];
  if (v === undefined) return fallback;
  if (v === true) throw new Error(`--${key} needs a value`);
  return v as string;
}

function required(flags: Flags, key: string, what: string): string {
  const v = str(flags, key);
  if (!v) throw new Error(`--${key} ${what} is required`);
  return v;
}

/** --weights: absent (random init), a weights name, or a checkpoint file (its class count read from the head). */
function buildModel(arch: string, weights: string | undefined): models.Classifier {
  if (!weights) return models.getModel(arch);
  if (!fs.existsSync(weights)) return models.getModel(arch, { weights });
  return models.modelFromStateDict(arch, models.readStateDict(weights));
}

async function finetuneCommand(flags: Flags): Promise<void> {
  const arch = str(flags, 'arch', 'vgg16')!;
  if (!models.listModels().includes(arch)) throw new Error(`--arch must be one of ${models.listModels().join(', ')}`);
  const out = required(flags, 'out', '<file.pth>');
  const data = required(flags, 'data', '<ImageFolder dir | shapes>');
  const imageSize = num(flags, 'image-size', data === 'shapes' ? 32 : 224);
  const seed = num(flags, 'seed', 0);
  // The backbone's own path in the model (from the family) is accepted as a synonym of 'backbone'.
  const freezeFlag = str(flags, 'freeze', 'backbone')!;
  const backboneName = models.familyOfArch(arch).backbone;
  if (freezeFlag !== 'backbone' && freezeFlag !== 'none' && freezeFlag !== backboneName) {
    throw new Error(`--freeze must be backbone or none (or ${backboneName}); got ${freezeFlag}`);
  }
  const freeze = freezeFlag === 'none' ? 'none' : 'backbone';
  const cacheFeatures = flags['cache-features'] === true;
  const transform = evalTransform(imageSize);
  const settings = {
    epochs: num(flags, 'epochs', 3), lr: num(flags, 'lr', 1e-3, false), batchSize: num(flags, 'batch-size', 32),
    optimizer: str(flags, 'optimizer', 'adam') as 'adam' | 'sgd', numWorkers: num(flags, 'workers', 0),
  };
  if (settings.optimizer !== 'adam' && settings.optimizer !== 'sgd') throw new Error(`--optimizer must be adam or sgd; got ${settings.optimizer}`);

  let dataset: Dataset & { classes?: string[] };
  if (data === 'shapes') {
    const classes = str(flags, 'classes', 'circle,star,cross')!.split(',') as ShapeName[];
    for (const c of classes) if (!SHAPES.includes(c)) throw new Error(`unknown shape '${c}'; shapes are ${SHAPES.join(', ')}`);
    dataset = new Shapes({ classes, size: imageSize, count: num(flags, 'count', 600), seed, transform });
  } else {
    dataset = new ImageFolder(data, { transform });
  }
  const classes = dataset.classes!;
  const valFraction = num(flags, 'val-split', 0.2, false);
  if (!(valFraction >= 0 && valFraction < 1)) throw new Error(`--val-split must be in [0, 1); got ${valFraction}`);
  const [train, val] = randomSplit(dataset, [1 - valFraction, valFraction], seed);

  const model = buildModel(arch, str(flags, 'weights'));
  model.replaceHead(classes.length);
  console.error(`torchvgg finetune: ${arch}, ${classes.length} classes (${classes.join(', ')}), ${train.length} training / ${val.length} validation images, freeze ${freeze}${cacheFeatures ? ', backbone outputs cached' : ''}`);
  const reports = await finetune({ model, train, val: val.length ? val : undefined, freeze, cacheFeatures, seed, ...settings });
  saveCheckpoint(out, { arch, classes, imageSize, model });
  const last = reports[reports.length - 1];
  console.error(`saved ${out}${last.valAccuracy === null ? '' : ` (validation accuracy ${(100 * last.valAccuracy).toFixed(1)}%)`}`);
}

async function evaluateCommand(flags: Flags): Promise<void> {
  const { model, classes, transform } = loadCheckpoint(required(flags, 'model', '<checkpoint.pth>'));
  const data = new ImageFolder(required(flags, 'data', '<ImageFolder dir>'), { transform });
  if (data.classes.join(',') !== classes.join(',')) {
    throw new Error(`the dataset's classes (${data.classes.join(', ')}) are not the checkpoint's (${classes.join(', ')})`);
  }
  const accuracy = await evaluate(model, data, { batchSize: num(flags, 'batch-size', 64), numWorkers: num(flags, 'workers', 0) });
  console.log(`accuracy ${(100 * accuracy).toFixed(2)}% on ${data.length} images`);
}

async function predictCommand(flags: Flags, images: string[]): Promise<void> {
  const file = required(flags, 'model', '<checkpoint.pth>');
  if (!images.length) throw new Error('give at least one image');
  const { model, classes, transform } = loadCheckpoint(file);
  for (const r of await predict(model, images, { transform, categories: classes, topk: num(flags, 'topk', 3) })) {
    console.log(`${String(r.input)}: ${r.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'serve') return (await import('./serve')).serve(argv.slice(1)); // its own flags: see lib/cli/serve.ts
  const { command, flags, rest } = parseArgs(argv);
  if (command === 'finetune') return finetuneCommand(flags);
  if (command === 'evaluate') return evaluateCommand(flags);
  if (command === 'predict') return predictCommand(flags, rest);
  console.log(USAGE);
  if (command !== 'help' && command !== '--help') process.exitCode = 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`torchvgg: ${e.message}`);
    process.exit(1);
  });
}
