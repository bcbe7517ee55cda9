// A pickle writer (protocol 2, as torch.save uses) for what torch.load(..., weights_only=True) reads back:
// dicts (written as OrderedDict, like a state_dict), arrays (lists), numbers, strings, booleans, null
// and tensors. Tensors become torch._utils._rebuild_tensor_v2 calls whose storage is a persistent id
// ('storage', torch.<Type>Storage, key, location, numel); the caller writes each storage as a record.
// Only the opcodes PyTorch 1.13's weights_only unpickler knows are used (BINFLOAT aside, see below).
import { Tensor } from '../torch/tensor';
import { intKeyed } from './int_keys';

const STORAGE_NAMES: Record<string, string> = {
  float32: 'FloatStorage', float64: 'DoubleStorage', float16: 'HalfStorage', bfloat16: 'BFloat16Storage',
  int64: 'LongStorage', int32: 'IntStorage', int16: 'ShortStorage', int8: 'CharStorage', uint8: 'ByteStorage',
  bool: 'BoolStorage',
};

export class Pickler {
  private parts: Buffer[] = [];
  private seen = new Set<object>();

  /** `onTensor` registers the tensor's storage and returns [key, location, numel]. */
  constructor(private readonly onTensor: (t: Tensor) => [string, string, number]) {}

  dump(obj: unknown): Buffer {
    this.parts = [Buffer.from([0x80, 2])];
    this.value(obj, 'obj');
    this.op(0x2e);
    return Buffer.concat(this.parts);
  }

  private op(...b: number[]): void { this.parts.push(Buffer.from(b)); }

  private str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    const h = Buffer.alloc(5);
    h[0] = 0x58; // BINUNICODE
    h.writeUInt32LE(b.length, 1);
    this.parts.push(h, b);
  }

  private global(mod: string, name: string): void {
    this.op(0x63);
    this.parts.push(Buffer.from(`${mod}\n${name}\n`, 'utf8'));
  }

  private int(v: number | bigint): void {
    if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) {
      const b = Buffer.alloc(5);
      b[0] = 0x4a; // BININT
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
      const sign = bytes[bytes.length - 1] & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    this.op(0x8a, bytes.length, ...bytes);
  }

  private value(v: unknown, path: string): void {
    if (v === null || v === undefined) { this.op(0x4e); return; }
    if (v === true || v === false) { this.op(v ? 0x88 : 0x89); return; }
    if (typeof v === 'bigint') { this.int(v); return; }
    if (typeof v === 'number') {
      // JS has one number type: integral values are written as Python ints, others as floats.
      // (PyTorch 1.13's weights_only loader cannot read floats at all; 2.x can.)
      if (Number.isSafeInteger(v)) { this.int(v); return; }
      const b = Buffer.alloc(9);
      b[0] = 0x47; // BINFLOAT, big-endian
      b.writeDoubleBE(v, 1);
      this.parts.push(b);
      return;
    }
    if (typeof v === 'string') { this.str(v); return; }
    if (typeof v !== 'object') throw new TypeError(`torch.save: cannot save ${path} of type ${typeof v}`);
    if (this.seen.has(v)) throw new TypeError(`torch.save: ${path} refers back to itself (cycles cannot be saved)`);
    this.seen.add(v);
    if (v instanceof Tensor) this.tensor(v);
    else if (Array.isArray(v)) {
      this.op(0x5d); // EMPTY_LIST
      if (v.length) {
        this.op(0x28);
        v.forEach((x, i) => this.value(x, `${path}[${i}]`));
        this.op(0x65); // APPENDS
      }
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      this.global('collections', 'OrderedDict');
      this.op(0x29, 0x52); // EMPTY_TUPLE, REDUCE
      const keys = Object.keys(v);
      if (keys.length) {
        this.op(0x28);
        const intKeys = intKeyed.has(v);
        for (const k of keys) {
          if (intKeys && /^-?\d+$/.test(k)) this.int(Number(k));
          else this.str(k);
          this.value((v as Record<string, unknown>)[k], `${path}.${k}`);
        }
        this.op(0x75); // SETITEMS
      }
    } else {
      throw new TypeError(`torch.save: cannot save ${path} of type ${v.constructor?.name ?? 'object'} ` +
        '(only Tensors, plain objects, arrays, numbers, strings, booleans and null)');
    }
    this.seen.delete(v);
  }

  private tensor(t: Tensor): void {
    const [key, location, numel] = this.onTensor(t);
    const shape = t.shape;
    // The storage is written contiguous, so the strides are the contiguous ones.
    const stride = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.op(0x28); // MARK: the argument tuple
    this.op(0x28); // MARK: the persistent id tuple
    this.str('storage');
    this.global('torch', STORAGE_NAMES[t.dtype]);
    this.str(key);
    this.str(location);
    this.int(numel);
    this.op(0x74, 0x51); // TUPLE, BINPERSID
    this.int(0);
    this.op(0x28); shape.forEach((d) => this.int(d)); this.op(0x74);
    this.op(0x28); stride.forEach((d) => this.int(d)); this.op(0x74);
    this.op(t.requiresGrad ? 0x88 : 0x89);
    this.global('collections', 'OrderedDict');
    this.op(0x29, 0x52); // backward hooks: OrderedDict()
    this.op(0x74, 0x52); // TUPLE, REDUCE
  }
}
