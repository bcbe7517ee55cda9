// Prometheus metrics (prom-client, one registry per server): requests by model/route/status, queue/compute/latency and batch-size histograms, queue depth, Node's defaults.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BatchObserver } from './batcher';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'torchvgg_requests_total', help: 'Requests answered, by model, route and status', labelNames: ['model', 'route', 'status'], registers: [this.registry] });
  readonly latency = new Histogram({ name: 'torchvgg_request_duration_seconds', help: 'Total time from request to response', labelNames: ['model', 'route'], buckets: SECONDS, registers: [this.registry] });
  readonly queueTime = new Histogram({ name: 'torchvgg_queue_duration_seconds', help: 'Time a request waited for its batch', labelNames: ['model'], buckets: SECONDS, registers: [this.registry] });
  readonly computeTime = new Histogram({ name: 'torchvgg_compute_duration_seconds', help: 'Time of one batched forward', labelNames: ['model'], buckets: SECONDS, registers: [this.registry] });
  readonly batchSize = new Histogram({ name: 'torchvgg_batch_size', help: 'Rows per batched forward', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly queueDepth: Gauge<'model'>;

  constructor(depths: () => Map<string, number>) {
    this.queueDepth = new Gauge({
      name: 'torchvgg_queue_depth', help: 'Requests waiting for a batch', labelNames: ['model'], registers: [this.registry],
      collect() { for (const [model, d] of depths()) this.set({ model }, d); },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  /** The batcher's observer for one model. */
  observer(model: string): BatchObserver {
    return {
      batch: (rows, ms) => { this.batchSize.observe({ model }, rows); this.computeTime.observe({ model }, ms / 1000); },
      queued: (ms) => this.queueTime.observe({ model }, ms / 1000),
    };
  }

  /** Counts one answered request. */
  request(model: string, route: string, status: number, ms: number): void {
    this.requests.inc({ model, route, status: String(status) });
    this.latency.observe({ model, route }, ms / 1000);
  }
}
