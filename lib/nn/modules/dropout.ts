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

export class Dropout extends Layer {
  /** Dropout(p = 0.5, inplace = false): zeroes elements with probability p in training mode. */
  constructor(p?: number, inplace?: boolean) { super(Layer.create('Dropout', args(p, inplace))); }
  get p(): number { return this.config('p'); }
  get inplace(): boolean { return this.config('inplace'); }
}

export class Dropout2d extends Layer {
  /** Dropout2d(p = 0.5, inplace = false): zeroes whole channels with probability p in training mode. */
  constructor(p?: number, inplace?: boolean) { super(Layer.create('Dropout2d', args(p, inplace))); }
  get p(): number { return this.config('p'); }
  get inplace(): boolean { return this.config('inplace'); }
}

registerModuleClass('Dropout', Dropout);
registerModuleClass('Dropout2d', Dropout2d);
