// Classifying images (files, Buffers, decoded Images or tensors) with a model: the top-k classes and their probabilities.
import { Tensor } from '../torch/tensor';
import * as torch from '../torch/factories';
import { Module } from '../nn/module';
import { Image, readImage } from '../transforms/transforms';
import { describe, func, int, options } from '../check';

/**
 * An input of {@link predict}: an image file path, encoded image bytes, a decoded Image, or a ready [C, H, W] tensor.
 */
export type PredictInput = string | Buffer | Image | Tensor;

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Turns each decoded RGB image into a [C, H, W] tensor: weights.transforms(), or a checkpoint's transform. Tensor inputs skip it. */
  transform?: (image: Image) => unknown;
  /** Class names in output order (weights.meta.categories, a checkpoint's classes); labels are indices otherwise. */
  categories?: readonly string[] | null;
  /** How many classes to report per input (default 5, at most the number of classes). */
  topk?: number;
  /** Inputs per forward pass (default 16). */
  batchSize?: number;
}

/** One input's top-k classes, best first. */
export interface Prediction {
  input: PredictInput;
  /** Best first. */
  top: { index: number; label: string; probability: number }[];
}

async function toTensor(input: PredictInput, i: number, transform?: (image: Image) => unknown): Promise<Tensor> {
  let x: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) x = await readImage(input, { mode: 'RGB' });
  else if (!(input instanceof Image) && !(input instanceof Tensor)) {
    throw new TypeError(`inputs[${i}] must be an image file path, a Buffer, an Image or a Tensor; got ${describe(input)}`);
  }
  if (transform && !(input instanceof Tensor)) x = await transform(x as Image);
  if (!(x instanceof Tensor) || x.dim() !== 3) {
    throw new TypeError(`inputs[${i}] must become a [C, H, W] tensor${transform ? ' after the transform' : '; give a transform (e.g. weights.transforms())'}`
      + `; got ${x instanceof Tensor ? `shape [${x.shape.join(', ')}]` : describe(x)}`);
  }
  return x;
}

/**
 * [async] Runs `model` in eval mode on each input and returns its top-k classes with softmax
 * probabilities. Files and Buffers are decoded as RGB, then `transform` makes tensors of them; a Tensor
 * input is taken as already transformed.
 * torchvgg's own: the seed article's "visualise predictions" step, returning the classes instead of plotting them.
 * @throws Rejects with TypeError when model is not a Module, inputs is not an array, an input is of the wrong
 * kind or does not become a [C, H, W] tensor; RangeError when categories do not match the model's class count;
 * Error naming the file for an image that cannot be read or decoded.
 * @example
 * ```ts
 * const w = models.VGG16_Weights.DEFAULT;
 * const model = models.vgg16({ weights: w });
 * const [p] = await tasks.predict(model, ['cat.jpg'], { transform: w.transforms(), categories: w.meta.categories! });
 * console.log(p.top[0].label, p.top[0].probability);
 * ```
 */
export async function predict(model: Module, inputs: PredictInput[], opts?: PredictOptions): Promise<Prediction[]> {
  if (!(model instanceof Module)) throw new TypeError(`predict: model must be an nn.Module; got ${describe(model)}`);
  if (!Array.isArray(inputs)) throw new TypeError(`predict: inputs must be an array; got ${describe(inputs)}`);
  const o = options(opts, 'predict options', ['transform', 'categories', 'topk', 'batchSize']);
  const transform = o.transform === undefined ? undefined : func<(image: Image) => unknown>(o.transform, 'transform');
  const categories = o.categories ?? null;
  if (categories !== null && (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string'))) {
    throw new TypeError(`categories must be an array of class names; got ${describe(categories)}`);
  }
  const topk = int(o.topk ?? 5, 'topk', { min: 1 });
  const batchSize = int(o.batchSize ?? 16, 'batchSize', { min: 1 });
  const wasTraining = model.training;
  model.eval();
  const out: Prediction[] = [];
  try {
    for (let start = 0; start < inputs.length; start += batchSize) {
      const part = inputs.slice(start, start + batchSize);
      const x = torch.stack(await Promise.all(part.map((input, i) => toTensor(input, start + i, transform))));
      const probs = (await model.forwardAsync(x)).softmax(1);
      const numClasses = probs.size(1);
      if (categories !== null && categories.length !== numClasses) {
        throw new RangeError(`categories has ${categories.length} names but the model gives ${numClasses} classes`);
      }
      const [values, indices] = probs.topk(Math.min(topk, numClasses), 1);
      const p = values.tolist() as number[][];
      const idx = indices.tolist() as number[][];
      part.forEach((input, i) => out.push({
        input, top: idx[i].map((c, j) => ({ index: c, label: categories?.[c] ?? String(c), probability: p[i][j] })),
      }));
    }
  } finally {
    model.train(wasTraining);
  }
  return out;
}
