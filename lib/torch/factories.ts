// torch.* factories and process-wide settings: tensor(), zeros(), arange(), frombuffer(), seeds, threads.
import { markAsUntransferable } from 'worker_threads';
import { native } from '../native';
import { DType, Device, checkDType, checkDevice } from './dtype';
import { NestedArray, Shape, Tensor, checkInt64, shapeArg, unwrap } from './tensor';
import type { NativeTensor } from '../native';
import * as check from '../check';

/** Options of the tensor factories, PyTorch's keyword arguments in camelCase. */
export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

/** 32-bit floating point. Mirrors `torch.float32`. */
export const float32: DType = 'float32';
/** Alias of float32. Mirrors `torch.float`. */
export const float: DType = 'float32';
/** 64-bit floating point. Mirrors `torch.float64`. */
export const float64: DType = 'float64';
/** Alias of float64. Mirrors `torch.double`. */
export const double: DType = 'float64';
/** 16-bit floating point. Mirrors `torch.float16`. */
export const float16: DType = 'float16';
/** Alias of float16. Mirrors `torch.half`. */
export const half: DType = 'float16';
/** 16-bit brain floating point. Mirrors `torch.bfloat16`. */
export const bfloat16: DType = 'bfloat16';
/** 64-bit integer (class labels, indices). Mirrors `torch.int64`. */
export const int64: DType = 'int64';
/** Alias of int64. Mirrors `torch.long`. */
export const long: DType = 'int64';
/** 32-bit integer. Mirrors `torch.int32`. */
export const int32: DType = 'int32';
/** Alias of int32. Mirrors `torch.int`. */
export const int: DType = 'int32';
/** 16-bit integer. Mirrors `torch.int16`. */
export const int16: DType = 'int16';
/** 8-bit integer. Mirrors `torch.int8`. */
export const int8: DType = 'int8';
/** 8-bit unsigned integer (image bytes). Mirrors `torch.uint8`. */
export const uint8: DType = 'uint8';
/** Boolean. Mirrors `torch.bool`. */
export const bool: DType = 'bool';

const TENSOR_OPTIONS = ['dtype', 'device', 'requiresGrad'] as const;

function opts(given: TensorOptions | undefined, keys: readonly string[] = TENSOR_OPTIONS): [string | null, string | null, boolean] {
  const o = check.options(given, 'tensor options', keys);
  return [
    o.dtype === undefined ? null : checkDType(o.dtype),
    o.device === undefined ? null : checkDevice(o.device),
    o.requiresGrad === undefined ? false : check.bool(o.requiresGrad, 'requiresGrad'),
  ];
}

function isTypedArray(v: unknown): v is ArrayBufferView {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

// Shape of a nested array, checking that it is rectangular and holds only numbers or booleans.
function nestedShape(data: NestedArray): Shape {
  const shape: Shape = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const walk = (v: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TypeError(`data must hold numbers or booleans; got ${check.describe(v)}`);
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new TypeError(`data must be a rectangular nested array: expected a sequence of length ${shape[d]} at dim ${d}; got ${check.describe(v)}`);
    }
    v.forEach((e) => walk(e, d + 1));
  };
  walk(data, 0);
  return shape;
}

/**
 * torch.tensor(data, { dtype, device, requiresGrad }): copies `data` (a number, a boolean, nested arrays
 * or a TypedArray). JS numbers have no int/float distinction, so numbers default to float32 (pass
 * { dtype: 'int64' } for integers); booleans give bool; a TypedArray keeps its own type.
 * Mirrors `torch.tensor`.
 * @throws TypeError when data is not a number, boolean, nested array or TypedArray, is ragged, or an option is
 * unknown or mistyped; RangeError for a CUDA device that does not exist; Error when CUDA is not available.
 * @example
 * ```ts
 * const x = torch.tensor([[1, 2], [3, 4]]);                 // float32
 * const labels = torch.tensor([0, 2, 1], { dtype: 'int64' });
 * ```
 */
