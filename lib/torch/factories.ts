// torch.* factories and process-wide settings: tensor(), zeros(), arange(), frombuffer(), seeds, threads.
import { markAsUntransferable } from 'worker_threads';
import { native } from '../native';
import { DType, Device, checkDType, checkDevice } from './dtype';
import { NestedArray, Shape, Tensor, checkInt64, shapeArg, unwrap } from './tensor';
import type { NativeTensor } from '../native';
import * as check from '../check';

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export const float32: DType = 'float32';
export const float: DType = 'float32';
export const float64: DType = 'float64';
export const double: DType = 'float64';
export const float16: DType = 'float16';
export const half: DType = 'float16';
export const bfloat16: DType = 'bfloat16';
export const int64: DType = 'int64';
export const long: DType = 'int64';
export const int32: DType = 'int32';
export const int: DType = 'int32';
export const int16: DType = 'int16';
export const int8: DType = 'int8';
export const uint8: DType = 'uint8';
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

/** torch.zeros([2, 3]) or torch.zeros(2, 3, { dtype }) */
export function zeros(...args: ShapeAndOptions): Tensor { return factory('zeros', args); }
export function ones(...args: ShapeAndOptions): Tensor { return factory('ones', args); }
export function empty(...args: ShapeAndOptions): Tensor { return factory('empty', args); }
export function rand(...args: ShapeAndOptions): Tensor { return factory('rand', args); }
export function randn(...args: ShapeAndOptions): Tensor { return factory('randn', args); }

/** torch.arange(end), arange(start, end), arange(start, end, step); int64 unless a bound is fractional. */
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
 */
export function frombuffer(buffer: ArrayBuffer | ArrayBufferView,
  options: { dtype: DType; count?: number; offset?: number }): Tensor {
  const ab = buffer instanceof ArrayBuffer ? buffer : ArrayBuffer.isView(buffer) ? buffer.buffer : undefined;
  if (!(ab instanceof ArrayBuffer)) throw new TypeError(`buffer must be an ArrayBuffer, a Buffer or a TypedArray; got ${check.describe(buffer)}`);
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

export const ITEM_SIZE: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

export function manualSeed(seed: number): void { native.manualSeed(check.int(seed, 'seed', { min: 0, max: Number.MAX_SAFE_INTEGER })); }

export function setNumThreads(n: number): void { native.setNumThreads(checkInt64(n, 'numThreads', { min: 1, max: 2 ** 31 - 1 })); }

export function getNumThreads(): number { return native.getNumThreads(); }

export const cuda = {
  isAvailable: (): boolean => native.cudaDeviceCount() > 0,
  deviceCount: (): number => native.cudaDeviceCount(),
};

/** torch.version: the libtorch the addon runs on, and this package's own version. */
export const version = Object.freeze({
  libtorch: native.libtorchVersion,
  torchvgg: (require('../../package.json') as { version: string }).version,
});

/** Memory formats, as PyTorch spells them: x.to({ memoryFormat: torch.channelsLast }). */
export const channelsLast = 'channels_last' as const;
export const contiguousFormat = 'contiguous_format' as const;
export const preserveFormat = 'preserve_format' as const;

function tensorList(tensors: Tensor[]): NativeTensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`tensors must be a non-empty array of Tensors; got ${check.describe(tensors)}`);
  return tensors.map((t, i) => unwrap(t, `tensors[${i}]`));
}
/** torch.stack(tensors, dim = 0) */
export function stack(tensors: Tensor[], dim = 0): Tensor { return new Tensor(native.stack(tensorList(tensors), checkInt64(dim, 'dim'))); }
/** torch.cat(tensors, dim = 0) */
export function cat(tensors: Tensor[], dim = 0): Tensor { return new Tensor(native.cat(tensorList(tensors), checkInt64(dim, 'dim'))); }
