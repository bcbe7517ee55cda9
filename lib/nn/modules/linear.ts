// nn.Linear and nn.Identity (torch/nn/modules/linear.py).
import { Tensor } from '../../torch/tensor';
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

export class Linear extends Layer {
  /** Linear(inFeatures, outFeatures, { bias = true }): y = x Wᵀ + b. */
  constructor(inFeatures: number, outFeatures: number, opts?: { bias?: boolean }) {
    const o = check.options(opts, 'Linear options', ['bias']);
    super(Layer.create('Linear', {
      inFeatures: check.int(inFeatures, 'inFeatures', { min: 0 }), outFeatures: check.int(outFeatures, 'outFeatures', { min: 0 }),
      bias: check.opt.bool(o.bias, 'bias'),
    }));
  }
  get inFeatures(): number { return this.config('inFeatures'); }
  get outFeatures(): number { return this.config('outFeatures'); }
  get weight(): Tensor { return this.param('weight')!; }
  get bias(): Tensor | null { return this.param('bias'); }
}

/** nn.Identity(): returns its input; `vgg.classifier[6] = new nn.Identity()` leaves 4096-d features. */
export class Identity extends Layer {
  constructor() { super(Layer.create('Identity')); }
}

registerModuleClass('Linear', Linear);
registerModuleClass('Identity', Identity);
