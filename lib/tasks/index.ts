// The workflows over models: `import { tasks } from 'torchvgg'` for finetune, evaluate, predict and fine-tuned checkpoints.
export { finetune, extractFeatures } from './finetune';
export type { FinetuneOptions, EpochReport } from './finetune';
export { evaluate } from './evaluate';
export type { EvaluateOptions } from './evaluate';
export { predict } from './predict';
export type { PredictInput, PredictOptions, Prediction } from './predict';
export { saveCheckpoint, loadCheckpoint, evalTransform } from './checkpoint';
export type { Checkpoint, LoadedCheckpoint } from './checkpoint';
