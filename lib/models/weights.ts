// Pretrained weights for any model family: the Weights type, the torch.hub cache, reading a state dict and loading it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Module } from '../nn/module';
import { Tensor } from '../torch/tensor';
import { load } from '../serialization/load';
import { loadFile as loadSafetensors } from '../serialization/safetensors';
import { describe } from '../check';
import { ImageClassification } from '../transforms/presets';
import categories from './imagenet_categories.json';

export interface WeightsMeta {
  /** Class names in output order (ImageNet's 1000 for IMAGENET1K weights); null for feature-only weights. */
  categories: readonly string[] | null;
  numParams: number;
  minSize: [number, number];
  metrics: { 'acc@1': number; 'acc@5': number };
}

export interface Weights {
  /** e.g. 'VGG16_Weights.IMAGENET1K_V1' */
  name: string;
  url: string;
  fileName: string;
  meta: WeightsMeta;
  /** The eval preset these weights were measured with (torchvision's `weights.transforms()`). */
  transforms(): ImageClassification;
}

export type WeightsEnum = { IMAGENET1K_V1: Weights; DEFAULT: Weights } & Record<string, Weights>;

const BASE_URL = 'https://download.pytorch.org/models/';
/**
 * The 1000 ImageNet class names, in the order of torchvision's IMAGENET1K weights.
 * Mirrors `torchvision.models._meta._IMAGENET_CATEGORIES`.
 */
export const IMAGENET_CATEGORIES: readonly string[] = Object.freeze([...categories]);

export interface WeightsEntryOptions {
  numParams: number;
  acc1: number;
  acc5: number;
  categories?: readonly string[] | null;
  /** The eval preset's settings (defaults: 224, 256, ImageNet's mean and std). */
  cropSize?: number;
  resizeSize?: number;
  mean?: readonly number[];
  std?: readonly number[];
}

/** One member of a weights enum: `${enumName}.${key}`, downloaded from download.pytorch.org/models/fileName. */
export function weightsEntry(enumName: string, key: string, fileName: string, o: WeightsEntryOptions): Weights {
  const { cropSize = 224, resizeSize = 256, mean, std } = o;
  return Object.freeze({
    name: `${enumName}.${key}`, url: BASE_URL + fileName, fileName,
    meta: Object.freeze({
      categories: o.categories === undefined ? IMAGENET_CATEGORIES : o.categories, numParams: o.numParams,
      minSize: [32, 32] as [number, number], metrics: { 'acc@1': o.acc1, 'acc@5': o.acc5 },
    }),
    transforms: () => new ImageClassification({ cropSize, resizeSize, mean, std }),
  });
}

/** An enum of weights whose DEFAULT is IMAGENET1K_V1 (as for every VGG). */
export function weightsEnum(v1: Weights, extra: Record<string, Weights> = {}): WeightsEnum {
  return Object.freeze({ IMAGENET1K_V1: v1, ...extra, DEFAULT: v1 });
}

/**
 * torch.hub.get_dir() + '/checkpoints': $TORCH_HOME/hub/checkpoints, TORCH_HOME defaulting to $XDG_CACHE_HOME/torch or ~/.cache/torch.
 * Mirrors `torch.hub.get_dir()`'s checkpoints folder.
 */
export function hubCheckpointsDir(): string {
  const torchHome = process.env.TORCH_HOME ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'torch');
  return path.join(torchHome, 'hub', 'checkpoints');
}

/** The class name of a weights enum: 'VGG16_Weights'. */
export function enumName(e: WeightsEnum): string {
  return e.DEFAULT.name.split('.')[0];
}

/**
 * The member of enum `e` that `weights` names ('IMAGENET1K_V1', 'DEFAULT', 'VGG16_Weights.IMAGENET1K_V1',
 * a key of `aliases`, or the Weights object itself), or undefined when it names none (then it is a path).
 */
