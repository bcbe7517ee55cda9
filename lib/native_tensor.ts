// NativeTensor: a tensor's handle into the addon's tensor table (native/tensor/tensor_table.h), freed by a
// FinalizationRegistry. A plain JS object costs far less per result than a napi_wrap'ed one (no reference,
// finalizer or property transition per object): that is most of a tiny op's time.

/** What native/tensor/tensor.cc takes: the tensor's handle first, handles for tensor arguments. */
export interface TensorOps {
  shape(h: number): number[];
  strides(h: number): number[];
  dtype(h: number): string;
  device(h: number): string;
  requiresGrad(h: number): boolean;
  setRequiresGrad(h: number, flag: boolean): void;
  isContiguous(h: number, memoryFormat: string | null): boolean;
  item(h: number): number | boolean;
  toTypedArray(h: number): Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
  reshape(h: number, shape: number[]): number;
  view(h: number, shape: number[]): number;
  /** `h` itself when nothing changes, as PyTorch returns self */
  to(h: number, dtype: string | null, device: string | null, copy: boolean, memoryFormat: string | null): number;
  contiguous(h: number): number;
  clone(h: number): number;
  detach(h: number): number;
  binaryTensor(h: number, op: string, other: number): number;
  binaryScalar(h: number, op: string, other: number | boolean): number;
  sum(h: number, dims: number[] | null, keepdim: boolean): number;
  mean(h: number, dims: number[] | null, keepdim: boolean): number;
  argmax(h: number, dim: number | null, keepdim: boolean): number;
  softmax(h: number, dim: number): number;
  allclose(h: number, other: number, rtol: number, atol: number, equalNan: boolean): boolean;
  copyFrom(h: number, src: number): void;
  asStrided(h: number, size: number[], stride: number[], storageOffset: number): number;
  select(h: number, dim: number, index: number): number;
  narrow(h: number, dim: number, start: number, length: number): number;
  indexSelect(h: number, dim: number, index: number[]): number;
  gradFnName(h: number): string;
  permute(h: number, dims: number[]): number;
  transpose(h: number, dim0: number, dim1: number): number;
  unsqueeze(h: number, dim: number): number;
  squeeze(h: number, dim: number | null): number;
  unary(h: number, op: string): number;
  logSoftmax(h: number, dim: number): number;
  topk(h: number, k: number, dim: number, largest: boolean, sorted: boolean): [number, number];
  backward(h: number, gradient: number | null, retainGraph: boolean): void;
  grad(h: number): number | null;
  setGrad(h: number, grad: number | null): void;
  isLeaf(h: number): boolean;
  /** frees the table slot; a stale handle is ignored */
  release(h: number): void;
  /** release() for the first `count` handles of `handles` */
  releaseMany(handles: Float64Array, count: number): void;
  isDisposed(h: number): boolean;
  setTensorClass(cls: new (handle: number) => NativeTensor): void;
}

let ops: TensorOps;

// The collector reports unreachable tensors by the thousand. Their handles gather here and go to the addon in
// one call: at the next turn of the event loop, or at once when the buffer is full.
const collected = new Float64Array(4096);
let collectedCount = 0;
let flushQueued = false;
function releaseCollected(): void {
  flushQueued = false;
  const count = collectedCount;
  collectedCount = 0;
  ops.releaseMany(collected, count);
}
// Held value: the handle. No unregister token: registering with one costs several times more, and a handle
// disposed early is harmless here (the table ignores a stale handle's release, by its generation).
const registry = new FinalizationRegistry<number>((h) => {
  collected[collectedCount++] = h;
  if (collectedCount === collected.length) releaseCollected();
  else if (!flushQueued) {
    flushQueued = true;
    setImmediate(releaseCollected).unref();
  }
});

const DISPOSED = -1;

/** The handle of a tensor argument, with a TypeError naming it. */
function handleOf(t: unknown, what: string): number {
  if (!(t instanceof NativeTensor)) throw new TypeError(`${what} must be a Tensor`);
  return t.handle;
}

/**
 * @internal a tensor as the addon hands it to JS: lib/torch/tensor.ts's Tensor wraps one. Only the addon makes
 * them (through the class setTensorClass registered); every method throws Error('tensor was disposed') after dispose().
 */
export class NativeTensor {
  /** the slot in the addon's tensor table; -1 once disposed */
  handle: number;

  constructor(handle: number) {
    this.handle = handle;
    registry.register(this, handle);
  }

