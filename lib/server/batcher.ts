// The dynamic batcher (Triton's): requests of the same input shape that arrive within maxQueueDelayMs share one forward of up to maxBatchSize rows.
import { Tensor } from '../torch/tensor';
import * as torch from '../torch/factories';
import { markAsUntransferable } from 'worker_threads';
import { isResizable } from '../check';
import { ServeError } from './errors';

/** The event loop's idle time so far, in ms (the time it spent waiting for I/O and timers). */
const loopIdleMs = (): number => performance.eventLoopUtilization().idle;

export interface BatcherOptions {
  maxBatchSize: number;
  /** A batch stops growing before its input would pass this many elements (one request always runs, alone if need be). */
  maxBatchElements: number;
  maxQueueDelayMs: number;
  maxQueue: number;
  /** Batches of this model that may run at once (default 1; more only helps on a GPU). */
  instances: number;
  /** Batch sizes sent at once when the queue can form them (Triton's preferred_batch_size); may be empty. */
  preferredBatchSizes: number[];
  timeoutMs: number;
}

/** What a request gets back: exactly its rows of the batch's output (float32, on the CPU). */
export interface BatchResult {
  /** Its rows of the batch's output, a view (made when first read; dispose() it when done). */
  readonly output: Tensor;
  /** Its rows' shape: [its rows, ...the output's other dims]. */
  readonly shape: number[];
  /** Its rows as numbers: a view into one copy of the whole batch's output, made once per batch (no tensor per request). */
  data(): Float32Array;
  queueMs: number;
  computeMs: number;
  batchSize: number;
}

/** A batch's output, shared by its requests' results. */
class BatchOutput {
  private flat: Float32Array | null = null;
  /** Elements per row. */
  readonly rowSize: number;
  constructor(readonly tensor: Tensor, readonly rowShape: number[]) {
    this.rowSize = rowShape.reduce((a, b) => a * b, 1);
  }

  /** The whole output as one Float32Array, copied at the first call. */
  data(): Float32Array {
    if (this.flat) return this.flat;
    const dense = this.tensor.contiguous();
    this.flat = dense.toTypedArray() as Float32Array;
    if (dense !== this.tensor) dense.dispose();
    return this.flat;
  }
}

/**
 * One request's rows. Lazy: the server's infer route reads data() and never makes a tensor per request (the
 * main thread's time per request is what a full batch waits on; each tensor costs a few native calls).
 */
class Rows implements BatchResult {
  private view: Tensor | null = null;
  constructor(private readonly batch: BatchOutput, private readonly offset: number, private readonly rows: number,
    readonly queueMs: number, readonly computeMs: number, readonly batchSize: number) {}

  get output(): Tensor { return (this.view ??= this.batch.tensor.narrow(0, this.offset, this.rows)); }
  get shape(): number[] { return [this.rows, ...this.batch.rowShape]; }
  data(): Float32Array {
    const size = this.batch.rowSize;
    return this.batch.data().subarray(this.offset * size, (this.offset + this.rows) * size);
  }
}

/** Where the batcher reports what it did (the metrics). */
export interface BatchObserver {
  batch(rows: number, computeMs: number): void;
  queued(ms: number): void;
}

