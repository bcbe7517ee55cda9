// nn.Dropout and nn.Dropout2d (torch/nn/modules/dropout.py).
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

function args(p: unknown, inplace: unknown): Record<string, unknown> {
  return {
    p: check.opt.number(p, 'p', { min: 0, max: 1 }),
    inplace: check.opt.bool(inplace, 'inplace'),
  };
}

/**
 * Mirrors `torch.nn.Dropout`. In eval() mode it passes its input through.
 * @throws TypeError when an argument has the wrong type; RangeError when p is outside [0, 1].
 */
export class Dropout extends Layer {
  /** Dropout(p = 0.5, inplace = false): zeroes elements with probability p in training mode. */
  constructor(p?: number, inplace?: boolean) { super(Layer.create('Dropout', args(p, inplace))); }
  /** The drop probability. Mirrors `Dropout.p`. */
  get p(): number { return this.config('p'); }
  /** Mirrors `Dropout.inplace`. */
  get inplace(): boolean { return this.config('inplace'); }
}

/**
 * Mirrors `torch.nn.Dropout2d`. In eval() mode it passes its input through.
 * @throws TypeError when an argument has the wrong type; RangeError when p is outside [0, 1].
 */
export class Dropout2d extends Layer {
  /** Dropout2d(p = 0.5, inplace = false): zeroes whole channels with probability p in training mode. */
  constructor(p?: number, inplace?: boolean) { super(Layer.create('Dropout2d', args(p, inplace))); }
  /** The drop probability. Mirrors `Dropout2d.p`. */
  get p(): number { return this.config('p'); }
  /** Mirrors `Dropout2d.inplace`. */
  get inplace(): boolean { return this.config('inplace'); }
}

registerModuleClass('Dropout', Dropout);
registerModuleClass('Dropout2d', Dropout2d);
