// PyTorch's reductions, elementwise and in-place ops, x[...] indexing and shape/selection ops, as Tensor
// methods (added to Tensor.prototype here) and torch.* functions, in camelCase with PyTorch's arguments.
import { native, OpArg, OpResult, NativeIndex, UnaryOpName, BinaryOpName } from '../native';
import { Tensor, unwrap } from './tensor';
import * as check from '../check';

/**
 * PyTorch's (values, indices) named tuple: destructure it, or read .values and .indices.
 * Mirrors the `torch.return_types` named tuples (max, sort, topk, …).
 */
export type ValuesIndices = Omit<[Tensor, Tensor], 'values'> & { 0: Tensor; 1: Tensor; values: Tensor; indices: Tensor };
/** One index of x.index(...): an integer (negative from the end), a slice string (':', '1:3', '::2', '-1:'),
 * '...', null (a new axis), a boolean, a number array or int64 tensor of indices, or a bool mask. */
export type Index = number | string | null | boolean | number[] | Tensor;
type Dims = number | number[];

function arg(v: unknown): OpArg {
  return v instanceof Tensor ? v._t : (v as OpArg);
}

function wrap(r: OpResult): Tensor | Tensor[] | number | boolean {
  if (Array.isArray(r)) return r.map((t) => new Tensor(t));
  if (typeof r === 'number' || typeof r === 'boolean') return r;
  return new Tensor(r);
}

/** @internal calls op `name` of native/tensor/op_call.cc with `self` first */
export function callOp(name: string, self: Tensor, ...args: unknown[]): Tensor | Tensor[] | number | boolean {
  return wrap(native.callOp(name, [unwrap(self, 'input'), ...args.map(arg)]));
}

const tensorOf = (self: Tensor, name: string, ...args: unknown[]): Tensor => callOp(name, self, ...args) as Tensor;

function valuesIndices(r: Tensor[]): ValuesIndices {
  const out = [r[0], r[1]];
  // Like Python's named tuple: an own `values` shadows Array.prototype.values on this one array.
  Object.defineProperties(out, { values: { value: r[0] }, indices: { value: r[1] } });
  return out as unknown as ValuesIndices;
}

function dims(v: unknown, name = 'dim'): number[] | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map((d, i) => check.int(d, `${name}[${i}]`));
  return [check.int(v, name)];
}

const optInt = check.opt.int;
const optBool = check.opt.bool;

// A slice string: 'a:b:c' with any part empty.
function slice(s: string): [number | null, number | null, number | null] {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) throw new TypeError(`index '${s}' is not a slice (use ':', 'a:b' or 'a:b:c') or '...'`);
  const part = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === '') return null;
    if (!/^\s*-?\d+\s*$/.test(p)) throw new TypeError(`slice '${s}': '${p}' is not an integer`);
    return Number(p);
  };
  const step = part(parts[2]);
  if (step !== null && step <= 0) throw new RangeError(`slice '${s}': step must be greater than zero`);
  return [part(parts[0]), part(parts[1]), step];
}

function toIndex(v: Index, i: number): NativeIndex {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return check.int(v, `index ${i}`);
  if (typeof v === 'string') return v === '...' ? '...' : slice(v);
  if (v instanceof Tensor) return v._t;
  if (Array.isArray(v)) {
    const t = new Tensor(native.fromTypedArray(Float64Array.from(v, (x, j) => check.int(x, `index ${i}[${j}]`)), [v.length], 'int64', null, false));
    return t._t;
  }
  throw new TypeError(`index ${i} must be an integer, a slice string, '...', null, a number array or a Tensor; got ${check.describe(v)}`);
}