interface Pending {
  /** The input as a tensor (submit), or as float32 numbers of `shape` (submitFloats). */
  x: Tensor | null;
  data: Float32Array | null;
  shape: number[];
  rows: number;
  /** x.numel(), read once: schedule() runs on every arrival and walks the queue. */
  elements: number;
  key: string;
  enqueued: number;
  /** The event loop's idle time (ms, cumulative) when it was queued. */
  idleAtEnqueue: number;
  timer: NodeJS.Timeout;
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

/** A float32 tensor of `shape` over `data` (a view, no copy). */
function floatTensor(data: Float32Array, shape: number[]): Tensor {
  const flat = torch.frombuffer(data, { dtype: 'float32' });
  const x = flat.reshape(shape);
  flat.dispose();
  return x;
}

/** One batch's input: the requests' inputs in order along dim 0 (one copy; a lone tensor request as it is). */
function batchInput(batch: Pending[], rows: number): Tensor {
  const shape = [rows, ...batch[0].shape.slice(1)];
  if (batch.every((p) => p.data)) {
    if (batch.length === 1) return floatTensor(batch[0].data!, shape);
    const all = new Float32Array(batch.reduce((n, p) => n + p.data!.length, 0));
    let at = 0;
    for (const p of batch) {
      all.set(p.data!, at);
      at += p.data!.length;
    }
    return floatTensor(all, shape);
  }
  if (batch.length === 1) return batch[0].x!;
  const parts = batch.map((p) => p.x ?? floatTensor(p.data!, p.shape));
  const x = torch.cat(parts);
  parts.forEach((t, i) => { if (t !== batch[i].x) t.dispose(); });
  return x;
}

/**
 * The dynamic batcher the server runs per model (Triton's): submitted inputs of one shape that arrive within
 * `maxQueueDelayMs` of when they could run share one call of `run`, up to `maxBatchSize` rows, and each gets
 * exactly its own rows back. Usable on its own in front of any batched function. torchvgg's own (Triton's
 * dynamic_batching; PyTorch has none).
 * @example
 * ```ts
 * const b = new server.Batcher((x) => model.forwardAsync(x), { maxBatchSize: 32, maxBatchElements: 32 * 3 * 224 * 224,
 *   maxQueueDelayMs: 5, maxQueue: 256, instances: 1, preferredBatchSizes: [], timeoutMs: 30000 });
 * const r = await b.submit(image.unsqueeze(0));
 * r.shape; // [1, classes]
 * r.data(); // its logits, a Float32Array view of the batch's output (or r.output: a tensor view; dispose() it)
 * ```
 */
export class Batcher {
  private queue: Pending[] = [];
  private running = 0;
  /** When the last batch finished: a request's delay clock starts when it could first have run. */
  private freeSince = 0;
  private idleAtFree = 0;
  private wake: NodeJS.Timeout | null = null;
  /**
   * From a batch's end until the turn of the event loop after it: its answers are being written, and its clients
   * cannot have sent their next requests yet, so no partial batch starts (a full one still does).
   */
  private answering = false;
  private idleWaiters: (() => void)[] = [];
  /** While draining, nothing waits for more requests: every queued one runs as soon as it can. */
  draining = false;
  readonly stats = { requests: 0, batches: 0, rows: 0, failedBatches: 0, timedOut: 0, rejected: 0 };

  /** `run` computes one batch; `observer` is told each batch's size and time (the server's metrics). */
  constructor(private readonly run: (x: Tensor) => Promise<Tensor>, private readonly o: BatcherOptions,
    private readonly observer?: BatchObserver) {}

  /** Requests waiting for a batch. */
  get depth(): number { return this.queue.length; }
  /** True when nothing is queued or running. */
  get idle(): boolean { return this.queue.length === 0 && this.running === 0; }

  /**
   * Queues x ([N, ...]); resolves with its N rows of output.
   * @throws (rejects with) ServeError 400 when N exceeds maxBatchSize, 503 when the queue is full, 504 when it waits
   * past its timeout, 500 when its batch's run fails.
   */
  submit(x: Tensor, timeoutMs = this.o.timeoutMs): Promise<BatchResult> {
    const shape = x.shape;
    return this.enqueue(x, null, shape, `${x.dtype}[${shape.slice(1).join(',')}]`, timeoutMs);
  }

