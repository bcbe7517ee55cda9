// Tensor: a thin JS view of an at::Tensor. Arguments are checked here; the work happens in C++.
import { inspect } from 'util';
import { NativeTensor, BinaryOpName } from '../native';
import { DType, Device, checkDType, checkDevice, isDType } from './dtype';
import { tensorToString } from './format';
import * as check from '../check';


/** A tensor's sizes, one per dimension. Mirrors `torch.Size`. */
export type Shape = number[];
/** What the elementwise ops take as their other operand: a Tensor or a scalar. */
export type TensorLike = Tensor | number | boolean;
/** What {@link Tensor.toTypedArray} returns for each dtype. */
export type TypedArrayOut =
  Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
/** What {@link Tensor.tolist} returns and `torch.tensor` takes: nested arrays of numbers or booleans. */
export type NestedArray = number | boolean | NestedArray[];

/** A memory layout, as PyTorch's `torch.memory_format` spells them. */
export type MemoryFormat = 'channels_last' | 'contiguous_format' | 'preserve_format';

/** Options of {@link Tensor.to}, PyTorch's keyword arguments in camelCase. */
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

/**
 * A multi-dimensional array on the CPU or a CUDA device, with autograd. Mirrors `torch.Tensor`.
 *
 * Create tensors with `torch.tensor`, `torch.zeros`, `torch.randn` and friends, not with `new`. Methods check
 * their arguments (TypeError for a wrong type, RangeError for a dimension or index out of range) and report
 * libtorch's own errors as Error with PyTorch's first message line. After {@link Tensor.dispose} every method
 * throws Error('tensor was disposed').
 * @example
 * ```ts
 * import { torch } from 'torchvgg';
 * const x = torch.randn(2, 3, { requiresGrad: true });
 * const y = x.mul(2).sum();
 * y.backward();
 * console.log(x.grad?.tolist());   // [[2, 2, 2], [2, 2, 2]]
 * ```
 */
export class Tensor {
  /** @internal the native handle */
  readonly _t: NativeTensor;

  /**
   * @internal tensors are made by torch.* functions and Tensor methods
   * @throws TypeError when called with anything but a native handle.
   */
  constructor(handle: NativeTensor) {
    if (!(handle instanceof NativeTensor)) {
      throw new TypeError(`new Tensor() takes a native handle; got ${check.describe(handle)} (use torch.tensor() and friends to create tensors)`);
    }
    this._t = handle;
  }

  /** The sizes of each dimension. Mirrors `torch.Tensor.shape`. */
  get shape(): Shape { return this._t.shape(); }
  /** The element type ('float32', 'int64', …). Mirrors `torch.Tensor.dtype`. */
  get dtype(): DType { return this._t.dtype() as DType; }
  /** Where the data lives ('cpu' or 'cuda:0'). Mirrors `torch.Tensor.device`. */
  get device(): Device { return this._t.device(); }
  /**
   * Whether autograd records operations on this tensor. Mirrors `torch.Tensor.requires_grad`.
   * @throws TypeError when set to a non-boolean; Error with PyTorch's message for an integer tensor.
   */
  get requiresGrad(): boolean { return this._t.requiresGrad(); }
  set requiresGrad(flag: boolean) { this._t.setRequiresGrad(check.bool(flag, 'requiresGrad')); }
  /**
   * Sets requiresGrad in place and returns this tensor, like PyTorch's requires_grad_().
   * Mirrors `torch.Tensor.requires_grad_`.
   * @throws As setting {@link Tensor.requiresGrad}.
   */
  requiresGrad_(flag = true): this { this.requiresGrad = flag; return this; }

