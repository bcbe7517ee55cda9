// Pooling (torch/nn/modules/pooling.py): MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

type IntOrPair = check.IntOrPair;
const pair = (v: unknown, name: string, min: number): IntOrPair | undefined =>
  v === undefined || v === null ? undefined : check.intOrPair(v, name, { min });
const optBool = (v: unknown, name: string): boolean | undefined => (v === undefined ? undefined : check.bool(v, name));

export interface MaxPool2dOptions { stride?: IntOrPair | null; padding?: IntOrPair; dilation?: IntOrPair; ceilMode?: boolean }

export class MaxPool2d extends Layer {
  /** MaxPool2d(kernelSize, { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false }) */
  constructor(kernelSize: IntOrPair, opts?: MaxPool2dOptions) {
    const o = check.options(opts, 'MaxPool2d options', ['stride', 'padding', 'dilation', 'ceilMode']);
    super(Layer.create('MaxPool2d', {
      kernelSize: check.intOrPair(kernelSize, 'kernelSize', { min: 1 }), stride: pair(o.stride, 'stride', 1),
      padding: pair(o.padding, 'padding', 0), dilation: pair(o.dilation, 'dilation', 1), ceilMode: optBool(o.ceilMode, 'ceilMode'),
    }));
  }
  get kernelSize(): IntOrPair { return this.config('kernelSize'); }
  get stride(): IntOrPair { return this.config('stride'); }
}

export interface AvgPool2dOptions {
  stride?: IntOrPair | null; padding?: IntOrPair; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null;
}

export class AvgPool2d extends Layer {
  /** AvgPool2d(kernelSize, { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null }) */
  constructor(kernelSize: IntOrPair, opts?: AvgPool2dOptions) {
    const o = check.options(opts, 'AvgPool2d options', ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    super(Layer.create('AvgPool2d', {
      kernelSize: check.intOrPair(kernelSize, 'kernelSize', { min: 1 }), stride: pair(o.stride, 'stride', 1),
      padding: pair(o.padding, 'padding', 0), ceilMode: optBool(o.ceilMode, 'ceilMode'),
      countIncludePad: optBool(o.countIncludePad, 'countIncludePad'),
      divisorOverride: o.divisorOverride === undefined || o.divisorOverride === null ? null : check.int(o.divisorOverride, 'divisorOverride', { min: 1 }),
    }));
  }
  get kernelSize(): IntOrPair { return this.config('kernelSize'); }
  get stride(): IntOrPair { return this.config('stride'); }
}

export class AdaptiveAvgPool2d extends Layer {
  constructor(outputSize: IntOrPair) {
    super(Layer.create('AdaptiveAvgPool2d', { outputSize: check.intOrPair(outputSize, 'outputSize', { min: 1 }) }));
  }
  get outputSize(): IntOrPair { return this.config('outputSize'); }
}

registerModuleClass('MaxPool2d', MaxPool2d);
registerModuleClass('AvgPool2d', AvgPool2d);
registerModuleClass('AdaptiveAvgPool2d', AdaptiveAvgPool2d);
