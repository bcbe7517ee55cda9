// Pretrained weights for models.vgg*({ weights }): torchvision's weight enums (file names, URLs,
// metadata, the 1000 ImageNet categories), the torch.hub cache, and loading a file into a model.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Module } from '../nn/module';
import { Tensor } from '../torch/tensor';
import { load } from '../serialization/load';
import { loadFile as loadSafetensors } from '../serialization/safetensors';
import categories from './imagenet_categories.json';

export interface WeightsMeta {
  /** ImageNet class names in output order; null for feature-only weights. */
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
}

export type WeightsEnum = { IMAGENET1K_V1: Weights; DEFAULT: Weights } & Record<string, Weights>;

const BASE_URL = 'https://download.pytorch.org/models/';
const IMAGENET = Object.freeze([...categories]);

function entry(enumName: string, key: string, fileName: string, numParams: number, acc1: number, acc5: number,
  cats: readonly string[] | null = IMAGENET): Weights {
  return Object.freeze({
    name: `${enumName}.${key}`, url: BASE_URL + fileName, fileName,
    meta: Object.freeze({ categories: cats, numParams, minSize: [32, 32] as [number, number], metrics: { 'acc@1': acc1, 'acc@5': acc5 } }),
  });
}

function makeEnum(enumName: string, fileName: string, numParams: number, acc1: number, acc5: number,
  extra: Record<string, Weights> = {}): WeightsEnum {
  const v1 = entry(enumName, 'IMAGENET1K_V1', fileName, numParams, acc1, acc5);
  return Object.freeze({ IMAGENET1K_V1: v1, ...extra, DEFAULT: v1 }) as WeightsEnum;
}

// File names, parameter counts and accuracies from torchvision/models/vgg.py.
export const VGG11_Weights = makeEnum('VGG11_Weights', 'vgg11-8a719046.pth', 132863336, 69.020, 88.628);
export const VGG11_BN_Weights = makeEnum('VGG11_BN_Weights', 'vgg11_bn-6002323d.pth', 132868840, 70.370, 89.810);
export const VGG13_Weights = makeEnum('VGG13_Weights', 'vgg13-19584684.pth', 133047848, 69.928, 89.246);
export const VGG13_BN_Weights = makeEnum('VGG13_BN_Weights', 'vgg13_bn-abd245e5.pth', 133053736, 71.586, 90.374);
export const VGG16_Weights = makeEnum('VGG16_Weights', 'vgg16-397923af.pth', 138357544, 71.592, 90.382, {
  // Feature-extractor weights ported from ssd.pytorch: the classifier holds NaNs, hence no categories.
  IMAGENET1K_FEATURES: entry('VGG16_Weights', 'IMAGENET1K_FEATURES', 'vgg16_features-amdegroot-88682ab5.pth', 138357544, NaN, NaN, null),
});
export const VGG16_BN_Weights = makeEnum('VGG16_BN_Weights', 'vgg16_bn-6c64b313.pth', 138365992, 73.360, 91.516);
export const VGG19_Weights = makeEnum('VGG19_Weights', 'vgg19-dcbb9e9d.pth', 143667240, 72.376, 90.876);
export const VGG19_BN_Weights = makeEnum('VGG19_BN_Weights', 'vgg19_bn-c79401a0.pth', 143678248, 74.218, 91.842);

const ENUMS: Record<string, WeightsEnum> = {
  vgg11: VGG11_Weights, vgg11_bn: VGG11_BN_Weights, vgg13: VGG13_Weights, vgg13_bn: VGG13_BN_Weights,
  vgg16: VGG16_Weights, vgg16_bn: VGG16_BN_Weights, vgg19: VGG19_Weights, vgg19_bn: VGG19_BN_Weights,
};

/** torch.hub.get_dir() + '/checkpoints': $TORCH_HOME/hub/checkpoints, TORCH_HOME defaulting to $XDG_CACHE_HOME/torch or ~/.cache/torch. */
export function hubCheckpointsDir(): string {
  const torchHome = process.env.TORCH_HOME ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'torch');
  return path.join(torchHome, 'hub', 'checkpoints');
}

/**
 * The named weights for `arch` ('IMAGENET1K_V1', 'DEFAULT', 'IMAGENET1K_BN_V1' for the _bn models,
 * a Weights object from the enums), or undefined when `weights` is not such a name (then it is a path).
 */
export function namedWeights(arch: string, weights: string | Weights): Weights | undefined {
  const e = ENUMS[arch];
  if (typeof weights === 'object') {
    if (!Object.values(e).includes(weights)) throw new TypeError(`weights ${weights.name} do not belong to ${arch}`);
    return weights;
  }
  const key = arch.endsWith('_bn') && weights === 'IMAGENET1K_BN_V1' ? 'IMAGENET1K_V1' : weights.replace(/^VGG\d+(_BN)?_Weights\./, '');
  return Object.prototype.hasOwnProperty.call(e, key) ? e[key] : undefined;
}

/** The local file for named weights: the hub cache, downloading it there first if it is absent. */
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

/** The state dict in a checkpoint file: the object itself, or its 'state_dict' / 'model_state_dict'. */
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

/** Loads `weights` (a name or a path) into `model`, strictly, like torchvision. */
export function loadWeights(model: Module, arch: string, weights: string | Weights, opts: { progress?: boolean } = {}): void {
  const named = namedWeights(arch, weights);
  let file: string;
  if (named) {
    file = weightsFile(named, opts);
  } else if (typeof weights === 'string' && fs.existsSync(weights)) {
    file = weights;
  } else {
    const names = [...Object.keys(ENUMS[arch]), ...(arch.endsWith('_bn') ? ['IMAGENET1K_BN_V1'] : [])];
    throw new Error(`weights '${String(weights)}' is neither a file nor one of ${names.join(', ')} for ${arch}`);
  }
  model.loadStateDict(readStateDict(file));
}
