// torch.nn.functional: activations, pooling, convolution, padding, interpolation, normalisation and losses.
import { native } from '../native';
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';
import { callOp } from '../torch/ops';

/** How a loss reduces over the batch, as PyTorch's `reduction` argument. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of {@link crossEntropy} and CrossEntropyLoss, PyTorch's keyword arguments in camelCase. */
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

/**
 * Cross-entropy of logits [N, C] (or [N, C, ...]) against int64 class indices or class probabilities.
 * Mirrors `torch.nn.functional.cross_entropy`.
 * @throws TypeError when the target is neither int64 indices nor probabilities shaped like the input, or for an
 * unknown reduction; RangeError for labelSmoothing outside [0, 1] or a class index out of range; Error with
 * PyTorch's message for mismatched shapes.
 */
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

/**
 * Mirrors `torch.nn.functional.softmax`.
 * @throws TypeError when dim is not an integer; RangeError when it is out of range.
 */
export function softmax(input: Tensor, dim: number): Tensor { return input.softmax(dim); }
/**
 * Mirrors `torch.nn.functional.log_softmax`.
 * @throws TypeError when dim is not an integer; RangeError when it is out of range.
 */
export function logSoftmax(input: Tensor, dim: number): Tensor { return input.logSoftmax(dim); }
/** Mirrors `torch.nn.functional.relu`. */
export function relu(input: Tensor): Tensor { return input.relu(); }
/**
 * Zeroes elements with probability p (when training) and scales the rest by 1/(1-p). Mirrors `torch.nn.functional.dropout`.
 * @throws RangeError when p is outside [0, 1].
 */
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  if (typeof p !== 'number' || p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  return new Tensor(native.dropout(unwrap(input, 'input'), p, Boolean(training)));
}

