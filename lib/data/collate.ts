// Turns the samples at some indices into one batch: a single Float32Array for all inputs and a
// BigInt64Array of labels. Used by DataLoader on the main thread and inside its worker threads.
import * as torch from '../torch/factories';
import { Tensor } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { Dataset } from './datasets';
import { Generator, deriveSeed, withGenerator } from './random';

export interface RawBatch { data: Float32Array; shape: number[]; labels: BigInt64Array }

/** dataset.get(i), with random transforms drawing from a generator that depends only on (epochSeed, i). */
function sample(dataset: Dataset, i: number, epochSeed: number): Promise<[unknown, number]> {
  return withGenerator(new Generator(deriveSeed(epochSeed, i)), () => Promise.resolve(dataset.get(i)));
}

/** Loads `indices` keeping up to `inFlight` samples decoding at once (sharp decodes on its own threads). */
export async function loadBatch(dataset: Dataset, indices: number[], epochSeed: number, inFlight = 4): Promise<RawBatch> {
  check.int(inFlight, 'inFlight', { min: 1 });
  const samples = new Array<[unknown, number]>(indices.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < indices.length) {
      const k = next++;
      samples[k] = await sample(dataset, indices[k], epochSeed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, indices.length) }, lane));
  return collate(samples, indices, dataset.classes?.length);
}

/** Checks every sample and copies each input once, straight into its slice of the batch buffer. */
export function collate(samples: [unknown, number][], indices: number[], numClasses?: number): RawBatch {
  let shape: number[] | undefined;
  let numel = 0;
  const labels = new BigInt64Array(samples.length);
  samples.forEach((s, k) => {
    const where = `sample ${indices[k]}`;
    if (!Array.isArray(s) || s.length !== 2) throw new TypeError(`DataLoader: ${where} must be [input, label]; got ${describe(s)}`);
    const [x, y] = s;
    if (!(x instanceof Tensor)) {
      throw new TypeError(`DataLoader: ${where} has input ${describe(x)}, but batching needs a Tensor — end the transform with transforms.ToTensor()`);
    }
    if (shape === undefined) {
      shape = x.shape;
      numel = x.numel();
    } else if (x.shape.join() !== shape.join()) {
      throw new RangeError(`DataLoader: ${where} has shape [${x.shape.join(', ')}] but sample ${indices[0]} has [${shape.join(', ')}]; `
        + 'resize and crop every image to one size (e.g. Resize + CenterCrop) before batching');
    }
    const label = typeof y === 'bigint' ? Number(y) : y;
    if (typeof label !== 'number' || !Number.isInteger(label)) throw new TypeError(`DataLoader: ${where} has label ${describe(y)}; labels must be integers`);
    if (label < 0 || (numClasses !== undefined && label >= numClasses)) {
      const range = numClasses !== undefined ? `0..${numClasses - 1} (the dataset has ${numClasses} classes)` : '>= 0';
      throw new RangeError(`DataLoader: ${where} has label ${label}; expected ${range}`);
    }
    labels[k] = BigInt(label);
  });
  const data = new Float32Array(samples.length * numel);
  samples.forEach(([x], k) => {
    // The views are dropped at once: a worker then transfers `data` to the main thread.
    const flat = torch.frombuffer(data, { dtype: 'float32', offset: k * numel * 4, count: numel });
    const view = flat.reshape(shape!);
    view.copy_(x as Tensor);
    view.dispose();
    flat.dispose();
  });
  return { data, shape: [samples.length, ...shape!], labels };
}

/** The batch as tensors, without copying the inputs: the tensor views `data`. */
export function toTensors(b: RawBatch): [Tensor, Tensor] {
  return [torch.frombuffer(b.data, { dtype: 'float32' }).reshape(b.shape), torch.tensor(b.labels, { dtype: 'int64' })];
}
