// Loss modules. They hold options only (no parameters), so they are plain JS objects, not C++ modules.
import { inspect } from 'util';
import { Tensor } from '../../torch/tensor';
import { CrossEntropyOptions, crossEntropy } from '../functional';

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
