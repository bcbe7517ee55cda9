// Activations (torch/nn/modules/activation.py): ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax.
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

export class ReLU extends Layer {
  constructor(inplace?: boolean) { super(Layer.create('ReLU', { inplace: check.opt.bool(inplace, 'inplace') })); }
  get inplace(): boolean { return this.config('inplace'); }
}

export class LeakyReLU extends Layer {
  /** LeakyReLU(negativeSlope = 0.01, inplace = false) */
  constructor(negativeSlope?: number, inplace?: boolean) {
    super(Layer.create('LeakyReLU', {
      negativeSlope: check.opt.number(negativeSlope, 'negativeSlope'),
      inplace: check.opt.bool(inplace, 'inplace'),
    }));
  }
  get negativeSlope(): number { return this.config('negativeSlope'); }
  get inplace(): boolean { return this.config('inplace'); }
}

export class GELU extends Layer {
  /** GELU({ approximate: 'none' | 'tanh' }) */
  constructor(opts?: { approximate?: 'none' | 'tanh' }) {
    const o = check.options(opts, 'GELU options', ['approximate']);
    super(Layer.create('GELU', { approximate: o.approximate === undefined ? undefined : check.oneOf(o.approximate, 'approximate', ['none', 'tanh']) }));
  }
  get approximate(): string { return this.config('approximate'); }
}

export class Sigmoid extends Layer {
  constructor() { super(Layer.create('Sigmoid')); }
}

export class Tanh extends Layer {
  constructor() { super(Layer.create('Tanh')); }
}

export class Softmax extends Layer {
  /** Softmax(dim): softmax over `dim` (null picks PyTorch's legacy default, as dim=None does). */
  constructor(dim?: number | null) {
    super(Layer.create('Softmax', { dim: dim === undefined || dim === null ? null : check.int(dim, 'dim') }));
  }
  get dim(): number | null { return this.config('dim'); }
}

registerModuleClass('ReLU', ReLU);
registerModuleClass('LeakyReLU', LeakyReLU);
registerModuleClass('GELU', GELU);
registerModuleClass('Sigmoid', Sigmoid);
registerModuleClass('Tanh', Tanh);
registerModuleClass('Softmax', Softmax);
