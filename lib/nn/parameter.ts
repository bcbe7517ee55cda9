// nn.Parameter: a tensor that a Module registers as a parameter when it is assigned to one of its fields.
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';

/**
 * A tensor that a Module registers as a parameter when it is assigned to one of its fields. Mirrors `torch.nn.Parameter`.
 * @throws TypeError when `data` is not a Tensor or `requiresGrad` not a boolean.
 * @example
 * ```ts
 * class Scale extends nn.Module {
 *   s = new nn.Parameter(torch.ones(1));
 *   forward(x: torch.Tensor) { return x.mul(this.s); }
 * }
 * ```
 */
export class Parameter extends Tensor {
  /** nn.Parameter(data, requiresGrad = true): shares data's memory, as a leaf tensor. */
  constructor(data: Tensor, requiresGrad = true) {
    super(unwrap(data, 'data').detach());
    this.requiresGrad = check.bool(requiresGrad, 'requiresGrad');
  }
}
