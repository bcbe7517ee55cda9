// safetensors: an 8-byte little-endian header length, a JSON header
//   { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { str: str } }
// and the tensors' raw little-endian bytes. Loaded tensors are views into the file's buffer.
import * as fs from 'fs';
import { DType } from '../torch/dtype';
import { Tensor } from '../torch/tensor';
import { ITEM_SIZE } from '../torch/factories';
import { storageTensor } from './storage';
import { tensorBytes } from './load';
import * as check from '../check';
import { describe } from '../check';

const TO_DTYPE: Record<string, DType> = {
  F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32',
  I16: 'int16', I8: 'int8', U8: 'uint8', BOOL: 'bool',
};
const FROM_DTYPE = Object.fromEntries(Object.entries(TO_DTYPE).map(([k, v]) => [v, k])) as Record<DType, string>;
// The reference implementation refuses headers over 100 MB; so do we, before parsing any JSON.
const MAX_HEADER = 100_000_000;

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Parses safetensors bytes; `file` names the source in errors. */
export function parse(buf: Uint8Array, file = '<buffer>'): SafetensorsFile {
  const fail = (what: string): never => { throw new Error(`${file}: bad safetensors file: ${what}`); };
  if (buf.length < 8) fail(`only ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER || 8 + n > buf.length) fail(`header of ${n} bytes does not fit in a file of ${buf.length} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, n).toString('utf8'));
  } catch (e) {
    fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = buf.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, Tensor> = {};
  const spans: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info)) fail('__metadata__ must be an object');
      for (const [k, v] of Object.entries(info as object)) {
        if (typeof v !== 'string') fail(`__metadata__['${k}'] must be a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const e = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') fail(`entry '${name}' is not an object`);
    const dtype = TO_DTYPE[String(e.dtype)];
    if (!dtype) fail(`tensor '${name}' has unsupported dtype ${String(e.dtype)}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${name}' has a bad shape`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0) || offs[0] > offs[1]) {
      fail(`tensor '${name}' has bad data_offsets`);
    }
    const [begin, end] = offs as number[];
    if (end > dataLen) fail(`tensor '${name}' ends at byte ${end} of a data section of ${dataLen} bytes`);
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (numel * ITEM_SIZE[dtype] !== end - begin) {
      fail(`tensor '${name}' of shape [${shape}] ${dtype} needs ${numel * ITEM_SIZE[dtype]} bytes, but data_offsets span ${end - begin}`);
    }
    spans.push([begin, end, name]);
    const t = storageTensor(buf, dataStart + begin, dtype, numel, false, file, `tensor '${name}'`).view(shape as number[]);
    // defineProperty: a tensor named '__proto__' stays a plain entry.
    Object.defineProperty(tensors, name, { value: t, enumerable: true, writable: true, configurable: true });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) fail(`tensors '${spans[i - 1][2]}' and '${spans[i][2]}' overlap`);
  }
  return { tensors, metadata };
}

/** Reads the file once; the tensors view its buffer. */
export function loadFileWithMetadata(path: string): SafetensorsFile {
  check.string(path, 'path');
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read: ${(e as Error).message}`);
  }
  return parse(buf, path);
}

/** safetensors.torch.load_file(path): name -> Tensor. */
export function loadFile(path: string): Record<string, Tensor> {
  return loadFileWithMetadata(path).tensors;
}

/** safetensors.torch.load(bytes) */
export function load(data: Uint8Array): Record<string, Tensor> {
  if (!(data instanceof Uint8Array)) throw new TypeError(`data must be a Buffer or a Uint8Array; got ${describe(data)}`);
  return parse(data).tensors;
}

/** safetensors.torch.save(tensors, metadata): the file's bytes. */
export function save(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const { header, parts } = encode(tensors, metadata);
  return Buffer.concat([header, ...parts]);
}

/** safetensors.torch.save_file(tensors, path, metadata) */
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