export function tensor(data: NestedArray | ArrayBufferView, options?: TensorOptions): Tensor {
  const [dtype, device, requiresGrad] = opts(options);
  if (!isTypedArray(data) && !Array.isArray(data) && typeof data !== 'number' && typeof data !== 'boolean') {
    throw new TypeError(`data must be a number, a boolean, a nested array or a TypedArray; got ${check.describe(data)}`);
  }
  if (isTypedArray(data)) {
    const length = (data as unknown as { length: number }).length;
    return new Tensor(native.fromTypedArray(data, [length], dtype, device, requiresGrad));
  }
  const shape = nestedShape(data);
  const flat = shape.length ? (data as NestedArray[]).flat(Infinity as 1) as (number | boolean)[] : [data as number | boolean];
  const allBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
  const source = allBool ? Uint8Array.from(flat, Number) : Float64Array.from(flat, Number);
  return new Tensor(native.fromTypedArray(source, shape, dtype ?? (allBool ? 'bool' : 'float32'), device, requiresGrad));
}

type ShapeAndOptions = (number | number[] | TensorOptions)[];

function splitArgs(args: ShapeAndOptions): [Shape, TensorOptions | undefined] {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && typeof last === 'object' && !Array.isArray(last);
  const dims = (hasOptions ? args.slice(0, -1) : args) as (number | number[])[];
  return [shapeArg(dims, 'size', { min: 0 }), hasOptions ? last : undefined];
}

function factory(kind: 'zeros' | 'ones' | 'empty' | 'rand' | 'randn', args: ShapeAndOptions): Tensor {
  const [shape, o] = splitArgs(args);
  const [dtype, device, requiresGrad] = opts(o);
  return new Tensor(native.factory(kind, shape, dtype, device, requiresGrad));
}

/**
 * torch.zeros([2, 3]) or torch.zeros(2, 3, { dtype })
 * Mirrors `torch.zeros`.
 * @throws TypeError when a size is not an integer or an option is unknown or mistyped; RangeError for a negative size or a CUDA device that does not exist; Error when CUDA is not available, or with code `ERR_TORCHVGG_OUT_OF_MEMORY` (a RangeError) when the memory cannot be allocated.
 */
export function zeros(...args: ShapeAndOptions): Tensor { return factory('zeros', args); }
/**
 * A tensor filled with ones. Mirrors `torch.ones`.
 * @throws TypeError when a size is not an integer or an option is unknown or mistyped; RangeError for a negative size or a CUDA device that does not exist; Error when CUDA is not available, or with code `ERR_TORCHVGG_OUT_OF_MEMORY` (a RangeError) when the memory cannot be allocated.
 */
export function ones(...args: ShapeAndOptions): Tensor { return factory('ones', args); }
/**
 * An uninitialised tensor. Mirrors `torch.empty`.
 * @throws TypeError when a size is not an integer or an option is unknown or mistyped; RangeError for a negative size or a CUDA device that does not exist; Error when CUDA is not available, or with code `ERR_TORCHVGG_OUT_OF_MEMORY` (a RangeError) when the memory cannot be allocated.
 */
export function empty(...args: ShapeAndOptions): Tensor { return factory('empty', args); }
/**
 * Uniform random numbers in [0, 1). Mirrors `torch.rand`.
 * @throws TypeError when a size is not an integer or an option is unknown or mistyped; RangeError for a negative size or a CUDA device that does not exist; Error when CUDA is not available, or with code `ERR_TORCHVGG_OUT_OF_MEMORY` (a RangeError) when the memory cannot be allocated.
 */
export function rand(...args: ShapeAndOptions): Tensor { return factory('rand', args); }
/**
 * Standard normal random numbers. Mirrors `torch.randn`.
 * @throws TypeError when a size is not an integer or an option is unknown or mistyped; RangeError for a negative size or a CUDA device that does not exist; Error when CUDA is not available, or with code `ERR_TORCHVGG_OUT_OF_MEMORY` (a RangeError) when the memory cannot be allocated.
 * @example
 * ```ts
 * const batch = torch.randn(8, 3, 224, 224);
 * ```
 */
