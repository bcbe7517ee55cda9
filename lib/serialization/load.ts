// torch.load and torch.save. load reads the whole file once into one buffer and returns tensors that
// are views into it (no further copy); the buffer lives as long as any of those tensors.
import * as fs from 'fs';
import { Device, checkDevice } from '../torch/dtype';
import { Tensor } from '../torch/tensor';
import { ITEM_SIZE, frombuffer } from '../torch/factories';
import { ZipWriter, isZip, readZip } from './zip';
import { isLegacy, legacyLayout, loadLegacy } from './legacy';
import { Pickler } from './pickler';
import { TensorBuilder, storageTensor } from './storage';
import { checkedBytes } from './sizes';
import { DEFAULT_LIMITS, UnpickleLimits, unpickle } from './unpickler';
import { openRegular, openRegularAsync, readToEnd, readToEndAsync } from './read_file';
import * as check from '../check';
import { describe } from '../check';

/** Options of {@link load} and {@link loadAsync}: `torch.load`'s keyword arguments in camelCase, plus limits. */
export interface LoadOptions {
  /** Where tensors go: 'cpu', 'cuda' or 'cuda:N'. By default each goes where it was saved. */
  mapLocation?: Device;
  /**
   * Accepted for PyTorch compatibility; the reader is ALWAYS the allowlist (tensors and plain
   * containers only). `false` does not unlock pickled classes or modules: those need Python.
   */
  weightsOnly?: boolean;
  /** At most this many values in the pickle (default 10,000,000). */
  maxObjects?: number;
  /** At most this many memo entries (default 1,000,000). */
  maxMemo?: number;
  /** Containers nest at most this deep (default 1000, about where Python's own pickler stops). */
  maxDepth?: number;
}

interface Parsed { mapLocation: string | undefined; limits: UnpickleLimits }

/**
 * torch.load(pathOrBuffer, { mapLocation, weightsOnly }): reads a checkpoint written by torch.save,
 * either the zip format (PyTorch >= 1.6) or the legacy format, and returns the saved object with
 * dicts as plain objects, lists and tuples as arrays, and tensors as views into the file's buffer.
 */
/**
 * Mirrors `torch.load` (always with `weights_only=True` semantics).
 * @throws TypeError when source is not a path or bytes, or for a wrong option type or an unknown option;
 * RangeError for a limit below 1; Error naming the file and what is wrong for a missing, truncated or malformed
 * checkpoint, one that exceeds a limit, or one that asks for anything beyond tensors and plain containers
 * (nothing in a file is executed).
 * @example
 * ```ts
 * const sd = torch.load('vgg16-397923af.pth', { mapLocation: 'cpu' });
 * model.loadStateDict(sd);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function load(source: string | Uint8Array | ArrayBuffer, options: LoadOptions = {}): any {
  checkLoadOptions(options);
  if (typeof source === 'string') return parse(readCheckpoint(source), source, options);
  if (source instanceof Uint8Array) return parse(source, '<buffer>', options);
  if (source instanceof ArrayBuffer) return parse(new Uint8Array(source), '<buffer>', options);
  throw new TypeError(`source must be a path, a Buffer, a Uint8Array or an ArrayBuffer; got ${describe(source)}`);
}

/**
 * torch.loadAsync(path, options): the same as load(), but the file is read with asynchronous I/O, so the
 * event loop keeps turning while hundreds of megabytes arrive; only the short parse runs on this thread.
 */
/**
 * torchvgg's own async form of `torch.load`.
 * @throws Rejects with what {@link load} throws.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function loadAsync(path: string, options: LoadOptions = {}): Promise<any> {
  check.string(path, 'path');
  checkLoadOptions(options);
  return parse(await readCheckpointAsync(path), path, options);
}

/** torch.load's options: map_location and weights_only, spelled mapLocation and weightsOnly, and the limits. */
function checkLoadOptions(options: LoadOptions): Parsed {
  const o = check.options(options, 'torch.load options', ['mapLocation', 'weightsOnly', 'maxObjects', 'maxMemo', 'maxDepth']);
  if (o.weightsOnly !== undefined) check.bool(o.weightsOnly, 'weightsOnly');
  const limit = (k: keyof UnpickleLimits): number => (o[k] === undefined ? DEFAULT_LIMITS[k] : check.int(o[k], k, { min: 1 }));
  return {
    mapLocation: o.mapLocation === undefined ? undefined : checkDevice(o.mapLocation, 'mapLocation'),
    limits: { maxObjects: limit('maxObjects'), maxMemo: limit('maxMemo'), maxDepth: limit('maxDepth') },
  };
}

