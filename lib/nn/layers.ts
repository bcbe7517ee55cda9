// Layers with PyTorch's constructor arguments: positional first, keyword arguments in a trailing object.
import { native } from '../native';
import { Tensor } from '../torch/tensor';
import { IntOrPair, int, intOrPair, num, options } from './args';
import { Module, registerModuleClass } from './module';

// A module's own parameter by name, or null (bias=False).
function ownParameter(m: Module, name: string): Tensor | null {
  const hit = m._native.ownParameters().find(([n]) => n === name);
  return hit ? new Tensor(hit[1]) : null;
}
function ownBuffer(m: Module, name: string): Tensor | null {
  const hit = m._native.ownBuffers().find(([n]) => n === name);
  return hit ? new Tensor(hit[1]) : null;
}
function config<T>(m: Module, key: string): T { return m._native.config()[key] as T; }

export class Linear extends Module {
  constructor(inFeatures: number, outFeatures: number, opts?: { bias?: boolean }) {
    const o = options(opts, 'Linear');
    super(native.createModule('Linear', {
      inFeatures: int(inFeatures, 'inFeatures', 1), outFeatures: int(outFeatures, 'outFeatures', 1), bias: o.bias ?? true,
    }));
  }
  get inFeatures(): number { return config(this, 'inFeatures'); }
  get outFeatures(): number { return config(this, 'outFeatures'); }
  get weight(): Tensor { return ownParameter(this, 'weight')!; }
  get bias(): Tensor | null { return ownParameter(this, 'bias'); }
}

export interface Conv2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
}

export class Conv2d extends Module {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrPair, opts?: Conv2dOptions) {
    const o = options(opts, 'Conv2d');
    const padding = o.padding === 'same' || o.padding === 'valid' ? o.padding : intOrPair(o.padding ?? 0, 'padding');
    super(native.createModule('Conv2d', {
      inChannels: int(inChannels, 'inChannels', 1), outChannels: int(outChannels, 'outChannels', 1),
      kernelSize: intOrPair(kernelSize, 'kernelSize', 1), stride: intOrPair(o.stride ?? 1, 'stride', 1), padding,
      dilation: intOrPair(o.dilation ?? 1, 'dilation', 1), groups: int(o.groups ?? 1, 'groups', 1), bias: o.bias ?? true,
    }));
  }
  get inChannels(): number { return config(this, 'inChannels'); }
  get outChannels(): number { return config(this, 'outChannels'); }
  get kernelSize(): [number, number] { return config(this, 'kernelSize'); }
  get stride(): [number, number] { return config(this, 'stride'); }
  get padding(): [number, number] | string { return config(this, 'padding'); }
  get weight(): Tensor { return ownParameter(this, 'weight')!; }
  get bias(): Tensor | null { return ownParameter(this, 'bias'); }
}

export class ReLU extends Module {
  constructor(inplace = false) {
    super(native.createModule('ReLU', { inplace: Boolean(inplace) }));
  }
  get inplace(): boolean { return config(this, 'inplace'); }
}

export class Dropout extends Module {
  constructor(p = 0.5, inplace = false) {
    if (num(p, 'p') < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
    super(native.createModule('Dropout', { p, inplace: Boolean(inplace) }));
  }
  get p(): number { return config(this, 'p'); }
}

export interface MaxPool2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  constructor(kernelSize: IntOrPair, opts?: MaxPool2dOptions) {
    const o = options(opts, 'MaxPool2d');
    super(native.createModule('MaxPool2d', {
      kernelSize: intOrPair(kernelSize, 'kernelSize', 1),
      stride: o.stride === undefined ? null : intOrPair(o.stride, 'stride', 1),
      padding: intOrPair(o.padding ?? 0, 'padding'), dilation: intOrPair(o.dilation ?? 1, 'dilation', 1),
      ceilMode: Boolean(o.ceilMode),
    }));
  }
  get kernelSize(): IntOrPair { return config(this, 'kernelSize'); }
  get stride(): IntOrPair { return config(this, 'stride'); }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(outputSize: IntOrPair) {
    super(native.createModule('AdaptiveAvgPool2d', { outputSize: intOrPair(outputSize, 'outputSize', 1) }));
  }
  get outputSize(): IntOrPair { return config(this, 'outputSize'); }
}

export class BatchNorm2d extends Module {
  constructor(numFeatures: number, opts?: { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean }) {
    const o = options(opts, 'BatchNorm2d');
    super(native.createModule('BatchNorm2d', {
      numFeatures: int(numFeatures, 'numFeatures', 1), eps: num(o.eps ?? 1e-5, 'eps'),
      momentum: num(o.momentum ?? 0.1, 'momentum'), affine: o.affine ?? true, trackRunningStats: o.trackRunningStats ?? true,
    }));
  }
  get numFeatures(): number { return config(this, 'numFeatures'); }
  get weight(): Tensor | null { return ownParameter(this, 'weight'); }
  get bias(): Tensor | null { return ownParameter(this, 'bias'); }
  get runningMean(): Tensor | null { return ownBuffer(this, 'running_mean'); }
  get runningVar(): Tensor | null { return ownBuffer(this, 'running_var'); }
}

export class Flatten extends Module {
  constructor(startDim = 1, endDim = -1) {
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new TypeError('startDim and endDim must be integers');
    super(native.createModule('Flatten', { startDim, endDim }));
  }
}

registerModuleClass('Linear', Linear);
registerModuleClass('Conv2d', Conv2d);
registerModuleClass('ReLU', ReLU);
registerModuleClass('Dropout', Dropout);
registerModuleClass('MaxPool2d', MaxPool2d);
registerModuleClass('AdaptiveAvgPool2d', AdaptiveAvgPool2d);
registerModuleClass('BatchNorm2d', BatchNorm2d);
registerModuleClass('Flatten', Flatten);
