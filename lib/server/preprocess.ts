// Image preprocessing for the classify route on a small pool of worker threads (decode, resize, crop, normalise), so the event loop never does pixel work.
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as torch from '../torch/factories';
import { Tensor } from '../torch/tensor';
import { readImage, Transform, TransformSpec } from '../transforms/transforms';
import { badRequest } from './errors';

interface Job { resolve: (t: Tensor) => void; reject: (e: Error) => void; worker: Worker }

export class Preprocessor {
  private workers: Worker[] = [];
  private next = 0;
  private seq = 0;
  private jobs = new Map<number, Job>();
  private closed = false;

  /** `size` worker threads, started on first use; 0 runs the transform on the main thread. */
  constructor(private readonly size: number) {}

  /** The transform as a worker can rebuild it, or null (a plain function: it runs here). */
  private static specOf(transform: unknown): TransformSpec | null {
    if (!(transform instanceof Transform)) return null;
    try {
      return transform.toJSON();
    } catch {
      return null;
    }
  }

  /** Decodes `bytes` as RGB and applies `transform`: a [C, H, W] tensor. A bad image is a 400. */
  async run(bytes: Buffer, transform: (image: unknown) => unknown): Promise<Tensor> {
    const spec = Preprocessor.specOf(transform);
    if (this.size === 0 || spec === null || this.closed) return this.here(bytes, transform);
    if (this.workers.length < this.size) this.workers.push(this.spawn());
    const worker = this.workers[this.next++ % this.workers.length];
    const id = ++this.seq;
    return new Promise<Tensor>((resolve, reject) => {
      this.jobs.set(id, { resolve, reject, worker });
      worker.postMessage({ id, bytes, spec });
    });
  }

  private async here(bytes: Buffer, transform: (image: unknown) => unknown): Promise<Tensor> {
    let image;
    try {
      image = await readImage(bytes, { mode: 'RGB' });
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    const x = await transform(image);
    if (!(x instanceof Tensor) || x.dim() !== 3) throw new Error('the model\'s transform did not give a [C, H, W] tensor');
    return x;
  }

  private spawn(): Worker {
    const w = new Worker(path.join(__dirname, 'preprocess_worker.js'));
    w.unref();
    w.on('message', (m: { id: number; data?: Float32Array; shape?: number[]; error?: string; badInput?: boolean }) => {
      const job = this.jobs.get(m.id);
      if (!job) return;
      this.jobs.delete(m.id);
      if (m.error !== undefined) job.reject(m.badInput ? badRequest(m.error) : new Error(m.error));
      else job.resolve(torch.frombuffer(m.data!, { dtype: 'float32' }).reshape(m.shape!));
    });
    const fail = (e: Error): void => {
      this.workers = this.workers.filter((x) => x !== w);
      for (const [id, job] of this.jobs) {
        if (job.worker !== w) continue;
        this.jobs.delete(id);
        job.reject(new Error(`the preprocessing worker stopped: ${e.message}`));
      }
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return w;
  }

  /** Stops the workers (after the server has drained). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
