// The checkpoint `torchvgg finetune` writes, { arch, classes, image_size, model }, and loading one back (Python loads it too).
import * as fs from 'fs';
import { Tensor } from '../torch/tensor';
import { save, load } from '../serialization/load';
import { Module } from '../nn/module';
import { familyOfArch, getModel, listModels, numClassesOf } from '../models/registry';
import type { Classifier } from '../models/family';
import { ImageClassification } from '../transforms/presets';
import { QuantWrapper } from '../nn/modules/quantized';
import { keptFloatKey, quantizedFromStateDict } from '../quantization/quantize';
import { engine, setEngine, supportedEngines, QuantizedEngine } from '../quantization/engine';
import { describe, int, string } from '../check';

/**
 * The saved object. Python: `getattr(torchvision.models, ck['arch'])(num_classes=len(ck['classes'])).load_state_dict(ck['model'])`.
 * What `torchvgg finetune` and {@link saveCheckpoint} write (Python reads it with torch.load).
 */
export interface Checkpoint {
  arch: string;
  classes: string[];
  /** The side images are resized and centre-cropped to (evalTransform(image_size)). */
  image_size: number;
  model: Record<string, Tensor>;
  /**
   * 'qint8' when `model` is the state dict of an int8 model (models.quantize): QuantWrapper(the fused model).
   * Python: build that model as README "int8" shows, then `load_state_dict(ck['model'])`.
   */
  quantized?: 'qint8';
  /** The quantized engine it was calibrated for (torch.backends.quantized.engine). */
  quantized_engine?: string;
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  /** The model, its weights loaded, in eval mode (a QuantWrapper for an int8 checkpoint). */
  model: Classifier | QuantWrapper;
  /** 'qint8' for an int8 checkpoint, else null. */
  quantized: 'qint8' | null;
  arch: string;
  classes: string[];
  imageSize: number;
  /** evalTransform(imageSize): what the model was trained and validated on. */
  transform: ImageClassification;
}

/**
 * The largest image side a checkpoint may ask for (the smallest is its family's minImageSize): a 1024²
 * image already costs a large model over a gigabyte of activations, so a checkpoint's image_size cannot
 * make predict allocate gigabytes per image.
 */
export const MAX_IMAGE_SIZE = 1024;

/**
 * The eval transform of a fine-tuned checkpoint: shorter side to imageSize, centre crop, tensor, ImageNet normalisation.
 * torchvgg's own; mirrors torchvision's `ImageClassification` preset with crop size imageSize.
 * @throws TypeError when imageSize is not an integer; RangeError when it is below 1.
 */
export function evalTransform(imageSize: number): ImageClassification {
  const size = int(imageSize, 'imageSize', { min: 1 });
  return new ImageClassification({ cropSize: size, resizeSize: size });
}

function checkClasses(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.length < 1 || !v.every((c) => typeof c === 'string')) {
    throw new TypeError(`${name} must be a non-empty array of class names; got ${describe(v)}`);
  }
  return v;
}

/**
 * Writes { arch, classes, image_size, model: model.stateDict() } with torch.save; returns what it wrote.
 * torchvgg's own checkpoint layout, saved with torch.save.
 * @throws TypeError for an unknown arch, a non-Module model, empty or non-string classes; RangeError for an
 * imageSize outside [the family's minimum, 1024]; Error from the file system when the file cannot be written.
 */
export function saveCheckpoint(file: string, c: { arch: string; classes: string[]; imageSize: number; model: Module }): Checkpoint {
  string(file, 'file');
  if (c === null || typeof c !== 'object') throw new TypeError(`saveCheckpoint takes { arch, classes, imageSize, model }; got ${describe(c)}`);
  const arch = string(c.arch, 'arch');
  if (!listModels().includes(arch)) throw new TypeError(`arch must be one of ${listModels().join(', ')}; got '${arch}'`);
  if (!(c.model instanceof Module)) throw new TypeError(`model must be an nn.Module; got ${describe(c.model)}`);
  const checkpoint: Checkpoint = {
    arch, classes: [...checkClasses(c.classes, 'classes')], image_size: int(c.imageSize, 'imageSize', { min: familyOfArch(arch).minImageSize, max: MAX_IMAGE_SIZE }), model: c.model.stateDict(),
  };
  if (c.model instanceof QuantWrapper) Object.assign(checkpoint, { quantized: 'qint8', quantized_engine: engine() });
  save(checkpoint, file);
  return checkpoint;
}

