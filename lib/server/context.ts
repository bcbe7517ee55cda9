// What every route group shares: the options, the served models with their batchers, the metrics, the logger and readiness.
import type { Logger } from 'pino';
import type { Batcher } from './batcher';
import type { Metrics } from './metrics';
import type { ResolvedOptions } from './options';
import type { ServedModel } from './repository';
import type { Preprocessor } from './preprocess';
import { ServeError } from './errors';

export interface ServerContext {
  options: ResolvedOptions;
  models: Map<string, ServedModel>;
  batchers: Map<string, Batcher>;
  metrics: Metrics;
  log: Logger;
  /** Decodes and transforms classify images on worker threads. */
  preprocessor: Preprocessor;
  /** False before listen() and from the moment close() starts. */
  ready(): boolean;
}

/** The served model of that name with its batcher, or a 404 naming the ones served. */
export function lookup(ctx: ServerContext, name: string): { model: ServedModel; batcher: Batcher } {
  const model = ctx.models.get(name);
  if (!model) throw new ServeError(404, `model '${name}' is not served here; models: ${[...ctx.models.keys()].join(', ')}`);
  return { model, batcher: ctx.batchers.get(name)! };
}

/** The model's metadata (OIP v2): its input and output with datatype and shape, -1 for free dimensions. */
export function modelMetadata(model: ServedModel): object {
  return {
    name: model.name, versions: ['1'], platform: 'torchvgg_libtorch',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, ...model.inputShape] }],
    outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, model.numClasses] }],
  };
}
