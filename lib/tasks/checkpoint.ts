// The checkpoint `torchvgg finetune` writes, { arch, classes, image_size, model }, and loading one back (Python loads it too).
import * as fs from 'fs';
import { Tensor } from '../torch/tensor';
import { save, load } from '../serialization/load';
import { Module } from '../nn/module';
import { getModel, listModels } from '../models/registry';
import type { Classifier } from '../models/family';
import { ImageClassification } from '../transforms/presets';
import { describe, int, string } from '../check';

/** The saved object. Python: `getattr(torchvision.models, ck['arch'])(num_classes=len(ck['classes'])).load_state_dict(ck['model'])`. */
export interface Checkpoint {
  arch: string;
  classes: string[];
  /** The side images are resized and centre-cropped to (evalTransform(image_size)). */
  image_size: number;
  model: Record<string, Tensor>;
}

export interface LoadedCheckpoint {
  /** The model, its weights loaded, in eval mode. */
  model: Classifier;
  arch: string;
  classes: string[];
  imageSize: number;
  /** evalTransform(imageSize): what the model was trained and validated on. */
  transform: ImageClassification;
}

/** The eval transform of a fine-tuned checkpoint: shorter side to imageSize, centre crop, tensor, ImageNet normalisation. */
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

/** Writes { arch, classes, image_size, model: model.stateDict() } with torch.save; returns what it wrote. */
export function saveCheckpoint(file: string, c: { arch: string; classes: string[]; imageSize: number; model: Module }): Checkpoint {
  string(file, 'file');
  if (c === null || typeof c !== 'object') throw new TypeError(`saveCheckpoint takes { arch, classes, imageSize, model }; got ${describe(c)}`);
  const arch = string(c.arch, 'arch');
  if (!listModels().includes(arch)) throw new TypeError(`arch must be one of ${listModels().join(', ')}; got '${arch}'`);
  if (!(c.model instanceof Module)) throw new TypeError(`model must be an nn.Module; got ${describe(c.model)}`);
  const checkpoint: Checkpoint = {
    arch, classes: [...checkClasses(c.classes, 'classes')], image_size: int(c.imageSize, 'imageSize', { min: 1 }), model: c.model.stateDict(),
  };
  save(checkpoint, file);
  return checkpoint;
}

/** Reads a checkpoint saveCheckpoint (or `torchvgg finetune`) wrote: the model built for its classes, loaded, in eval mode. */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  string(file, 'file');
  if (!fs.existsSync(file)) throw new Error(`${file}: no such file`);
  const ck = load(file, { mapLocation: 'cpu' }) as Partial<Checkpoint> | null;
  const ok = ck !== null && typeof ck === 'object' && typeof ck.arch === 'string' && listModels().includes(ck.arch)
    && Array.isArray(ck.classes) && ck.classes.length > 0 && ck.classes.every((c) => typeof c === 'string')
    && Number.isInteger(ck.image_size) && (ck.image_size as number) > 0
    && ck.model !== null && typeof ck.model === 'object' && Object.values(ck.model).every((t) => t instanceof Tensor);
  if (!ok) throw new Error(`${file}: not a torchvgg finetune checkpoint (expected { arch, classes, image_size, model })`);
  const { arch, classes, image_size: imageSize } = ck as Checkpoint;
  const model = getModel(arch, { numClasses: classes.length, initWeights: false });
  try {
    model.loadStateDict(ck.model as Record<string, Tensor>);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return { model: model.eval(), arch, classes, imageSize, transform: evalTransform(imageSize) };
}
