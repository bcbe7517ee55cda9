// torchvgg: PyTorch's VGG for Node.js. `import { torch, nn, models } from 'torchvgg'`.
import * as torch from './torch';
import * as nn from './nn';
import * as models from './models';
import * as safetensors from './serialization/safetensors';

export { torch, nn, models };
export { safetensors };
export { Tensor } from './torch/tensor';
export type { DType, Device } from './torch/dtype';
export * as transforms from './transforms';
export * as datasets from './datasets';
export * as utils from './utils';
export * as io from './io';
export * as optim from './optim';
export * as tasks from './tasks';
export * as quantization from './quantization';
export * as server from './server';
