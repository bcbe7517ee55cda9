// nn.BatchNorm1d and nn.BatchNorm2d (torch/nn/modules/batchnorm.py).
import { Tensor } from '../../torch/tensor';
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

export interface BatchNormOptions { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean }

function args(what: string, numFeatures: unknown, opts: BatchNormOptions | undefined): Record<string, unknown> {
  const o = check.options(opts, `${what} options`, ['eps', 'momentum', 'affine', 'trackRunningStats']);
  return {
    numFeatures: check.int(numFeatures, 'numFeatures', { min: 1 }),
    eps: check.opt.number(o.eps, 'eps', { min: 0 }),
    momentum: check.opt.number(o.momentum, 'momentum'),
    affine: check.opt.bool(o.affine, 'affine'),
    trackRunningStats: check.opt.bool(o.trackRunningStats, 'trackRunningStats'),
  };
}

abstract class BatchNorm extends Layer {
  get numFeatures(): number { return this.config('numFeatures'); }
  get eps(): number { return this.config('eps'); }
  get momentum(): number { return this.config('momentum'); }
  get weight(): Tensor | null { return this.param('weight'); }
  get bias(): Tensor | null { return this.param('bias'); }
  get runningMean(): Tensor | null { return this.buffer('running_mean'); }
  get runningVar(): Tensor | null { return this.buffer('running_var'); }
}

/** BatchNorm1d(numFeatures, opts): over [N, C] or [N, C, L] input. */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, opts?: BatchNormOptions) { super(Layer.create('BatchNorm1d', args('BatchNorm1d', numFeatures, opts))); }
}

/** BatchNorm2d(numFeatures, opts): over [N, C, H, W] input. */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, opts?: BatchNormOptions) { super(Layer.create('BatchNorm2d', args('BatchNorm2d', numFeatures, opts))); }
}

registerModuleClass('BatchNorm1d', BatchNorm1d);
registerModuleClass('BatchNorm2d', BatchNorm2d);
