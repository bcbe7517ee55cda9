// torch.nn.functional: the functions training needs.
import { native } from '../native';
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  /** per-class weights, a 1-D tensor of length C */
  weight?: Tensor | null;
  reduction?: Reduction;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** Checks what libtorch would otherwise report less clearly: dtype of the target, label range. */
function checkTarget(input: Tensor, target: Tensor): void {
  if (input.dim() !== 2 && input.dim() !== 1) return; // leave K-dimensional losses to libtorch
  if (target.dtype !== 'int64') {
    if (target.dtype.startsWith('float') || target.dtype === 'bfloat16') {
      if (target.shape.join() === input.shape.join()) return; // class probabilities
    }
    throw new TypeError(`crossEntropy target must hold int64 class indices (or probabilities shaped like the input); got ${target.dtype}`);
  }
}

export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const i = unwrap(input, 'input');
  const t = unwrap(target, 'target');
  checkTarget(input, target);
  const reduction = opts.reduction ?? 'mean';
  if (!['mean', 'sum', 'none'].includes(reduction)) throw new TypeError(`reduction must be 'mean', 'sum' or 'none'; got ${reduction}`);
  const smoothing = opts.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || smoothing < 0 || smoothing > 1) throw new RangeError(`labelSmoothing must be in [0, 1]; got ${smoothing}`);
  const weight = opts.weight == null ? null : unwrap(opts.weight, 'weight');
  return new Tensor(native.crossEntropy(i, t, weight, reduction, opts.ignoreIndex ?? -100, smoothing));
}

export function softmax(input: Tensor, dim: number): Tensor { return input.softmax(dim); }
export function logSoftmax(input: Tensor, dim: number): Tensor { return input.logSoftmax(dim); }
export function relu(input: Tensor): Tensor { return input.relu(); }
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  if (typeof p !== 'number' || p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  return new Tensor(native.dropout(unwrap(input, 'input'), p, Boolean(training)));
}

/** F.adaptive_avg_pool2d(input, outputSize) */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | [number, number]): Tensor {
  const size = check.intOrPair(outputSize, 'outputSize', { min: 1 });
  return new Tensor(native.adaptiveAvgPool2d(unwrap(input, 'input'), typeof size === 'number' ? [size, size] : size));
}
