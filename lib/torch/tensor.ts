// Tensor: a thin JS view of an at::Tensor. Arguments are checked here; the work happens in C++.
import { inspect } from 'util';
import { native, NativeTensor, BinaryOpName } from '../native';
import { DType, Device, checkDType, checkDevice, isDType } from './dtype';
import { tensorToString } from './format';

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

const MEMORY_FORMATS = ['channels_last', 'contiguous_format', 'preserve_format'];
export function checkMemoryFormat(v: unknown): MemoryFormat {
  if (typeof v !== 'string' || !MEMORY_FORMATS.includes(v)) {
    throw new TypeError(`memoryFormat must be one of ${MEMORY_FORMATS.join(', ')}; got ${String(v)}`);
  }
  return v as MemoryFormat;
}

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose');

function checkInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer; got ${String(v)}`);
  return v;
}

// Shapes may be given as one array or as numbers: reshape([2, 3]) or reshape(2, 3).
export function shapeArg(args: unknown[], what = 'shape'): Shape {
  const dims = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return dims.map((d, i) => checkInt(d, `${what}[${i}]`));
}

function dimArg(dims: number | number[] | undefined, rank: number): number[] | null {
  if (dims === undefined) return null;
  const list = Array.isArray(dims) ? dims : [dims];
  for (const d of list) {
    checkInt(d, 'dim');
    if (d < -Math.max(rank, 1) || d >= Math.max(rank, 1)) {
      throw new RangeError(`Dimension out of range (expected to be in range of [${-Math.max(rank, 1)}, ${Math.max(rank, 1) - 1}], but got ${d})`);
    }
  }
  return list;
}

export class Tensor {
  /** @internal the native handle */
  readonly _t: NativeTensor;

  /** @internal tensors are made by torch.* functions and Tensor methods */
  constructor(handle: NativeTensor) {
    if (!(handle instanceof native.NativeTensor)) throw new TypeError('use torch.tensor() and friends to create tensors');
    this._t = handle;
  }

  get shape(): Shape { return this._t.shape(); }
  get dtype(): DType { return this._t.dtype() as DType; }
  get device(): Device { return this._t.device(); }
  get requiresGrad(): boolean { return this._t.requiresGrad(); }
  set requiresGrad(flag: boolean) { this._t.setRequiresGrad(Boolean(flag)); }
  /** Sets requiresGrad in place and returns this tensor, like PyTorch's requires_grad_(). */
  requiresGrad_(flag = true): this { this.requiresGrad = flag; return this; }

  numel(): number { return this.shape.reduce((a, b) => a * b, 1); }
  dim(): number { return this.shape.length; }
  size(): Shape;
  size(dim: number): number;
  size(dim?: number): Shape | number {
    const shape = this.shape;
    if (dim === undefined) return shape;
    const [d] = dimArg(dim, shape.length) as number[];
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
      : target;
    if (opts === null || typeof opts !== 'object') throw new TypeError('to() takes a dtype, a device or { dtype, device }');
    const dtype = opts.dtype === undefined ? null : checkDType(opts.dtype);
    const device = opts.device === undefined ? null : checkDevice(opts.device);
    const format = opts.memoryFormat === undefined ? null : checkMemoryFormat(opts.memoryFormat);
    const out = this._t.to(dtype, device, Boolean(opts.copy), format);
    return out === this._t ? this : new Tensor(out);
  }
  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  long(): Tensor { return this.to('int64'); }
  cpu(): Tensor { return this.to('cpu'); }
  cuda(index = 0): Tensor { return this.to(`cuda:${index}`); }
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
    return new Tensor(this._t.sum(dimArg(dim, this.dim()), keepdim));
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(this._t.mean(dimArg(dim, this.dim()), keepdim));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(this._t.argmax(dim === undefined ? null : dimArg(dim, this.dim())![0], keepdim));
  }
  softmax(dim: number): Tensor { return new Tensor(this._t.softmax(dimArg(dim, this.dim())![0])); }
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    return this._t.allclose(unwrap(other, 'other'), opts.rtol ?? 1e-5, opts.atol ?? 1e-8, opts.equalNan ?? false);
  }
  select(dim: number, index: number): Tensor { return new Tensor(this._t.select(checkInt(dim, 'dim'), checkInt(index, 'index'))); }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(this._t.narrow(checkInt(dim, 'dim'), checkInt(start, 'start'), checkInt(length, 'length')));
  }
  indexSelect(dim: number, index: number[]): Tensor { return new Tensor(this._t.indexSelect(checkInt(dim, 'dim'), index)); }
  /** A view of this tensor's storage with the given size, stride and storage offset (bounds-checked). */
  asStrided(size: number[], stride: number[], storageOffset = 0): Tensor {
    return new Tensor(this._t.asStrided(shapeArg([size], 'size'), shapeArg([stride], 'stride'), checkInt(storageOffset, 'storageOffset')));
  }
  permute(...dims: (number | number[])[]): Tensor { return new Tensor(this._t.permute(shapeArg(dims, 'dims'))); }
  transpose(dim0: number, dim1: number): Tensor { return new Tensor(this._t.transpose(checkInt(dim0, 'dim0'), checkInt(dim1, 'dim1'))); }
  unsqueeze(dim: number): Tensor { return new Tensor(this._t.unsqueeze(checkInt(dim, 'dim'))); }
  squeeze(dim?: number): Tensor { return new Tensor(this._t.squeeze(dim === undefined ? null : checkInt(dim, 'dim'))); }
  relu(): Tensor { return new Tensor(this._t.unary('relu')); }
  exp(): Tensor { return new Tensor(this._t.unary('exp')); }
  log(): Tensor { return new Tensor(this._t.unary('log')); }
  neg(): Tensor { return new Tensor(this._t.unary('neg')); }
  abs(): Tensor { return new Tensor(this._t.unary('abs')); }
  sqrt(): Tensor { return new Tensor(this._t.unary('sqrt')); }
  sigmoid(): Tensor { return new Tensor(this._t.unary('sigmoid')); }
  tanh(): Tensor { return new Tensor(this._t.unary('tanh')); }
  logSoftmax(dim: number): Tensor { return new Tensor(this._t.logSoftmax(dimArg(dim, this.dim())![0])); }
  /** [values, indices] of the k largest (or smallest) entries along dim. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    const [v, i] = this._t.topk(checkInt(k, 'k'), dimArg(dim, this.dim())![0], largest, sorted);
    return [new Tensor(v), new Tensor(i)];
  }

  /** Accumulates gradients into the leaves (param.grad). A non-scalar tensor needs `gradient`. */
  backward(gradient?: Tensor, { retainGraph = false }: { retainGraph?: boolean } = {}): void {
    this._t.backward(gradient === undefined ? null : unwrap(gradient, 'gradient'), retainGraph);
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
    const arg = typeof other === 'number' || typeof other === 'boolean' ? other : unwrap(other, 'other');
    return new Tensor(this._t.binary(op, arg));
  }
}

/** @internal the native handle of a Tensor argument, with a TypeError naming the parameter */
export function unwrap(t: unknown, what: string): NativeTensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${what} must be a Tensor; got ${describe(t)}`);
  return t._t;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