  /** The number of elements. Mirrors `torch.Tensor.numel`. */
  numel(): number { return this.shape.reduce((a, b) => a * b, 1); }
  /** The number of dimensions. Mirrors `torch.Tensor.dim`. */
  dim(): number { return this.shape.length; }
  /**
   * The shape, or the size of one dimension (negative counts from the end). Mirrors `torch.Tensor.size`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  size(): Shape;
  size(dim: number): number;
  size(dim?: number): Shape | number {
    const shape = this.shape;
    if (dim === undefined) return shape;
    const d = dimArg(dim, shape.length);
    return shape[d < 0 ? d + shape.length : d];
  }
  /** Elements to skip per step in each dimension. Mirrors `torch.Tensor.stride`. */
  stride(): number[] { return this._t.strides(); }
  /**
   * Mirrors `torch.Tensor.is_contiguous`.
   * @throws TypeError for an unknown memory format.
   */
  isContiguous(memoryFormat?: MemoryFormat): boolean {
    return this._t.isContiguous(memoryFormat === undefined ? null : checkMemoryFormat(memoryFormat));
  }

  /**
   * The value of a one-element tensor as a JS number (or boolean).
   * Mirrors `torch.Tensor.item`.
   * @throws RangeError with PyTorch's message when the tensor has more than one element.
   */
  item(): number | boolean { return this._t.item(); }
  /**
   * A contiguous copy of the data. float16/bfloat16 come back as Float32Array, bool as Uint8Array.
   * torchvgg's own (Python would use `.numpy()`): the data as a JS typed array.
   */
  toTypedArray(): TypedArrayOut { return this._t.toTypedArray(); }
  /**
   * Nested arrays of numbers (int64 as numbers, bool as booleans), like PyTorch's tolist().
   * Mirrors `torch.Tensor.tolist`.
   */
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

  /**
   * A tensor of the same data with a new shape (a view when possible); one size may be -1. Mirrors `torch.Tensor.reshape`.
   * @throws TypeError when a size is not an integer; RangeError for a size below -1; Error with PyTorch's message when
   * the element count does not match.
   */
  reshape(...shape: (number | number[])[]): Tensor { return new Tensor(this._t.reshape(shapeArg(shape))); }
  /**
   * A view with a new shape; the strides must allow it. Mirrors `torch.Tensor.view`.
   * @throws As {@link Tensor.reshape}, and Error when the tensor's strides do not allow a view.
   */
  view(...shape: (number | number[])[]): Tensor { return new Tensor(this._t.view(shapeArg(shape))); }
  /** A 1-D tensor of all elements (a view when possible). Mirrors `torch.Tensor.flatten`. */
  flatten(): Tensor { return this.reshape(-1); }

  /**
   * to('cuda'), to('float16'), to({ dtype, device, copy }). Returns this tensor when nothing changes.
   * Mirrors `torch.Tensor.to`.
   * @throws TypeError for an unknown dtype, device string or option; RangeError for a CUDA device that does not
   * exist; Error when CUDA is not available.
   */
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
  /** Mirrors `torch.Tensor.float` (to float32). */
  float(): Tensor { return this.to('float32'); }
  /** Mirrors `torch.Tensor.double` (to float64). */
  double(): Tensor { return this.to('float64'); }
  /** Mirrors `torch.Tensor.long` (to int64). */
  long(): Tensor { return this.to('int64'); }
  /** Mirrors `torch.Tensor.cpu`. */
  cpu(): Tensor { return this.to('cpu'); }
  /**
   * Mirrors `torch.Tensor.cuda`.
   * @throws TypeError or RangeError for a bad index; Error when CUDA is not available.
   */
  cuda(index = 0): Tensor { return this.to(`cuda:${checkInt64(index, 'index', { min: 0 })}`); }
  /** This tensor if it is contiguous, else a contiguous copy. Mirrors `torch.Tensor.contiguous`. */
  contiguous(): Tensor { const out = this._t.contiguous(); return out === this._t ? this : new Tensor(out); }
  /** A copy with its own memory, recorded by autograd. Mirrors `torch.Tensor.clone`. */
  clone(): Tensor { return new Tensor(this._t.clone()); }
  /** A view of the same data outside the autograd graph. Mirrors `torch.Tensor.detach`. */
  detach(): Tensor { return new Tensor(this._t.detach()); }