// The ops, added to Tensor.prototype below and declared on the Tensor type here.
declare module './tensor' {
  interface Tensor {
    /**
     * The largest element; with `dim`, (values, indices) along it; with a tensor, the elementwise maximum. Mirrors `torch.Tensor.max`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(other: Tensor): Tensor;
    /**
     * The smallest element; with `dim`, (values, indices) along it; with a tensor, the elementwise minimum. Mirrors `torch.Tensor.min`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(other: Tensor): Tensor;
    /**
     * The median (the lower of the two middle values); with `dim`, (values, indices) along it. Mirrors `torch.Tensor.median`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
    /**
     * The most frequent value along `dim` (the last by default), as (values, indices). Mirrors `torch.Tensor.mode`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    mode(dim?: number, keepdim?: boolean): ValuesIndices;
    /**
     * The k-th smallest element along `dim`, as (values, indices). Mirrors `torch.Tensor.kthvalue`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    kthvalue(k: number, dim?: number, keepdim?: boolean): ValuesIndices;
    /**
     * Sorts along `dim`, returning (values, indices). Mirrors `torch.Tensor.sort`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    sort(dim?: number, descending?: boolean): ValuesIndices;
    /**
     * Product of all elements, or along `dim`. Mirrors `torch.Tensor.prod`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    prod(dim?: number, keepdim?: boolean): Tensor;
    /**
     * Standard deviation (Bessel-corrected unless `unbiased: false`). Mirrors `torch.Tensor.std`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    std(dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }): Tensor;
    /**
     * Variance (Bessel-corrected unless `unbiased: false`). Mirrors `torch.Tensor.var`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    var(dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }): Tensor;
    /**
     * The p-norm (2 by default) of all elements or over `dim`. Mirrors `torch.Tensor.norm`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    norm(p?: number, dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * log(sum(exp(x))) over `dim`, computed stably. Mirrors `torch.Tensor.logsumexp`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    logsumexp(dim: Dims, keepdim?: boolean): Tensor;
    /**
     * Whether every element is true (nonzero), overall or along `dim`. Mirrors `torch.Tensor.all`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    all(dim?: number, keepdim?: boolean): Tensor;
    /**
     * Whether any element is true (nonzero), overall or along `dim`. Mirrors `torch.Tensor.any`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    any(dim?: number, keepdim?: boolean): Tensor;
    /**
     * Index of the smallest element, overall (flattened) or along `dim`. Mirrors `torch.Tensor.argmin`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    argmin(dim?: number, keepdim?: boolean): Tensor;
    /**
     * The largest values over `dim` (all dims by default), without indices. Mirrors `torch.Tensor.amax`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    amax(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * The smallest values over `dim` (all dims by default), without indices. Mirrors `torch.Tensor.amin`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    amin(dim?: Dims, keepdim?: boolean): Tensor;
    /**
     * Cumulative sum along `dim`. Mirrors `torch.Tensor.cumsum`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    cumsum(dim: number): Tensor;
    /**
     * Clamps every element into [min, max] (either bound may be null). Mirrors `torch.Tensor.clamp`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    /**
     * Alias of clamp. Mirrors `torch.Tensor.clip`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    /**
     * Elementwise power. Mirrors `torch.Tensor.pow`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    pow(exponent: number | Tensor): Tensor;
    /**
     * Elementwise sign (-1, 0 or 1). Mirrors `torch.Tensor.sign`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    sign(): Tensor;
    /**
     * Elementwise floor. Mirrors `torch.Tensor.floor`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    floor(): Tensor;
    /**
     * Elementwise ceiling. Mirrors `torch.Tensor.ceil`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    ceil(): Tensor;
    /**
     * Elementwise rounding, half to even. Mirrors `torch.Tensor.round`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    round(): Tensor;
    /**
     * Elementwise truncation toward zero. Mirrors `torch.Tensor.trunc`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    trunc(): Tensor;
    /**
     * Elementwise fractional part. Mirrors `torch.Tensor.frac`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    frac(): Tensor;
    /**
     * Elementwise sine. Mirrors `torch.Tensor.sin`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    sin(): Tensor;
    /**
     * Elementwise cosine. Mirrors `torch.Tensor.cos`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    cos(): Tensor;
    /**
     * Which elements are NaN, as a bool tensor. Mirrors `torch.Tensor.isnan`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    isnan(): Tensor;
    /**
     * Which elements are ±Infinity, as a bool tensor. Mirrors `torch.Tensor.isinf`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    isinf(): Tensor;
    /**
     * Which elements are finite, as a bool tensor. Mirrors `torch.Tensor.isfinite`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    isfinite(): Tensor;
    /**
     * Elementwise logical NOT, as a bool tensor. Mirrors `torch.Tensor.logical_not`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    logicalNot(): Tensor;
    /**
     * Elementwise !=, as a bool tensor (broadcasting). Mirrors `torch.Tensor.ne`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    ne(other: Tensor | number | boolean): Tensor;
    /**
     * Elementwise <, as a bool tensor (broadcasting). Mirrors `torch.Tensor.lt`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    lt(other: Tensor | number): Tensor;
    /**
     * Elementwise <=, as a bool tensor (broadcasting). Mirrors `torch.Tensor.le`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    le(other: Tensor | number): Tensor;
    /**
     * Elementwise >, as a bool tensor (broadcasting). Mirrors `torch.Tensor.gt`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    gt(other: Tensor | number): Tensor;
    /**
     * Elementwise >=, as a bool tensor (broadcasting). Mirrors `torch.Tensor.ge`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    ge(other: Tensor | number): Tensor;
    /**
     * Elementwise maximum of two tensors (broadcasting). Mirrors `torch.Tensor.maximum`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    maximum(other: Tensor): Tensor;
    /**
     * Elementwise minimum of two tensors (broadcasting). Mirrors `torch.Tensor.minimum`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    minimum(other: Tensor): Tensor;
    /**
     * Elementwise logical AND, as a bool tensor. Mirrors `torch.Tensor.logical_and`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    logicalAnd(other: Tensor): Tensor;
    /**
     * Elementwise logical OR, as a bool tensor. Mirrors `torch.Tensor.logical_or`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    logicalOr(other: Tensor): Tensor;
    /**
     * Elementwise logical XOR, as a bool tensor. Mirrors `torch.Tensor.logical_xor`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    logicalXor(other: Tensor): Tensor;
    /**
     * Replaces NaN and ±Infinity with finite numbers. Mirrors `torch.Tensor.nan_to_num`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    nanToNum(opts?: { nan?: number; posinf?: number; neginf?: number }): Tensor;
    /**
     * A copy with `value` where `mask` is true. Mirrors `torch.Tensor.masked_fill`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor;
    /**
     * Linear interpolation toward `end` by `weight`. Mirrors `torch.Tensor.lerp`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    lerp(end: Tensor, weight: number | Tensor): Tensor;
    /**
     * In-place `this += alpha * other`. Mirrors `torch.Tensor.add_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    add_(other: Tensor | number, opts?: { alpha?: number }): this;
    /**
     * In-place `this -= alpha * other`. Mirrors `torch.Tensor.sub_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    sub_(other: Tensor | number, opts?: { alpha?: number }): this;
    /**
     * In-place multiplication. Mirrors `torch.Tensor.mul_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    mul_(other: Tensor | number): this;
    /**
     * In-place division. Mirrors `torch.Tensor.div_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    div_(other: Tensor | number): this;
    /**
     * In-place clamp into [min, max]. Mirrors `torch.Tensor.clamp_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    clamp_(min?: number | null, max?: number | null): this;
    /**
     * Fills this tensor with zeros, in place. Mirrors `torch.Tensor.zero_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    zero_(): this;
    /**
     * Fills this tensor with `value`, in place. Mirrors `torch.Tensor.fill_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    fill_(value: number | boolean | Tensor): this;
    /**
     * Writes `value` where `mask` is true, in place. Mirrors `torch.Tensor.masked_fill_`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    maskedFill_(mask: Tensor, value: number | boolean | Tensor): this;
    /**
     * Python's `x[...]`: integers, slice strings ('1:3', '::2'), '...', null (a new axis), bools, integer arrays or tensors. Mirrors `torch.Tensor.__getitem__`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    index(...indices: Index[]): Tensor;
    /**
     * Python's `x[...] = value`, in place. Mirrors `torch.Tensor.__setitem__`.
     * @throws TypeError for a wrong argument type; Error with PyTorch's message when autograd refuses the in-place change (a leaf that requires grad) or the shapes do not broadcast.
     */
    indexPut_(indices: Index[], value: Tensor | number | boolean): this;
    /**
     * Flattens dimensions startDim..endDim into one. Mirrors `torch.Tensor.flatten`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    flatten(startDim?: number, endDim?: number): Tensor;
    /**
     * Splits dimension `dim` into `sizes`. Mirrors `torch.Tensor.unflatten`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    unflatten(dim: number, sizes: number[]): Tensor;
    /**
     * A view with size-1 dimensions repeated to `sizes` (-1 keeps a size), no copy. Mirrors `torch.Tensor.expand`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    expand(...sizes: (number | number[])[]): Tensor;
    /**
     * expand() to another tensor's shape. Mirrors `torch.Tensor.expand_as`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    expandAs(other: Tensor): Tensor;
    /**
     * Repeats the tensor along each dimension (a copy). Mirrors `torch.Tensor.repeat`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    repeat(...sizes: (number | number[])[]): Tensor;
    /**
     * Repeats the tensor along each dimension, like numpy.tile. Mirrors `torch.Tensor.tile`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    tile(...dims: (number | number[])[]): Tensor;
    /**
     * Splits into chunks of `splitSize` (or of the given sizes) along `dim`. Mirrors `torch.Tensor.split`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    split(splitSize: number | number[], dim?: number): Tensor[];
    /**
     * Splits into `chunks` nearly equal pieces along `dim`. Mirrors `torch.Tensor.chunk`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    chunk(chunks: number, dim?: number): Tensor[];
    /**
     * Gathers values along `dim` at `index`. Mirrors `torch.Tensor.gather`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    gather(dim: number, index: Tensor): Tensor;
    /**
     * A copy with `src` written along `dim` at `index`. Mirrors `torch.Tensor.scatter`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    /**
     * A copy with `src` added along `dim` at `index`. Mirrors `torch.Tensor.scatter_add`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /**
     * The indices of nonzero elements, one row per element. Mirrors `torch.Tensor.nonzero`.
     * @throws Error with PyTorch's message for a dtype the op does not support.
     */
    nonzero(): Tensor;
    /**
     * The unique elements, with inverse indices and counts on request. Mirrors `torch.Tensor.unique`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    unique(opts?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number }): Tensor | Tensor[];
    /**
     * Reverses the order along the given dimensions. Mirrors `torch.Tensor.flip`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    flip(...dims: (number | number[])[]): Tensor;
    /**
     * Rolls elements along dimensions, wrapping around. Mirrors `torch.Tensor.roll`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    roll(shifts: number | number[], dims?: number | number[]): Tensor;
    /**
     * The lower triangle (below diagonal `diagonal`), the rest zero. Mirrors `torch.Tensor.tril`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    tril(diagonal?: number): Tensor;
    /**
     * The upper triangle (above diagonal `diagonal`), the rest zero. Mirrors `torch.Tensor.triu`.
     * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
     */
    triu(diagonal?: number): Tensor;
  }
}

