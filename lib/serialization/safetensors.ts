// safetensors: an 8-byte little-endian header length, a JSON header
//   { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { str: str } }
// and the tensors' raw little-endian bytes. Loaded tensors are views into the file's buffer.
/**
 * safetensors: read and write `.safetensors` files, tensors viewing the file's buffer. Mirrors the
 * `safetensors.torch` module.
 * @module
 */
import * as fs from 'fs';
import { DType } from '../torch/dtype';
import { Tensor } from '../torch/tensor';
import { ITEM_SIZE, frombuffer } from '../torch/factories';
import { storageTensor } from './storage';
import { parseHeader } from './safetensors_header';
import { checkedBytes } from './sizes';
import { readWhole } from './read_file';
import { tensorBytes } from './load';
import * as check from '../check';
import { describe } from '../check';

const TO_DTYPE: Record<string, DType> = {
  F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32',
  I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};
const FROM_DTYPE = Object.fromEntries(Object.entries(TO_DTYPE).map(([k, v]) => [v, k])) as Record<DType, string>;

/** Limits that guard the safetensors reader against hostile headers. */
export interface SafetensorsOptions {
  /** The largest header read, in bytes (default 16 MiB; real headers are kilobytes). */
  maxHeaderBytes?: number;
  /** The most tensors plus metadata entries in a header (default 100,000). */
  maxEntries?: number;
}
const DEFAULTS = { maxHeaderBytes: 16 << 20, maxEntries: 100_000 };

/** A parsed safetensors file: its tensors (viewing the file's buffer) and its string metadata. */
export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

function checkOptions(opts: SafetensorsOptions): typeof DEFAULTS {
  const o = check.options(opts, 'safetensors options', ['maxHeaderBytes', 'maxEntries']);
  return {
    maxHeaderBytes: o.maxHeaderBytes === undefined ? DEFAULTS.maxHeaderBytes : check.int(o.maxHeaderBytes, 'maxHeaderBytes', { min: 2 }),
    maxEntries: o.maxEntries === undefined ? DEFAULTS.maxEntries : check.int(o.maxEntries, 'maxEntries', { min: 0 }),
  };
}

/**
 * Parses safetensors bytes; `file` names the source in errors.
 * torchvgg's own (the safetensors package parses inside `load`).
 * @throws TypeError for a wrong argument type or unknown option; RangeError for a limit out of range; Error naming
 * `file` for a malformed header, an unknown dtype, or tensors outside or overlapping the data.
 */
