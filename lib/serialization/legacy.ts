// The legacy (PyTorch < 1.6, non-zip) torch.save format, e.g. torchvision's vgg16-397923af.pth:
//   pickle(magic 0x1950a86a20f9469cfc6c)  pickle(protocol 1001)  pickle(sys_info)
//   pickle(obj, storages as persistent ids ('storage', type, key, location, numel, view_metadata))
//   pickle([keys])  then for each key in that order: int64 LE element count + the raw elements.
// Storages come after the object that uses them, so the object is unpickled twice: once to learn each
// storage's dtype and size (cheap: no tensors), then for real once the storages' offsets are known.
import { DType } from '../torch/dtype';
import { ITEM_SIZE } from '../torch/factories';
import { StorageRef, TensorBuilder, storageTensor } from './storage';
import { OP } from './opcodes';
import { UnpickleHooks, UnpickleLimits, pyType, isPickledDict, unpickle } from './unpickler';
import { checkedBytes } from './sizes';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL = 1001;

export interface LegacyLayout {
  bigEndian: boolean;
  /** where the pickled object starts */
  objectAt: number;
  /** byte offset, dtype and element count of each storage's data */
  storages: Map<string, { byteOffset: number; dtype: DType; numel: number }>;
}

/** True when `buf` starts with the pickled legacy magic number. */
export function isLegacy(buf: Uint8Array): boolean {
  // PROTO 2, LONG1 of 10 bytes: the magic number, little-endian.
  if (buf.length < 14 || buf[0] !== OP.PROTO || buf[2] !== OP.LONG1 || buf[3] !== 10) return false;
  let v = 0n;
  for (let i = 13; i >= 4; i--) v = (v << 8n) | BigInt(buf[i]);
  return v === MAGIC;
}

class DryTensor {}

/**
 * Reads the headers and key list. With `predict`, the storage offsets come from the sizes in the
 * persistent ids instead of the counts in the file, so that the layout can be worked out from the
 * first bytes of a file before reading the rest (to choose an alignment, see load.ts).
 */
export function legacyLayout(buf: Uint8Array, file: string, predict = false, limits?: UnpickleLimits): LegacyLayout {
  const sizes = new Map<string, { dtype: DType; numel: number }>();
  const dry: UnpickleHooks = {
    file,
    limits,
    persistentLoad: (pid) => {
      const ref = new TensorBuilder(file, 'cpu', () => { throw new Error('unreachable'); }).persistentLoad(pid);
      const known = sizes.get(ref.key);
      if (known && (known.dtype !== ref.dtype || known.numel !== ref.numel)) {
        throw new Error(`${file}: storage '${ref.key}' is declared twice with different types or sizes`);
      }
      sizes.set(ref.key, { dtype: ref.dtype, numel: ref.numel });
      return ref;
    },
    rebuildTensor: (storage) => {
      if (!(storage instanceof StorageRef)) throw new Error(`${file}: bad tensor: its storage is a ${pyType(storage)}`);
      return new DryTensor();
    },
    rebuildQTensor: (storage) => {
      if (!(storage instanceof StorageRef)) throw new Error(`${file}: bad tensor: its storage is a ${pyType(storage)}`);
      return new DryTensor();
    },
    isTensor: (v) => v instanceof DryTensor,
    setRequiresGrad: () => undefined,
  };
  const plain: UnpickleHooks = { ...dry, persistentLoad: () => { throw new Error(`${file}: unexpected storage in a header`); } };

  let r = unpickle(buf, 0, plain);
  if (r.value !== MAGIC) throw new Error(`${file}: not a PyTorch checkpoint (bad magic number)`);
  r = unpickle(buf, r.end, plain);
  if (r.value !== PROTOCOL) throw new Error(`${file}: unsupported legacy protocol version ${String(r.value)}`);
  r = unpickle(buf, r.end, plain);
  const sysInfo = r.value;
  if (!isPickledDict(sysInfo)) throw new Error(`${file}: bad sys_info record`);
  const bigEndian = sysInfo.little_endian === false;
  const objectAt = r.end;
  r = unpickle(buf, objectAt, dry);
  r = unpickle(buf, r.end, plain);
  const keys = r.value;
  if (!Array.isArray(keys)) throw new Error(`${file}: bad storage key list (a ${pyType(keys)})`);

  const storages = new Map<string, { byteOffset: number; dtype: DType; numel: number }>();
  let at = r.end;
  for (const k of keys as unknown[]) {
    const key = String(k);
    const s = sizes.get(key);
    if (!s) throw new Error(`${file}: storage '${key}' in the key list is not used by the object`);
    if (storages.has(key)) throw new Error(`${file}: storage '${key}' appears twice in the key list`);
    if (!predict) {
      if (at + 8 > buf.length) throw new Error(`${file}: truncated: storage '${key}' should start at byte ${at}, but the file has ${buf.length} bytes`);
      const view = new DataView(buf.buffer, buf.byteOffset + at, 8);
      const count = view.getUint32(bigEndian ? 4 : 0, !bigEndian) + view.getUint32(bigEndian ? 0 : 4, !bigEndian) * 2 ** 32;
      if (count !== s.numel) throw new Error(`${file}: storage '${key}' has ${count} elements in the file but ${s.numel} in its id`);
    }
    storages.set(key, { byteOffset: at + 8, dtype: s.dtype, numel: s.numel });
    at += 8 + checkedBytes([s.numel], ITEM_SIZE[s.dtype], file, `storage '${key}'`);
  }
  for (const key of sizes.keys()) {
    if (!storages.has(key)) throw new Error(`${file}: storage '${key}' is used but missing from the key list`);
  }
  return { bigEndian, objectAt, storages };
}

/** Loads a legacy checkpoint whose whole file is in `buf`. */
export function loadLegacy(buf: Uint8Array, file: string, mapLocation: string | undefined, limits?: UnpickleLimits): unknown {
  const layout = legacyLayout(buf, file, false, limits);
  const builder = new TensorBuilder(file, mapLocation, (ref) => {
    const s = layout.storages.get(ref.key)!;
    return storageTensor(buf, s.byteOffset, s.dtype, s.numel, layout.bigEndian, file, `storage '${ref.key}'`);
  });
  return unpickle(buf, layout.objectAt, {
    file,
    limits,
    persistentLoad: (pid) => builder.persistentLoad(pid),
    rebuildTensor: (s, o, size, stride, rg) => builder.rebuildTensor(s, o, size, stride, rg),
    rebuildQTensor: (s, o, size, stride, q) => builder.rebuildQTensor(s, o, size, stride, q),
    isTensor: (v) => builder.isTensor(v),
    setRequiresGrad: (t, f) => builder.setRequiresGrad(t, f),
  }).value;
}
