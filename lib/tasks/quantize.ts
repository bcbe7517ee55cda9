// int8 from a fine-tuned checkpoint: calibrate, quantize, write the int8 checkpoint, and say how often the int8
// model's top-1 class agrees with the float model's on held-out images.
import { DataLoader } from '../data/dataloader';
import type { Dataset } from '../data/datasets';
import { Module } from '../nn/module';
import { quantize } from '../quantization/quantize';
import type { QuantizedEngine } from '../quantization/engine';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { familyOfArch } from '../models/registry';
import { describe, int, options, string } from '../check';

/** What {@link quantizeCheckpoint} takes. */
export interface QuantizeCheckpointOptions {
  /** Images in the checkpoint's eval preprocessing to calibrate on (a few hundred are enough). */
  calibration: Dataset;
  /** Calibrate on at most this many of them (default 256). */
  numImages?: number;
  /** Held-out images: top-1 agreement of int8 with float32 is measured on them. */
  validation?: Dataset;
  /** default 32 */
  batchSize?: number;
  /** default: torch.backends.quantized.engine */
  backend?: QuantizedEngine;
  /** Trailing layers kept in float32 (quantize's keepFloat); 'head' names the family's head, the last layer. */
  keepFloat?: string[];
  /** Activation observer (quantize's observer): 'minmax' (default) or 'histogram'. */
  observer?: 'minmax' | 'histogram';
}

/** What {@link quantizeCheckpoint} did. */
export interface QuantizeReport {
  calibrationImages: number;
  /** Share of validation images whose int8 top-1 class is the float model's; null without validation data. */
  agreement: number | null;
  validationImages: number;
}

/**
 * Reads a float checkpoint (`torchvgg finetune`'s), quantizes it to int8 with {@link quantize}, writes the int8
 * checkpoint to `out` (the same layout, with `quantized: 'qint8'`; loadCheckpoint, predict, evaluate and the
 * server read it) and reports the top-1 agreement with the float model. torchvgg's own (`torchvgg quantize`).
 * @throws TypeError for a wrong option; Error naming the file for a checkpoint that is missing, broken or
 * already int8, and what {@link quantize} throws.
 */
export async function quantizeCheckpoint(file: string, out: string, opts: QuantizeCheckpointOptions): Promise<QuantizeReport> {
  string(file, 'file'); string(out, 'out');
  const o = options(opts, 'quantizeCheckpoint options', ['calibration', 'numImages', 'validation', 'batchSize', 'backend', 'keepFloat', 'observer']);
  if (!o.calibration || typeof o.calibration.length !== 'number') throw new TypeError(`calibration must be a Dataset; got ${describe(o.calibration)}`);
  const batchSize = int(o.batchSize ?? 32, 'batchSize', { min: 1 });
  const numImages = Math.min(int(o.numImages ?? 256, 'numImages', { min: 1 }), o.calibration.length);
  const ck = loadCheckpoint(file);
  if (ck.quantized) throw new Error(`${file}: this checkpoint is already ${ck.quantized}`);
  const loader = new DataLoader(o.calibration, { batchSize, seed: 0 });
  const keepFloat = Array.isArray(o.keepFloat) ? o.keepFloat.map((p) => (p === 'head' ? familyOfArch(ck.arch).head : p)) : o.keepFloat;
  const int8 = await quantize(ck.model, { calibration: loader, numBatches: Math.ceil(numImages / batchSize), backend: o.backend, keepFloat, observer: o.observer });
  saveCheckpoint(out, { arch: ck.arch, classes: ck.classes, imageSize: ck.imageSize, model: int8 });
  if (!o.validation) return { calibrationImages: numImages, agreement: null, validationImages: 0 };
  const agreement = await top1Agreement(int8, ck.model, o.validation, batchSize);
  return { calibrationImages: numImages, agreement, validationImages: o.validation.length };
}

/** The share of `data` on which the two models' top-1 classes agree. torchvgg's own. */
export async function top1Agreement(a: Module, b: Module, data: Dataset, batchSize = 32): Promise<number> {
  let same = 0, n = 0;
  for await (const [x] of new DataLoader(data, { batchSize, seed: 0 })) {
    const [ya, yb] = [await a.forwardAsync(x), await b.forwardAsync(x)];
    const [ia, ib] = [ya.argmax(1).toTypedArray(), yb.argmax(1).toTypedArray()];
    for (let i = 0; i < ia.length; i++) if (ia[i] === ib[i]) same++;
    n += ia.length;
    ya.dispose(); yb.dispose(); x.dispose();
  }
  return n ? same / n : 0;
}