export function namedWeights(e: WeightsEnum, weights: string | Weights, owner: string,
  aliases: Record<string, string> = {}): Weights | undefined {
  if (typeof weights === 'object' && weights !== null) {
    if (!Object.values(e).includes(weights)) throw new TypeError(`weights ${String(weights.name)} do not belong to ${owner}`);
    return weights;
  }
  if (typeof weights !== 'string') throw new TypeError(`weights must be a name, a file path or a Weights object; got ${describe(weights)}`);
  const prefix = `${enumName(e)}.`;
  const bare = weights.startsWith(prefix) ? weights.slice(prefix.length) : weights;
  const key = aliases[bare] ?? bare;
  return Object.prototype.hasOwnProperty.call(e, key) ? e[key] : undefined;
}

/**
 * The local file for named weights: the hub cache, downloading it there first if it is absent.
 * Mirrors the download half of `torch.hub.load_state_dict_from_url` (the hash prefix in the file name is checked).
 * @throws Error naming the URL when the download fails or the file's hash does not match.
 */
export function weightsFile(w: Weights, { progress = true } = {}): string {
  const dir = hubCheckpointsDir();
  const file = path.join(dir, w.fileName);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  // TORCHVGG_WEIGHTS_URL replaces https://download.pytorch.org/models/ (a mirror, or a test server).
  const base = process.env.TORCHVGG_WEIGHTS_URL;
  const url = base ? `${base.replace(/\/?$/, '/')}${w.fileName}` : w.url;
  const hashPrefix = /-([a-f0-9]*)\./.exec(w.fileName)?.[1] ?? '';
  // Construction is synchronous like Python's, so the download runs in a child process we wait for.
  const r = spawnSync(process.execPath, [path.join(__dirname, 'download.js'), url, file, hashPrefix, progress ? '1' : '0'],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    let why = r.error?.message ?? `downloader exited with status ${r.status}`;
    try { why = JSON.parse(r.stdout).error ?? why; } catch { /* keep the status */ }
    throw new Error(`cannot download ${w.name} from ${url}: ${why}`);
  }
  return file;
}

/**
 * The state dict in a checkpoint file: the object itself, or its 'state_dict' / 'model_state_dict'.
 * torchvgg's own; reads `.pth`/`.pt` (zip or legacy) with `torch.load` and `.safetensors` files.
 * @throws Error naming the file when it cannot be read, is malformed, or holds no state dict.
 */
export function readStateDict(file: string): Record<string, Tensor> {
  const isSafetensors = file.endsWith('.safetensors');
  const obj = isSafetensors ? loadSafetensors(file) : load(file, { mapLocation: 'cpu' });
  const isStateDict = (o: unknown): o is Record<string, Tensor> =>
    o !== null && typeof o === 'object' && !Array.isArray(o) && Object.values(o).length > 0 &&
    Object.values(o).every((v) => v instanceof Tensor);
  if (isStateDict(obj)) return obj;
  for (const k of ['state_dict', 'model_state_dict', 'model']) {
    if (obj && isStateDict(obj[k])) return obj[k];
  }
  throw new Error(`${file}: no state dict found (expected an object of tensors, or one under 'state_dict' or 'model_state_dict')`);
}

/** Loads `weights` (a member of `e`, its name, or a checkpoint path) into `model`, strictly, like torchvision. */
export function loadWeights(model: Module, e: WeightsEnum, weights: string | Weights,
  opts: { owner: string; aliases?: Record<string, string>; progress?: boolean }): void {
  const named = namedWeights(e, weights, opts.owner, opts.aliases);
  let file: string;
  if (named) {
    file = weightsFile(named, opts);
  } else if (typeof weights === 'string' && fs.existsSync(weights)) {
    file = weights;
  } else {
    const names = [...Object.keys(e), ...Object.keys(opts.aliases ?? {})];
    // namedWeights returns a Weights object it was given or throws, so here `weights` is a name.
    throw new Error(`weights '${weights as string}' is neither a file nor one of ${names.join(', ')} for ${opts.owner}`);
  }
  model.loadStateDict(readStateDict(file));
}
