// torch.optim: the optimizers, optim.lrScheduler, and trainStep (an async training step on the executor thread).
/**
 * torch.optim: SGD, Adam and AdamW (each step one C++ call), the learning-rate schedulers (`lrScheduler`), and
 * `trainStep`, a whole training step on the executor thread. Mirrors `torch.optim`.
 * @module
 */
export { Optimizer, SGD, Adam, AdamW } from './optimizer';
export type { ParamGroup, Params, SGDOptions, AdamOptions } from './optimizer';
export * as lrScheduler from './lr_scheduler';
// Also at the top level, where they were first exported.
export { LRScheduler, StepLR, CosineAnnealingLR } from './lr_scheduler';
export { trainStep } from './train_step';
export type { TrainStepOptions } from './train_step';
