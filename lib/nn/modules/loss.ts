// Loss modules. They hold options only (no parameters), so they are plain JS objects, not C++ modules.
import { inspect } from 'util';
import { Tensor } from '../../torch/tensor';
import { CrossEntropyOptions, crossEntropy } from '../functional';
import * as F from '../functional';
import * as check from '../../check';

export class CrossEntropyLoss {
  readonly options: CrossEntropyOptions;
  constructor(options: CrossEntropyOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('CrossEntropyLoss options must be an object');
    this.options = { ...options };
    crossEntropyCheck(this.options);
  }
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, this.options); }
  toString(): string { return 'CrossEntropyLoss()'; }
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

/** nn.MSELoss({ reduction }) */
export const MSELoss = lossModule<{ reduction?: Reduction }>('MSELoss', ['reduction'], F.mseLoss);
/** nn.L1Loss({ reduction }) */
export const L1Loss = lossModule<{ reduction?: Reduction }>('L1Loss', ['reduction'], F.l1Loss);
/** nn.SmoothL1Loss({ reduction, beta }) */
export const SmoothL1Loss = lossModule<{ reduction?: Reduction; beta?: number }>('SmoothL1Loss', ['reduction', 'beta'], F.smoothL1Loss);
/** nn.NLLLoss({ weight, reduction, ignoreIndex }) */
export const NLLLoss = lossModule<{ weight?: Tensor | null; reduction?: Reduction; ignoreIndex?: number }>('NLLLoss', ['weight', 'reduction', 'ignoreIndex'], F.nllLoss);
/** nn.BCEWithLogitsLoss({ weight, posWeight, reduction }) */
export const BCEWithLogitsLoss = lossModule<{ weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction }>('BCEWithLogitsLoss', ['weight', 'posWeight', 'reduction'], F.binaryCrossEntropyWithLogits);
/** nn.KLDivLoss({ reduction, logTarget }) */
export const KLDivLoss = lossModule<{ reduction?: Reduction | 'batchmean'; logTarget?: boolean }>('KLDivLoss', ['reduction', 'logTarget'], F.klDiv);
