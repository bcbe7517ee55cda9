// A pickle writer (protocol 2, as torch.save uses) for what torch.load(..., weights_only=True) reads back:
// dicts (written as OrderedDict, like a state_dict), arrays (lists), numbers, strings, booleans, null
// and tensors. Tensors become torch._utils._rebuild_tensor_v2 calls whose storage is a persistent id
// ('storage', torch.<Type>Storage, key, location, numel); the caller writes each storage as a record.
// Only the opcodes PyTorch 1.13's weights_only unpickler knows are used (BINFLOAT aside, see below).
// Like Python's pickler, every container and tensor is memoized (BINPUT) and written once: a second
// reference to it is a BINGET, so shared objects stay shared and a tensor's storage is written once.
import { Tensor } from '../torch/tensor';
import { intKeyed } from './int_keys';
import { DEFAULT_PROTOCOL, OP } from './opcodes';

const STORAGE_NAMES: Record<string, string> = {
  float32: 'FloatStorage', float64: 'DoubleStorage', float16: 'HalfStorage', bfloat16: 'BFloat16Storage',
  int64: 'LongStorage', int32: 'IntStorage', int16: 'ShortStorage', int8: 'CharStorage', uint8: 'ByteStorage',
  bool: 'BoolStorage', qint8: 'QInt8Storage', quint8: 'QUInt8Storage', qint32: 'QInt32Storage',
};

const SIGN_BIT = 0x80; // of a LONG1 integer's last byte
const MAX_DEPTH = 1000;

export class Pickler {
  private parts: Buffer[] = [];
  /** objects being written (a reference back to one is a cycle) */
  private seen = new Set<object>();
  /** objects already written -> their memo index */
  private memo = new Map<object, number>();

  /** `onTensor` registers the tensor's storage and returns [key, location, numel]. */
  constructor(private readonly onTensor: (t: Tensor) => [string, string, number]) {}

  dump(obj: unknown): Buffer {
    this.parts = [Buffer.from([OP.PROTO, DEFAULT_PROTOCOL])];
    this.memo.clear();
    this.value(obj, 'obj', 0);
    this.op(OP.STOP);
    return Buffer.concat(this.parts);
  }

  private op(...b: number[]): void { this.parts.push(Buffer.from(b)); }

