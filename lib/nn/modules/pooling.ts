// Pooling (torch/nn/modules/pooling.py): MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

type IntOrPair = check.IntOrPair;

/** Options of {@link MaxPool2d}, PyTorch's keyword arguments in camelCase. */
export interface MaxPool2dOptions { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; ceilMode?: boolean }

/**
 * 2-D max pooling. Mirrors `torch.nn.MaxPool2d`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a value out of range.
 */
export class MaxPool2d extends Layer {
  /** MaxPool2d(kernelSize, { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false }) */
  constructor(kernelSize: IntOrPair, opts?: MaxPool2dOptions) {
    const o = check.options(opts, 'MaxPool2d options', ['stride', 'padding', 'dilation', 'ceilMode']);
    super(Layer.create('MaxPool2d', {
      kernelSize: check.intOrPair(kernelSize, 'kernelSize', { min: 1 }), stride: check.opt.intOrPair(o.stride, 'stride', { min: 1 }),
      padding: check.opt.intOrPair(o.padding, 'padding', { min: 0 }), dilation: check.opt.intOrPair(o.dilation, 'dilation', { min: 1 }), ceilMode: check.opt.bool(o.ceilMode, 'ceilMode'),
    }));
  }
  /** Mirrors `kernel_size`. */
  get kernelSize(): IntOrPair { return this.config('kernelSize'); }
  /** Mirrors `stride`. */
  get stride(): IntOrPair { return this.config('stride'); }
}

/** Options of {@link AvgPool2d}, PyTorch's keyword arguments in camelCase. */
export interface AvgPool2dOptions {
  stride?: IntOrPair | null; padding?: IntOrPair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null;
}

/**
 * 2-D average pooling. Mirrors `torch.nn.AvgPool2d`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a value out of range.
 */
export class AvgPool2d extends Layer {
  /** AvgPool2d(kernelSize, { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null }) */
  constructor(kernelSize: IntOrPair, opts?: AvgPool2dOptions) {
    const o = check.options(opts, 'AvgPool2d options', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    super(Layer.create('AvgPool2d', {
      kernelSize: check.intOrPair(kernelSize, 'kernelSize', { min: 1 }), stride: check.opt.intOrPair(o.stride, 'stride', { min: 1 }),
      padding: check.opt.intOrPair(o.padding, 'padding', { min: 0 }), ceilMode: check.opt.bool(o.ceilMode, 'ceilMode'),
      countIncludePad: check.opt.bool(o.countIncludePad, 'countIncludePad'),
      divisorOverride: check.opt.int(o.divisorOverride, 'divisorOverride', { min: 1 }) ?? null,
    }));
  }
  /** Mirrors `kernel_size`. */
  get kernelSize(): IntOrPair { return this.config('kernelSize'); }
  /** Mirrors `stride`. */
  get stride(): IntOrPair { return this.config('stride'); }
}

/**
 * Average pooling to a fixed output size (VGG's 7×7 before the classifier). Mirrors `torch.nn.AdaptiveAvgPool2d`.
 * @throws TypeError when outputSize is not an integer or a pair; RangeError when it is below 1.
 */
export class AdaptiveAvgPool2d extends Layer {
  constructor(outputSize: IntOrPair) {
    super(Layer.create('AdaptiveAvgPool2d', { outputSize: check.intOrPair(outputSize, 'outputSize', { min: 1 }) }));
  }
  /** Mirrors `output_size`. */
  get outputSize(): IntOrPair { return this.config('outputSize'); }
}

registerModuleClass('MaxPool2d', MaxPool2d);
registerModuleClass('AvgPool2d', AvgPool2d);
registerModuleClass('AdaptiveAvgPool2d', AdaptiveAvgPool2d);