// What the file claims, checked against itself before anything is allocated for it: the class list
// must match the head's weights (a list of 150,000 names must not build a 150,000-class model), and
// image_size must be within [the family's minImageSize, MAX_IMAGE_SIZE].
function checkMetadata(file: string, ck: unknown): Checkpoint {
  const c = ck as Partial<Checkpoint> | null;
  const ok = c !== null && typeof c === 'object' && typeof c.arch === 'string' && listModels().includes(c.arch)
    && Array.isArray(c.classes) && c.classes.length > 0 && c.classes.every((n) => typeof n === 'string')
    && typeof c.image_size === 'number' && c.model !== null && typeof c.model === 'object'
    && Object.values(c.model).every((t) => t instanceof Tensor);
  if (!ok) throw new Error(`${file}: not a torchvgg finetune checkpoint (expected { arch, classes, image_size, model })`);
  const { arch, classes, image_size: imageSize, model } = c as Checkpoint;
  const { minImageSize } = familyOfArch(arch);
  if (!Number.isInteger(imageSize) || imageSize < minImageSize || imageSize > MAX_IMAGE_SIZE) {
    throw new Error(`${file}: image_size must be an integer in [${minImageSize}, ${MAX_IMAGE_SIZE}]; got ${imageSize}`);
  }
  if (c.quantized !== undefined && c.quantized !== 'qint8') throw new Error(`${file}: quantized must be 'qint8'; got ${describe(c.quantized)}`);
  let headClasses: number;
  try {
    headClasses = numClassesOf(arch, c.quantized ? floatNames(model) : model);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  if (headClasses !== classes.length) {
    throw new Error(`${file}: classes lists ${classes.length} names but the model's head gives ${headClasses} classes`);
  }
  return c as Checkpoint;
}

/**
 * Reads a checkpoint saveCheckpoint (or `torchvgg finetune`) wrote: the model built for its classes, loaded, in eval mode.
 * torchvgg's own checkpoint layout, read with torch.load.
 * @throws Error naming the file when it is missing, not such a checkpoint, or its image_size, classes or weights
 * do not fit its architecture.
 */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  string(file, 'file');
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const { arch, classes, image_size: imageSize, model: stateDict, quantized, quantized_engine: qengine } = checkMetadata(file, load(file, { mapLocation: 'cpu' }));
  const model = getModel(arch, { numClasses: classes.length, initWeights: false });
  let loaded: Classifier | QuantWrapper = model;
  try {
    if (quantized) {
      // Weights are packed for the engine they were calibrated for, when this libtorch has it.
      if (qengine && (supportedEngines() as string[]).includes(qengine)) setEngine(qengine as QuantizedEngine);
      loaded = quantizedFromStateDict(model, stateDict);
    } else {
      model.loadStateDict(stateDict);
    }
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return { model: loaded.eval(), arch, classes, imageSize, transform: evalTransform(imageSize), quantized: quantized ?? null };
}

// The float names of an int8 state dict's tensors (the QuantWrapper's `module.` prefix dropped),
// so the family reads its head's size as from a float one.
function floatNames(sd: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(sd)) {
    if (k.startsWith('module.')) out[k.slice('module.'.length)] = v;
  }
  // A layer kept in float32 (quantize's keepFloat) sits at <path>.1 behind a DeQuantize: its head reads as <path>.
  for (const [k, v] of Object.entries(out)) {
    const kept = keptFloatKey(k, v);
    if (kept && !(`${kept.path}.${kept.param}` in out) && !(`${kept.path}.scale` in out)) out[`${kept.path}.${kept.param}`] = v;
  }
  return out;
}
