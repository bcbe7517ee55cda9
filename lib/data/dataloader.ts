// utils.data.DataLoader: batches of [inputs [N, ...], labels int64 [N]] as an async iterable.
// numWorkers = 0: samples load on this thread, several at a time (sharp decodes on its own threads).
// numWorkers > 0: worker threads each rebuild the dataset (from its toJSON()) and make whole batches,
// as PyTorch's workers do; a batch's buffers are transferred back, not copied. Either way the batches
// are the same: order comes from the seed, and each sample's random transforms from (epoch seed, index).
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Tensor } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { Dataset, DatasetSpec, checkDataset } from './datasets';
import { RawBatch, loadBatch, toTensors } from './collate';
import { Generator, randomSeed } from './random';

/** Options of {@link DataLoader}: PyTorch's keyword arguments in camelCase, plus `seed`. */
export interface DataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  numWorkers?: number;
  dropLast?: boolean;
  /** Seeds shuffling and random transforms: the same seed gives the same batches, epoch after epoch. */
  seed?: number;
  /** Batches loaded ahead, per worker (or in total with numWorkers = 0). Default 2, as PyTorch. */
  prefetchFactor?: number;
}

/** At most this many worker threads (each holds a copy of the dataset and a V8 isolate). */
export const MAX_WORKERS = 256;

/**
 * Batches a dataset into [inputs, labels] tensors, optionally shuffled and loaded by worker threads. Mirrors
 * `torch.utils.data.DataLoader`.
 * @throws (constructor) TypeError when dataset is not a dataset or an option is unknown or mistyped; RangeError for a
 * batchSize below 1 or numWorkers/prefetchFactor out of range.
 * @example
 * ```ts
 * const train = new datasets.ImageFolder('data/train', { transform: models.VGG16_Weights.DEFAULT.transforms() });
 * const loader = new utils.data.DataLoader(train, { batchSize: 32, shuffle: true, numWorkers: 2 });
 * for await (const [images, labels] of loader) { ... }
 * ```
 */
export class DataLoader implements AsyncIterable<[Tensor, Tensor]> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly numWorkers: number;
  readonly dropLast: boolean;
  readonly prefetchFactor: number;
  private readonly generator: Generator;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    checkDataset(dataset);
    const { batchSize = 1, shuffle = false, numWorkers = 0, dropLast = false, seed, prefetchFactor = 2 } = check.options(options,
      'DataLoader options', ['batchSize', 'shuffle', 'numWorkers', 'dropLast', 'seed', 'prefetchFactor']);
    this.dataset = dataset;
    this.batchSize = check.int(batchSize, 'batchSize', { min: 1 });
    this.shuffle = check.bool(shuffle, 'shuffle');
    this.numWorkers = check.int(numWorkers, 'numWorkers', { min: 0, max: MAX_WORKERS });
    this.dropLast = check.bool(dropLast, 'dropLast');
    this.prefetchFactor = check.int(prefetchFactor, 'prefetchFactor', { min: 1, max: 1024 });
    if (seed !== undefined) check.int(seed, 'seed');
    this.generator = new Generator(seed ?? randomSeed());
  }

  /**
   * Number of batches per epoch.
   * Mirrors `len(loader)`.
   */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * One epoch of batches: `for await (const [x, y] of loader)`. Mirrors `iter(loader)`.
   * @throws Rejects with what the dataset's get() and the transforms throw (Error naming the file for a bad image),
   * and TypeError when samples cannot be collated into tensors.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<[Tensor, Tensor]> {
    const epochSeed = this.generator.uint32();
    const n = this.dataset.length;
    const order = this.shuffle ? new Generator(epochSeed).randperm(n) : Array.from({ length: n }, (_, i) => i);
    const count = this.length;
    const batch = (b: number): number[] => order.slice(b * this.batchSize, (b + 1) * this.batchSize);
    const source = this.numWorkers > 0
      ? new WorkerPool(this.dataset, this.numWorkers)
      : { load: (indices: number[]) => loadBatch(this.dataset, indices, epochSeed), close: () => undefined };
    const ahead = this.prefetchFactor * Math.max(1, this.numWorkers);
    const pending: Promise<RawBatch>[] = [];
    // Rejections of batches loaded ahead are reported when their turn comes, not as unhandled.
    const request = (b: number): void => {
      const p = source.load(batch(b), epochSeed);
      p.catch(() => undefined);
      pending.push(p);
    };
    try {
      let next = 0;
      for (let b = 0; b < count; b++) {
        while (next < count && next < b + ahead) request(next++);
        yield toTensors(await pending.shift()!);
      }
    } finally {
      // Runs on normal end, on `break` and on errors: no worker outlives the loop.
      await source.close();
    }
  }
}

// loader.batch_size, loader.num_workers, …: a TypeError naming the camelCase member.
check.refusePythonNames(DataLoader.prototype, 'DataLoader', ['batchSize', 'numWorkers', 'dropLast', 'prefetchFactor']);

/** Worker threads, each with a copy of the dataset; batch b goes to worker b mod n. */
class WorkerPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (b: RawBatch) => void; reject: (e: Error) => void; worker: Worker }>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private failure?: Error;

  constructor(dataset: Dataset, n: number) {
    let spec: DatasetSpec;
    if (typeof dataset.toJSON !== 'function') {
      throw new TypeError(`DataLoader: numWorkers > 0 needs a dataset that worker threads can rebuild (ImageFolder, Shapes, Subset `
        + `with torchvgg transforms); ${describe(dataset)} has no toJSON(). Use numWorkers: 0`);
    }
    try {
      spec = dataset.toJSON();
    } catch (e) {
      throw new TypeError(`DataLoader: numWorkers > 0: ${(e as Error).message}`);
    }
    const file = path.join(__dirname, 'worker.js');
    this.workers = Array.from({ length: n }, () => {
      const w = new Worker(file, { workerData: { dataset: spec } });
      w.unref(); // referenced only while it has work, so an abandoned loop cannot keep the process alive
      w.on('message', (m: { id: number; batch?: RawBatch; error?: { name: string; message: string } }) => this.settle(w, m));
      w.on('error', (e) => this.fail(new Error(`DataLoader worker failed: ${e.message}`)));
      w.on('exit', (code) => { if (code !== 0 || this.waiting.size) this.fail(new Error(`DataLoader worker exited with code ${code}`)); });
      return w;
    });
  }

  load(indices: number[], epochSeed: number): Promise<RawBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length];
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker });
      this.busy.set(worker, (this.busy.get(worker) ?? 0) + 1);
      worker.ref();
      worker.postMessage({ id, indices, epochSeed });
    });
  }

  private settle(w: Worker, m: { id: number; batch?: RawBatch; error?: { name: string; message: string } }): void {
    const job = this.waiting.get(m.id);
    if (!job) return;
    this.waiting.delete(m.id);
    const left = (this.busy.get(w) ?? 1) - 1;
    this.busy.set(w, left);
    if (left === 0) w.unref();
    if (m.batch) job.resolve(m.batch);
    else {
      const Ctor = m.error?.name === 'TypeError' ? TypeError : m.error?.name === 'RangeError' ? RangeError : Error;
      job.reject(new Ctor(m.error?.message ?? 'DataLoader worker failed'));
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const job of this.waiting.values()) job.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('DataLoader workers were closed');
    this.waiting.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