export function parse(buf: Uint8Array, file = '<buffer>', opts: SafetensorsOptions = {}): SafetensorsFile {
  const { maxHeaderBytes, maxEntries } = checkOptions(opts);
  const fail = (what: string): never => { throw new Error(`${file}: bad safetensors file: ${what}`); };
  if (buf.length < 8) fail(`only ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (8 + n > buf.length) fail(`header of ${n} bytes does not fit in a file of ${buf.length} bytes`);
  if (n > maxHeaderBytes) fail(`header of ${n} bytes is larger than the maxHeaderBytes limit (${maxHeaderBytes})`);
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let json = '';
  try {
    json = text.decode(buf.subarray(8, 8 + n));
  } catch {
    fail('header is not UTF-8');
  }
  const { entries, metadata } = parseHeader(json, maxEntries, fail);
  const dataStart = 8 + n;
  const dataLen = buf.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  for (const { name, dtype: code, shape, begin, end } of entries) {
    const dtype = Object.prototype.hasOwnProperty.call(TO_DTYPE, code) ? TO_DTYPE[code] : undefined;
    if (!dtype) return fail(`tensor '${name}' has unsupported dtype ${JSON.stringify(code)}`);
    if (end > dataLen) fail(`tensor '${name}' ends at byte ${end} of a data section of ${dataLen} bytes`);
    const nbytes = checkedBytes(shape, ITEM_SIZE[dtype], file, `tensor '${name}'`);
    if (nbytes !== end - begin) {
      fail(`tensor '${name}' of shape [${shape}] ${dtype} needs ${nbytes} bytes, but data_offsets span ${end - begin}`);
    }
  }
  const spans = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].begin < spans[i - 1].end) fail(`tensors '${spans[i - 1].name}' and '${spans[i].name}' overlap`);
  }
  // One storage per dtype over the whole data section, and each tensor a strided view of it: a single
  // native tensor per entry (a storage and a view each cost twice the memory). Entries that need a copy
  // (misaligned, or bool bytes other than 0/1) get their own storage; empty ones view an empty storage.
  const bases = new Map<string, { base: Tensor; first: number } | null>();
  const baseFor = (dtype: DType, empty: boolean): { base: Tensor; first: number } | null => {
    const key = empty ? `${dtype} empty` : dtype;
    if (!bases.has(key)) {
      const item = ITEM_SIZE[dtype];
      const pad = (item - ((buf.byteOffset + dataStart) % item)) % item;
      const count = empty ? 0 : Math.floor((dataLen - pad) / item);
      bases.set(key, dtype === 'bool' && !empty ? null
        : { base: frombuffer(empty ? new Uint8Array(0) : buf.subarray(dataStart + pad), { dtype, count }), first: empty ? 0 : pad });
    }
    return bases.get(key)!;
  };
  for (const { name, dtype: code, shape, begin, end } of entries) {
    const dtype = TO_DTYPE[code];
    const item = ITEM_SIZE[dtype];
    const empty = end === begin;
    const b = baseFor(dtype, empty);
    const t = b && (empty || (begin - b.first) % item === 0)
      ? b.base.asStrided(shape, contiguousStrides(shape), empty ? 0 : (begin - b.first) / item)
      : storageTensor(buf, dataStart + begin, dtype, (end - begin) / item, false, file, `tensor '${name}'`).view(shape);
    // defineProperty: a tensor named '__proto__' stays a plain entry.
    Object.defineProperty(tensors, name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, n = 1; i >= 0; i--) { strides[i] = n; n *= Math.max(shape[i], 1); }
  return strides;
}

/**
 * Reads the file once; the tensors view its buffer.
 * torchvgg's own: `safe_open(path).metadata()` and the tensors in one read.
 * @throws As {@link parse}, and Error from the file system when the file cannot be read.
 */
export function loadFileWithMetadata(path: string, opts: SafetensorsOptions = {}): SafetensorsFile {
  check.string(path, 'path');
  checkOptions(opts);
  return parse(readWhole(path), path, opts);
}

/**
 * safetensors.torch.load_file(path): name -> Tensor.
 * Mirrors `safetensors.torch.load_file`.
 * @throws As {@link loadFileWithMetadata}.
 */
export function loadFile(path: string, opts: SafetensorsOptions = {}): Record<string, Tensor> {
  return loadFileWithMetadata(path, opts).tensors;
}

/**
 * safetensors.torch.load(bytes)
 * Mirrors `safetensors.torch.load`.
 * @throws As {@link parse}.
 */
export function load(data: Uint8Array, opts: SafetensorsOptions = {}): Record<string, Tensor> {
  if (!(data instanceof Uint8Array)) throw new TypeError(`data must be a Buffer or a Uint8Array; got ${describe(data)}`);
  return parse(data, '<buffer>', opts).tensors;
}

/**
 * safetensors.torch.save(tensors, metadata): the file's bytes.
 * Mirrors `safetensors.torch.save`.
 * @throws TypeError when tensors is not an object of Tensors or metadata not an object of strings.
 */
export function save(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const { header, parts } = encode(tensors, metadata);
  return Buffer.concat([header, ...parts]);
}

/**
 * safetensors.torch.save_file(tensors, path, metadata)
 * Mirrors `safetensors.torch.save_file`.
 * @throws As {@link save}, and Error from the file system when the file cannot be written.
 */
export function saveFile(tensors: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  check.string(path, 'path');
  const { header, parts } = encode(tensors, metadata);
  const fd = fs.openSync(path, 'w');
  try {
    for (const p of [header, ...parts]) {
      for (let done = 0; done < p.length;) done += fs.writeSync(fd, p, done, p.length - done);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function encode(tensors: Record<string, Tensor>, metadata?: Record<string, string>): { header: Buffer; parts: Buffer[] } {
  if (tensors === null || typeof tensors !== 'object') throw new TypeError(`tensors must be an object of name -> Tensor; got ${describe(tensors)}`);
  const head: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') throw new TypeError(`metadata must be an object of strings; got ${describe(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) check.string(v, `metadata['${k}']`);
    head.__metadata__ = metadata;
  }
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t instanceof Tensor)) throw new TypeError(`tensors['${name}'] must be a Tensor; got ${describe(t)}`);
    if (name === '__metadata__') throw new TypeError("'__metadata__' cannot be a tensor name");
    const bytes = tensorBytes(t);
    head[name] = { dtype: FROM_DTYPE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  // Pad the header with spaces to a multiple of 8 bytes, as the reference writer does, so data is aligned.
  let json = Buffer.from(JSON.stringify(head), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const header = Buffer.alloc(8);
  header.writeBigUInt64LE(BigInt(json.length), 0);
  return { header: Buffer.concat([header, json]), parts };
}
