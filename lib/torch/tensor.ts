// Tensor: a thin JS view of an at::Tensor. Arguments are checked here; the work happens in C++.
import { inspect } from 'util';
import { native, NativeTensor, BinaryOpName } from '../native';
import { DType, Device, checkDType, checkDevice, isDType } from './dtype';
import { tensorToString } from './format';
import * as check from '../check';


export type Shape = number[];
export type TensorLike = Tensor | number | boolean;
export type TypedArrayOut =
  Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
export type NestedArray = number | boolean | NestedArray[];

export type MemoryFormat = 'channels_last' | 'contiguous_format' | 'preserve_format';

export interface ToOptions {
  dtype?: DType;
  device?: Device;
  copy?: boolean;
  /** torch.channelsLast ('channels_last') for 4-D tensors, or 'contiguous_format' */
  memoryFormat?: MemoryFormat;
}

const MEMORY_FORMATS: readonly MemoryFormat[] = ['channels_last', 'contiguous_format', 'preserve_format'];
export function checkMemoryFormat(v: unknown, name = 'memoryFormat'): MemoryFormat { return check.oneOf(v, name, MEMORY_FORMATS); }
const TO_KEYS = ['dtype', 'device', 'copy', 'memoryFormat'] as const;

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

// Integers reach libtorch as int64; JS numbers are exact only up to 2^53, so anything beyond
// Number.MAX_SAFE_INTEGER (1e300 included) is a RangeError here instead of saturating in C++.
const SAFE = Number.MAX_SAFE_INTEGER;
/** An integer within `bounds` and within ±Number.MAX_SAFE_INTEGER: what may be passed on as an int64. */
export function checkInt64(v: unknown, name: string, { min = -SAFE, max = SAFE }: check.IntBounds = {}): number {
  return check.int(v, name, { min: Math.max(min, -SAFE), max: Math.min(max, SAFE) });
}

// Shapes may be given as one array or as numbers: reshape([2, 3]) or reshape(2, 3).
// -1 (one inferred size) is allowed by default, as reshape/view take it; factories ask for { min: 0 }.
export function shapeArg(args: unknown[], what = 'shape', bounds: check.IntBounds = { min: -1 }): Shape {
  const dims = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return dims.map((d, i) => checkInt64(d, `${what}[${i}]`, bounds));
}

/** A dimension of a tensor of rank `rank`, negative counting from the end, as PyTorch's wrap_dim. */
function dimArg(d: unknown, rank: number, name = 'dim'): number {
  const r = Math.max(rank, 1);
  return check.int(d, name, { min: -r, max: r - 1 });
}
function dimsArg(dims: unknown, rank: number): number[] | null {
  if (dims === undefined) return null;
  return Array.isArray(dims) ? dims.map((d, i) => dimArg(d, rank, `dim[${i}]`)) : [dimArg(dims, rank)];
}

export class Tensor {
  /** @internal the native handle */
  readonly _t: NativeTensor;

  /** @internal tensors are made by torch.* functions and Tensor methods */
  constructor(handle: NativeTensor) {
    if (!(handle instanceof native.NativeTensor)) {
      throw new TypeError(`new Tensor() takes a native handle; got ${check.describe(handle)} (use torch.tensor() and friends to create tensors)`);
    }
    this._t = handle;
  }

  get shape(): Shape { return this._t.shape(); }
  get dtype(): DType { return this._t.dtype() as DType; }
  get device(): Device { return this._t.device(); }
  get requiresGrad(): boolean { return this._t.requiresGrad(); }
  set requiresGrad(flag: boolean) { this._t.setRequiresGrad(check.bool(flag, 'requiresGrad')); }
  /** Sets requiresGrad in place and returns this tensor, like PyTorch's requires_grad_(). */
  requiresGrad_(flag = true): this { this.requiresGrad = flag; return this; }

  numel(): number { return this.shape.reduce((a, b) => a * b, 1); }
  dim(): number { return this.shape.length; }
  size(): Shape;
  size(dim: number): number;
  size(dim?: number): Shape | number {
    const shape = this.shape;
    if (dim === undefined) return shape;
    const d = dimArg(dim, shape.length);
    return shape[d < 0 ? d + shape.length : d];
  }
  stride(): number[] { return this._t.strides(); }
  isContiguous(memoryFormat?: MemoryFormat): boolean {
    return this._t.isContiguous(memoryFormat === undefined ? null : checkMemoryFormat(memoryFormat));
  }