  shape(): number[] { return ops.shape(this.handle); }
  strides(): number[] { return ops.strides(this.handle); }
  dtype(): string { return ops.dtype(this.handle); }
  device(): string { return ops.device(this.handle); }
  requiresGrad(): boolean { return ops.requiresGrad(this.handle); }
  setRequiresGrad(flag: boolean): void { ops.setRequiresGrad(this.handle, flag); }
  isContiguous(memoryFormat: string | null): boolean { return ops.isContiguous(this.handle, memoryFormat); }
  item(): number | boolean { return ops.item(this.handle); }
  toTypedArray(): ReturnType<TensorOps['toTypedArray']> { return ops.toTypedArray(this.handle); }
  reshape(shape: number[]): NativeTensor { return new NativeTensor(ops.reshape(this.handle, shape)); }
  view(shape: number[]): NativeTensor { return new NativeTensor(ops.view(this.handle, shape)); }
  to(dtype: string | null, device: string | null, copy: boolean, memoryFormat: string | null): NativeTensor {
    return this.same(ops.to(this.handle, dtype, device, copy, memoryFormat));
  }
  contiguous(): NativeTensor { return this.same(ops.contiguous(this.handle)); }
  clone(): NativeTensor { return new NativeTensor(ops.clone(this.handle)); }
  detach(): NativeTensor { return new NativeTensor(ops.detach(this.handle)); }
  /** an op of native/tensor/op_table.cc by name; TypeError for an unknown name */
  binary(op: string, other: NativeTensor | number | boolean): NativeTensor {
    if (typeof other === 'number' || typeof other === 'boolean') return new NativeTensor(ops.binaryScalar(this.handle, op, other));
    return new NativeTensor(ops.binaryTensor(this.handle, op, handleOf(other, 'other')));
  }
  sum(dims: number[] | null, keepdim: boolean): NativeTensor { return new NativeTensor(ops.sum(this.handle, dims, keepdim)); }
  mean(dims: number[] | null, keepdim: boolean): NativeTensor { return new NativeTensor(ops.mean(this.handle, dims, keepdim)); }
  argmax(dim: number | null, keepdim: boolean): NativeTensor { return new NativeTensor(ops.argmax(this.handle, dim, keepdim)); }
  softmax(dim: number): NativeTensor { return new NativeTensor(ops.softmax(this.handle, dim)); }
  allclose(other: NativeTensor, rtol: number, atol: number, equalNan: boolean): boolean {
    return ops.allclose(this.handle, handleOf(other, 'other'), rtol, atol, equalNan);
  }
  copyFrom(src: NativeTensor): void { ops.copyFrom(this.handle, handleOf(src, 'source')); }
  /** a bounds-checked view into this tensor's storage */
  asStrided(size: number[], stride: number[], storageOffset: number): NativeTensor {
    return new NativeTensor(ops.asStrided(this.handle, size, stride, storageOffset));
  }
  select(dim: number, index: number): NativeTensor { return new NativeTensor(ops.select(this.handle, dim, index)); }
  narrow(dim: number, start: number, length: number): NativeTensor { return new NativeTensor(ops.narrow(this.handle, dim, start, length)); }
  indexSelect(dim: number, index: number[]): NativeTensor { return new NativeTensor(ops.indexSelect(this.handle, dim, index)); }
  gradFnName(): string { return ops.gradFnName(this.handle); }
  permute(dims: number[]): NativeTensor { return new NativeTensor(ops.permute(this.handle, dims)); }
  transpose(dim0: number, dim1: number): NativeTensor { return new NativeTensor(ops.transpose(this.handle, dim0, dim1)); }
  unsqueeze(dim: number): NativeTensor { return new NativeTensor(ops.unsqueeze(this.handle, dim)); }
  squeeze(dim: number | null): NativeTensor { return new NativeTensor(ops.squeeze(this.handle, dim)); }
  /** an op of native/tensor/op_table.cc by name; TypeError for an unknown name */
  unary(op: string): NativeTensor { return new NativeTensor(ops.unary(this.handle, op)); }
  logSoftmax(dim: number): NativeTensor { return new NativeTensor(ops.logSoftmax(this.handle, dim)); }
  topk(k: number, dim: number, largest: boolean, sorted: boolean): [NativeTensor, NativeTensor] {
    const [values, indices] = ops.topk(this.handle, k, dim, largest, sorted);
    return [new NativeTensor(values), new NativeTensor(indices)];
  }
  backward(gradient: NativeTensor | null, retainGraph: boolean): void {
    ops.backward(this.handle, gradient === null ? null : handleOf(gradient, 'gradient'), retainGraph);
  }
  grad(): NativeTensor | null {
    const h = ops.grad(this.handle);
    return h === null ? null : new NativeTensor(h);
  }
  setGrad(grad: NativeTensor | null): void { ops.setGrad(this.handle, grad === null ? null : handleOf(grad, 'grad')); }
  isLeaf(): boolean { return ops.isLeaf(this.handle); }
  /** frees the tensor now; later calls throw Error('tensor was disposed') */
  dispose(): void {
    ops.release(this.handle);
    this.handle = DISPOSED;
  }
  isDisposed(): boolean { return ops.isDisposed(this.handle); }

  // A result that may be this tensor itself (to, contiguous): then no second handle.
  private same(h: number): NativeTensor { return h === this.handle ? this : new NativeTensor(h); }
}

/** @internal lib/native.ts hands over the addon's tensor functions, and the addon gets this class. */
export function bindTensorOps(tensorOps: TensorOps): void {
  ops = tensorOps;
  ops.setTensorClass(NativeTensor);
}
