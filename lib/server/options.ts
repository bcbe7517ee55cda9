// The server's options (`server.createServer(options)` and `torchvgg serve` flags): defaults and checks.
import { Module } from '../nn/module';
import { describe, int, number, numbers, oneOf, options as checkOptions, string } from '../check';
import type { ImageClassification } from '../transforms/presets';

/** One model to serve: a file to load, or a module already built. */
export interface ModelSpec {
  /** The name clients use in /v2/models/{name} (default: the arch, or 'model'). */
  name?: string;
  /** A `torchvgg finetune` checkpoint or a plain state dict (.pth/.pt/.safetensors), or a weights name (IMAGENET1K_V1). */
  weights?: string;
  /** Architecture of a plain state dict (default vgg16; a checkpoint says its own). */
  arch?: string;
  /** Class names in output order: an array or a JSON file holding one (a checkpoint says its own). */
  classes?: string[] | string;
  /** A model already built (put in eval mode by the server); instead of `weights`. */
  model?: Module;
  /** What turns a decoded image into [C, H, W] for the classify route (default: the weights' or checkpoint's preset). */
  transform?: ImageClassification | ((image: unknown) => unknown);
  /** [C, H, W] of one input; -1 for a free dimension (default [3, -1, -1]). */
  inputShape?: number[];
}

/** Options of {@link createServer}; each has a default fit for one CPU model. */
export interface ServerOptions {
  /** The models to serve (at least one). */
  models: ModelSpec[];
  /** HTTP port (default 8080; 0 picks a free one). */
  port?: number;
  /** gRPC port (default: none; 0 picks a free one). */
  grpcPort?: number | null;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 in a container). */
  host?: string;
  device?: 'cpu' | 'cuda';
  dtype?: 'float32' | 'bfloat16';
  /** Most rows in one forward (default 32). */
  maxBatchSize?: number;
  /** Most input elements in one batch (default maxBatchSize x 3 x 256 x 256): large images batch fewer rows. */
  maxBatchElements?: number;
  /** Largest height or width /infer accepts (default 1024). */
  maxImageSize?: number;
  /** Batch sizes dispatched at once when the queue can form them (Triton's preferred_batch_size; default none). */
  preferredBatchSizes?: number[];
  /** How long the first request of a batch waits for others (default 5 ms): event-loop idle time, or a spell with no new request. */
  maxQueueDelayMs?: number;
  /** Batches per model that may run at once (default 1; a GPU model may overlap a few). */
  instances?: number;
  /** Most requests waiting per model; more get 503 (default 256). */
  maxQueue?: number;
  /** A request still queued after this long gets 504 and is never computed (default 30000 ms). */
  timeoutMs?: number;
  /** Largest request body (default 64 MiB); larger gets 413. */
  bodyLimit?: number;
  /** pino level (default 'info'; 'debug' logs one line per request; 'silent'). */
  logLevel?: string;
  /** Worker threads that decode and preprocess classify images (default 1; 0: on the main thread). */
  preprocessWorkers?: number;
  /** Top-k of the classify route when the request does not say (default 5). */
  topk?: number;
}

export type ResolvedOptions = Required<Omit<ServerOptions, 'grpcPort'>> & { grpcPort: number | null };

const KEYS = ['models', 'port', 'grpcPort', 'host', 'device', 'dtype', 'maxBatchSize', 'maxQueueDelayMs', 'maxQueue',
  'timeoutMs', 'bodyLimit', 'logLevel', 'topk', 'preprocessWorkers', 'maxBatchElements', 'maxImageSize', 'instances',
  'preferredBatchSizes'] as const;
const MODEL_KEYS = ['name', 'weights', 'arch', 'classes', 'model', 'transform', 'inputShape'] as const;
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function resolveOptions(opts: ServerOptions): ResolvedOptions {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`createServer takes an options object; got ${describe(opts)}`);
  const o = checkOptions(opts, 'createServer options', KEYS);
  if (!Array.isArray(o.models) || o.models.length < 1) throw new TypeError(`models must be a non-empty array of { weights | model, name? }; got ${describe(o.models)}`);
  const models = o.models.map((m, i) => {
    const spec = checkOptions(m, `models[${i}]`, MODEL_KEYS);
    if ((spec.weights === undefined) === (spec.model === undefined)) throw new TypeError(`models[${i}] needs exactly one of weights (a file or weights name) and model (an nn.Module)`);
    if (spec.model !== undefined && !(spec.model instanceof Module)) throw new TypeError(`models[${i}].model must be an nn.Module; got ${describe(spec.model)}`);
    if (spec.weights !== undefined) string(spec.weights, `models[${i}].weights`);
    if (spec.name !== undefined && !/^[A-Za-z0-9_.-]+$/.test(string(spec.name, `models[${i}].name`))) {
      throw new TypeError(`models[${i}].name may hold only letters, digits, '_', '.' and '-'; got '${spec.name}'`);
    }
    return spec;
  });
  const grpcPort = o.grpcPort === undefined || o.grpcPort === null ? null : int(o.grpcPort, 'grpcPort', { min: 0, max: 65535 });
  return {
    models,
    port: int(o.port ?? 8080, 'port', { min: 0, max: 65535 }),
    grpcPort,
    host: string(o.host ?? '127.0.0.1', 'host'),
    device: oneOf(o.device ?? 'cpu', 'device', ['cpu', 'cuda'] as const),
    dtype: oneOf(o.dtype ?? 'float32', 'dtype', ['float32', 'bfloat16'] as const),
    maxBatchSize: int(o.maxBatchSize ?? 32, 'maxBatchSize', { min: 1, max: 4096 }),
    maxBatchElements: int(o.maxBatchElements ?? (o.maxBatchSize ?? 32) * 3 * 256 * 256, 'maxBatchElements', { min: 1 }),
    maxImageSize: int(o.maxImageSize ?? 1024, 'maxImageSize', { min: 1 }),
    maxQueueDelayMs: number(o.maxQueueDelayMs ?? 5, 'maxQueueDelayMs', { min: 0, max: 60000 }),
    maxQueue: int(o.maxQueue ?? 256, 'maxQueue', { min: 1 }),
    instances: int(o.instances ?? 1, 'instances', { min: 1, max: 16 }),
    preferredBatchSizes: numbers(o.preferredBatchSizes ?? [], 'preferredBatchSizes', { min: 1, max: o.maxBatchSize ?? 32 }).map((v, i) => int(v, `preferredBatchSizes[${i}]`)),
    timeoutMs: number(o.timeoutMs ?? 30000, 'timeoutMs', { min: 1 }),
    bodyLimit: int(o.bodyLimit ?? 64 * 1024 * 1024, 'bodyLimit', { min: 1024 }),
    logLevel: oneOf(o.logLevel ?? 'info', 'logLevel', LEVELS),
    topk: int(o.topk ?? 5, 'topk', { min: 1 }),
    preprocessWorkers: int(o.preprocessWorkers ?? 1, 'preprocessWorkers', { min: 0, max: 64 }),
  };
}
