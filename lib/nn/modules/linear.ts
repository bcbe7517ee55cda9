// nn.Linear and nn.Identity (torch/nn/modules/linear.py).
import { Tensor } from '../../torch/tensor';
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

/**
 * Fully connected layer. Mirrors `torch.nn.Linear`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a negative size.
 * @example
 * ```ts
 * model.classifier[6] = new nn.Linear(4096, 10);   // a new head for 10 classes
 * ```
 */
export class Linear extends Layer {
  /** Linear(inFeatures, outFeatures, { bias = true }): y = x Wᵀ + b. */
  constructor(inFeatures: number, outFeatures: number, opts?: { bias?: boolean }) {
    const o = check.options(opts, 'Linear options', ['bias']);
    super(Layer.create('Linear', {
      inFeatures: check.int(inFeatures, 'inFeatures', { min: 0 }), outFeatures: check.int(outFeatures, 'outFeatures', { min: 0 }),
      bias: check.opt.bool(o.bias, 'bias'),
    }));
  }
  /** Mirrors `in_features`. */
  get inFeatures(): number { return this.config('inFeatures'); }
  /** Mirrors `out_features`. */
  get outFeatures(): number { return this.config('outFeatures'); }
  /** [outFeatures, inFeatures]. Mirrors `weight`. */
  get weight(): Tensor { return this.param('weight')!; }
  /** [outFeatures], or null with `bias: false`. Mirrors `bias`. */
  get bias(): Tensor | null { return this.param('bias'); }
}

/**
 * nn.Identity(): returns its input; `vgg.classifier[6] = new nn.Identity()` leaves 4096-d features.
 * Mirrors `torch.nn.Identity`.
 */
export class Identity extends Layer {
  constructor() { super(Layer.create('Identity')); }
}

registerModuleClass('Linear', Linear);
registerModuleClass('Identity', Identity);