  /** The value of a one-element tensor as a JS number (or boolean). */
  item(): number | boolean { return this._t.item(); }
  /** A contiguous copy of the data. float16/bfloat16 come back as Float32Array, bool as Uint8Array. */
  toTypedArray(): TypedArrayOut { return this._t.toTypedArray(); }
  /** Nested arrays of numbers (int64 as numbers, bool as booleans), like PyTorch's tolist(). */
  tolist(): NestedArray {
    const data = this.toTypedArray();
    const bools = this.dtype === 'bool';
    const shape = this.shape;
    let i = 0;
    const build = (d: number): NestedArray => {
      if (d === shape.length) {
        const v = data[i++];
        return bools ? v !== 0 : Number(v);
      }
      return Array.from({ length: shape[d] }, () => build(d + 1));
    };
    return build(0);
  }

  reshape(...shape: (number | number[])[]): Tensor { return new Tensor(this._t.reshape(shapeArg(shape))); }
  view(...shape: (number | number[])[]): Tensor { return new Tensor(this._t.view(shapeArg(shape))); }
  flatten(): Tensor { return this.reshape(-1); }

  /** to('cuda'), to('float16'), to({ dtype, device, copy }). Returns this tensor when nothing changes. */
  to(target: DType | Device | ToOptions): Tensor {
    const opts: ToOptions = typeof target === 'string'
      ? (isDType(target) ? { dtype: target } : { device: checkDevice(target, 'to() target') })
      : check.options(target, 'to() options', TO_KEYS);
    const dtype = opts.dtype === undefined ? null : checkDType(opts.dtype);
    const device = opts.device === undefined ? null : checkDevice(opts.device);
    const format = opts.memoryFormat === undefined ? null : checkMemoryFormat(opts.memoryFormat);
    const out = this._t.to(dtype, device, opts.copy === undefined ? false : check.bool(opts.copy, 'copy'), format);
    return out === this._t ? this : new Tensor(out);
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  long(): Tensor { return this.to('int64'); }
  cpu(): Tensor { return this.to('cpu'); }
  cuda(index = 0): Tensor { return this.to(`cuda:${checkInt64(index, 'index', { min: 0 })}`); }
  contiguous(): Tensor { const out = this._t.contiguous(); return out === this._t ? this : new Tensor(out); }
  clone(): Tensor { return new Tensor(this._t.clone()); }
  detach(): Tensor { return new Tensor(this._t.detach()); }

  add(other: TensorLike): Tensor { return this.binary('add', other); }
  sub(other: TensorLike): Tensor { return this.binary('sub', other); }
  mul(other: TensorLike): Tensor { return this.binary('mul', other); }
  div(other: TensorLike): Tensor { return this.binary('div', other); }
  matmul(other: Tensor): Tensor { return this.binary('matmul', other); }
  eq(other: TensorLike): Tensor { return this.binary('eq', other); }

  sum(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(this._t.sum(dimsArg(dim, this.dim()), check.bool(keepdim, 'keepdim')));
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(this._t.mean(dimsArg(dim, this.dim()), check.bool(keepdim, 'keepdim')));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(this._t.argmax(dim === undefined ? null : dimArg(dim, this.dim()), check.bool(keepdim, 'keepdim')));
  }
  softmax(dim: number): Tensor { return new Tensor(this._t.softmax(dimArg(dim, this.dim()))); }
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    const o = check.options(opts, 'allclose() options', ['rtol', 'atol', 'equalNan']);
    return this._t.allclose(unwrap(other, 'other'), o.rtol === undefined ? 1e-5 : check.number(o.rtol, 'rtol', { min: 0 }),
      o.atol === undefined ? 1e-8 : check.number(o.atol, 'atol', { min: 0 }), o.equalNan === undefined ? false : check.bool(o.equalNan, 'equalNan'));
  }
  select(dim: number, index: number): Tensor { return new Tensor(this._t.select(dimArg(dim, this.dim()), checkInt64(index, 'index'))); }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(this._t.narrow(dimArg(dim, this.dim()), checkInt64(start, 'start'), checkInt64(length, 'length', { min: 0 })));
  }
  indexSelect(dim: number, index: number[]): Tensor {
    if (!Array.isArray(index)) throw new TypeError(`index must be an array of integers; got ${check.describe(index)}`);
    return new Tensor(this._t.indexSelect(dimArg(dim, this.dim()), index.map((v, i) => checkInt64(v, `index[${i}]`))));
  }
  /** A view of this tensor's storage with the given size, stride and storage offset (bounds-checked). */
  asStrided(size: number[], stride: number[], storageOffset = 0): Tensor {
    return new Tensor(this._t.asStrided(shapeArg([size], 'size', { min: 0 }), shapeArg([stride], 'stride', { min: 0 }), checkInt64(storageOffset, 'storageOffset', { min: 0 })));
  }
  permute(...dims: (number | number[])[]): Tensor {
    const r = Math.max(this.dim(), 1);
    return new Tensor(this._t.permute(shapeArg(dims, 'dims', { min: -r, max: r - 1 })));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(this._t.transpose(dimArg(dim0, this.dim(), 'dim0'), dimArg(dim1, this.dim(), 'dim1')));
  }
  unsqueeze(dim: number): Tensor { return new Tensor(this._t.unsqueeze(dimArg(dim, this.dim() + 1))); }
  squeeze(dim?: number): Tensor { return new Tensor(this._t.squeeze(dim === undefined ? null : dimArg(dim, this.dim()))); }
  relu(): Tensor { return new Tensor(this._t.unary('relu')); }
  exp(): Tensor { return new Tensor(this._t.unary('exp')); }
  log(): Tensor { return new Tensor(this._t.unary('log')); }
  neg(): Tensor { return new Tensor(this._t.unary('neg')); }
  abs(): Tensor { return new Tensor(this._t.unary('abs')); }
  sqrt(): Tensor { return new Tensor(this._t.unary('sqrt')); }
  sigmoid(): Tensor { return new Tensor(this._t.unary('sigmoid')); }
  tanh(): Tensor { return new Tensor(this._t.unary('tanh')); }
  logSoftmax(dim: number): Tensor { return new Tensor(this._t.logSoftmax(dimArg(dim, this.dim()))); }
  /** [values, indices] of the k largest (or smallest) entries along dim. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    const d = dimArg(dim, this.dim());
    const size = this.dim() === 0 ? 1 : this.shape[d < 0 ? d + this.dim() : d];
    const [v, i] = this._t.topk(check.int(k, 'k', { min: 0, max: size }), d, check.bool(largest, 'largest'), check.bool(sorted, 'sorted'));
    return [new Tensor(v), new Tensor(i)];
  }

  /** Accumulates gradients into the leaves (param.grad). A non-scalar tensor needs `gradient`. */
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean } = {}): void {
    const { retainGraph = false } = check.options(opts, 'backward() options', ['retainGraph']);
    this._t.backward(gradient == null ? null : unwrap(gradient, 'gradient'), check.bool(retainGraph, 'retainGraph'));
  }
  /** The accumulated gradient, or null (frozen parameters and tensors never used get none). */
  get grad(): Tensor | null {
    const g = this._t.grad();
    return g === null ? null : new Tensor(g);
  }
  set grad(g: Tensor | null) { this._t.setGrad(g === null ? null : unwrap(g, 'grad')); }
  get isLeaf(): boolean { return this._t.isLeaf(); }

  /** @internal copy_ under no_grad, used by loadStateDict */
  copy_(src: Tensor): this { this._t.copyFrom(unwrap(src, 'source')); return this; }
  /** @internal name of the autograd node that made this tensor, '' for leaves */
  gradFnName(): string { return this._t.gradFnName(); }

  /** Frees the native memory now. Any later use throws Error('tensor was disposed'). */
  dispose(): void { this._t.dispose(); }
  get isDisposed(): boolean { return this._t.isDisposed(); }
  [disposeSymbol](): void { this.dispose(); }

  toString(): string { return tensorToString(this); }
  [inspect.custom](): string { return this.isDisposed ? 'tensor(<disposed>)' : this.toString(); }

  private binary(op: BinaryOpName, other: TensorLike): Tensor {
    if (typeof other === 'number' || typeof other === 'boolean') return new Tensor(this._t.binary(op, other));
    if (!(other instanceof Tensor)) throw new TypeError(`other must be a Tensor, a number or a boolean; got ${check.describe(other)}`);
    const arg = other._t;
    return new Tensor(this._t.binary(op, arg));
  }
}

/** @internal the native handle of a Tensor argument, with a TypeError naming the parameter */
export function unwrap(t: unknown, what: string): NativeTensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${what} must be a Tensor; got ${check.describe(t)}`);
  return t._t;
}

// tensor.requires_grad, tensor.is_leaf, tensor.to_typed_array(), …: a TypeError naming the camelCase member.
check.refusePythonNames(Tensor.prototype, 'Tensor', [
  'requiresGrad', 'requiresGrad_', 'isLeaf', 'isContiguous', 'toTypedArray', 'indexSelect', 'asStrided', 'logSoftmax',
  'isDisposed',
]);