const sizes = (args: (number | number[])[], name: string): number[] =>
  (args.length === 1 && Array.isArray(args[0]) ? args[0] : args as number[]).map((d, i) => check.int(d, `${name}[${i}]`));

function reduceWithIndices(name: 'max' | 'min' | 'median') {
  return function (this: Tensor, dimOrOther?: number | Tensor, keepdim?: boolean): Tensor | ValuesIndices {
    if (dimOrOther instanceof Tensor) {
      if (name === 'median') throw new TypeError('median(other) is not an op; did you mean maximum/minimum?');
      return new Tensor(this._t.binary(name === 'max' ? 'maximum' : 'minimum', dimOrOther._t));
    }
    if (dimOrOther === undefined) return tensorOf(this, name);
    return valuesIndices(callOp(name, this, check.int(dimOrOther, 'dim'), optBool(keepdim, 'keepdim')) as Tensor[]);
  };
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
const methods: Record<string, (this: Tensor, ...a: never[]) => unknown> = {
  max: reduceWithIndices('max'),
  min: reduceWithIndices('min'),
  median: reduceWithIndices('median'),
  mode(this: Tensor, dim?: number, keepdim?: boolean) { return valuesIndices(callOp('mode', this, optInt(dim, 'dim'), optBool(keepdim, 'keepdim')) as Tensor[]); },
  kthvalue(this: Tensor, k: number, dim?: number, keepdim?: boolean) {
    return valuesIndices(callOp('kthvalue', this, check.int(k, 'k', { min: 1 }), optInt(dim, 'dim'), optBool(keepdim, 'keepdim')) as Tensor[]);
  },
  sort(this: Tensor, dim?: number, descending?: boolean) { return valuesIndices(callOp('sort', this, optInt(dim, 'dim'), optBool(descending, 'descending')) as Tensor[]); },
  prod(this: Tensor, dim?: number, keepdim?: boolean) { return tensorOf(this, 'prod', optInt(dim, 'dim'), optBool(keepdim, 'keepdim')); },
  std(this: Tensor, dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }) {
    const o = check.options(opts, 'std options', ['unbiased', 'keepdim']);
    return tensorOf(this, 'std', dims(dim), optBool(o.unbiased, 'unbiased'), optBool(o.keepdim, 'keepdim'));
  },
  var(this: Tensor, dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }) {
    const o = check.options(opts, 'var options', ['unbiased', 'keepdim']);
    return tensorOf(this, 'var', dims(dim), optBool(o.unbiased, 'unbiased'), optBool(o.keepdim, 'keepdim'));
  },
  norm(this: Tensor, p?: number, dim?: Dims, keepdim?: boolean) {
    return tensorOf(this, 'norm', p === undefined ? undefined : check.number(p, 'p'), dims(dim), optBool(keepdim, 'keepdim'));
  },
  logsumexp(this: Tensor, dim: Dims, keepdim?: boolean) { return tensorOf(this, 'logsumexp', dims(dim), optBool(keepdim, 'keepdim')); },
  all(this: Tensor, dim?: number, keepdim?: boolean) { return tensorOf(this, 'all', optInt(dim, 'dim'), optBool(keepdim, 'keepdim')); },
  any(this: Tensor, dim?: number, keepdim?: boolean) { return tensorOf(this, 'any', optInt(dim, 'dim'), optBool(keepdim, 'keepdim')); },
  argmin(this: Tensor, dim?: number, keepdim?: boolean) { return tensorOf(this, 'argmin', optInt(dim, 'dim'), optBool(keepdim, 'keepdim')); },
  amax(this: Tensor, dim?: Dims, keepdim?: boolean) { return tensorOf(this, 'amax', dims(dim), optBool(keepdim, 'keepdim')); },
  amin(this: Tensor, dim?: Dims, keepdim?: boolean) { return tensorOf(this, 'amin', dims(dim), optBool(keepdim, 'keepdim')); },
  cumsum(this: Tensor, dim: number) { return tensorOf(this, 'cumsum', check.int(dim, 'dim')); },
  clamp(this: Tensor, min?: number | Tensor | null, max?: number | Tensor | null) { return tensorOf(this, 'clamp', min, max); },
  clip(this: Tensor, min?: number | Tensor | null, max?: number | Tensor | null) { return tensorOf(this, 'clamp', min, max); },
  pow(this: Tensor, exponent: number | Tensor) { return tensorOf(this, 'pow', exponent); },
  nanToNum(this: Tensor, opts?: { nan?: number; posinf?: number; neginf?: number }) {
    const o = check.options(opts, 'nanToNum options', ['nan', 'posinf', 'neginf']);
    return tensorOf(this, 'nan_to_num', o.nan, o.posinf, o.neginf);
  },
  maskedFill(this: Tensor, mask: Tensor, value: number | boolean | Tensor) { return tensorOf(this, 'masked_fill', unwrapT(mask, 'mask'), value); },
  lerp(this: Tensor, end: Tensor, weight: number | Tensor) { return tensorOf(this, 'lerp', unwrapT(end, 'end'), weight); },
  add_(this: Tensor, other: Tensor | number, opts?: { alpha?: number }) { inPlace(this, 'add_', other, check.options(opts, 'add_ options', ['alpha']).alpha); return this; },
  sub_(this: Tensor, other: Tensor | number, opts?: { alpha?: number }) { inPlace(this, 'sub_', other, check.options(opts, 'sub_ options', ['alpha']).alpha); return this; },
  mul_(this: Tensor, other: Tensor | number) { inPlace(this, 'mul_', other); return this; },
  div_(this: Tensor, other: Tensor | number) { inPlace(this, 'div_', other); return this; },
  clamp_(this: Tensor, min?: number | null, max?: number | null) { inPlace(this, 'clamp_', min, max); return this; },
  zero_(this: Tensor) { inPlace(this, 'zero_'); return this; },
  fill_(this: Tensor, value: number | boolean | Tensor) { inPlace(this, 'fill_', value); return this; },
  maskedFill_(this: Tensor, mask: Tensor, value: number | boolean | Tensor) { inPlace(this, 'masked_fill_', unwrapT(mask, 'mask'), value); return this; },
  index(this: Tensor, ...indices: Index[]) { return new Tensor(native.index(this._t, indices.map(toIndex))); },
  indexPut_(this: Tensor, indices: Index[], value: Tensor | number | boolean) {
    if (!Array.isArray(indices)) throw new TypeError(`indices must be an array of indices; got ${check.describe(indices)}`);
    native.indexPut_(this._t, indices.map(toIndex), value instanceof Tensor ? value._t : value);
    return this;
  },
  flatten(this: Tensor, startDim?: number, endDim?: number) { return tensorOf(this, 'flatten', optInt(startDim, 'startDim'), optInt(endDim, 'endDim')); },
  unflatten(this: Tensor, dim: number, s: number[]) { return tensorOf(this, 'unflatten', check.int(dim, 'dim'), sizes([s], 'sizes')); },
  expand(this: Tensor, ...s: (number | number[])[]) { return tensorOf(this, 'expand', sizes(s, 'sizes')); },
  expandAs(this: Tensor, other: Tensor) { return tensorOf(this, 'expand_as', unwrapT(other, 'other')); },
  repeat(this: Tensor, ...s: (number | number[])[]) { return tensorOf(this, 'repeat', sizes(s, 'sizes')); },
  tile(this: Tensor, ...s: (number | number[])[]) { return tensorOf(this, 'tile', sizes(s, 'dims')); },
  split(this: Tensor, splitSize: number | number[], dim?: number) {
    if (Array.isArray(splitSize)) return callOp('split_sizes', this, sizes([splitSize], 'splitSize'), optInt(dim, 'dim'));
    return callOp('split', this, check.int(splitSize, 'splitSize', { min: 1 }), optInt(dim, 'dim'));
  },
  chunk(this: Tensor, chunks: number, dim?: number) { return callOp('chunk', this, check.int(chunks, 'chunks', { min: 1 }), optInt(dim, 'dim')); },
  gather(this: Tensor, dim: number, index: Tensor) { return tensorOf(this, 'gather', check.int(dim, 'dim'), unwrapT(index, 'index')); },
  scatter(this: Tensor, dim: number, index: Tensor, src: Tensor | number) { return tensorOf(this, 'scatter', check.int(dim, 'dim'), unwrapT(index, 'index'), src); },
  scatterAdd(this: Tensor, dim: number, index: Tensor, src: Tensor) {
    return tensorOf(this, 'scatter_add', check.int(dim, 'dim'), unwrapT(index, 'index'), unwrapT(src, 'src'));
  },
  nonzero(this: Tensor) { return tensorOf(this, 'nonzero'); },
  unique(this: Tensor, opts?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number }) {
    const o = check.options(opts, 'unique options', ['sorted', 'returnInverse', 'returnCounts', 'dim']);
    const [out, inverse, counts] = callOp('unique', this, optBool(o.sorted, 'sorted'), optBool(o.returnInverse, 'returnInverse'),
      optBool(o.returnCounts, 'returnCounts'), optInt(o.dim, 'dim')) as Tensor[];
    // PyTorch's return shape: the tensor alone, or a tuple with what was asked for.
    if (!o.returnInverse && !o.returnCounts) return out;
    return [out, ...(o.returnInverse ? [inverse] : []), ...(o.returnCounts ? [counts] : [])];
  },
  flip(this: Tensor, ...d: (number | number[])[]) { return tensorOf(this, 'flip', sizes(d, 'dims')); },
  roll(this: Tensor, shifts: number | number[], d?: number | number[]) { return tensorOf(this, 'roll', dims(shifts, 'shifts'), dims(d)); },
  tril(this: Tensor, diagonal?: number) { return tensorOf(this, 'tril', optInt(diagonal, 'diagonal')); },
  triu(this: Tensor, diagonal?: number) { return tensorOf(this, 'triu', optInt(diagonal, 'diagonal')); },
};