  /**
   * Elementwise sum, broadcasting. Mirrors `torch.Tensor.add`.
   * @throws TypeError when `other` is not a Tensor, number or boolean; Error with PyTorch's message when the shapes do not broadcast.
   */
  add(other: TensorLike): Tensor { return this.binary('add', other); }
  /**
   * Elementwise difference, broadcasting. Mirrors `torch.Tensor.sub`.
   * @throws TypeError when `other` is not a Tensor, number or boolean; Error with PyTorch's message when the shapes do not broadcast.
   */
  sub(other: TensorLike): Tensor { return this.binary('sub', other); }
  /**
   * Elementwise product, broadcasting. Mirrors `torch.Tensor.mul`.
   * @throws TypeError when `other` is not a Tensor, number or boolean; Error with PyTorch's message when the shapes do not broadcast.
   */
  mul(other: TensorLike): Tensor { return this.binary('mul', other); }
  /**
   * Elementwise true division, broadcasting. Mirrors `torch.Tensor.div`.
   * @throws TypeError when `other` is not a Tensor, number or boolean; Error with PyTorch's message when the shapes do not broadcast.
   */
  div(other: TensorLike): Tensor { return this.binary('div', other); }
  /**
   * Matrix product (batched and broadcast like PyTorch's). Mirrors `torch.Tensor.matmul`.
   * @throws TypeError when `other` is not a Tensor, number or boolean; Error with PyTorch's message when the shapes do not broadcast.
   */
  matmul(other: Tensor): Tensor { return this.binary('matmul', other); }
  /**
   * Elementwise equality, as a bool tensor. Mirrors `torch.Tensor.eq`.
   * @throws TypeError when `other` is not a Tensor, number or boolean; Error with PyTorch's message when the shapes do not broadcast.
   */
  eq(other: TensorLike): Tensor { return this.binary('eq', other); }

