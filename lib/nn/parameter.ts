// nn.Parameter: a tensor that a Module registers as a parameter when it is assigned to one of its fields.
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';

export class Parameter extends Tensor {
  /** nn.Parameter(data, requiresGrad = true): shares data's memory, as a leaf tensor. */
  constructor(data: Tensor, requiresGrad = true) {
    super(unwrap(data, 'data').detach());
    this.requiresGrad = check.bool(requiresGrad, 'requiresGrad');
  }
}
