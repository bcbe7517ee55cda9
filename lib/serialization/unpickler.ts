// A pickle reader that is an allowlist, in the spirit of PyTorch's torch/_weights_only_unpickler.py:
// it builds only plain containers, numbers, strings, bytes and tensors. A global outside the short list
// below is refused when it is named, so nothing in a file is ever looked up, called or executed.
// Every length is checked against the bytes that remain; the objects it makes, the memo and the nesting
// depth are bounded (UnpickleLimits), and each opcode costs O(1), so a hostile file throws an Error
// instead of hanging or allocating gigabytes. Shared references stay shared: nothing is ever copied.

import { intKeyed } from './int_keys';
import { OP, opName } from './opcodes';

/** A global the allowlist let through: a rebuild function, a storage type or a type token. */
export class PyGlobal {
  constructor(readonly name: string) {}
  toString(): string { return this.name; }
}

/** Storage classes torch.save names in persistent ids, and the dtype of their elements. */
export const STORAGE_DTYPES: Record<string, string> = {
  'torch.FloatStorage': 'float32', 'torch.DoubleStorage': 'float64', 'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16', 'torch.LongStorage': 'int64', 'torch.IntStorage': 'int32',
  'torch.ShortStorage': 'int16', 'torch.CharStorage': 'int8', 'torch.ByteStorage': 'uint8',
  'torch.BoolStorage': 'bool', 'torch.UntypedStorage': 'uint8',
  // a quantized tensor's storage holds its integers (torch._utils._rebuild_qtensor)
  'torch.QInt8Storage': 'int8', 'torch.QUInt8Storage': 'uint8', 'torch.QInt32Storage': 'int32',
};

const CALLABLES = new Set([
  'collections.OrderedDict', 'torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state',
  'torch._tensor._rebuild_from_type_v2', 'torch.Size', '_codecs.encode', 'torch._utils._rebuild_qtensor',
]);
// Globals that may appear as values (inside persistent ids or _rebuild_from_type_v2) but are never called.
const TOKENS = new Set([...Object.keys(STORAGE_DTYPES), 'torch.Tensor', 'torch.nn.parameter.Parameter',
  // quantization schemes (a quantized tensor's parameters) and quantized dtypes (LinearPackedParams.dtype)
  'torch.per_tensor_affine', 'torch.per_channel_affine', 'torch.qint8', 'torch.quint8', 'torch.qint32']);

/** Resource limits of one unpickle; a file that exceeds one is refused with an Error naming the limit. */
export interface UnpickleLimits {
  /** values the pickle may create (containers, strings, numbers, tensors...) */
  maxObjects: number;
  /** memo entries (BINPUT/LONG_BINPUT/MEMOIZE) */
  maxMemo: number;
  /** how deeply containers may nest (Python's own pickler stops near 1000) */
  maxDepth: number;
}

export const DEFAULT_LIMITS: Readonly<UnpickleLimits> = Object.freeze({
  maxObjects: 10_000_000, maxMemo: 1_000_000, maxDepth: 1000,
});

export interface UnpickleHooks {
  /** the file name used in every error */
  file: string;
  /** DEFAULT_LIMITS when absent */
  limits?: UnpickleLimits;
  /** BINPERSID: the tuple torch.save wrote for a storage; returns the storage object */
  persistentLoad(pid: readonly unknown[]): unknown;
  /** torch._utils._rebuild_tensor*: a view into `storage` (validated by the hook) */
  rebuildTensor(storage: unknown, offset: number, size: number[], stride: number[], requiresGrad: boolean): unknown;
  /** torch._utils._rebuild_qtensor: a quantized tensor over `storage` with its quantizer parameters */
  rebuildQTensor(storage: unknown, offset: number, size: number[], stride: number[], params: QuantizerParams): unknown;
  isTensor(v: unknown): boolean;
  setRequiresGrad(t: unknown, flag: boolean): void;
}

/** A quantized tensor's quantizer, as _rebuild_qtensor receives it (scales may be a tensor or a list). */
export type QuantizerParams =
  | { scheme: 'per_tensor_affine'; scale: number; zeroPoint: number }
  | { scheme: 'per_channel_affine'; scales: unknown; zeroPoints: unknown; axis: number };

const metadata = new WeakMap<object, unknown>();

/** The `_metadata` an OrderedDict state dict carried (per-module versions), if any. */
export function stateDictMetadata(sd: object): unknown { return metadata.get(sd); }

