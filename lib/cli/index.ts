#!/usr/bin/env node
// `npx torchvgg finetune ...` and `npx torchvgg predict ...`: transfer learning and inference from the shell.
import * as torch from '../torch';
import * as models from '../models';
import { Linear } from '../nn/modules/linear';
import { VGG } from '../models/vgg';
import { readStateDict } from '../models/weights';
import { Shapes, SHAPES, ShapeName } from '../data/shapes';
import { ImageFolder, randomSplit } from '../data/datasets';
import type { Dataset } from '../data/datasets';
import * as T from '../transforms/transforms';
import { finetune } from '../tasks/finetune';

const ARCHS = ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn'] as const;
type Arch = typeof ARCHS[number];
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

const USAGE = `usage:
  torchvgg finetune --data <ImageFolder dir | shapes> [--arch vgg16] [--weights <file | IMAGENET1K_V1>]
                    [--epochs 3] [--lr 1e-3] [--batch-size 32] [--freeze features|none] [--cache-features]
                    [--image-size 224] [--val-split 0.2] [--classes a,b,c (shapes)] [--count N (shapes)]
                    [--optimizer adam|sgd] [--workers 0] [--seed 0] --out model.pth
  torchvgg predict --model model.pth [--topk 3] <image> [<image> ...]

finetune replaces classifier[6] with a Linear for the dataset's classes, freezes what --freeze names,
trains, reports validation accuracy each epoch, and writes { arch, classes, image_size, model } with
torch.save (Python: torchvision.models.vgg16(num_classes=K).load_state_dict(torch.load(f)['model'])).
--cache-features (with --freeze features) computes the frozen features once and trains only the
classifier on them: much faster, but without random augmentation of the training images.`;

type Flags = Record<string, string | boolean>;

// Flags that take no value.
const SWITCHES = new Set(['cache-features']);

export function parseArgs(argv: string[]): { command: string; flags: Flags; rest: string[] } {
  const [command = 'help', ...args] = argv;
  const flags: Flags = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { rest.push(a); continue; }
    const [key, inline] = a.slice(2).split('=', 2);
    if (inline !== undefined) flags[key] = inline;
    else if (i + 1 < args.length && !args[i + 1].startsWith('--') && !SWITCHES.has(key)) flags[key] = args[++i];
    else flags[key] = true;
  }
  return { command, flags, rest };
}

function num(flags: Flags, key: string, fallback: number): number {
  if (flags[key] === undefined) return fallback;
  const v = Number(flags[key]);
  if (!Number.isFinite(v)) throw new Error(`--${key} must be a number; got ${String(flags[key])}`);
  return v;
}

function str(flags: Flags, key: string, fallback?: string): string | undefined {
  const v = flags[key];
  if (v === undefined) return fallback;
  if (v === true) throw new Error(`--${key} needs a value`);
  return v as string;
}

/** The evaluation transform of a checkpoint: resize, center crop, tensor, ImageNet normalisation. */
export function evalTransform(imageSize: number): T.Compose {
  return new T.Compose([new T.Resize(imageSize), new T.CenterCrop(imageSize), new T.ToTensor(), new T.Normalize(IMAGENET_MEAN, IMAGENET_STD)]);
}

function buildModel(arch: Arch, weights: string | undefined): VGG {
  if (!weights) return models[arch]();
  if (weights === 'IMAGENET1K_V1' || weights === 'IMAGENET1K_BN_V1' || weights === 'DEFAULT') return models[arch]({ weights });
  // A checkpoint: a plain state dict, or one under 'model' (finetune, npm start) or 'state_dict'.
  const sd = readStateDict(weights);
  const head = sd['classifier.6.weight'];
  const model = models[arch]({ numClasses: head ? head.shape[0] : 1000, initWeights: false });
  model.loadStateDict(sd);
  return model;
}

export interface Checkpoint { arch: Arch; classes: string[]; image_size: number; model: Record<string, torch.Tensor> }

