// The model families torchvgg knows, and torchvision's lookup functions over them (list_models, get_model, get_weight).
import { Module } from '../nn/module';
import { Tensor } from '../torch/tensor';
import { closest, describe, string } from '../check';
import type { BuildOptions, Classifier, ModelFamily } from './family';
import { enumName } from './weights';
import type { Weights, WeightsEnum } from './weights';
import { vggFamily } from './vgg';

// A new family: one module in lib/models/ exporting its ModelFamily, and one entry here.
const FAMILIES = [vggFamily] as const;

// The builders of every family, by name, for typing getModel('vgg16') as a VGG taking VGGOptions.
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Builders = Intersection<typeof FAMILIES[number]['builders']>;
/** 'vgg11' ... 'vgg19_bn' */
export type ModelName = keyof Builders & string;
const ALL: readonly ModelFamily<any, any>[] = FAMILIES; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every architecture name, sorted. Mirrors `torchvision.models.list_models`.
 */
export function listModels(): string[] {
  return ALL.flatMap((f) => Object.keys(f.builders)).sort();
}

/**
 * The family an architecture name belongs to; a TypeError naming the closest known name otherwise.
 * torchvgg's own (the registry over model families).
 * @throws TypeError when `name` is not a string or not a known architecture.
 */
export function familyOfArch(name: string): ModelFamily {
  string(name, 'name');
  const family = ALL.find((f) => Object.prototype.hasOwnProperty.call(f.builders, name));
  if (family) return family;
  const hint = closest(name, listModels());
  throw new TypeError(`unknown model '${name}'${hint ? `; did you mean '${hint}'?` : ''} (models: ${listModels().join(', ')})`);
}

/**
 * The family a built model belongs to, or a TypeError.
 * torchvgg's own (the registry over model families).
 * @throws TypeError when `model` is not one of torchvgg's models.
 */
export function familyOf(model: unknown): ModelFamily {
  const family = model instanceof Module ? ALL.find((f) => model instanceof f.modelClass) : undefined;
  if (!family) {
    throw new TypeError(`model must be one of torchvgg's models (${listModels().join(', ')}); got ${model instanceof Module ? model.typeName : describe(model)}`);
  }
  return family;
}

/**
 * The builder function of an architecture. Mirrors `torchvision.models.get_model_builder`.
 * @throws TypeError for an unknown name (naming the closest known one).
 */
export function getModelBuilder<N extends ModelName>(name: N): Builders[N];
export function getModelBuilder(name: string): (options?: BuildOptions) => Classifier;
export function getModelBuilder(name: string): (options?: any) => Classifier { // eslint-disable-line @typescript-eslint/no-explicit-any
  return familyOfArch(name).builders[name];
}

/**
 * Builds a model by architecture name: getModel('vgg16', { weights: 'DEFAULT' }). Mirrors `torchvision.models.get_model`.
 * @throws TypeError for an unknown name; otherwise what the builder throws (see {@link vgg11}).
 * @example
 * ```ts
 * const model = models.getModel('vgg16', { weights: 'DEFAULT' });
 * ```
 */
export function getModel<N extends ModelName>(name: N, options?: Parameters<Builders[N]>[0]): ReturnType<Builders[N]>;
export function getModel(name: string, options?: BuildOptions): Classifier;
export function getModel(name: string, options?: any): Classifier { // eslint-disable-line @typescript-eslint/no-explicit-any
  return getModelBuilder(name)(options);
}

/**
 * torchvision.models.get_model_weights(name): the weights enum of an architecture (or of its builder).
 * Mirrors `torchvision.models.get_model_weights`.
 * @throws TypeError for an unknown name or a function that is not a model builder.
 */
export function getModelWeights(name: string | ((options?: never) => Module)): WeightsEnum {
  if (typeof name === 'function') {
    const family = ALL.find((f) => Object.values(f.builders).includes(name));
    const arch = family && Object.keys(family.builders).find((k) => family.builders[k] === name);
    if (!arch) throw new TypeError('getModelWeights: the function is not one of torchvgg\'s model builders');
    return family.weights[arch];
  }
  return familyOfArch(name).weights[name];
}

/**
 * torchvision.models.get_weight('VGG16_Weights.IMAGENET1K_V1').
 * Looks weights up by their full name. Mirrors `torchvision.models.get_weight`.
 * @throws TypeError when `name` is not a string or names no known weights.
 */
export function getWeight(name: string): Weights {
  string(name, 'name');
  const all = ALL.flatMap((f) => Object.values(f.weights)).flatMap((e) => Object.entries(e).map(([k, w]) => [`${enumName(e)}.${k}`, w] as const));
  const hit = all.find(([n]) => n === name);
  if (hit) return hit[1];
  const hint = closest(name, all.map(([n]) => n));
  throw new TypeError(`unknown weights '${name}'${hint ? `; did you mean '${hint}'?` : ''} (expected 'EnumName.MEMBER', e.g. 'VGG16_Weights.IMAGENET1K_V1')`);
}

/**
 * The number of classes a state dict was trained for, read from the family's head parameter. The head
 * must be a dense (contiguous) tensor, so that its bytes are really in the file: a stride-0 view claiming
 * 150,000 classes must not size a 2 GB model. Its bias, when present, must agree.
 * torchvgg's own (what `torchvgg finetune` and the server use to size a head).
 * @throws TypeError for an unknown architecture; Error when the head tensor is missing, not dense, or its bias disagrees.
 */
export function numClassesOf(name: string, stateDict: Record<string, unknown>): number {
  const { head } = familyOfArch(name);
  const w = stateDict?.[`${head}.weight`];
  if (!(w instanceof Tensor) || w.dim() < 1) throw new Error(`this state dict has no tensor '${head}.weight' to read ${name}'s number of classes from`);
  if (!w.isContiguous()) {
    throw new Error(`'${head}.weight' (shape [${w.shape.join(', ')}], strides [${w.stride().join(', ')}]) is not a dense tensor; refusing to size ${name}'s head from it`);
  }
  const b = stateDict[`${head}.bias`];
  if (b !== undefined && (!(b instanceof Tensor) || b.shape.join() !== String(w.shape[0]))) {
    throw new Error(`'${head}.bias' must have shape [${w.shape[0]}] like '${head}.weight''s first dimension; got ${b instanceof Tensor ? `[${b.shape.join(', ')}]` : describe(b)}`);
  }
  return w.shape[0];
}

/**
 * A model of architecture `name` holding `stateDict` (strictly loaded), its class count read from the head.
 * torchvgg's own: `getModel(name, { numClasses })` followed by `loadStateDict(stateDict)`.
 * @throws What {@link numClassesOf} and `Module.loadStateDict` throw (Error for missing, unexpected or mis-shaped keys).
 */
export function modelFromStateDict(name: string, stateDict: Record<string, unknown>): Classifier {
  const model = getModel(name, { numClasses: numClassesOf(name, stateDict), initWeights: false });
  model.loadStateDict(stateDict);
  return model;
}
