// nn.BatchNorm1d and nn.BatchNorm2d (torch/nn/modules/batchnorm.py).
import { Tensor } from '../../torch/tensor';
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}, PyTorch's keyword arguments in camelCase. */
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
  /** Mirrors `num_features`. */
  get numFeatures(): number { return this.config('numFeatures'); }
  /** Mirrors `eps`. */
  get eps(): number { return this.config('eps'); }
  /** Mirrors `momentum`. */
  get momentum(): number { return this.config('momentum'); }
  /** The learnable scale (γ), or null without affine. Mirrors `weight`. */
  get weight(): Tensor | null { return this.param('weight'); }
  /** The learnable shift (β), or null without affine. Mirrors `bias`. */
  get bias(): Tensor | null { return this.param('bias'); }
  /** Mirrors `running_mean` (null without trackRunningStats). */
  get runningMean(): Tensor | null { return this.buffer('running_mean'); }
  /** Mirrors `running_var` (null without trackRunningStats). */
  get runningVar(): Tensor | null { return this.buffer('running_var'); }
}

/**
 * BatchNorm1d(numFeatures, opts): over [N, C] or [N, C, L] input.
 * Mirrors `torch.nn.BatchNorm1d`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a value out of range.
 */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, opts?: BatchNormOptions) { super(Layer.create('BatchNorm1d', args('BatchNorm1d', numFeatures, opts))); }
}

/**
 * BatchNorm2d(numFeatures, opts): over [N, C, H, W] input.
 * Mirrors `torch.nn.BatchNorm2d`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a value out of range.
 */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, opts?: BatchNormOptions) { super(Layer.create('BatchNorm2d', args('BatchNorm2d', numFeatures, opts))); }
}

registerModuleClass('BatchNorm1d', BatchNorm1d);
registerModuleClass('BatchNorm2d', BatchNorm2d);
