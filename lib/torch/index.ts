// The torch namespace: tensor factories and settings, autograd switches, torch.jit, torch.load/save.
/**
 * The torch namespace: tensor factories and dtypes, the tensor ops as functions, autograd switches,
 * `torch.load`/`torch.save`, `torch.jit`, `torch.cuda`, `torch.backends`. Mirrors `torch`.
 * @module
 */
export * from './factories';
export * from './ops';
export * from './quantized';
export { executor } from './executor';
export * as backends from './backends';
export { device } from './device';
export { noGrad, enableGrad, inferenceMode, isGradEnabled, setGradEnabled, autocast } from './autograd';

export { Tensor } from './tensor';
export type { DType, Device } from './dtype';
export * as jit from '../jit';
export * as serialization from '../serialization';

export { load, loadAsync, save } from '../serialization/load';
export type { LoadOptions } from '../serialization/load';