function parse(buf: Uint8Array, file: string, options: LoadOptions): unknown {
  const { mapLocation, limits } = checkLoadOptions(options);
  if (isZip(buf)) return loadZip(buf, file, mapLocation, limits);
  if (isLegacy(buf)) return loadLegacy(buf, file, mapLocation, limits);
  if (buf.length === 0) throw new Error(`${file}: the file is empty`);
  throw new Error(`${file}: not a PyTorch checkpoint (neither a torch.save zip archive nor the legacy format)`);
}

function loadZip(buf: Uint8Array, file: string, mapLocation: string | undefined, limits: UnpickleLimits): unknown {
  const entries = readZip(buf, file);
  // The archive's folder is any name; torch.save uses the file's base name or 'archive'.
  const pkl = [...entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new Error(`${file}: zip archive has no <folder>/data.pkl record (not a torch.save file?)`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const text = (name: string): string | undefined => {
    const e = entries.get(prefix + name);
    return e && Buffer.from(buf.buffer, buf.byteOffset + e.dataOffset, Math.min(e.size, 64)).toString('latin1').trim();
  };
  const order = text('byteorder') ?? 'little';
  if (order !== 'little' && order !== 'big') throw new Error(`${file}: bad byteorder record '${order}'`);
  const builder = new TensorBuilder(file, mapLocation, (ref) => {
    const e = entries.get(`${prefix}data/${ref.key}`);
    if (!e) throw new Error(`${file}: storage '${ref.key}' has no record ${prefix}data/${ref.key}`);
    const nbytes = checkedBytes([ref.numel], ITEM_SIZE[ref.dtype], file, `storage '${ref.key}'`);
    if (e.size < nbytes) {
      throw new Error(`${file}: storage '${ref.key}' should hold ${ref.numel} ${ref.dtype} elements (${nbytes} bytes), but its record has ${e.size} bytes`);
    }
    return storageTensor(buf, e.dataOffset, ref.dtype, ref.numel, order === 'big', file, `storage '${ref.key}'`);
  });
  const p = entries.get(pkl)!;
  const { value } = unpickle(buf.subarray(0, p.dataOffset + p.size), p.dataOffset, {
    file,
    limits,
    persistentLoad: (pid) => builder.persistentLoad(pid),
    rebuildTensor: (s, o, size, stride, rg) => builder.rebuildTensor(s, o, size, stride, rg),
    rebuildQTensor: (s, o, size, stride, q) => builder.rebuildQTensor(s, o, size, stride, q),
    isTensor: (v) => builder.isTensor(v),
    setRequiresGrad: (t, f) => builder.setRequiresGrad(t, f),
  });
  return value;
}

/**
 * Reads a file into one buffer with a single read. For the legacy format, whose storages sit at
 * arbitrary offsets, the first bytes are parsed first to find where the storages will fall, and the
 * file is read at a 0..7 byte shift that aligns the most bytes of storage, so they need no copy.
 */
function readCheckpoint(path: string): Uint8Array {
  const { fd, size } = openRegular(path);
  try {
    if (size === 0) return readToEnd(fd, path); // /proc files report 0
    const head = Buffer.allocUnsafe(Math.min(size, 1 << 20));
    readFully(fd, head, 0, path);
    const shift = legacyShift(head, path);
    if (size === head.length && shift === 0) return head;
    // allocUnsafeSlow: an unpooled, uninitialised buffer of its own (no zero-fill of hundreds of MB).
    const buf = Buffer.allocUnsafeSlow(size + shift);
    readFully(fd, buf.subarray(shift), 0, path);
    return buf.subarray(shift);
  } finally {
    fs.closeSync(fd);
  }
}

async function readCheckpointAsync(path: string): Promise<Uint8Array> {
  const { fh, size } = await openRegularAsync(path);
  try {
    if (size === 0) return await readToEndAsync(fh, path);
    const head = Buffer.allocUnsafe(Math.min(size, 1 << 20));
    await readFullyAsync(fh, head, 0, path);
    const shift = legacyShift(head, path);
    if (size === head.length && shift === 0) return head;
    const buf = Buffer.allocUnsafeSlow(size + shift);
    await readFullyAsync(fh, buf.subarray(shift), 0, path);
    return buf.subarray(shift);
  } finally {
    await fh.close();
  }
}

/**
 * The legacy format's storages sit at arbitrary offsets: from the first bytes, find where they will fall
 * and return the 0..7 byte shift to read the file at so that the most storage bytes are aligned and
 * need no copy. 0 for zip files.
 */
function legacyShift(head: Uint8Array, path: string): number {
  if (!isLegacy(head)) return 0;
  try {
    const layout = legacyLayout(head, path, true);
    const aligned = new Array<number>(8).fill(0);
    for (const s of layout.storages.values()) {
      const item = ITEM_SIZE[s.dtype];
      for (let k = 0; k < 8; k++) if ((s.byteOffset + k) % item === 0) aligned[k] += s.numel * item;
    }
    return aligned.indexOf(Math.max(...aligned));
  } catch {
    return 0; // headers longer than the first MiB, or a broken file: the full parse reports it
  }
}

async function readFullyAsync(fh: fs.promises.FileHandle, into: Uint8Array, position: number, path: string): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await fh.read(into, done, Math.min(into.length - done, 1 << 30), position + done);
    if (bytesRead === 0) throw new Error(`${path}: the file shrank while being read`);
    done += bytesRead;
  }
}

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  for (let done = 0; done < into.length;) {
    const n = fs.readSync(fd, into, done, Math.min(into.length - done, 1 << 30), position + done);
    if (n === 0) throw new Error(`${path}: the file shrank while being read`);
    done += n;
  }
}

