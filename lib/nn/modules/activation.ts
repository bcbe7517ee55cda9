// Activations (torch/nn/modules/activation.py): ReLU, LeakyReLU, GELU, Sigmoid, Tanh, Softmax.
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

/**
 * Rectified linear unit, max(0, x). Mirrors `torch.nn.ReLU`.
 * @throws TypeError when `inplace` is not a boolean.
 */
export class ReLU extends Layer {
  constructor(inplace?: boolean) { super(Layer.create('ReLU', { inplace: check.opt.bool(inplace, 'inplace') })); }
  /** Whether the input is overwritten. Mirrors `ReLU.inplace`. */
  get inplace(): boolean { return this.config('inplace'); }
}

/**
 * max(0, x) + negativeSlope · min(0, x). Mirrors `torch.nn.LeakyReLU`.
 * @throws TypeError when an argument has the wrong type.
 */
export class LeakyReLU extends Layer {
  /** LeakyReLU(negativeSlope = 0.01, inplace = false) */
  constructor(negativeSlope?: number, inplace?: boolean) {
    super(Layer.create('LeakyReLU', {
      negativeSlope: check.opt.number(negativeSlope, 'negativeSlope'),
      inplace: check.opt.bool(inplace, 'inplace'),
    }));
  }
  /** Mirrors `LeakyReLU.negative_slope`. */
  get negativeSlope(): number { return this.config('negativeSlope'); }
  /** Whether the input is overwritten. Mirrors `LeakyReLU.inplace`. */
  get inplace(): boolean { return this.config('inplace'); }
}

/**
 * Gaussian error linear unit, exact or tanh-approximated. Mirrors `torch.nn.GELU`.
 * @throws TypeError for an unknown option or an `approximate` other than 'none' and 'tanh'.
 */
export class GELU extends Layer {
  /** GELU({ approximate: 'none' | 'tanh' }) */
  constructor(opts?: { approximate?: 'none' | 'tanh' }) {
    const o = check.options(opts, 'GELU options', ['approximate']);
    super(Layer.create('GELU', { approximate: o.approximate === undefined ? undefined : check.oneOf(o.approximate, 'approximate', ['none', 'tanh']) }));
  }
  /** 'none' or 'tanh'. Mirrors `GELU.approximate`. */
  get approximate(): string { return this.config('approximate'); }
}

/** Elementwise logistic sigmoid. Mirrors `torch.nn.Sigmoid`. */
export class Sigmoid extends Layer {
  constructor() { super(Layer.create('Sigmoid')); }
}

/** Elementwise hyperbolic tangent. Mirrors `torch.nn.Tanh`. */
export class Tanh extends Layer {
  constructor() { super(Layer.create('Tanh')); }
}

/**
 * Softmax over one dimension. Mirrors `torch.nn.Softmax`.
 * @throws TypeError when `dim` is not an integer (or null).
 */
export class Softmax extends Layer {
  /** Softmax(dim): softmax over `dim` (null picks PyTorch's legacy default, as dim=None does). */
  constructor(dim?: number | null) {
    super(Layer.create('Softmax', { dim: dim === undefined || dim === null ? null : check.int(dim, 'dim') }));
  }
  /** Mirrors `Softmax.dim`. */
  get dim(): number | null { return this.config('dim'); }
}

registerModuleClass('ReLU', ReLU);
registerModuleClass('LeakyReLU', LeakyReLU);
registerModuleClass('GELU', GELU);
registerModuleClass('Sigmoid', Sigmoid);
registerModuleClass('Tanh', Tanh);
registerModuleClass('Softmax', Softmax);
