// torchvgg: PyTorch's VGG for Node.js. `import { torch, nn, models } from 'torchvgg'`.
import * as torch from './torch';
import * as nn from './nn';
import * as models from './models';

export { torch, nn, models };
export { Tensor } from './tensor';
export type { DType, Device } from './dtype';