/**
 * A dict the pickle made: the only plain objects an unpickle returns (everything else it makes is an
 * array, a Uint8Array, a PyGlobal or what a hook returned). No weak set: weak collections of millions of
 * objects make each garbage collection slower, which made unpickling quadratic.
 */
export function isPickledDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** A list (or set) the pickle made; tuples are frozen arrays. */
const isList = (v: unknown): v is unknown[] => Array.isArray(v) && !Object.isFrozen(v);

const MAX_MARK_DEPTH = 10_000;
const MAX_LONG_BYTES = 1 << 12;
const MAX_GLOBAL_NAME = 1 << 10;
const NEWLINE = 0x0a; // ends the text arguments of GLOBAL, INST and INT
const SIGN_BIT = 0x80; // of a LONG1/LONG4 integer's last byte

function refuse(file: string, name: string): never {
  throw new Error(`${file}: refusing to load: global '${name}' is not allowed (torchvgg loads only tensors and ` +
    'plain containers; whole pickled modules need Python — save model.state_dict() or TorchScript instead)');
}

function newDict(): Record<string, unknown> {
  return {};
}

/**
 * The nesting depth of `root` (1 for an empty container, 0 for a scalar), computed once per object with
 * an explicit stack, so shared objects cost nothing extra and depth cannot overflow the JS stack; fails
 * for a container that contains itself.
 */
function depthOf(root: unknown, fail: (what: string) => never): number {
  const children = (v: unknown): unknown[] | undefined => {
    if (Array.isArray(v)) return v;
    return isPickledDict(v) ? Object.values(v) : undefined;
  };
  if (!children(root)) return 0;
  const done = new Map<object, number>();
  const open = new Set<object>();
  const stack: [object, unknown[], number][] = [[root as object, children(root)!, 0]];
  open.add(root as object);
  while (stack.length) {
    const frame = stack[stack.length - 1];
    const [obj, items] = frame;
    if (frame[2] < items.length) {
      const c = items[frame[2]++];
      const kids = children(c);
      if (!kids || done.has(c as object)) continue;
      if (open.has(c as object)) fail('a container contains itself (cyclic references are not supported)');
      open.add(c as object);
      stack.push([c as object, kids, 0]);
      continue;
    }
    let d = 1;
    for (const c of items) {
      const k = typeof c === 'object' && c !== null ? done.get(c) : undefined;
      if (k !== undefined && k + 1 > d) d = k + 1;
    }
    done.set(obj, d);
    open.delete(obj);
    stack.pop();
  }
  return done.get(root as object)!;
}

/**
 * Unpickles one pickle that starts at `pos` in `buf`. Returns the value and the position after STOP,
 * so that formats with several pickles in a row (the legacy format) can read the next one.
 */
