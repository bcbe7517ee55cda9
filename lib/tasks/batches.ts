// Mini-batches over tensors already in memory (cached embeddings), in a given order.
import type { Tensor } from '../torch/tensor';
import { int } from '../check';

/** [inputs, labels] in slices of batchSize along dim 0, following `order` (default 0..n-1). */
export function* tensorBatches([x, y]: [Tensor, Tensor], batchSize: number, order?: number[]): Generator<[Tensor, Tensor]> {
  // The loop's step: anything but a positive integer would never end (0) or skip samples (1.5).
  int(batchSize, 'batchSize', { min: 1 });
  const n = y.size(0);
  const idx = order ?? Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i += batchSize) {
    const part = idx.slice(i, i + batchSize);
    yield [x.indexSelect(0, part), y.indexSelect(0, part)];
  }
}
