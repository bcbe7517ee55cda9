// The torch namespace: tensor factories and settings, autograd switches, torch.jit, torch.load/save.
export * from './factories';
export * from './ops';
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