export function randn(...args: ShapeAndOptions): Tensor { return factory('randn', args); }

/**
 * torch.arange(end), arange(start, end), arange(start, end, step); int64 unless a bound is fractional.
 * Mirrors `torch.arange`.
 * @throws TypeError when a bound is not a number or an option is unknown; RangeError for a zero step, a
 * non-finite bound, or integer bounds beyond ±2^53; Error with PyTorch's message when the step points away from end.
 */
export function arange(a: number, b?: number, c?: number | TensorOptions, d?: TensorOptions): Tensor {
  let [start, end, step, o] = [0, a, 1, undefined as TensorOptions | undefined];
  if (typeof b === 'number') [start, end] = [a, b];
  if (typeof c === 'number') step = c;
  o = [b, c, d].find<TensorOptions>((x): x is TensorOptions => typeof x === 'object');
  for (const [v, n] of [[start, 'start'], [end, 'end'], [step, 'step']] as const) check.number(v, n);
  // All-integer bounds make an int64 range: they must be exact as JS numbers, like every int64 argument.
  if ([start, end, step].every(Number.isInteger)) for (const [v, n] of [[start, 'start'], [end, 'end'], [step, 'step']] as const) checkInt64(v, n);
  if (step === 0) throw new RangeError('step must be nonzero; got 0');
  const [dtype, device] = opts(o, ['dtype', 'device']);
  return new Tensor(native.arange(start, end, step, dtype, device));
}

/**
 * torch.frombuffer(buffer, { dtype, count = -1, offset = 0 }): a 1-D tensor viewing `buffer`'s memory,
 * no copy. Writes through either side are seen by the other; the tensor keeps the buffer alive.
 * Mirrors `torch.frombuffer`.
 * @throws TypeError when options are missing, buffer is not an ArrayBuffer/view or the dtype is unknown; RangeError
 * when offset or count do not fit the buffer or its length is not a multiple of the item size.
 */
export function frombuffer(buffer: ArrayBuffer | ArrayBufferView,
  options: { dtype: DType; count?: number; offset?: number }): Tensor {
  const ab = buffer instanceof ArrayBuffer ? buffer : ArrayBuffer.isView(buffer) ? buffer.buffer : undefined;
  if (!(ab instanceof ArrayBuffer)) throw new TypeError(`buffer must be an ArrayBuffer, a Buffer or a TypedArray; got ${check.describe(buffer)}`);
  // Shrinking a resizable ArrayBuffer takes its memory from under any tensor that points into it (a segfault on
  // the next read): such a buffer is refused, as Python refuses to resize a buffer that is exported.
  if (check.isResizable(ab)) throw new TypeError('buffer is a resizable ArrayBuffer, which could shrink under the tensor; copy it into a fixed-length one (torch.tensor copies)');
  if (options === undefined) throw new TypeError('frombuffer options must be given: { dtype, count, offset }');
  const o = check.options(options, 'frombuffer options', ['dtype', 'count', 'offset']);
  const dtype = checkDType(o.dtype);
  const base = buffer instanceof ArrayBuffer ? 0 : buffer.byteOffset;
  const length = buffer instanceof ArrayBuffer ? buffer.byteLength : buffer.byteLength;
  const offset = check.int(o.offset ?? 0, 'offset', { min: 0, max: length });
  const itemSize = ITEM_SIZE[dtype];
  let count = check.int(o.count ?? -1, 'count', { min: -1 });
  if (count === -1) {
    if ((length - offset) % itemSize !== 0) {
      throw new RangeError(`buffer length (${length - offset} bytes after offset) is not a multiple of element size (${itemSize})`);
    }
    count = (length - offset) / itemSize;
  }
  if (!Number.isInteger(count) || count < 0 || offset + count * itemSize > length) {
    throw new RangeError(`requested ${count} elements of ${itemSize} bytes at offset ${offset}, but the buffer has ${length} bytes`);
  }
  // The tensor points into this memory: a transfer (postMessage, structuredClone) would hand it to
  // another realm that frees it. Marked untransferable, a transfer copies it instead.
  markAsUntransferable(ab);
  return new Tensor(native.frombuffer(ab, base + offset, count, dtype));
}