/**
 * F.adaptive_avg_pool2d(input, outputSize)
 * Mirrors `torch.nn.functional.adaptive_avg_pool2d`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | [number, number]): Tensor {
  const size = check.intOrPair(outputSize, 'outputSize', { min: 1 });
  return new Tensor(native.adaptiveAvgPool2d(unwrap(input, 'input'), typeof size === 'number' ? [size, size] : size));
}

// The rest of torch.nn.functional: ops of native/tensor/op_call.cc with PyTorch's arguments.
const fcall = (name: string, input: Tensor, ...args: unknown[]): Tensor => callOp(name, input, ...args) as Tensor;
const pairList = (v: unknown, name: string, min: number): number[] => {
  const p = check.intOrPair(v, name, { min });
  return typeof p === 'number' ? [p, p] : p;
};
const optPair = (v: unknown, name: string, min: number): number[] | undefined =>
  v === undefined || v === null ? undefined : pairList(v, name, min);
const reductionOf = (v: unknown): Reduction => (v === undefined ? 'mean' : check.oneOf(v, 'reduction', ['mean', 'sum', 'none'] as const));

/**
 * F.pad(input, pad, mode = 'constant', value = 0): pad lists (left, right, top, bottom, ...) from the last dim.
 * Mirrors `torch.nn.functional.pad`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function pad(input: Tensor, padding: number[], mode: 'constant' | 'reflect' | 'replicate' | 'circular' = 'constant', value = 0): Tensor {
  if (!Array.isArray(padding) || padding.length % 2) throw new TypeError(`pad must be an array of an even number of integers; got ${check.describe(padding)}`);
  return fcall('pad', input, padding.map((p, i) => check.int(p, `pad[${i}]`)), check.oneOf(mode, 'mode', ['constant', 'reflect', 'replicate', 'circular']), check.number(value, 'value'));
}

/**
 * F.interpolate(input, { size, scaleFactor, mode = 'nearest', alignCorners, antialias = false })
 * Mirrors `torch.nn.functional.interpolate`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function interpolate(input: Tensor, opts: { size?: number | number[]; scaleFactor?: number; mode?: 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'area'; alignCorners?: boolean; antialias?: boolean }): Tensor {
  const o = check.options(opts, 'interpolate options', ['size', 'scaleFactor', 'mode', 'alignCorners', 'antialias']);
  if (o.antialias === true && o.mode !== 'bilinear' && o.mode !== 'bicubic') throw new TypeError(`interpolate: antialias works with mode 'bilinear' or 'bicubic'; got '${o.mode ?? 'nearest'}'`);
  if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new TypeError('interpolate needs exactly one of size or scaleFactor');
  const dims = unwrapped(input).dim() - 2;
  const size = o.size === undefined ? undefined : (Array.isArray(o.size) ? o.size : Array(dims).fill(o.size)).map((s, i) => check.int(s, `size[${i}]`, { min: 1 }));
  return fcall('interpolate', input, size, o.scaleFactor === undefined ? undefined : check.number(o.scaleFactor, 'scaleFactor', { min: 0 }),
    o.mode === undefined ? undefined : check.oneOf(o.mode, 'mode', ['nearest', 'linear', 'bilinear', 'bicubic', 'area']),
    o.alignCorners === undefined ? undefined : check.bool(o.alignCorners, 'alignCorners'),
    o.antialias === undefined ? undefined : check.bool(o.antialias, 'antialias'));
}

function unwrapped(t: Tensor): Tensor { unwrap(t, 'input'); return t; }

/**
 * F.max_pool2d(input, kernelSize, { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false })
 * Mirrors `torch.nn.functional.max_pool2d`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function maxPool2d(input: Tensor, kernelSize: number | [number, number], opts?: { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number]; ceilMode?: boolean }): Tensor {
  const o = check.options(opts, 'maxPool2d options', ['stride', 'padding', 'dilation', 'ceilMode']);
  return fcall('max_pool2d', input, pairList(kernelSize, 'kernelSize', 1), optPair(o.stride, 'stride', 1), optPair(o.padding, 'padding', 0),
    optPair(o.dilation, 'dilation', 1), o.ceilMode === undefined ? undefined : check.bool(o.ceilMode, 'ceilMode'));
}

/**
 * F.avg_pool2d(input, kernelSize, { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true })
 * Mirrors `torch.nn.functional.avg_pool2d`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function avgPool2d(input: Tensor, kernelSize: number | [number, number], opts?: { stride?: number | [number, number]; padding?: number | [number, number]; ceilMode?: boolean; countIncludePad?: boolean }): Tensor {
  const o = check.options(opts, 'avgPool2d options', ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  return fcall('avg_pool2d', input, pairList(kernelSize, 'kernelSize', 1), optPair(o.stride, 'stride', 1), optPair(o.padding, 'padding', 0),
    o.ceilMode === undefined ? undefined : check.bool(o.ceilMode, 'ceilMode'), o.countIncludePad === undefined ? undefined : check.bool(o.countIncludePad, 'countIncludePad'));
}

/**
 * F.conv2d(input, weight, bias?, { stride = 1, padding = 0, dilation = 1, groups = 1 })
 * Mirrors `torch.nn.functional.conv2d`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: { stride?: number | [number, number]; padding?: number | [number, number]; dilation?: number | [number, number]; groups?: number }): Tensor {
  const o = check.options(opts, 'conv2d options', ['stride', 'padding', 'dilation', 'groups']);
  return fcall('conv2d', input, unwrapped(weight), bias ?? null, optPair(o.stride, 'stride', 1), optPair(o.padding, 'padding', 0),
    optPair(o.dilation, 'dilation', 1), o.groups === undefined ? undefined : check.int(o.groups, 'groups', { min: 1 }));
}

/**
 * F.linear(input, weight, bias?)
 * Mirrors `torch.nn.functional.linear`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor { return fcall('linear', input, unwrapped(weight), bias ?? null); }

/**
 * F.normalize(input, { p = 2, dim = 1, eps = 1e-12 })
 * Mirrors `torch.nn.functional.normalize`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function normalize(input: Tensor, opts?: { p?: number; dim?: number; eps?: number }): Tensor {
  const o = check.options(opts, 'normalize options', ['p', 'dim', 'eps']);
  return fcall('normalize', input, o.p === undefined ? undefined : check.number(o.p, 'p'), o.dim === undefined ? undefined : check.int(o.dim, 'dim'),
    o.eps === undefined ? undefined : check.number(o.eps, 'eps', { min: 0 }));
}

/**
 * F.cosine_similarity(x1, x2, dim = 1, eps = 1e-8)
 * Mirrors `torch.nn.functional.cosine_similarity`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  return fcall('cosine_similarity', x1, unwrapped(x2), check.int(dim, 'dim'), check.number(eps, 'eps', { min: 0 }));
}

/** The `reduction` option every loss takes. */
export interface LossOptions { reduction?: Reduction }
/**
 * F.mse_loss(input, target, { reduction = 'mean' })
 * Mirrors `torch.nn.functional.mse_loss`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function mseLoss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return fcall('mse_loss', input, unwrapped(target), reductionOf(check.options(opts, 'mseLoss options', ['reduction']).reduction));
}
/**
 * F.l1_loss(input, target, { reduction = 'mean' })
 * Mirrors `torch.nn.functional.l1_loss`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function l1Loss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return fcall('l1_loss', input, unwrapped(target), reductionOf(check.options(opts, 'l1Loss options', ['reduction']).reduction));
}
/**
 * F.smooth_l1_loss(input, target, { reduction = 'mean', beta = 1 })
 * Mirrors `torch.nn.functional.smooth_l1_loss`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts?: LossOptions & { beta?: number }): Tensor {
  const o = check.options(opts, 'smoothL1Loss options', ['reduction', 'beta']);
  return fcall('smooth_l1_loss', input, unwrapped(target), reductionOf(o.reduction), o.beta === undefined ? undefined : check.number(o.beta, 'beta', { min: 0 }));
}
/**
 * F.nll_loss(input, target, { weight, reduction = 'mean', ignoreIndex = -100 })
 * Mirrors `torch.nn.functional.nll_loss`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function nllLoss(input: Tensor, target: Tensor, opts?: LossOptions & { weight?: Tensor | null; ignoreIndex?: number }): Tensor {
  const o = check.options(opts, 'nllLoss options', ['reduction', 'weight', 'ignoreIndex']);
  return fcall('nll_loss', input, unwrapped(target), reductionOf(o.reduction), o.weight ?? null, o.ignoreIndex === undefined ? undefined : check.int(o.ignoreIndex, 'ignoreIndex'));
}
/**
 * F.binary_cross_entropy_with_logits(input, target, { weight, posWeight, reduction = 'mean' })
 * Mirrors `torch.nn.functional.binary_cross_entropy_with_logits`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts?: LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null }): Tensor {
  const o = check.options(opts, 'binaryCrossEntropyWithLogits options', ['reduction', 'weight', 'posWeight']);
  return fcall('binary_cross_entropy_with_logits', input, unwrapped(target), reductionOf(o.reduction), o.weight ?? null, o.posWeight ?? null);
}
/**
 * F.kl_div(input, target, { reduction = 'mean', logTarget = false }); 'batchmean' divides the sum by the batch size.
 * Mirrors `torch.nn.functional.kl_div`.
 * @throws TypeError for a non-Tensor input, a wrong argument type or an unknown option; RangeError for an argument out of range; Error with PyTorch's message for shapes or dtypes the op rejects.
 */
export function klDiv(input: Tensor, target: Tensor, opts?: { reduction?: Reduction | 'batchmean'; logTarget?: boolean }): Tensor {
  const o = check.options(opts, 'klDiv options', ['reduction', 'logTarget']);
  const r = o.reduction === undefined ? 'mean' : check.oneOf(o.reduction, 'reduction', ['mean', 'sum', 'none', 'batchmean'] as const);
  const logTarget = o.logTarget === undefined ? false : check.bool(o.logTarget, 'logTarget');
  if (r === 'batchmean') return fcall('kl_div', input, unwrapped(target), 'sum', logTarget).div(unwrapped(input).size(0));
  return fcall('kl_div', input, unwrapped(target), r, logTarget);
}
/** F.one_hot(tensor, numClasses = -1): mirrors `torch.nn.functional.one_hot` (see `torch.oneHot`). */
export { oneHot } from '../torch/ops';
/** Mirrors `torch.nn.functional.sigmoid`. */
export function sigmoid(input: Tensor): Tensor { return input.sigmoid(); }
/** Mirrors `torch.nn.functional.tanh`. */
export function tanh(input: Tensor): Tensor { return input.tanh(); }
