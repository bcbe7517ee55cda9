// nn.Flatten (torch/nn/modules/flatten.py).
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

/**
 * Flattens dimensions startDim..endDim into one. Mirrors `torch.nn.Flatten`.
 * @throws TypeError when a dimension is not an integer.
 */
export class Flatten extends Layer {
  /** Flatten(startDim = 1, endDim = -1) */
  constructor(startDim?: number, endDim?: number) {
    super(Layer.create('Flatten', {
      startDim: check.opt.int(startDim, 'startDim'),
      endDim: check.opt.int(endDim, 'endDim'),
    }));
  }
}

registerModuleClass('Flatten', Flatten);
