// PyTorch's reductions, elementwise and in-place ops, x[...] indexing and shape/selection ops, as Tensor
// methods (added to Tensor.prototype here) and torch.* functions, in camelCase with PyTorch's arguments.
import { native, OpArg, OpResult, NativeIndex, UnaryOpName, BinaryOpName } from '../native';
import { Tensor, unwrap } from './tensor';
import * as check from '../check';

/** PyTorch's (values, indices) named tuple: destructure it, or read .values and .indices. */
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
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(other: Tensor): Tensor;
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
    mode(dim?: number, keepdim?: boolean): ValuesIndices;
    kthvalue(k: number, dim?: number, keepdim?: boolean): ValuesIndices;
    sort(dim?: number, descending?: boolean): ValuesIndices;
    prod(dim?: number, keepdim?: boolean): Tensor;
    std(dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }): Tensor;
    var(dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }): Tensor;
    norm(p?: number, dim?: Dims, keepdim?: boolean): Tensor;
    logsumexp(dim: Dims, keepdim?: boolean): Tensor;
    all(dim?: number, keepdim?: boolean): Tensor;
    any(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    amax(dim?: Dims, keepdim?: boolean): Tensor;
    amin(dim?: Dims, keepdim?: boolean): Tensor;
    cumsum(dim: number): Tensor;
    clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    pow(exponent: number | Tensor): Tensor;
    sign(): Tensor; floor(): Tensor; ceil(): Tensor; round(): Tensor; trunc(): Tensor; frac(): Tensor;
    sin(): Tensor; cos(): Tensor; isnan(): Tensor; isinf(): Tensor; isfinite(): Tensor; logicalNot(): Tensor;
    ne(other: Tensor | number | boolean): Tensor; lt(other: Tensor | number): Tensor; le(other: Tensor | number): Tensor;
    gt(other: Tensor | number): Tensor; ge(other: Tensor | number): Tensor;
    maximum(other: Tensor): Tensor; minimum(other: Tensor): Tensor;
    logicalAnd(other: Tensor): Tensor; logicalOr(other: Tensor): Tensor; logicalXor(other: Tensor): Tensor;
    nanToNum(opts?: { nan?: number; posinf?: number; neginf?: number }): Tensor;
    maskedFill(mask: Tensor, value: number | boolean | Tensor): Tensor;
    lerp(end: Tensor, weight: number | Tensor): Tensor;
    add_(other: Tensor | number, opts?: { alpha?: number }): this;
    sub_(other: Tensor | number, opts?: { alpha?: number }): this;
    mul_(other: Tensor | number): this;
    div_(other: Tensor | number): this;
    clamp_(min?: number | null, max?: number | null): this;
    zero_(): this;
    fill_(value: number | boolean | Tensor): this;
    maskedFill_(mask: Tensor, value: number | boolean | Tensor): this;
    index(...indices: Index[]): Tensor;
    indexPut_(indices: Index[], value: Tensor | number | boolean): this;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: number[]): Tensor;
    expand(...sizes: (number | number[])[]): Tensor;
    expandAs(other: Tensor): Tensor;
    repeat(...sizes: (number | number[])[]): Tensor;
    tile(...dims: (number | number[])[]): Tensor;
    split(splitSize: number | number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    nonzero(): Tensor;
    unique(opts?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number }): Tensor | Tensor[];
    flip(...dims: (number | number[])[]): Tensor;
    roll(shifts: number | number[], dims?: number | number[]): Tensor;
    tril(diagonal?: number): Tensor;
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
export const max = fn('max') as { (input: Tensor): Tensor; (input: Tensor, dim: number, keepdim?: boolean): ValuesIndices; (input: Tensor, other: Tensor): Tensor };
export const min = fn('min') as typeof max;
export const median = fn('median') as { (input: Tensor): Tensor; (input: Tensor, dim: number, keepdim?: boolean): ValuesIndices };
export const mode = fn('mode') as (input: Tensor, dim?: number, keepdim?: boolean) => ValuesIndices;
export const kthvalue = fn('kthvalue') as (input: Tensor, k: number, dim?: number, keepdim?: boolean) => ValuesIndices;
export const sort = fn('sort') as (input: Tensor, dim?: number, descending?: boolean) => ValuesIndices;
export const topk = (input: Tensor, k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices =>
  valuesIndices(unwrapT(input, 'input').topk(k, dim, largest, sorted));
export const sum = fn('sum') as (input: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
export const mean = fn('mean') as (input: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
export const prod = fn('prod') as (input: Tensor, dim?: number, keepdim?: boolean) => Tensor;
export const std = fn('std') as (input: Tensor, dim?: Dims | null, opts?: { unbiased?: boolean; keepdim?: boolean }) => Tensor;
export const variance = fn('var') as typeof std;
export { variance as var };
export const norm = fn('norm') as (input: Tensor, p?: number, dim?: Dims, keepdim?: boolean) => Tensor;
export const logsumexp = fn('logsumexp') as (input: Tensor, dim: Dims, keepdim?: boolean) => Tensor;
export const all = fn('all') as (input: Tensor, dim?: number, keepdim?: boolean) => Tensor;
export const any = fn('any') as typeof all;
export const argmax = fn('argmax') as (input: Tensor, dim?: number, keepdim?: boolean) => Tensor;
export const argmin = fn('argmin') as typeof argmax;
export const amax = fn('amax') as (input: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
export const amin = fn('amin') as typeof amax;
export const cumsum = fn('cumsum') as (input: Tensor, dim: number) => Tensor;
export const clamp = fn('clamp') as (input: Tensor, min?: number | Tensor | null, max?: number | Tensor | null) => Tensor;
export const clip = clamp;
export const pow = fn('pow') as (input: Tensor, exponent: number | Tensor) => Tensor;
export const maximum = fn('maximum') as (input: Tensor, other: Tensor) => Tensor;
export const minimum = fn('minimum') as typeof maximum;
export const eq = fn('eq') as (input: Tensor, other: Tensor | number | boolean) => Tensor;
export const ne = fn('ne') as typeof eq;
export const lt = fn('lt') as typeof eq;
export const le = fn('le') as typeof eq;
export const gt = fn('gt') as typeof eq;
export const ge = fn('ge') as typeof eq;
export const logicalAnd = fn('logicalAnd') as typeof maximum;
export const logicalOr = fn('logicalOr') as typeof maximum;
export const logicalXor = fn('logicalXor') as typeof maximum;
export const logicalNot = fn('logicalNot') as (input: Tensor) => Tensor;
export const isnan = fn('isnan') as typeof logicalNot;
export const isinf = fn('isinf') as typeof logicalNot;
export const isfinite = fn('isfinite') as typeof logicalNot;
export const nanToNum = fn('nanToNum') as (input: Tensor, opts?: { nan?: number; posinf?: number; neginf?: number }) => Tensor;
export const lerp = fn('lerp') as (input: Tensor, end: Tensor, weight: number | Tensor) => Tensor;
export const flatten = fn('flatten') as (input: Tensor, startDim?: number, endDim?: number) => Tensor;
export const unflatten = fn('unflatten') as (input: Tensor, dim: number, sizes: number[]) => Tensor;
export const split = fn('split') as (input: Tensor, splitSize: number | number[], dim?: number) => Tensor[];
export const chunk = fn('chunk') as (input: Tensor, chunks: number, dim?: number) => Tensor[];
export const gather = fn('gather') as (input: Tensor, dim: number, index: Tensor) => Tensor;
export const scatter = fn('scatter') as (input: Tensor, dim: number, index: Tensor, src: Tensor | number) => Tensor;
export const scatterAdd = fn('scatterAdd') as (input: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor;
export const nonzero = fn('nonzero') as (input: Tensor) => Tensor;
export const unique = fn('unique') as (input: Tensor, opts?: { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number }) => Tensor | Tensor[];
export const flip = fn('flip') as (input: Tensor, dims: number[]) => Tensor;
export const roll = fn('roll') as (input: Tensor, shifts: number | number[], dims?: number | number[]) => Tensor;
export const tril = fn('tril') as (input: Tensor, diagonal?: number) => Tensor;
export const triu = fn('triu') as typeof tril;
export const sign = fn('sign') as typeof logicalNot;
export const floor = fn('floor') as typeof logicalNot;
export const ceil = fn('ceil') as typeof logicalNot;
export const round = fn('round') as typeof logicalNot;
export const trunc = fn('trunc') as typeof logicalNot;
export const frac = fn('frac') as typeof logicalNot;
export const sin = fn('sin') as typeof logicalNot;
export const cos = fn('cos') as typeof logicalNot;
export const abs = fn('abs') as typeof logicalNot;
export const exp = fn('exp') as typeof logicalNot;
export const log = fn('log') as typeof logicalNot;
export const sqrt = fn('sqrt') as typeof logicalNot;
export const sigmoid = fn('sigmoid') as typeof logicalNot;
export const tanh = fn('tanh') as typeof logicalNot;

/** torch.where(condition, x, y): x where condition holds, else y (either may be a number). */
export function where(condition: Tensor, x: Tensor | number, y: Tensor | number): Tensor {
  return callOp('where', unwrapT(condition, 'condition'), x, y) as Tensor;
}

/** nn.functional.one_hot(tensor, numClasses = -1) */
export function oneHot(input: Tensor, numClasses = -1): Tensor {
  return callOp('one_hot', unwrapT(input, 'input'), check.int(numClasses, 'numClasses', { min: -1 })) as Tensor;
}