/** Bytes per element of each dtype. Mirrors `torch.dtype.itemsize`. */
export const ITEM_SIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
  qint8: 1, quint8: 1, qint32: 4,
};

/**
 * Seeds libtorch's random generator. Mirrors `torch.manual_seed`.
 * @throws TypeError when seed is not an integer; RangeError when it is negative or above 2^53 - 1.
 */
export function manualSeed(seed: number): void { native.manualSeed(check.int(seed, 'seed', { min: 0, max: Number.MAX_SAFE_INTEGER })); }

/**
 * Sets libtorch's intra-op thread count. Mirrors `torch.set_num_threads`.
 * @throws TypeError when n is not an integer; RangeError when it is below 1.
 */
export function setNumThreads(n: number): void { native.setNumThreads(checkInt64(n, 'numThreads', { min: 1, max: 2 ** 31 - 1 })); }

/** Mirrors `torch.get_num_threads`. */
export function getNumThreads(): number { return native.getNumThreads(); }

/** CUDA queries. Mirrors `torch.cuda`. */
export const cuda = {
  /** Whether a CUDA device can be used (a CUDA libtorch and at least one device). Mirrors `torch.cuda.is_available`. */
  isAvailable: (): boolean => native.cudaDeviceCount() > 0,
  /** Mirrors `torch.cuda.device_count`. */
  deviceCount: (): number => native.cudaDeviceCount(),
  /**
   * [sync] Waits for every kernel queued on a CUDA device (the current one, 0, by default). Mirrors
   * torch.cuda.synchronize. It blocks the calling thread: use it in scripts and timing, not in a server.
   * @throws Error when CUDA is not available; RangeError for a device index that does not exist.
   */
  synchronize: (device = 0): void => {
    if (native.cudaDeviceCount() === 0) throw new Error('torch.cuda.synchronize: CUDA is not available (no device, or a CPU libtorch)');
    native.cudaSynchronize(check.int(device, 'device', { min: 0, max: native.cudaDeviceCount() - 1 }));
  },
};

/**
 * torch.version: the libtorch the addon runs on, and this package's own version.
 * Mirrors `torch.__version__` (and names torchvgg's version beside it).
 */
export const version = Object.freeze({
  libtorch: native.libtorchVersion,
  torchvgg: (require('../../package.json') as { version: string }).version,
});

/**
 * Memory formats, as PyTorch spells them: x.to({ memoryFormat: torch.channelsLast }).
 * Mirrors `torch.channels_last`.
 */
export const channelsLast = 'channels_last' as const;
/** Mirrors `torch.contiguous_format`. */
export const contiguousFormat = 'contiguous_format' as const;
/** Mirrors `torch.preserve_format`. */
export const preserveFormat = 'preserve_format' as const;

function tensorList(tensors: Tensor[]): NativeTensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`tensors must be a non-empty array of Tensors; got ${check.describe(tensors)}`);
  return tensors.map((t, i) => unwrap(t, `tensors[${i}]`));
}
/**
 * torch.stack(tensors, dim = 0)
 * Joins tensors of one shape along a new dimension. Mirrors `torch.stack`.
 * @throws TypeError when tensors is not a non-empty array of Tensors or dim not an integer; Error with PyTorch's
 * message for mismatched shapes or a dim out of range.
 */
export function stack(tensors: Tensor[], dim = 0): Tensor { return new Tensor(native.stack(tensorList(tensors), checkInt64(dim, 'dim'))); }
/**
 * torch.cat(tensors, dim = 0)
 * Concatenates tensors along an existing dimension. Mirrors `torch.cat`.
 * @throws TypeError when tensors is not a non-empty array of Tensors or dim not an integer; Error with PyTorch's
 * message for mismatched shapes or a dim out of range.
 */
export function cat(tensors: Tensor[], dim = 0): Tensor { return new Tensor(native.cat(tensorList(tensors), checkInt64(dim, 'dim'))); }