  /**
   * Queues float32 numbers of the given shape ([N, ...], row-major) as submit() queues a tensor; they join batches
   * with float32 tensors of that shape. The server's infer routes use it: no tensor is made per request, the batch's
   * input is one copy of its requests' numbers (the main thread's time per request is what a full batch waits on).
   * @throws RangeError when data's length is not the shape's element count; rejects as submit() does.
   */
  submitFloats(data: Float32Array, shape: number[], timeoutMs = this.o.timeoutMs): Promise<BatchResult> {
    if (!(data instanceof Float32Array)) throw new TypeError('data must be a Float32Array');
    // Held until its batch runs: its length must not change by then (other requests share that batch).
    if (!(data.buffer instanceof ArrayBuffer) || isResizable(data.buffer)) {
      throw new TypeError('data must be over a fixed-length ArrayBuffer (not a shared or resizable one): it is read when its batch runs');
    }
    markAsUntransferable(data.buffer);
    if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isSafeInteger(d) && d >= 1) ||
      shape.reduce((a, b) => a * b, 1) !== data.length) {
      throw new RangeError(`shape [${String(shape)}] does not hold the ${data.length} numbers given`);
    }
    return this.enqueue(null, data, shape, `float32[${shape.slice(1).join(',')}]`, timeoutMs);
  }

  private enqueue(x: Tensor | null, data: Float32Array | null, shape: number[], key: string, timeoutMs: number): Promise<BatchResult> {
    const rows = shape[0];
    if (rows > this.o.maxBatchSize) return Promise.reject(new ServeError(400, `batch of ${rows} exceeds the max batch size ${this.o.maxBatchSize}`));
    if (this.queue.length >= this.o.maxQueue) {
      this.stats.rejected++;
      return Promise.reject(new ServeError(503, `the queue is full (${this.o.maxQueue} requests waiting); retry later`, { retryAfter: 1 }));
    }
    return new Promise<BatchResult>((resolve, reject) => {
      const p: Pending = {
        x, data, shape, rows, elements: shape.reduce((a, b) => a * b, 1), key, enqueued: performance.now(), idleAtEnqueue: loopIdleMs(), resolve, reject,
        timer: setTimeout(() => {
          const i = this.queue.indexOf(p);
          if (i < 0) return; // already in a batch: it finishes
          this.queue.splice(i, 1);
          this.stats.timedOut++;
          reject(new ServeError(504, `the request waited ${timeoutMs} ms in the queue without being scheduled; nothing was computed`));
          this.schedule();
          this.settle();
        }, timeoutMs),
      };
      this.queue.push(p);
      this.stats.requests++;
      this.schedule();
    });
  }

  /** Stops waiting for more requests: what is queued runs now (graceful shutdown). */
  drain(): void {
    this.draining = true;
    this.schedule();
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(): void {
    if (this.idle) for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Starts a batch when one is full, its oldest request has waited maxQueueDelayMs since it could have
   * run (it arrived, or the previous batch finished), or the server drains. Counting from the previous
   * batch's end lets the answered clients' next requests join: under load batches stay full.
   */
  private schedule(): void {
    if (this.running >= this.o.instances || this.queue.length === 0) return;
    const first = this.queue[0];
    const batch: Pending[] = [];
    let rows = 0;
    let elements = 0;
    let sameShape = 0; // queued requests of first's shape: more than fit means the batch is full
    let stopped = false;
    for (const p of this.queue) {
      if (p.key !== first.key) continue;
      sameShape++;
      if (stopped) continue;
      if (rows + p.rows > this.o.maxBatchSize || (batch.length > 0 && elements + p.elements > this.o.maxBatchElements)) {
        stopped = true;
        continue;
      }
      batch.push(p);
      rows += p.rows;
      elements += p.elements;
    }
    let full = rows === this.o.maxBatchSize || batch.length < sameShape;
    if (!full && this.o.preferredBatchSizes.length) {
      // As Triton: the largest preferred size the queue can form goes at once, without waiting out the delay.
      let r = 0;
      let cut = 0;
      let cutRows = 0;
      batch.forEach((p, i) => { r += p.rows; if (this.o.preferredBatchSizes.includes(r)) { cut = i + 1; cutRows = r; } });
      if (cut) { batch.length = cut; rows = cutRows; full = true; }
    }
    const waited = this.answering ? 0 : this.waitedMs(first, batch[batch.length - 1]);
    if (!full && !this.draining && waited < this.o.maxQueueDelayMs) {
      if (!this.wake && !this.answering) { // while answering, the end of the answering turn schedules
        // The decision waits one turn of the event loop: requests already sitting in sockets are read first (a timer runs
        // before the loop polls for I/O, so deciding in the timer itself would cut a batch short of requests that had arrived).
        this.wake = setTimeout(() => setImmediate(() => { this.wake = null; this.schedule(); }), Math.max(0, this.o.maxQueueDelayMs - waited));
      }
      return;
    }
    if (this.wake) { clearTimeout(this.wake); this.wake = null; }
    const taken = new Set(batch);
    this.queue = this.queue.filter((p) => !taken.has(p));
    void this.dispatch(batch, rows);
    this.schedule(); // another instance may take the next batch
  }

  /**
   * How long the oldest request has waited for others. The event loop's idle time counts: reading the other requests
   * is the server's own work, not waiting (32 clients' requests read back to back after a VGG batch took 5-10 ms of
   * busy main thread on a 2-core AMD EPYC, past a 5 ms delay, and cut batches short). So does a quiet spell: once no
   * request has joined for the delay, busy or not, the wait is over, so a loop kept busy by other work still sends
   * partial batches. While requests keep joining a busy loop the batch grows, up to its full size.
   * `latest` is the batch's newest request.
   */
  private waitedMs(first: Pending, latest: Pending): number {
    const fromFree = this.freeSince > first.enqueued;
    const idle = loopIdleMs() - (fromFree ? this.idleAtFree : first.idleAtEnqueue);
    const quiet = performance.now() - Math.max(this.freeSince, latest.enqueued);
    return Math.max(idle, quiet);
  }

  private async dispatch(batch: Pending[], rows: number): Promise<void> {
    this.running++;
    const start = performance.now();
    for (const p of batch) {
      clearTimeout(p.timer);
      this.observer?.queued(start - p.enqueued);
    }
    try {
      const x = batchInput(batch, rows);
      let out: Tensor;
      try {
        out = await this.run(x);
      } finally {
        // The batch's own copy of the inputs goes now rather than at a later collection: V8 counts it as external
        // memory, and collections forced by it would land between batches, where the clients wait.
        if (x !== batch[0].x) x.dispose();
      }
      if (out.device !== 'cpu' || out.dtype !== 'float32') out = out.to({ device: 'cpu', dtype: 'float32' });
      const outShape = out.shape;
      if (outShape.length < 1 || outShape[0] !== rows) throw new Error(`the model returned shape [${outShape.join(', ')}] for a batch of ${rows}`);
      const computeMs = performance.now() - start;
      this.stats.batches++;
      this.stats.rows += rows;
      this.observer?.batch(rows, computeMs);
      const shared = new BatchOutput(out, outShape.slice(1));
      let offset = 0;
      for (const p of batch) {
        p.resolve(new Rows(shared, offset, p.rows, start - p.enqueued, computeMs, rows));
        offset += p.rows;
      }
    } catch (e) {
      this.stats.failedBatches++;
      const err = e instanceof ServeError ? e : new ServeError(500, `the model failed on this batch: ${(e as Error).message}`);
      for (const p of batch) p.reject(err);
    } finally {
      this.running--;
      // The delay clock starts once this turn's callbacks have answered the batch: the answered clients' next
      // requests can only come after their responses went out (writing 32 of them can outlast the delay).
      this.answering = true;
      setImmediate(() => {
        this.answering = false;
        this.freeSince = performance.now();
        this.idleAtFree = loopIdleMs();
        this.schedule();
        this.settle();
      });
    }
  }
}
