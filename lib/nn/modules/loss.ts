// Loss modules. They hold options only (no parameters), so they are plain JS objects, not C++ modules.
import { inspect } from 'util';
import { Tensor } from '../../torch/tensor';
import { CrossEntropyOptions, crossEntropy } from '../functional';
import * as F from '../functional';
import * as check from '../../check';

/**
 * Cross-entropy between logits and class indices (or probabilities). Mirrors `torch.nn.CrossEntropyLoss`.
 * A plain object holding options (losses have no parameters), called through `forward`.
 * @throws TypeError when options is not an object or `weight` not a Tensor; RangeError for labelSmoothing outside [0, 1].
 * @example
 * ```ts
 * const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = criterion.forward(model.forward(x), labels);
 * loss.backward();
 * ```
 */
export class CrossEntropyLoss {
  readonly options: CrossEntropyOptions;
  constructor(options: CrossEntropyOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('CrossEntropyLoss options must be an object');
    this.options = { ...options };
    crossEntropyCheck(this.options);
  }
  /**
   * Mirrors `CrossEntropyLoss.forward`.
   * @throws What {@link nn.functional.crossEntropy} throws.
   */
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, this.options); }
  /**
   * Prints as PyTorch does: `CrossEntropyLoss()`.
   * Mirrors `repr(loss)`.
   */
  toString(): string { return 'CrossEntropyLoss()'; }
  /**
   * What `console.log` prints: the same as toString().
   * Mirrors Python's `repr` for Node's util.inspect.
   */
  [inspect.custom](): string { return this.toString(); }
}

function crossEntropyCheck(o: CrossEntropyOptions): void {
  if (o.weight != null && !(o.weight instanceof Tensor)) throw new TypeError('weight must be a Tensor');
  const s = o.labelSmoothing ?? 0;
  if (typeof s !== 'number' || s < 0 || s > 1) throw new RangeError(`labelSmoothing must be in [0, 1]; got ${s}`);
}

type Reduction = 'mean' | 'sum' | 'none';
// A loss module over a functional loss: its options kept, checked once, printed as PyTorch prints it.
function lossModule<O extends object>(name: string, keys: readonly string[], fn: (input: Tensor, target: Tensor, o: O) => Tensor) {
  return class {
    readonly options: O;
    constructor(options?: O) {
      this.options = { ...check.options(options, `${name} options`, keys) } as O;
    }
    forward(input: Tensor, target: Tensor): Tensor { return fn(input, target, this.options); }
    toString(): string { return `${name}()`; }
    [inspect.custom](): string { return this.toString(); }
  };
}

/**
 * nn.MSELoss({ reduction })
 * Mirrors `torch.nn.MSELoss`.
 * @throws TypeError for an unknown option; what {@link nn.functional.mseLoss} throws from forward.
 */
export const MSELoss = lossModule<{ reduction?: Reduction }>('MSELoss', ['reduction'], F.mseLoss);
/**
 * nn.L1Loss({ reduction })
 * Mirrors `torch.nn.L1Loss`.
 * @throws TypeError for an unknown option; what {@link nn.functional.l1Loss} throws from forward.
 */
export const L1Loss = lossModule<{ reduction?: Reduction }>('L1Loss', ['reduction'], F.l1Loss);
/**
 * nn.SmoothL1Loss({ reduction, beta })
 * Mirrors `torch.nn.SmoothL1Loss`.
 * @throws TypeError for an unknown option; what {@link nn.functional.smoothL1Loss} throws from forward.
 */
export const SmoothL1Loss = lossModule<{ reduction?: Reduction; beta?: number }>('SmoothL1Loss', ['reduction', 'beta'], F.smoothL1Loss);
/**
 * nn.NLLLoss({ weight, reduction, ignoreIndex })
 * Mirrors `torch.nn.NLLLoss`.
 * @throws TypeError for an unknown option; what {@link nn.functional.nllLoss} throws from forward.
 */
export const NLLLoss = lossModule<{ weight?: Tensor | null; reduction?: Reduction; ignoreIndex?: number }>('NLLLoss', ['weight', 'reduction', 'ignoreIndex'], F.nllLoss);
/**
 * nn.BCEWithLogitsLoss({ weight, posWeight, reduction })
 * Mirrors `torch.nn.BCEWithLogitsLoss`.
 * @throws TypeError for an unknown option; what {@link nn.functional.binaryCrossEntropyWithLogits} throws from forward.
 */
export const BCEWithLogitsLoss = lossModule<{ weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction }>('BCEWithLogitsLoss', ['weight', 'posWeight', 'reduction'], F.binaryCrossEntropyWithLogits);
/**
 * nn.KLDivLoss({ reduction, logTarget })
 * Mirrors `torch.nn.KLDivLoss`.
 * @throws TypeError for an unknown option; what {@link nn.functional.klDiv} throws from forward.
 */
export const KLDivLoss = lossModule<{ reduction?: Reduction | 'batchmean'; logTarget?: boolean }>('KLDivLoss', ['reduction', 'logTarget'], F.klDiv);