function unwrapT(t: unknown, name: string): Tensor {
  unwrap(t, name);
  return t as Tensor;
}

// In-place ops change the tensor itself; autograd refuses them where PyTorch does (a leaf requiring grad).
function inPlace(self: Tensor, name: string, ...args: unknown[]): void {
  callOp(name, self, ...args);
}

const UNARY: [string, UnaryOpName][] = [['sign', 'sign'], ['floor', 'floor'], ['ceil', 'ceil'], ['round', 'round'], ['trunc', 'trunc'],
  ['frac', 'frac'], ['sin', 'sin'], ['cos', 'cos'], ['isnan', 'isnan'], ['isinf', 'isinf'], ['isfinite', 'isfinite'], ['logicalNot', 'logical_not']];
const BINARY: [string, BinaryOpName][] = [['ne', 'ne'], ['lt', 'lt'], ['le', 'le'], ['gt', 'gt'], ['ge', 'ge'], ['maximum', 'maximum'],
  ['minimum', 'minimum'], ['logicalAnd', 'logical_and'], ['logicalOr', 'logical_or'], ['logicalXor', 'logical_xor']];
for (const [js, op] of UNARY) methods[js] = function (this: Tensor) { return new Tensor(this._t.unary(op)); };
for (const [js, op] of BINARY) {
  methods[js] = function (this: Tensor, other: unknown) {
    const o = typeof other === 'number' || typeof other === 'boolean' ? other : unwrap(other, 'other');
    return new Tensor(this._t.binary(op, o));
  };
}
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

