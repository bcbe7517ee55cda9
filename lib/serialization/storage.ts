// Storages and tensor views for torch.load: one 1-D tensor per storage, viewing the file's buffer
// (torch.frombuffer keeps the buffer alive), and every tensor an asStrided view of it, so tensors that
// shared a storage in Python share it here too, with their stride and offset.
import { DType } from '../torch/dtype';
import { Tensor } from '../torch/tensor';
import { ITEM_SIZE, frombuffer, cuda, tensor } from '../torch/factories';
import { PyGlobal, QuantizerParams, STORAGE_DTYPES, UnpickleHooks, pyType } from './unpickler';
import { makePerChannelQuantizedTensor, makePerTensorQuantizedTensor } from '../torch/quantized';
import { checkedBytes, viewExtent } from './sizes';

/** What a persistent id says about a storage; `offset` (elements) is non-zero only for legacy views. */
export class StorageRef {
  constructor(readonly key: string, readonly dtype: DType, readonly numel: number, readonly location: string,
    readonly offset = 0) {}
}

/**
 * A 1-D tensor of `numel` elements of `dtype` at `byteOffset` in `buf`, without a copy when possible.
 * Copies are made only where a view would be wrong: big-endian data (swapped), data not aligned to
 * its element size (libtorch's kernels may assume aligned elements), and bool bytes other than 0/1
 * (any other value is undefined behaviour for C++ bool).
 */
export function storageTensor(buf: Uint8Array, byteOffset: number, dtype: DType, numel: number,
  bigEndian: boolean, file: string, what: string): Tensor {
  const item = ITEM_SIZE[dtype];
  const nbytes = checkedBytes([numel], item, file, what);
  if (byteOffset < 0 || byteOffset + nbytes > buf.length) {
    throw new Error(`${file}: ${what} needs ${nbytes} bytes at byte ${byteOffset}, but the file has ${buf.length} bytes`);
  }
  let src = buf.subarray(byteOffset, byteOffset + nbytes);
  const misaligned = (src.byteOffset % item) !== 0;
  const swap = bigEndian && item > 1;
  const badBool = dtype === 'bool' && src.some((b) => b > 1);
  if (misaligned || swap || badBool) {
    const copy = new Uint8Array(nbytes); // a fresh ArrayBuffer is aligned for every element size
    copy.set(src);
    if (swap) for (let i = 0; i < nbytes; i += item) copy.subarray(i, i + item).reverse();
    if (badBool) for (let i = 0; i < nbytes; i++) copy[i] = copy[i] ? 1 : 0;
    src = copy;
  }
  return frombuffer(src, { dtype, count: numel });
}

type Resolve = (ref: StorageRef) => Tensor;

/**
 * The tensor half of the unpickler hooks: reads persistent ids, finds each storage once through
 * `resolve` (format-specific), moves it to its device and makes validated views of it.
 */
export class TensorBuilder implements Omit<UnpickleHooks, 'file'> {
  private storages = new Map<string, Tensor>();

  constructor(readonly file: string, private readonly mapLocation: string | undefined, private readonly resolve: Resolve) {}

