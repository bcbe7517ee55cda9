// The model repository: loads each served model (a finetune checkpoint, a state dict, a weights name or a module) with its classes, preset and input shape.
import * as fs from 'fs';
import { Module } from '../nn/module';
import * as models from '../models';
import { loadCheckpoint } from '../tasks/checkpoint';
import { QuantWrapper } from '../nn/modules/quantized';
import { describe } from '../check';
import type { ModelSpec, ResolvedOptions } from './options';

export interface ServedModel {
  name: string;
  /** 'vgg16', or 'module' for a module given directly */
  arch: string;
  module: Module;
  /** Class names in output order, or null (labels are then omitted). */
  classes: readonly string[] | null;
  /** [C, H, W] of one input, -1 where free. */
  inputShape: number[];
  /** Smallest H and W the model accepts. */
  minSize: number;
  /** Decoded image → [C, H, W] tensor for the classify route; null when there is no preset. */
  transform: ((image: unknown) => unknown) | null;
  /** Output width when known, else -1. */
  numClasses: number;
}

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

function readClasses(v: string[] | string | undefined, where: string): string[] | null {
  if (v === undefined) return null;
  let list: unknown = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(fs.readFileSync(v, 'utf8'));
    } catch (e) {
      throw new Error(`${where}: cannot read class names from ${v}: ${(e as Error).message}`);
    }
  }
  if (!Array.isArray(list) || list.length < 1 || !list.every((c) => typeof c === 'string')) {
    throw new TypeError(`${where}: classes must be a non-empty JSON array of strings; got ${describe(list)}`);
  }
  return list;
}

function fromFile(spec: ModelSpec, where: string): Omit<ServedModel, 'name' | 'inputShape'> {
  const file = spec.weights!;
  const arch = spec.arch ?? 'vgg16';
  if (!models.listModels().includes(arch)) throw new TypeError(`${where}: arch must be one of ${models.listModels().join(', ')}; got '${arch}'`);
  const preset = models.getModelWeights(arch).DEFAULT;
  if (!fs.existsSync(file)) { // a weights name: IMAGENET1K_V1, DEFAULT, or 'VGG16_Weights.IMAGENET1K_V1'
    const module = models.getModel(arch, { weights: file });
    const w = file.includes('.') ? models.getWeight(file) : models.getModelWeights(arch)[file];
    return { arch, module, classes: readClasses(spec.classes, where) ?? w.meta.categories, minSize: 32, transform: w.transforms(), numClasses: 1000 };
  }
  try {
    const ck = loadCheckpoint(file);
    return { arch: ck.arch, module: ck.model, classes: readClasses(spec.classes, where) ?? ck.classes, minSize: 32, transform: ck.transform, numClasses: ck.classes.length };
  } catch (e) {
    if (!/not a torchvgg finetune checkpoint/.test((e as Error).message)) throw e;
  }
  const stateDict = models.readStateDict(file);
  const module = models.modelFromStateDict(arch, stateDict);
  const numClasses = models.numClassesOf(arch, stateDict);
  const classes = readClasses(spec.classes, where) ?? (numClasses === 1000 ? preset.meta.categories : null);
  return { arch, module, classes, minSize: 32, transform: preset.transforms(), numClasses };
}

/** Loads every model of the options, in eval mode on the chosen device and dtype; names must be unique. */
export function loadModels(o: ResolvedOptions): Map<string, ServedModel> {
  const out = new Map<string, ServedModel>();
  o.models.forEach((spec, i) => {
    const where = `models[${i}]${spec.weights ? ` (${spec.weights})` : ''}`;
    const m = spec.model
      ? { arch: 'module', module: spec.model, classes: readClasses(spec.classes, where), minSize: 1, transform: null, numClasses: -1 }
      : fromFile(spec, where);
    const name = spec.name ?? (m.arch === 'module' ? 'model' : m.arch);
    if (out.has(name)) throw new Error(`two models are named '${name}'; give each a name (--model name=path)`);
    if (m.classes && m.numClasses > 0 && m.classes.length !== m.numClasses) {
      throw new Error(`${where}: ${m.classes.length} class names for a model with ${m.numClasses} outputs`);
    }
    const inputShape = spec.inputShape ?? [3, -1, -1];
    if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && (d === -1 || d > 0))) {
      throw new TypeError(`${where}: inputShape must be [C, H, W] with -1 for a free dimension; got ${describe(inputShape)}`);
    }
    m.module.eval();
    if (m.module instanceof QuantWrapper && (o.device !== 'cpu' || o.dtype !== 'float32')) {
      throw new Error(`${where}: an int8 model runs on the CPU and takes float32 (not --device ${o.device} --dtype ${o.dtype})`);
    }
    if (o.device !== 'cpu' || o.dtype !== 'float32') m.module.to({ device: o.device, dtype: o.dtype });
    if (m.numClasses < 0 && m.classes) m.numClasses = m.classes.length;
    out.set(name, { ...m, name, inputShape, transform: spec.transform ?? m.transform });
  });
  return out;
}
