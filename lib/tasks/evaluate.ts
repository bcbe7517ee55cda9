// Top-1 accuracy of a model over a dataset (or over tensors in memory), run off the main thread.
import { Tensor } from '../torch/tensor';
import { Module } from '../nn/module';
import { DataLoader } from '../data/dataloader';
import { checkDataset as checkDataLength } from '../data/datasets';
import type { Dataset } from '../data/datasets';
import { describe, int, options } from '../check';
import { tensorBatches } from './batches';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Samples per forward pass (default 64). */
  batchSize?: number;
  /** DataLoader worker threads (default 0). */
  numWorkers?: number;
}

/** @internal a dataset-like argument's check, shared by the tasks */
export function checkDataset(v: unknown, name: string): Dataset {
  const d = v as Dataset;
  if (d === null || typeof d !== 'object' || !Number.isInteger(d.length) || d.length < 0 || typeof d.get !== 'function') {
    throw new TypeError(`${name} must be a dataset ({ length, get(i) }); got ${describe(v)}`);
  }
  return checkDataLength(d, name);
}

/**
 * [async] The fraction of samples whose arg-max logit is the label, with the model in eval mode (its
 * mode is restored afterwards). `data` is a Dataset, or [inputs, labels] tensors already in memory.
 * torchvgg's own: the validation phase of the seed article's training loop.
 * @throws Rejects with TypeError when model is not a Module or data is neither a dataset nor [inputs, labels];
 * what the dataset and the forward pass throw.
 */
export async function evaluate(model: Module, data: Dataset | [Tensor, Tensor], opts?: EvaluateOptions): Promise<number> {
  if (!(model instanceof Module)) throw new TypeError(`evaluate: model must be an nn.Module; got ${describe(model)}`);
  const o = options(opts, 'evaluate options', ['batchSize', 'numWorkers']);
  const batchSize = int(o.batchSize ?? 64, 'batchSize', { min: 1 });
  const numWorkers = int(o.numWorkers ?? 0, 'numWorkers', { min: 0 });
  const inMemory = Array.isArray(data);
  if (inMemory && !(data.length === 2 && data[0] instanceof Tensor && data[1] instanceof Tensor)) {
    throw new TypeError(`evaluate: data must be a dataset or [inputs, labels] tensors; got ${describe(data)}`);
  }
  const batches = inMemory ? tensorBatches(data, batchSize)
    : new DataLoader(checkDataset(data, 'data'), { batchSize, numWorkers, seed: 0 });
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  let total = 0;
  try {
    for await (const [x, y] of batches) {
      const logits = await model.forwardAsync(x);
      correct += logits.argmax(1).eq(y).sum().item() as number;
      total += y.size(0);
    }
  } finally {
    model.train(wasTraining);
  }
  return total ? correct / total : 0;
}