/** The same ops as torch.* functions: torch.max(x, 1), torch.clamp(x, 0, 1), torch.where(cond, x, y), ... */
type Method = (...args: never[]) => unknown;
function fn(name: string): (input: Tensor, ...args: unknown[]) => never {
  return (input: Tensor, ...args: unknown[]) => ((unwrapT(input, 'input') as unknown as Record<string, Method>)[name] as (...a: unknown[]) => never).apply(input, args);
}
/**
 * The largest element; with `dim`, (values, indices) along it; with a tensor, the elementwise maximum. Mirrors `torch.max`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const max = fn('max') as { (input: Tensor): Tensor; (input: Tensor, dim: number, keepdim?: boolean): ValuesIndices; (input: Tensor, other: Tensor): Tensor };
/**
 * The smallest element; with `dim`, (values, indices) along it; with a tensor, the elementwise minimum. Mirrors `torch.min`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const min = fn('min') as typeof max;
/**
 * The median (the lower of the two middle values); with `dim`, (values, indices) along it. Mirrors `torch.median`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const median = fn('median') as { (input: Tensor): Tensor; (input: Tensor, dim: number, keepdim?: boolean): ValuesIndices };
/**
 * The most frequent value along `dim` (the last by default), as (values, indices). Mirrors `torch.mode`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const mode = fn('mode') as (input: Tensor, dim?: number, keepdim?: boolean) => ValuesIndices;
/**
 * The k-th smallest element along `dim`, as (values, indices). Mirrors `torch.kthvalue`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const kthvalue = fn('kthvalue') as (input: Tensor, k: number, dim?: number, keepdim?: boolean) => ValuesIndices;
/**
 * Sorts along `dim`, returning (values, indices). Mirrors `torch.sort`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const sort = fn('sort') as (input: Tensor, dim?: number, descending?: boolean) => ValuesIndices;
/**
 * The k largest (or smallest) elements along `dim`, as (values, indices). Mirrors `torch.topk`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const topk = (input: Tensor, k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices =>
  valuesIndices(unwrapT(input, 'input').topk(k, dim, largest, sorted));
/**
 * Sum of all elements, or over `dim`. Mirrors `torch.sum`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const sum = fn('sum') as (input: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
/**
 * Mean of all elements, or over `dim`. Mirrors `torch.mean`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const mean = fn('mean') as (input: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
/**
 * Product of all elements, or along `dim`. Mirrors `torch.prod`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const prod = fn('prod') as (input: Tensor, dim?: number, keepdim?: boolean) => Tensor;
/**
 * Standard deviation (Bessel-corrected unless `unbiased: false`). Mirrors `torch.std`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const std = fn('std') as (input: Tensor, dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }) => Tensor;
/**
 * Variance (Bessel-corrected unless `unbiased: false`); exported as `torch.var` too. Mirrors `torch.var`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const variance = fn('var') as typeof std;
export { variance as var };
/**
 * The p-norm (2 by default) of all elements or over `dim`. Mirrors `torch.norm`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const norm = fn('norm') as (input: Tensor, p?: number, dim?: Dims, keepdim?: boolean) => Tensor;
/**
 * log(sum(exp(x))) over `dim`, computed stably. Mirrors `torch.logsumexp`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const logsumexp = fn('logsumexp') as (input: Tensor, dim: Dims, keepdim?: boolean) => Tensor;
/**
 * Whether every element is true (nonzero), overall or along `dim`. Mirrors `torch.all`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const all = fn('all') as (input: Tensor, dim?: number, keepdim?: boolean) => Tensor;
/**
 * Whether any element is true (nonzero), overall or along `dim`. Mirrors `torch.any`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const any = fn('any') as typeof all;
/**
 * Index of the largest element, overall (flattened) or along `dim`. Mirrors `torch.argmax`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const argmax = fn('argmax') as (input: Tensor, dim?: number, keepdim?: boolean) => Tensor;
/**
 * Index of the smallest element, overall (flattened) or along `dim`. Mirrors `torch.argmin`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const argmin = fn('argmin') as typeof argmax;
/**
 * The largest values over `dim` (all dims by default), without indices. Mirrors `torch.amax`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const amax = fn('amax') as (input: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
/**
 * The smallest values over `dim` (all dims by default), without indices. Mirrors `torch.amin`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const amin = fn('amin') as typeof amax;
/**
 * Cumulative sum along `dim`. Mirrors `torch.cumsum`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const cumsum = fn('cumsum') as (input: Tensor, dim: number) => Tensor;
/**
 * Clamps every element into [min, max] (either bound may be null). Mirrors `torch.clamp`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const clamp = fn('clamp') as (input: Tensor, min?: number | Tensor | null, max?: number | Tensor | null) => Tensor;
/**
 * Alias of clamp. Mirrors `torch.clip`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const clip = clamp;
/**
 * Elementwise power. Mirrors `torch.pow`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const pow = fn('pow') as (input: Tensor, exponent: number | Tensor) => Tensor;
/**
 * Elementwise maximum of two tensors (broadcasting). Mirrors `torch.maximum`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const maximum = fn('maximum') as (input: Tensor, other: Tensor) => Tensor;
/**
 * Elementwise minimum of two tensors (broadcasting). Mirrors `torch.minimum`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const minimum = fn('minimum') as typeof maximum;
/**
 * Elementwise ==, as a bool tensor (broadcasting). Mirrors `torch.eq`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const eq = fn('eq') as (input: Tensor, other: Tensor | number | boolean) => Tensor;
/**
 * Elementwise !=, as a bool tensor (broadcasting). Mirrors `torch.ne`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const ne = fn('ne') as typeof eq;
/**
 * Elementwise <, as a bool tensor (broadcasting). Mirrors `torch.lt`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const lt = fn('lt') as typeof eq;
/**
 * Elementwise <=, as a bool tensor (broadcasting). Mirrors `torch.le`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const le = fn('le') as typeof eq;
/**
 * Elementwise >, as a bool tensor (broadcasting). Mirrors `torch.gt`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const gt = fn('gt') as typeof eq;
/**
 * Elementwise >=, as a bool tensor (broadcasting). Mirrors `torch.ge`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const ge = fn('ge') as typeof eq;
/**
 * Elementwise logical AND, as a bool tensor. Mirrors `torch.logical_and`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const logicalAnd = fn('logicalAnd') as typeof maximum;
/**
 * Elementwise logical OR, as a bool tensor. Mirrors `torch.logical_or`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const logicalOr = fn('logicalOr') as typeof maximum;
/**
 * Elementwise logical XOR, as a bool tensor. Mirrors `torch.logical_xor`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const logicalXor = fn('logicalXor') as typeof maximum;
/**
 * Elementwise logical NOT, as a bool tensor. Mirrors `torch.logical_not`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const logicalNot = fn('logicalNot') as (input: Tensor) => Tensor;
/**
 * Which elements are NaN, as a bool tensor. Mirrors `torch.isnan`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const isnan = fn('isnan') as typeof logicalNot;
/**
 * Which elements are ±Infinity, as a bool tensor. Mirrors `torch.isinf`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const isinf = fn('isinf') as typeof logicalNot;
/**
 * Which elements are finite, as a bool tensor. Mirrors `torch.isfinite`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const isfinite = fn('isfinite') as typeof logicalNot;
/**
 * Replaces NaN and ±Infinity with finite numbers. Mirrors `torch.nan_to_num`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const nanToNum = fn('nanToNum') as (input: Tensor, opts?: { nan?: number; posinf?: number; neginf?: number }) => Tensor;
/**
 * Linear interpolation toward `end` by `weight`. Mirrors `torch.lerp`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const lerp = fn('lerp') as (input: Tensor, end: Tensor, weight: number | Tensor) => Tensor;
/**
 * Flattens dimensions startDim..endDim into one. Mirrors `torch.flatten`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const flatten = fn('flatten') as (input: Tensor, startDim?: number, endDim?: number) => Tensor;
/**
 * Splits dimension `dim` into `sizes`. Mirrors `torch.unflatten`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const unflatten = fn('unflatten') as (input: Tensor, dim: number, sizes: number[]) => Tensor;
/**
 * Splits into chunks of `splitSize` (or of the given sizes) along `dim`. Mirrors `torch.split`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const split = fn('split') as (input: Tensor, splitSize: number | number[], dim?: number) => Tensor[];
/**
 * Splits into `chunks` nearly equal pieces along `dim`. Mirrors `torch.chunk`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const chunk = fn('chunk') as (input: Tensor, chunks: number, dim?: number) => Tensor[];
/**
 * Gathers values along `dim` at `index`. Mirrors `torch.gather`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const gather = fn('gather') as (input: Tensor, dim: number, index: Tensor) => Tensor;
/**
 * A copy with `src` written along `dim` at `index`. Mirrors `torch.scatter`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const scatter = fn('scatter') as (input: Tensor, dim: number, index: Tensor, src: Tensor | number) => Tensor;
/**
 * A copy with `src` added along `dim` at `index`. Mirrors `torch.scatter_add`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const scatterAdd = fn('scatterAdd') as (input: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor;
/**
 * The indices of nonzero elements, one row per element. Mirrors `torch.nonzero`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const nonzero = fn('nonzero') as (input: Tensor) => Tensor;
/**
 * The unique elements, with inverse indices and counts on request. Mirrors `torch.unique`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const unique = fn('unique') as (input: Tensor, opts?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number }) => Tensor | Tensor[];
/**
 * Reverses the order along the given dimensions. Mirrors `torch.flip`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const flip = fn('flip') as (input: Tensor, dims: number[]) => Tensor;
/**
 * Rolls elements along dimensions, wrapping around. Mirrors `torch.roll`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const roll = fn('roll') as (input: Tensor, shifts: number | number[], dims?: number | number[]) => Tensor;
/**
 * The lower triangle (below diagonal `diagonal`), the rest zero. Mirrors `torch.tril`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const tril = fn('tril') as (input: Tensor, diagonal?: number) => Tensor;
/**
 * The upper triangle (above diagonal `diagonal`), the rest zero. Mirrors `torch.triu`.
 * @throws TypeError for a wrong argument type or an unknown option; RangeError for a dim or index out of range; Error with PyTorch's message when the op rejects the shapes or dtypes.
 */