  persistentLoad(pid: readonly unknown[]): StorageRef {
    const [, type, key, location, numel, view] = pid;
    const fail = (what: string): never => { throw new Error(`${this.file}: bad storage id: ${what}`); };
    if (!(type instanceof PyGlobal) || !(type.name in STORAGE_DTYPES)) fail(`storage type is ${pyType(type)}`);
    if (typeof key !== 'string' && typeof key !== 'number') fail(`key is ${pyType(key)}`);
    if (typeof location !== 'string') fail(`location is ${pyType(location)}`);
    if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) fail(`size is ${String(numel)}`);
    const dtype = STORAGE_DTYPES[(type as PyGlobal).name] as DType;
    // Legacy files may name a view of a storage: (view_key, offset, size).
    if (Array.isArray(view) && view.length === 3) {
      const [, off, size] = view as unknown[];
      if (typeof off !== 'number' || typeof size !== 'number' || off < 0 || size < 0 || off + size > (numel as number)) {
        fail('storage view lies outside its storage');
      }
      return new StorageRef(String(key), dtype, numel as number, location as string, off as number);
    }
    return new StorageRef(String(key), dtype, numel as number, location as string);
  }

  rebuildTensor(storage: unknown, offset: number, size: number[], stride: number[], requiresGrad: boolean): Tensor {
    const fail = (what: string): never => { throw new Error(`${this.file}: bad tensor: ${what}`); };
    if (!(storage instanceof StorageRef)) return fail(`its storage is a ${pyType(storage)}`);
    if (size.length !== stride.length) fail(`size [${size}] and stride [${stride}] differ in length`);
    if (offset < 0 || size.some((d) => d < 0) || stride.some((s) => s < 0)) fail('negative size, stride or offset');
    // Exact arithmetic: the view's byte count must be a count at all, and its last element must lie
    // inside the storage.
    checkedBytes(size, ITEM_SIZE[storage.dtype], this.file, `a tensor of storage '${storage.key}'`);
    const extent = viewExtent(offset, size, stride);
    if (extent > BigInt(storage.numel - storage.offset)) {
      fail(`size [${size}] with stride [${stride}] at offset ${offset} needs ${extent} elements, ` +
        `but storage '${storage.key}' holds ${storage.numel - storage.offset}`);
    }
    const base = this.storage(storage);
    let t: Tensor;
    try {
      t = base.asStrided(size, stride, offset + storage.offset);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (requiresGrad && (storage.dtype.startsWith('float') || storage.dtype === 'bfloat16')) t.requiresGrad = true;
    return t;
  }

  /** A quantized tensor: its integers viewed like any tensor, then given its quantizer (one copy, by libtorch). */
  rebuildQTensor(storage: unknown, offset: number, size: number[], stride: number[], params: QuantizerParams): Tensor {
    const ints = this.rebuildTensor(storage, offset, size, stride, false);
    const fail = (what: string): never => { throw new Error(`${this.file}: bad quantized tensor: ${what}`); };
    if (!['int8', 'uint8', 'int32'].includes(ints.dtype)) fail(`its storage holds ${ints.dtype}`);
    const cpu = ints.device === 'cpu' ? ints : ints.to('cpu');
    try {
      if (params.scheme === 'per_tensor_affine') return makePerTensorQuantizedTensor(cpu, params.scale, params.zeroPoint);
      return makePerChannelQuantizedTensor(cpu, this.qparam(params.scales, 'float64', 'scales'),
        this.qparam(params.zeroPoints, 'int64', 'zero points'), params.axis);
    } catch (e) {
      return fail((e as Error).message);
    }
  }

  /** Per-channel scales or zero points: a tensor, or (as _rebuild_qtensor also accepts) a list of numbers. */
  private qparam(v: unknown, dtype: 'float64' | 'int64', what: string): Tensor {
    if (v instanceof Tensor) return v.device === 'cpu' ? v : v.to('cpu');
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return tensor(v, { dtype });
    throw new Error(`${this.file}: bad quantized tensor: ${what} are ${pyType(v)}`);
  }

  isTensor(v: unknown): boolean { return v instanceof Tensor; }

  setRequiresGrad(t: unknown, flag: boolean): void {
    const x = t as Tensor;
    if (flag && (x.dtype.startsWith('float') || x.dtype === 'bfloat16')) x.requiresGrad = true;
  }

  private storage(ref: StorageRef): Tensor {
    const seen = this.storages.get(ref.key);
    if (seen) {
      if (seen.dtype !== ref.dtype) throw new Error(`${this.file}: storage '${ref.key}' is used with two dtypes (${seen.dtype}, ${ref.dtype})`);
      return seen;
    }
    let t = this.resolve(ref);
    const device = this.device(ref.location);
    if (device !== 'cpu') t = t.to(device);
    this.storages.set(ref.key, t);
    return t;
  }

  private device(location: string): string {
    if (this.mapLocation !== undefined) return this.mapLocation;
    if (location === 'cpu') return 'cpu';
    if (/^cuda(:\d+)?$/.test(location)) {
      if (!cuda.isAvailable()) {
        throw new Error(`${this.file}: this checkpoint was saved on ${location}, but CUDA is not available here; ` +
          "load it with { mapLocation: 'cpu' }");
      }
      return location;
    }
    throw new Error(`${this.file}: storage location '${location}' is not supported; pass { mapLocation: 'cpu' }`);
  }
}
