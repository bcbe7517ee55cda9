// The workflows over models: `import { tasks } from 'torchvgg'` for finetune, evaluate, predict and fine-tuned checkpoints.
/**
 * Workflows over any registered model family: `finetune`, `evaluate`, `predict`, and the checkpoint layout
 * `torchvgg finetune` writes. torchvgg's own: the seed article's training and prediction code as functions.
 * @module
 */
export { finetune, extractFeatures } from './finetune';
export type { FinetuneOptions, EpochReport } from './finetune';
export { evaluate } from './evaluate';
export type { EvaluateOptions } from './evaluate';
export { predict } from './predict';
export type { PredictInput, PredictOptions, Prediction } from './predict';
export { saveCheckpoint, loadCheckpoint, evalTransform } from './checkpoint';
export { quantizeCheckpoint, top1Agreement } from './quantize';
export type { QuantizeCheckpointOptions, QuantizeReport } from './quantize';
export type { Checkpoint, LoadedCheckpoint } from './checkpoint';