  /**
   * Sum of all elements, or over `dim`. Mirrors `torch.Tensor.sum`.
   * @throws TypeError when dim is not an integer (or array of them) or keepdim not a boolean; RangeError for a dim out of range.
   */
  sum(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(this._t.sum(dimsArg(dim, this.dim()), check.bool(keepdim, 'keepdim')));
  }
  /**
   * Mean of all elements, or over `dim`. Mirrors `torch.Tensor.mean`.
   * @throws As {@link Tensor.sum}; Error with PyTorch's message for an integer tensor.
   */
  mean(dim?: number | number[], keepdim = false): Tensor {
    return new Tensor(this._t.mean(dimsArg(dim, this.dim()), check.bool(keepdim, 'keepdim')));
  }
  /**
   * Index of the largest element (of the flattened tensor, or along `dim`). Mirrors `torch.Tensor.argmax`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(this._t.argmax(dim === undefined ? null : dimArg(dim, this.dim()), check.bool(keepdim, 'keepdim')));
  }
  /**
   * Mirrors `torch.Tensor.softmax`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  softmax(dim: number): Tensor { return new Tensor(this._t.softmax(dimArg(dim, this.dim()))); }
  /**
   * Whether every element is within atol + rtol·|other| of `other`. Mirrors `torch.allclose`.
   * @throws TypeError when `other` is not a Tensor or an option is unknown; RangeError for a negative tolerance.
   */
  allclose(other: Tensor, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
    const o = check.options(opts, 'allclose() options', ['rtol', 'atol', 'equalNan']);
    return this._t.allclose(unwrap(other, 'other'), o.rtol === undefined ? 1e-5 : check.number(o.rtol, 'rtol', { min: 0 }),
      o.atol === undefined ? 1e-8 : check.number(o.atol, 'atol', { min: 0 }), o.equalNan === undefined ? false : check.bool(o.equalNan, 'equalNan'));
  }
  /**
   * The slice at `index` along `dim`, that dimension removed (a view). Mirrors `torch.Tensor.select`.
   * @throws TypeError for non-integers; RangeError for a dim out of range; RangeError (IndexError in PyTorch) for an index out of range.
   */
  select(dim: number, index: number): Tensor { return new Tensor(this._t.select(dimArg(dim, this.dim()), checkInt64(index, 'index'))); }
  /**
   * A view of `length` elements from `start` along `dim`. Mirrors `torch.Tensor.narrow`.
   * @throws TypeError for non-integers; RangeError for a dim or range out of bounds.
   */
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(this._t.narrow(dimArg(dim, this.dim()), checkInt64(start, 'start'), checkInt64(length, 'length', { min: 0 })));
  }
  /**
   * The entries at `index` along `dim` (a copy). Mirrors `torch.Tensor.index_select`.
   * @throws TypeError when index is not an array of integers; RangeError for a dim or index out of range.
   */
  indexSelect(dim: number, index: number[]): Tensor {
    if (!Array.isArray(index)) throw new TypeError(`index must be an array of integers; got ${check.describe(index)}`);
    return new Tensor(this._t.indexSelect(dimArg(dim, this.dim()), index.map((v, i) => checkInt64(v, `index[${i}]`))));
  }
  /**
   * A view of this tensor's storage with the given size, stride and storage offset (bounds-checked).
   * Mirrors `torch.Tensor.as_strided`.
   * @throws TypeError for non-integers; RangeError for negative values or a view reaching past the storage.
   */
  asStrided(size: number[], stride: number[], storageOffset = 0): Tensor {
    return new Tensor(this._t.asStrided(shapeArg([size], 'size', { min: 0 }), shapeArg([stride], 'stride', { min: 0 }), checkInt64(storageOffset, 'storageOffset', { min: 0 })));
  }
  /**
   * A view with the dimensions reordered. Mirrors `torch.Tensor.permute`.
   * @throws TypeError for non-integers; RangeError for a dim out of range; Error when dims are not a permutation.
   */
  permute(...dims: (number | number[])[]): Tensor {
    const r = Math.max(this.dim(), 1);
    return new Tensor(this._t.permute(shapeArg(dims, 'dims', { min: -r, max: r - 1 })));
  }
  /**
   * A view with two dimensions swapped. Mirrors `torch.Tensor.transpose`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(this._t.transpose(dimArg(dim0, this.dim(), 'dim0'), dimArg(dim1, this.dim(), 'dim1')));
  }
  /**
   * A view with a size-1 dimension inserted at `dim`. Mirrors `torch.Tensor.unsqueeze`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  unsqueeze(dim: number): Tensor { return new Tensor(this._t.unsqueeze(dimArg(dim, this.dim() + 1))); }
  /**
   * A view without size-1 dimensions (all, or only `dim`). Mirrors `torch.Tensor.squeeze`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  squeeze(dim?: number): Tensor { return new Tensor(this._t.squeeze(dim === undefined ? null : dimArg(dim, this.dim()))); }
  /**
   * Mirrors `torch.Tensor.relu`.
   * @throws Error with PyTorch's message for a bool tensor.
   */
  relu(): Tensor { return new Tensor(this._t.unary('relu')); }
  /** Mirrors `torch.Tensor.exp`. */
  exp(): Tensor { return new Tensor(this._t.unary('exp')); }
  /** Natural logarithm. Mirrors `torch.Tensor.log`. */
  log(): Tensor { return new Tensor(this._t.unary('log')); }
  /**
   * Mirrors `torch.Tensor.neg`.
   * @throws Error with PyTorch's message for a bool tensor.
   */
  neg(): Tensor { return new Tensor(this._t.unary('neg')); }
  /**
   * Mirrors `torch.Tensor.abs`.
   * @throws Error with PyTorch's message for a bool tensor.
   */
  abs(): Tensor { return new Tensor(this._t.unary('abs')); }
  /** Mirrors `torch.Tensor.sqrt`. */
  sqrt(): Tensor { return new Tensor(this._t.unary('sqrt')); }
  /** Mirrors `torch.Tensor.sigmoid`. */
  sigmoid(): Tensor { return new Tensor(this._t.unary('sigmoid')); }
  /** Mirrors `torch.Tensor.tanh`. */
  tanh(): Tensor { return new Tensor(this._t.unary('tanh')); }
  /**
   * Mirrors `torch.Tensor.log_softmax`.
   * @throws TypeError when dim is not an integer; RangeError when it is out of range.
   */
  logSoftmax(dim: number): Tensor { return new Tensor(this._t.logSoftmax(dimArg(dim, this.dim()))); }
  /**
   * [values, indices] of the k largest (or smallest) entries along dim.
   * Mirrors `torch.Tensor.topk`.
   * @throws TypeError for a wrong argument type; RangeError for a dim out of range or k above the dimension's size.
   * @example
   * ```ts
   * const [probs, classes] = logits.softmax(1).topk(5);
   * ```
   */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    const d = dimArg(dim, this.dim());
    const size = this.dim() === 0 ? 1 : this.shape[d < 0 ? d + this.dim() : d];
    const [v, i] = this._t.topk(check.int(k, 'k', { min: 0, max: size }), d, check.bool(largest, 'largest'), check.bool(sorted, 'sorted'));
    return [new Tensor(v), new Tensor(i)];
  }

  /**
   * Accumulates gradients into the leaves (param.grad). A non-scalar tensor needs `gradient`.
   * Mirrors `torch.Tensor.backward`.
   * @throws TypeError for a non-Tensor gradient or an unknown option; Error with PyTorch's message when the tensor
   * does not require grad, is not a scalar and no gradient is given, or the graph was already freed.
   */
  backward(gradient?: Tensor | null, opts: { retainGraph?: boolean } = {}): void {
    const { retainGraph = false } = check.options(opts, 'backward() options', ['retainGraph']);
    this._t.backward(gradient == null ? null : unwrap(gradient, 'gradient'), check.bool(retainGraph, 'retainGraph'));
  }
  /**
   * The accumulated gradient, or null (frozen parameters and tensors never used get none).
   * Mirrors `torch.Tensor.grad`.
   * @throws TypeError when set to something other than a Tensor or null; Error with PyTorch's message for a
   * gradient of the wrong shape, dtype or device.
   */
  get grad(): Tensor | null {
    const g = this._t.grad();
    return g === null ? null : new Tensor(g);
  }
  set grad(g: Tensor | null) { this._t.setGrad(g === null ? null : unwrap(g, 'grad')); }
  /** Whether this tensor was made by the user rather than by an op under autograd. Mirrors `torch.Tensor.is_leaf`. */
  get isLeaf(): boolean { return this._t.isLeaf(); }

  /** @internal copy_ under no_grad, used by loadStateDict */
  copy_(src: Tensor): this { this._t.copyFrom(unwrap(src, 'source')); return this; }
  /** @internal name of the autograd node that made this tensor, '' for leaves */
  gradFnName(): string { return this._t.gradFnName(); }

  /**
   * Frees the native memory now. Any later use throws Error('tensor was disposed').
   * Mirrors nothing in PyTorch (Python frees by reference counting): `using x = …` calls it too.
   */
  dispose(): void { this._t.dispose(); }
  /** Whether {@link Tensor.dispose} was called. */
  get isDisposed(): boolean { return this._t.isDisposed(); }
  /** The `using` declaration's hook: the same as {@link Tensor.dispose}. */
  [disposeSymbol](): void { this.dispose(); }

  /** Mirrors `torch.Tensor.__repr__`: prints as PyTorch prints `tensor([...])`. */
  toString(): string { return tensorToString(this); }
  /**
   * What `console.log(tensor)` prints: the same as toString().
   * Mirrors Python's `repr(tensor)` for Node's util.inspect.
   */
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