/**
 * torch.save(obj, path): writes PyTorch's zip format (what Python's torch.load(path, weights_only=True)
 * reads). obj may nest plain objects (saved as OrderedDict), arrays, numbers, strings, booleans, null
 * and Tensors of any dtype. Each tensor is saved with its own contiguous storage; an object or tensor
 * referenced several times is written once and read back shared (views of one storage are not merged).
 * Mirrors `torch.save`.
 * @throws TypeError when path is not a string or obj holds a value that cannot be saved (a function, a class
 * instance, a cycle, nesting deeper than 1000); Error from the file system when the file cannot be written.
 * @example
 * ```ts
 * torch.save({ model: model.stateDict(), epoch: 3 }, 'checkpoint.pth');
 * ```
 */
export function save(obj: unknown, path: string): void {
  check.string(path, 'path');
  const tensors: Tensor[] = [];
  const pickler = new Pickler((t) => {
    tensors.push(t);
    return [String(tensors.length - 1), t.device.startsWith('cuda') ? t.device.replace(/^cuda$/, 'cuda:0') : 'cpu', t.numel()];
  });
  const data = pickler.dump(obj);
  const base = 'archive/';
  const fd = fs.openSync(path, 'w');
  try {
    const zip = new ZipWriter(fd);
    zip.add(`${base}data.pkl`, data);
    zip.add(`${base}byteorder`, Buffer.from('little'));
    tensors.forEach((t, i) => zip.add(`${base}data/${i}`, tensorBytes(t)));
    zip.add(`${base}version`, Buffer.from('3\n'));
    zip.finish();
  } finally {
    fs.closeSync(fd);
  }
}

/** The raw little-endian bytes of a tensor in row-major order: one copy, into a fresh buffer. */
export function tensorBytes(t: Tensor): Buffer {
  const src = t.isQuantized ? t.intRepr() : t.detach(); // a quantized tensor's storage holds its integers
  const out = Buffer.allocUnsafeSlow(src.numel() * ITEM_SIZE[src.dtype]);
  if (out.length) frombuffer(out, { dtype: src.dtype }).view(src.shape).copy_(src);
  return out;
}