export async function finetuneCommand(flags: Flags): Promise<void> {
  const arch = (str(flags, 'arch', 'vgg16') as Arch);
  if (!ARCHS.includes(arch)) throw new Error(`--arch must be one of ${ARCHS.join(', ')}`);
  const out = str(flags, 'out');
  if (!out) throw new Error('--out <file.pth> is required');
  const data = str(flags, 'data');
  if (!data) throw new Error('--data <ImageFolder dir | shapes> is required');
  const imageSize = num(flags, 'image-size', data === 'shapes' ? 32 : 224);
  const seed = num(flags, 'seed', 0);
  const freeze = str(flags, 'freeze', 'features');
  if (freeze !== 'features' && freeze !== 'none') throw new Error('--freeze must be features or none');
  const cacheFeatures = flags['cache-features'] === true;

  let dataset: Dataset & { classes?: string[] };
  if (data === 'shapes') {
    const classes = (str(flags, 'classes', 'circle,star,cross') as string).split(',') as ShapeName[];
    for (const c of classes) if (!SHAPES.includes(c)) throw new Error(`unknown shape '${c}'; shapes are ${SHAPES.join(', ')}`);
    dataset = new Shapes({ classes, size: imageSize, count: num(flags, 'count', 600), seed, transform: evalTransform(imageSize) });
  } else {
    dataset = new ImageFolder(data, { transform: evalTransform(imageSize) });
  }
  const classes = dataset.classes!;
  const valFraction = num(flags, 'val-split', 0.2);
  const [train, val] = randomSplit(dataset, [1 - valFraction, valFraction], seed);

  const model = buildModel(arch, str(flags, 'weights'));
  model.classifier[6] = new Linear(4096, classes.length);
  if (freeze === 'features') model.features.requiresGrad_(false);
  console.error(`torchvgg finetune: ${arch}, ${classes.length} classes (${classes.join(', ')}), ${train.length} training / ${val.length} validation images, freeze ${freeze}${cacheFeatures ? ', features cached' : ''}`);
  const reports = await finetune({
    model, train, val, epochs: num(flags, 'epochs', 3), lr: num(flags, 'lr', 1e-3), batchSize: num(flags, 'batch-size', 32),
    optimizer: str(flags, 'optimizer', 'adam') as 'adam' | 'sgd', cacheFeatures, seed, numWorkers: num(flags, 'workers', 0),
  });
  const checkpoint: Checkpoint = { arch, classes, image_size: imageSize, model: model.stateDict() };
  torch.save(checkpoint, out);
  const last = reports[reports.length - 1];
  console.error(`saved ${out} (validation accuracy ${(100 * (last.valAccuracy ?? 0)).toFixed(1)}%)`);
}

/** Loads a finetune checkpoint into its architecture, in eval mode. */
export function loadCheckpoint(file: string): { model: VGG; checkpoint: Checkpoint } {
  const checkpoint = torch.load(file) as unknown as Checkpoint;
  if (!checkpoint || !Array.isArray(checkpoint.classes) || !ARCHS.includes(checkpoint.arch) || typeof checkpoint.model !== 'object') {
    throw new Error(`${file}: not a torchvgg finetune checkpoint (expected { arch, classes, image_size, model })`);
  }
  const model = models[checkpoint.arch]({ numClasses: checkpoint.classes.length, initWeights: false });
  model.loadStateDict(checkpoint.model);
  return { model: model.eval(), checkpoint };
}

export async function predict(file: string, images: string[], topk = 3): Promise<{ image: string; top: [string, number][] }[]> {
  const { model, checkpoint } = loadCheckpoint(file);
  const transform = evalTransform(checkpoint.image_size);
  const results = [];
  for (const image of images) {
    const x = (await transform(await T.readImage(image, { mode: 'RGB' }))) as torch.Tensor;
    const probs = (await model.forwardAsync(x.unsqueeze(0))).softmax(1).select(0, 0);
    const [values, indices] = probs.topk(Math.min(topk, checkpoint.classes.length));
    const idx = indices.tolist() as number[];
    const val = values.tolist() as number[];
    results.push({ image, top: idx.map((c, i) => [checkpoint.classes[c], val[i]] as [string, number]) });
  }
  return results;
}

async function main(argv: string[]): Promise<void> {
  const { command, flags, rest } = parseArgs(argv);
  if (command === 'finetune') return finetuneCommand(flags);
  if (command === 'predict') {
    const file = str(flags, 'model');
    if (!file) throw new Error('--model <checkpoint.pth> is required');
    if (!rest.length) throw new Error('give at least one image');
    for (const r of await predict(file, rest, num(flags, 'topk', 3))) {
      console.log(`${r.image}: ${r.top.map(([c, p]) => `${c} ${(100 * p).toFixed(1)}%`).join(', ')}`);
    }
    return;
  }
  console.log(USAGE);
  if (command !== 'help' && command !== '--help') process.exitCode = 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`torchvgg: ${e.message}`);
    process.exit(1);
  });
}
