// The checkpoint `torchvgg finetune` writes, { arch, classes, image_size, model }, and loading one back (Python loads it too).
import * as fs from 'fs';
import { Tensor } from '../torch/tensor';
import { save, load } from '../serialization/load';
import { Module } from '../nn/module';
import { familyOfArch, getModel, listModels, numClassesOf } from '../models/registry';
import type { Classifier } from '../models/family';
import { ImageClassification } from '../transforms/presets';
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
}

/** What {@link loadCheckpoint} returns. */
export interface LoadedCheckpoint {
  /** The model, its weights loaded, in eval mode. */
  model: Classifier;
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
  let headClasses: number;
  try {
    headClasses = numClassesOf(arch, model);
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
  const { arch, classes, image_size: imageSize, model: stateDict } = checkMetadata(file, load(file, { mapLocation: 'cpu' }));
  const model = getModel(arch, { numClasses: classes.length, initWeights: false });
  try {
    model.loadStateDict(stateDict);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return { model: model.eval(), arch, classes, imageSize, transform: evalTransform(imageSize) };
}