export const triu = fn('triu') as typeof tril;
/**
 * Elementwise sign (-1, 0 or 1). Mirrors `torch.sign`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const sign = fn('sign') as typeof logicalNot;
/**
 * Elementwise floor. Mirrors `torch.floor`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const floor = fn('floor') as typeof logicalNot;
/**
 * Elementwise ceiling. Mirrors `torch.ceil`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const ceil = fn('ceil') as typeof logicalNot;
/**
 * Elementwise rounding, half to even. Mirrors `torch.round`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const round = fn('round') as typeof logicalNot;
/**
 * Elementwise truncation toward zero. Mirrors `torch.trunc`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const trunc = fn('trunc') as typeof logicalNot;
/**
 * Elementwise fractional part. Mirrors `torch.frac`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const frac = fn('frac') as typeof logicalNot;
/**
 * Elementwise sine. Mirrors `torch.sin`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const sin = fn('sin') as typeof logicalNot;
/**
 * Elementwise cosine. Mirrors `torch.cos`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const cos = fn('cos') as typeof logicalNot;
/**
 * Elementwise absolute value. Mirrors `torch.abs`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const abs = fn('abs') as typeof logicalNot;
/**
 * Elementwise exponential. Mirrors `torch.exp`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const exp = fn('exp') as typeof logicalNot;
/**
 * Elementwise natural logarithm. Mirrors `torch.log`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const log = fn('log') as typeof logicalNot;
/**
 * Elementwise square root. Mirrors `torch.sqrt`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const sqrt = fn('sqrt') as typeof logicalNot;
/**
 * Elementwise logistic sigmoid. Mirrors `torch.sigmoid`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const sigmoid = fn('sigmoid') as typeof logicalNot;
/**
 * Elementwise hyperbolic tangent. Mirrors `torch.tanh`.
 * @throws Error with PyTorch's message for a dtype the op does not support.
 */
export const tanh = fn('tanh') as typeof logicalNot;

/**
 * torch.where(condition, x, y): x where condition holds, else y (either may be a number).
 * Mirrors `torch.where`.
 * @throws TypeError when condition is not a Tensor or x/y neither a Tensor nor a number; Error with PyTorch's
 * message when the shapes do not broadcast.
 */
export function where(condition: Tensor, x: Tensor | number, y: Tensor | number): Tensor {
  return callOp('where', unwrapT(condition, 'condition'), x, y) as Tensor;
}

/**
 * nn.functional.one_hot(tensor, numClasses = -1)
 * Mirrors `torch.nn.functional.one_hot`.
 * @throws TypeError when input is not a Tensor or numClasses not an integer; RangeError for numClasses below -1;
 * Error with PyTorch's message for a non-int64 input or a class index out of range.
 */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  return callOp('one_hot', unwrapT(input, 'input'), check.int(numClasses, 'numClasses', { min: -1 })) as Tensor;
}