export function unpickle(buf: Uint8Array, pos: number, hooks: UnpickleHooks): { value: unknown; end: number } {
  const { file } = hooks;
  const limits = hooks.limits ?? DEFAULT_LIMITS;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = pos;
  let op = 0;
  let opAt = pos;
  // Typed on the name (not only the arrow) so that TypeScript narrows after a `fail(...)` call.
  const fail: (what: string) => never = (what) => {
    throw new Error(`${file}: malformed pickle at byte ${opAt} (opcode 0x${op.toString(16).padStart(2, '0')}${opName(op) ? ` ${opName(op)}` : ''}): ${what}`);
  };
  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || at + n > buf.length) fail(`needs ${n} more bytes but the file has ${buf.length - at}`);
    const start = at;
    at += n;
    return start;
  };
  const u8 = (): number => buf[need(1)];
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const s = need(8);
    const v = view.getUint32(s, true) + view.getUint32(s + 4, true) * 2 ** 32;
    return Number.isSafeInteger(v) ? v : fail('8-byte length is too large');
  };
  const utf8 = (n: number): string => Buffer.from(buf.buffer, buf.byteOffset + need(n), n).toString('utf8');
  const bytes = (n: number): Uint8Array => buf.slice(need(n), at);
  const line = (): string => {
    // Look no further than the longest line allowed, so a file without newlines costs O(1) per opcode.
    const end = buf.subarray(0, Math.min(buf.length, at + MAX_GLOBAL_NAME + 1)).indexOf(NEWLINE, at);
    if (end < 0) fail('unterminated or overlong line');
    const s = Buffer.from(buf.buffer, buf.byteOffset + at, end - at).toString('utf8');
    at = end + 1;
    return s;
  };
  const long = (n: number): number | bigint => {
    if (n > MAX_LONG_BYTES) fail(`integer of ${n} bytes is too large`);
    const b = bytes(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[n - 1] & SIGN_BIT) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let objects = 0;
  // Every value an opcode makes goes through push (BINGET and DUP share one instead).
  const push = (v: unknown): void => {
    if (++objects > limits.maxObjects) fail(`more than ${limits.maxObjects} objects (the maxObjects limit)`);
    stack.push(v);
  };
  const put = (i: number, v: unknown): void => {
    if (!memo.has(i) && memo.size >= limits.maxMemo) fail(`more than ${limits.maxMemo} memo entries (the maxMemo limit)`);
    memo.set(i, v);
  };
  const pop = (): unknown => (stack.length ? stack.pop() : fail('stack underflow'));
  const top = (): unknown => (stack.length ? stack[stack.length - 1] : fail('stack underflow'));
  const popMark = (): unknown[] => {
    const items = stack;
    if (!metastack.length) fail('no MARK to pop to');
    stack = metastack.pop()!;
    return items;
  };
  const tuple = (items: unknown[]): readonly unknown[] => Object.freeze(items);
  const global = (name: string): PyGlobal => {
    if (!CALLABLES.has(name) && !TOKENS.has(name)) refuse(file, name);
    return new PyGlobal(name);
  };
  const keyOf = (k: unknown): string => {
    if (typeof k === 'string') return k;
    if (typeof k === 'number' || typeof k === 'bigint') return String(k);
    if (typeof k === 'boolean') return k ? 'True' : 'False';
    if (k === null) return 'None';
    return fail(`unsupported dict key of type ${pyType(k)}`);
  };
  const setItem = (d: unknown, k: unknown, v: unknown): void => {
    if (!isPickledDict(d)) fail(`SETITEM on a ${pyType(d)}, not a dict`);
    if (typeof k === 'number' || typeof k === 'bigint') intKeyed.add(d);
    // defineProperty, so a key such as '__proto__' is stored as data and never changes the prototype.
    Object.defineProperty(d, keyOf(k), { value: v, enumerable: true, writable: true, configurable: true });
  };
  const int = (v: unknown, what: string): number =>
    (typeof v === 'number' && Number.isInteger(v) ? v : fail(`${what} must be an integer; got ${pyType(v)}`));
  const ints = (v: unknown, what: string): number[] => {
    if (!Array.isArray(v)) fail(`${what} must be a tuple of integers; got ${pyType(v)}`);
    return (v as unknown[]).map((x, i) => int(x, `${what}[${i}]`));
  };
  const args = (v: unknown, min: number, name: string): readonly unknown[] => {
    if (!Array.isArray(v) || v.length < min) fail(`${name} expects at least ${min} arguments`);
    return v as unknown[];
  };

  const call = (fn: PyGlobal, a: unknown): unknown => {
    switch (fn.name) {
      case 'collections.OrderedDict': {
        const d = newDict();
        const [items] = args(a, 0, fn.name);
        if (items !== undefined) {
          if (!Array.isArray(items)) fail('OrderedDict() takes a list of pairs');
          for (const p of items as unknown[]) {
            if (!Array.isArray(p) || p.length !== 2) fail('OrderedDict() takes a list of pairs');
            setItem(d, (p as unknown[])[0], (p as unknown[])[1]);
          }
        }
        return d;
      }
      case 'torch._utils._rebuild_tensor': {
        const [s, o, size, stride] = args(a, 4, fn.name);
        return hooks.rebuildTensor(s, int(o, 'storage offset'), ints(size, 'size'), ints(stride, 'stride'), false);
      }
      case 'torch._utils._rebuild_tensor_v2': {
        const [s, o, size, stride, rg] = args(a, 6, fn.name);
        return hooks.rebuildTensor(s, int(o, 'storage offset'), ints(size, 'size'), ints(stride, 'stride'), rg === true);
      }
      case 'torch._utils._rebuild_qtensor': {
        const [s, o, size, stride, q] = args(a, 5, fn.name);
        if (!Array.isArray(q) || !(q[0] instanceof PyGlobal)) fail('_rebuild_qtensor: bad quantizer parameters');
        const qp = q as unknown[];
        const scheme = (qp[0] as PyGlobal).name;
        let params: QuantizerParams;
        if (scheme === 'torch.per_tensor_affine' && qp.length === 3 && typeof qp[1] === 'number') {
          params = { scheme: 'per_tensor_affine', scale: qp[1], zeroPoint: int(qp[2], 'zero point') };
        } else if (scheme === 'torch.per_channel_affine' && qp.length === 4) {
          params = { scheme: 'per_channel_affine', scales: qp[1], zeroPoints: qp[2], axis: int(qp[3], 'axis') };
        } else {
          return fail(`_rebuild_qtensor: quantization scheme ${scheme} with ${qp.length - 1} parameters is not supported`);
        }
        return hooks.rebuildQTensor(s, int(o, 'storage offset'), ints(size, 'size'), ints(stride, 'stride'), params);
      }
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state': {
        const [data, rg] = args(a, 3, fn.name);
        if (!hooks.isTensor(data)) fail(`${fn.name} expects a tensor`);
        hooks.setRequiresGrad(data, rg === true);
        return data;
      }
      case 'torch._tensor._rebuild_from_type_v2': {
        // (func, new_type, args, state): a Tensor or Parameter rebuilt by an allowed function.
        const [inner, type, innerArgs] = args(a, 4, fn.name);
        if (!(inner instanceof PyGlobal) || !CALLABLES.has(inner.name) || !(type instanceof PyGlobal)) fail(`bad arguments to ${fn.name}`);
        return call(inner, innerArgs);
      }
      case 'torch.Size': {
        const [dims] = args(a, 1, fn.name);
        return tuple(ints(dims, 'torch.Size'));
      }
      case '_codecs.encode': {
        // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
        const [text, enc] = args(a, 2, fn.name);
        if (typeof text !== 'string' || enc !== 'latin1') fail('_codecs.encode is allowed only for latin1 text');
        return new Uint8Array(Buffer.from(text, 'latin1'));
      }
      default:
        return fail(`calling '${fn.name}' is not allowed`);
    }
  };

  for (;;) {
    opAt = at;
    op = u8();
    switch (op) {
      case OP.PROTO: u8(); break;
      case OP.FRAME: u64(); break; // only a read-ahead hint
      case OP.STOP: {
        if (metastack.length) fail('STOP inside an open MARK');
        const value = pop();
        if (depthOf(value, fail) > limits.maxDepth) fail(`containers nest deeper than ${limits.maxDepth} levels (the maxDepth limit)`);
        return { value, end: at };
      }
      case OP.MARK:
        if (metastack.length >= Math.max(MAX_MARK_DEPTH, limits.maxDepth)) fail('MARKs nest too deeply (raise maxDepth to allow it)');
        metastack.push(stack);
        stack = [];
        break;
      case OP.POP: pop(); break;
      case OP.POP_MARK: popMark(); break;
      case OP.DUP: stack.push(top()); break;
      case OP.NONE: push(null); break;
      case OP.NEWTRUE: push(true); break;
      case OP.NEWFALSE: push(false); break;
      case OP.BININT: push(view.getInt32(need(4), true)); break;
      case OP.BININT1: push(u8()); break;
      case OP.BININT2: push(view.getUint16(need(2), true)); break;
      case OP.LONG1: push(long(u8())); break;
      case OP.LONG4: push(long(view.getInt32(need(4), true))); break;
      case OP.INT: { // text; I00/I01 are False/True in protocol 0
        const s = line();
        if (s === '00' || s === '01') push(s === '01');
        else if (/^-?\d{1,15}$/.test(s)) push(Number(s));
        else fail(`bad INT '${s.slice(0, 20)}'`);
        break;
      }
      case OP.BINFLOAT: push(view.getFloat64(need(8), false)); break; // big-endian
      case OP.BINUNICODE: push(utf8(u32())); break;
      case OP.SHORT_BINUNICODE: push(utf8(u8())); break;
      case OP.BINUNICODE8: push(utf8(u64())); break;
      case OP.SHORT_BINSTRING: push(utf8(u8())); break; // Python 2 str, read as text like torch.load
      case OP.BINSTRING: { const n = view.getInt32(need(4), true); push(utf8(n)); break; }
      case OP.SHORT_BINBYTES: push(bytes(u8())); break;
      case OP.BINBYTES: push(bytes(u32())); break;
      case OP.BINBYTES8: push(bytes(u64())); break;
      case OP.BYTEARRAY8: push(bytes(u64())); break;
      case OP.EMPTY_TUPLE: push(tuple([])); break;
      case OP.TUPLE: { const t = tuple(popMark()); push(t); break; } // pop before reading `stack`
      case OP.TUPLE1: push(tuple([pop()])); break;
      case OP.TUPLE2: { const b = pop(); const a = pop(); push(tuple([a, b])); break; }
      case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); push(tuple([a, b, c])); break; }
      case OP.EMPTY_LIST: push([]); break;
      case OP.LIST: { const l = popMark(); push(l); break; }
      case OP.EMPTY_SET: push([]); break; // read as a list
      case OP.FROZENSET: { const l = popMark(); push(l); break; }
      case OP.APPEND: {
        const v = pop();
        const l = top();
        if (!isList(l)) fail(`APPEND to a ${pyType(l)}, not a list`);
        l.push(v);
        break;
      }
      case OP.APPENDS: case OP.ADDITEMS: {
        const items = popMark();
        const l = top();
        if (!isList(l)) fail(`APPENDS to a ${pyType(l)}, not a list`);
        for (const v of items) l.push(v);
        break;
      }
      case OP.EMPTY_DICT: push(newDict()); break;
      case OP.DICT: {
        const items = popMark();
        if (items.length % 2) fail('odd number of items for DICT');
        const d = newDict();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        push(d);
        break;
      }
      case OP.SETITEM: { const v = pop(); const k = pop(); setItem(top(), k, v); break; }
      case OP.SETITEMS: {
        const items = popMark();
        if (items.length % 2) fail('odd number of items for SETITEMS');
        const d = top();
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case OP.BINGET: case OP.LONG_BINGET: {
        const i = op === OP.BINGET ? u8() : u32();
        if (!memo.has(i)) fail(`memo entry ${i} was never stored`);
        stack.push(memo.get(i));
        break;
      }
      case OP.BINPUT: put(u8(), top()); break;
      case OP.LONG_BINPUT: put(u32(), top()); break;
      case OP.MEMOIZE: put(memo.size, top()); break;
      case OP.GLOBAL: { const mod = line(); const name = line(); push(global(`${mod}.${name}`)); break; }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const mod = pop();
        if (typeof mod !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(global(`${mod}.${name}`));
        break;
      }
      case OP.INST: { const mod = line(); const name = line(); refuse(file, `${mod}.${name}`); break; }
      case OP.REDUCE: {
        const a = pop();
        const fn = pop();
        if (!(fn instanceof PyGlobal)) fail(`REDUCE of a ${pyType(fn)}, which is not callable`);
        push(call(fn, a));
        break;
      }
      case OP.NEWOBJ: case OP.NEWOBJ_EX: { // instances of classes, never allowed
        if (op === OP.NEWOBJ_EX) pop();
        pop();
        const cls = pop();
        return refuse(file, cls instanceof PyGlobal ? cls.name : pyType(cls));
      }
      case OP.BUILD: { // only the _metadata of an OrderedDict, or an empty state of a tensor
        const state = pop();
        const inst = top();
        if (isPickledDict(inst)) {
          const s = Array.isArray(state) ? state[0] : state;
          if (isPickledDict(s) && '_metadata' in s) {
            // Python keeps it as the attribute state_dict._metadata: here a non-enumerable property.
            metadata.set(inst, s._metadata);
            if (!Object.prototype.hasOwnProperty.call(inst, '_metadata')) {
              Object.defineProperty(inst, '_metadata', { value: s._metadata, enumerable: false, writable: true, configurable: true });
            }
          }
          else if (s !== null && !isPickledDict(s)) fail('bad OrderedDict state');
        } else if (hooks.isTensor(inst)) {
          const empty = state === null || (isPickledDict(state) && Object.keys(state).length === 0) ||
            (Array.isArray(state) && state.length === 0);
          if (!empty) fail('tensor attributes (a tensor subclass state) are not supported');
        } else {
          fail(`BUILD of a ${pyType(inst)}`);
        }
        break;
      }
      case OP.BINPERSID: {
        const pid = pop();
        if (!Array.isArray(pid)) fail(`persistent id must be a tuple; got ${pyType(pid)}`);
        const kind = (pid as unknown[])[0];
        if (kind === 'module') refuse(file, `${String((pid as unknown[])[1])} (a pickled nn.Module)`);
        if (kind !== 'storage') fail(`only storages may be persistent ids; got '${String(kind)}'`);
        push(hooks.persistentLoad(pid as unknown[]));
        break;
      }
      default:
        fail('unsupported opcode');
    }
  }
}

/** The Python type of an unpickled value, for messages about file contents: None, tuple, dict, global. */
export function pyType(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof PyGlobal) return `global '${v.name}'`;
  if (Array.isArray(v)) return Object.isFrozen(v) ? 'tuple' : 'list';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') return isPickledDict(v) ? 'dict' : (v.constructor?.name ?? 'object');
  return typeof v;
}