  private str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    const h = Buffer.alloc(5);
    h[0] = OP.BINUNICODE;
    h.writeUInt32LE(b.length, 1);
    this.parts.push(h, b);
  }

  private global(mod: string, name: string): void {
    this.op(OP.GLOBAL);
    this.parts.push(Buffer.from(`${mod}\n${name}\n`, 'utf8'));
  }

  private int(v: number | bigint): void {
    if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) {
      const b = Buffer.alloc(5);
      b[0] = OP.BININT;
      b.writeInt32LE(v, 1);
      this.parts.push(b);
      return;
    }
    // LONG1: little-endian two's complement, as few bytes as hold the sign.
    let x = BigInt(v);
    const bytes: number[] = [];
    for (;;) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = bytes[bytes.length - 1] & SIGN_BIT;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    this.op(OP.LONG1, bytes.length, ...bytes);
  }

  /** BINPUT/LONG_BINPUT: remembers the object on top of the stack. */
  private put(v: object): void {
    const i = this.memo.size;
    this.memo.set(v, i);
    if (i < 256) this.op(OP.BINPUT, i);
    else { const b = Buffer.alloc(5); b[0] = OP.LONG_BINPUT; b.writeUInt32LE(i, 1); this.parts.push(b); }
  }

  private get(i: number): void {
    if (i < 256) this.op(OP.BINGET, i);
    else { const b = Buffer.alloc(5); b[0] = OP.LONG_BINGET; b.writeUInt32LE(i, 1); this.parts.push(b); }
  }

  private value(v: unknown, path: string, depth: number): void {
    if (v === null || v === undefined) { this.op(OP.NONE); return; }
    if (v === true || v === false) { this.op(v ? OP.NEWTRUE : OP.NEWFALSE); return; }
    if (typeof v === 'bigint') { this.int(v); return; }
    if (typeof v === 'number') {
      // JS has one number type: integral values are written as Python ints, others as floats.
      // (PyTorch 1.13's weights_only loader cannot read floats at all; 2.x can.)
      if (Number.isSafeInteger(v)) { this.int(v); return; }
      const b = Buffer.alloc(9);
      b[0] = OP.BINFLOAT; // big-endian
      b.writeDoubleBE(v, 1);
      this.parts.push(b);
      return;
    }
    if (typeof v === 'string') { this.str(v); return; }
    if (typeof v !== 'object') throw new TypeError(`torch.save: cannot save ${path} of type ${typeof v}`);
    const known = this.memo.get(v);
    if (known !== undefined) { this.get(known); return; }
    if (this.seen.has(v)) throw new TypeError(`torch.save: ${path} refers back to itself (cycles cannot be saved)`);
    if (depth >= MAX_DEPTH) throw new TypeError(`torch.save: ${path} nests deeper than ${MAX_DEPTH} levels (torch.load's default maxDepth)`);
    this.seen.add(v);
    if (v instanceof Tensor) this.tensor(v, path, depth);
    else if (Array.isArray(v)) {
      this.op(OP.EMPTY_LIST);
      if (v.length) {
        this.op(OP.MARK);
        v.forEach((x, i) => this.value(x, `${path}[${i}]`, depth + 1));
        this.op(OP.APPENDS);
      }
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      this.global('collections', 'OrderedDict');
      this.op(OP.EMPTY_TUPLE, OP.REDUCE);
      const keys = Object.keys(v);
      if (keys.length) {
        this.op(OP.MARK);
        const intKeys = intKeyed.has(v);
        for (const k of keys) {
          if (intKeys && /^-?\d+$/.test(k)) this.int(Number(k));
          else this.str(k);
          this.value((v as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
        }
        this.op(OP.SETITEMS);
      }
    } else {
      throw new TypeError(`torch.save: cannot save ${path} of type ${v.constructor?.name ?? 'object'} ` +
        '(only Tensors, plain objects, arrays, numbers, strings, booleans and null)');
    }
    this.seen.delete(v);
    this.put(v);
  }

  private tensor(t: Tensor, path: string, depth: number): void {
    const [key, location, numel] = this.onTensor(t);
    const shape = t.shape;
    // The storage is written contiguous, so the strides are the contiguous ones.
    const stride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const quantized = t.isQuantized;
    this.global('torch._utils', quantized ? '_rebuild_qtensor' : '_rebuild_tensor_v2');
    this.op(OP.MARK); // the argument tuple
    this.op(OP.MARK); // the persistent id tuple
    this.str('storage');
    this.global('torch', STORAGE_NAMES[t.dtype]);
    this.str(key);
    this.str(location);
    this.int(numel);
    this.op(OP.TUPLE, OP.BINPERSID);
    this.int(0);
    this.op(OP.MARK); shape.forEach((d) => this.int(d)); this.op(OP.TUPLE);
    this.op(OP.MARK); stride.forEach((d) => this.int(d)); this.op(OP.TUPLE);
    if (quantized) this.quantizerParams(t, path, depth);
    this.op(t.requiresGrad ? OP.NEWTRUE : OP.NEWFALSE);
    this.global('collections', 'OrderedDict');
    this.op(OP.EMPTY_TUPLE, OP.REDUCE); // backward hooks: OrderedDict()
    this.op(OP.TUPLE, OP.REDUCE);
  }

  /** Tensor._reduce_ex_internal's quantizer_params: (qscheme, scale, zero_point) or (qscheme, scales, zero_points, axis). */
  private quantizerParams(t: Tensor, path: string, depth: number): void {
    const scheme = t.qscheme();
    this.op(OP.MARK);
    if (scheme === 'per_tensor_affine') {
      this.global('torch', 'per_tensor_affine');
      const b = Buffer.alloc(9);
      b[0] = OP.BINFLOAT; // the scale is a Python float even when integral
      b.writeDoubleBE(t.qScale(), 1);
      this.parts.push(b);
      this.int(t.qZeroPoint());
    } else if (scheme === 'per_channel_affine') {
      this.global('torch', 'per_channel_affine');
      this.value(t.qPerChannelScales(), `${path}.q_per_channel_scales`, depth + 1);
      this.value(t.qPerChannelZeroPoints(), `${path}.q_per_channel_zero_points`, depth + 1);
      this.int(t.qPerChannelAxis());
    } else {
      throw new TypeError(`torch.save: ${path} is quantized ${scheme}, which torch.save here cannot write`);
    }
    this.op(OP.TUPLE);
  }
}
