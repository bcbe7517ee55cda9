// The OIP v2 wire format over HTTP: JSON tensors and Triton's binary tensor data extension, decoded to typed arrays and encoded back.
import { badRequest } from './errors';

export type Parameters = Record<string, unknown>;

/** A decoded request tensor. FP32 data is a Float32Array; other datatypes are refused by the inference step. */
export interface InputTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Parameters;
  data: Float32Array | null;
}

export interface RequestedOutput {
  name: string;
  parameters?: Parameters;
}

export interface InferRequest {
  id?: string;
  parameters?: Parameters;
  inputs: InputTensor[];
  outputs?: RequestedOutput[];
}

/** An output to send: FP32 numbers or BYTES strings (classification), as JSON or as binary. */
export interface OutputTensor {
  name: string;
  datatype: 'FP32' | 'BYTES';
  shape: number[];
  data: Float32Array | string[];
  binary: boolean;
}

const MAX_ELEMENTS = 2 ** 31 - 1;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks a shape (an array of non-negative integers) and returns its element count. */
export function checkShape(shape: unknown, where: string): number {
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw badRequest(`${where}: shape must be an array of at most 8 non-negative integers; got ${JSON.stringify(shape)?.slice(0, 80)}`);
  }
  const n = shape.reduce((a: number, b: number) => a * b, 1);
  if (n > MAX_ELEMENTS) throw badRequest(`${where}: shape [${shape.join(', ')}] has too many elements`);
  return n;
}

/** Flattens JSON data (flat, or nested row-major as KServe allows) into float32, checking every element is a number. */
function jsonData(data: unknown, count: number, where: string): Float32Array {
  if (!Array.isArray(data)) throw badRequest(`${where}: data must be an array of numbers`);
  const out = new Float32Array(count);
  let n = 0;
  const stack: [unknown[], number][] = [[data, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top[1] >= top[0].length) { stack.pop(); continue; }
    const v = top[0][top[1]++];
    if (typeof v === 'number') {
      if (n >= count) throw badRequest(`${where}: data has more than the ${count} elements its shape holds`);
      out[n++] = v;
    } else if (Array.isArray(v) && stack.length < 9) {
      stack.push([v, 0]);
    } else {
      throw badRequest(`${where}: data must hold only numbers; found ${v === null ? 'null' : typeof v}`);
    }
  }
  if (n !== count) throw badRequest(`${where}: data has ${n} elements but shape holds ${count}`);
  return out;
}

/** FP32 bytes as a Float32Array: a view when aligned, else one copy. */
function floatsOf(buf: Buffer, offset: number, bytes: number): Float32Array {
  const at = buf.byteOffset + offset;
  if (at % 4 === 0) return new Float32Array(buf.buffer, at, bytes / 4);
  const out = new Float32Array(bytes / 4);
  new Uint8Array(out.buffer).set(buf.subarray(offset, offset + bytes));
  return out;
}

/**
 * Decodes an infer request body. With `headerLength` (Inference-Header-Content-Length) the first bytes are the
 * JSON header and the rest the binary data of the inputs that say `binary_data_size`, in order.
 */
export function decodeRequest(body: Buffer, headerLength?: number): InferRequest {
  if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('the request has no body; expected an infer request (JSON)');
  const jsonEnd = headerLength ?? body.length;
  if (!Number.isSafeInteger(jsonEnd) || jsonEnd < 0 || jsonEnd > body.length) {
    throw badRequest(`Inference-Header-Content-Length is ${headerLength} but the body has ${body.length} bytes`);
  }
  let req: unknown;
  try {
    req = JSON.parse(body.toString('utf8', 0, jsonEnd));
  } catch (e) {
    throw badRequest(`the request is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(req)) throw badRequest('the request must be a JSON object with "inputs"');
  if (req.id !== undefined && typeof req.id !== 'string') throw badRequest('"id" must be a string');
  if (req.parameters !== undefined && !isObject(req.parameters)) throw badRequest('"parameters" must be an object');
  if (!Array.isArray(req.inputs) || req.inputs.length < 1) throw badRequest('"inputs" must be a non-empty array of tensors');
  let offset = jsonEnd;
  const inputs = req.inputs.map((t: unknown, i: number): InputTensor => {
    if (!isObject(t) || typeof t.name !== 'string' || typeof t.datatype !== 'string') {
      throw badRequest(`inputs[${i}] must be an object with name, datatype, shape and data`);
    }
    const where = `input '${t.name}'`;
    if (t.parameters !== undefined && !isObject(t.parameters)) throw badRequest(`${where}: parameters must be an object`);
    const count = checkShape(t.shape, where);
    const shape = t.shape as number[];
    if (t.datatype !== 'FP32') return { name: t.name, datatype: t.datatype, shape, data: null };
    const size = t.parameters?.binary_data_size;
    if (size === undefined) return { name: t.name, datatype: 'FP32', shape, parameters: t.parameters, data: jsonData(t.data, count, where) };
    if (headerLength === undefined) throw badRequest(`${where}: binary_data_size given but the request has no Inference-Header-Content-Length header`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw badRequest(`${where}: binary_data_size must be a non-negative integer`);
    if (size !== count * 4) throw badRequest(`${where}: binary_data_size is ${size} bytes but FP32 shape [${shape.join(', ')}] takes ${count * 4}`);
    if (offset + size > body.length) throw badRequest(`${where}: the body ends ${offset + size - body.length} bytes before its binary data does`);
    const data = floatsOf(body, offset, size);
    offset += size;
    return { name: t.name, datatype: 'FP32', shape, parameters: t.parameters, data };
  });
  if (headerLength !== undefined && offset !== body.length) {
    throw badRequest(`the body has ${body.length - offset} bytes of binary data that no input claims`);
  }
  let outputs: RequestedOutput[] | undefined;
  if (req.outputs !== undefined) {
    if (!Array.isArray(req.outputs)) throw badRequest('"outputs" must be an array');
    outputs = req.outputs.map((o: unknown, i: number) => {
      if (!isObject(o) || typeof o.name !== 'string') throw badRequest(`outputs[${i}] must be an object with a name`);
      if (o.parameters !== undefined && !isObject(o.parameters)) throw badRequest(`output '${o.name}': parameters must be an object`);
      return { name: o.name, parameters: o.parameters };
    });
  }
  return { id: req.id, parameters: req.parameters, inputs, outputs };
}

/** BYTES elements in Triton's binary layout: each a 4-byte little-endian length, then its bytes. */
export function encodeBytes(strings: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const s of strings) {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}

export function tensorBytes(t: OutputTensor): Buffer {
  if (t.datatype === 'BYTES') return encodeBytes(t.data as string[]);
  const f = t.data as Float32Array;
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}

/** Encodes a response: plain JSON, or (when an output is binary) the JSON header followed by the binary data. */
export function encodeResponse(head: { model_name: string; model_version?: string; id?: string; parameters?: Parameters },
  outputs: OutputTensor[]): { body: Buffer; headerLength?: number } {
  const binaries: Buffer[] = [];
  const json = {
    ...head,
    outputs: outputs.map((t) => {
      const o = { name: t.name, datatype: t.datatype, shape: t.shape };
      if (!t.binary) return { ...o, data: Array.from(t.data as ArrayLike<number | string>) };
      const b = tensorBytes(t);
      binaries.push(b);
      return { ...o, parameters: { binary_data_size: b.length } };
    }),
  };
  const header = Buffer.from(JSON.stringify(json), 'utf8');
  if (!binaries.length) return { body: header };
  return { body: Buffer.concat([header, ...binaries]), headerLength: header.length };
}
