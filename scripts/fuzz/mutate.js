// Structure-aware mutators for the fuzzer: each takes a valid file's bytes and a seeded random source and
// returns a broken variant that knows the format (zip records and fields, pickle opcodes, the legacy
// format's pickles and counts, the safetensors header, TorchScript archives).
'use strict';
const { OP, OPCODES } = require('../..').torch.serialization;
const { zipBytes } = require('./zip_bytes');

/** mulberry32: a small PRNG; one per mutant, seeded from (run seed, mutant index), so any mutant replays alone. */
function rng(seed, index) {
  let state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (a) => a[int(a.length)] };
}

const EXTREMES32 = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 1 << 20, 64];

// ---- generic byte mutations

function flip(b, r, count = 1 + r.int(4), from = 0, to = b.length) {
  const out = Buffer.from(b);
  if (to <= from) return out;
  for (let k = 0; k < count; k++) out[from + r.int(to - from)] = r.int(256);
  return out;
}

function truncate(b, r) { return b.subarray(0, r.int(b.length)); }

function setField(b, r, at, width) {
  const out = Buffer.from(b);
  if (at < 0 || at + width > out.length) return flip(out, r);
  const v = r.next() < 0.5 ? r.pick(EXTREMES32) : (out.readUIntLE(at, width) + r.int(17) - 8) >>> 0;
  out.writeUIntLE(v % 2 ** (8 * width), at, width);
  return out;
}

// ---- pickles as opcode lists

// Argument layout of each opcode: a fixed byte count, a length prefix of n bytes, or text lines.
const FIXED = { PROTO: 1, BININT1: 1, BINGET: 1, BINPUT: 1, EXT1: 1, BININT2: 2, EXT2: 2, BININT: 4, LONG_BINGET: 4,
  LONG_BINPUT: 4, EXT4: 4, BINFLOAT: 8, FRAME: 8 };
const PREFIXED = { LONG1: 1, SHORT_BINSTRING: 1, SHORT_BINBYTES: 1, SHORT_BINUNICODE: 1, LONG4: 4, BINSTRING: 4,
  BINBYTES: 4, BINUNICODE: 4, BINUNICODE8: 8, BINBYTES8: 8, BYTEARRAY8: 8 };
const LINES = { FLOAT: 1, INT: 1, LONG: 1, PERSID: 1, PUT: 1, GET: 1, STRING: 1, UNICODE: 1, GLOBAL: 2, INST: 2 };
const NAMES = new Map(Object.entries(OPCODES).map(([n, [code]]) => [code, n]));

/** Splits a pickle into opcodes (each a Buffer with its arguments) up to and including STOP; `end` is where it stopped. */
function opcodes(buf, start = 0) {
  const ops = [];
  let at = start;
  while (at < buf.length) {
    const name = NAMES.get(buf[at]);
    let end = at + 1;
    if (!name) break;
    if (FIXED[name]) end += FIXED[name];
    else if (PREFIXED[name]) {
      const w = PREFIXED[name];
      if (end + w > buf.length) break;
      end += w + Number(w === 8 ? buf.readBigUInt64LE(end) : buf.readUIntLE(end, w));
    } else if (LINES[name]) {
      for (let k = 0; k < LINES[name]; k++) { const nl = buf.indexOf(0x0a, end); if (nl < 0) { end = buf.length + 1; break; } end = nl + 1; }
    }
    if (end > buf.length) break;
    ops.push(buf.subarray(at, end));
    at = end;
    if (name === 'STOP') break;
  }
  return { ops, end: at };
}

function randomOp(r) {
  const name = r.pick(Object.keys(OPCODES));
  const code = OP[name];
  if (FIXED[name]) return Buffer.from([code, ...Array.from({ length: FIXED[name] }, () => r.pick([0, 1, 255, r.int(256)]))]);
  if (PREFIXED[name]) {
    const w = PREFIXED[name];
    const len = r.next() < 0.8 ? r.int(9) : r.pick(EXTREMES32);
    const head = Buffer.alloc(1 + w);
    head[0] = code;
    if (w === 8) head.writeBigUInt64LE(BigInt(len), 1); else head.writeUIntLE(len % 2 ** (8 * w), 1, w);
    return Buffer.concat([head, Buffer.alloc(Math.min(len, 16), r.int(256))]);
  }
  if (LINES[name] === 2) return Buffer.concat([Buffer.from([code]), Buffer.from(r.pick(['torch\nFloatStorage\n', 'os\nsystem\n', 'collections\nOrderedDict\n', 'torch._utils\n_rebuild_tensor_v2\n']))]);
  if (LINES[name]) return Buffer.concat([Buffer.from([code]), Buffer.from(r.pick(['1\n', '99999999999999999999\n', 'x\n', '\n']))]);
  return Buffer.from([code]);
}

const INTS = new Set([OP.BININT, OP.BININT1, OP.BININT2, OP.LONG1]);
const BIG = [0, 0, 1, 2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53, 2 ** 62, -1];

/** An integer as LONG1 of 8 bytes. */
function long8(v) {
  const b = Buffer.alloc(10);
  b[0] = OP.LONG1;
  b[1] = 8;
  b.writeBigInt64LE(BigInt(v), 2);
  return b;
}

/** 1 to 3 opcode-level edits: delete, duplicate, swap, insert, re-code, extreme arguments, repeat a run, splice, sizes. */
function mutateOps(ops, r, donor = ops) {
  const out = ops.slice();
  for (let n = 1 + r.int(3); n > 0; n--) {
    const i = r.int(Math.max(1, out.length));
    switch (r.int(9)) {
      case 0: out.splice(i, 1); break;
      case 1: out.splice(i, 0, out[i] ?? randomOp(r)); break;
      case 2: { const j = r.int(out.length); [out[i], out[j]] = [out[j], out[i]]; break; }
      case 3: out.splice(i, 0, randomOp(r)); break;
      case 4: if (out[i]) { const b = Buffer.from(out[i]); b[0] = r.pick(Object.values(OP)); out[i] = b; } break;
      case 5: if (out[i] && out[i].length > 1) out[i] = setField(out[i], r, 1, Math.min(4, out[i].length - 1)); break;
      case 6: { // repeat a short run many times: the bookkeeping must stay linear and within the limits
        const len = 1 + r.int(4);
        const run = out.slice(i, i + len);
        const times = r.pick([10, 100, 1000, 5000]);
        out.splice(i, 0, ...Array.from({ length: times }, () => run).flat());
        break;
      }
      case 7: { // the integers of a run (a tensor's offset, sizes and strides) set to zero or to huge values
        for (let j = i; j < Math.min(out.length, i + 12); j++) if (INTS.has(out[j][0]) && r.next() < 0.5) out[j] = long8(r.pick(BIG));
        break;
      }
      default: { // splice a run of another pickle's opcodes
        const j = r.int(Math.max(1, donor.length));
        out.splice(i, r.int(3), ...donor.slice(j, j + 1 + r.int(8)));
      }
    }
  }
  return out;
}

function mutatePickle(pkl, r, donor) {
  const { ops, end } = opcodes(pkl);
  if (!ops.length) return flip(pkl, r);
  return Buffer.concat([...mutateOps(ops, r, donor ? opcodes(donor).ops : ops), pkl.subarray(end)]);
}

// ---- zip archives

/** Entries of a zip written by torch.save / the test helpers, from its central directory. */
function zipLayout(buf) {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const central = [];
  for (let at = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0 && at + 46 <= buf.length && buf.readUInt32LE(at) === 0x02014b50;) {
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const size = buf.readUInt32LE(at + 20);
    const dataOffset = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    central.push({ at, local, name, size, dataOffset });
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  const zip64 = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
  return { eocd, zip64, central };
}

const entriesOf = (buf, layout) => layout.central.map((e) => [e.name, buf.subarray(e.dataOffset, e.dataOffset + e.size)]);

/** Zip-level edits: bytes inside a record, header and directory fields, truncation, duplicated and swapped records. */
function mutateZip(buf, r) {
  const z = zipLayout(buf);
  if (!z.central.length) return flip(buf, r);
  const e = r.pick(z.central);
  switch (r.int(7)) {
    case 0: return flip(buf, r, 1 + r.int(4), e.dataOffset, e.dataOffset + e.size);
    case 1: return setField(buf, r, e.at + r.pick([10, 20, 24, 28, 30, 32, 42]), r.pick([2, 4]));
    case 2: return setField(buf, r, e.local + r.pick([18, 22, 26, 28]), 2);
    case 3: return z.zip64 >= 0 && r.next() < 0.5 ? setField(buf, r, z.zip64 + r.pick([24, 32, 40, 48]), 4)
      : setField(buf, r, z.eocd + r.pick([8, 10, 12, 16]), r.pick([2, 4]));
    case 4: return truncate(buf, r);
    case 5: { // a duplicated record (the same name twice), or one record's name given to another
      const entries = entriesOf(buf, z);
      const i = r.int(entries.length);
      if (r.next() < 0.5) entries.splice(r.int(entries.length + 1), 0, [entries[i][0], r.pick(entries)[1]]);
      else entries[r.int(entries.length)] = [entries[i][0], entries[r.int(entries.length)][1]];
      return zipBytes(entries);
    }
    default: { // one record's data replaced by another's
      const entries = entriesOf(buf, z);
      entries[r.int(entries.length)][1] = r.pick(entries)[1];
      return zipBytes(entries);
    }
  }
}

/** The pickle inside a torch.save zip mutated by opcodes, rewrapped in a sound zip so it reaches the unpickler. */
function mutateZipPickle(buf, r, donor) {
  const z = zipLayout(buf);
  const entries = entriesOf(buf, z);
  const i = entries.findIndex(([n]) => n.endsWith('/data.pkl'));
  if (i < 0) return mutateZip(buf, r);
  entries[i] = [entries[i][0], mutatePickle(Buffer.from(entries[i][1]), r, donor)];
  return zipBytes(entries);
}

// ---- the legacy format: five pickles, then int64 counts and raw storages

function mutateLegacy(buf, r) {
  const pickles = [];
  let at = 0;
  for (let k = 0; k < 5; k++) {
    const { ops, end } = opcodes(buf, at);
    if (!ops.length) break;
    pickles.push(ops);
    at = end;
  }
  const tail = buf.subarray(at);
  switch (r.int(5)) {
    case 0: case 1: { // opcodes of one of the pickles (mostly the object)
      const k = r.next() < 0.6 ? Math.min(3, pickles.length - 1) : r.int(pickles.length);
      pickles[k] = mutateOps(pickles[k], r);
      return Buffer.concat([...pickles.flat(), tail]);
    }
    case 2: // a storage's element count: the first one, or any 8-byte slot of the tail
      return tail.length >= 8 ? setField(buf, r, at + (r.next() < 0.5 ? 0 : 8 * r.int(tail.length >> 3)), 4) : flip(buf, r);
    case 3: return truncate(buf, r);
    default: return flip(buf, r, 1 + r.int(6), 0, at);
  }
}

// ---- safetensors: the header as JSON

const SHAPES = [[], [0], [2 ** 31, 2 ** 31], [-1], [1.5], [[1]], 'a', [2 ** 53], Array(70).fill(1), [1e300], null];
const DTYPES = ['F32', 'F64', 'I64', 'BOOL', 'U8', 'BF16', '__proto__', 'constructor', 'toString', 'X', 5, null, ['F32']];
const OFFSETS = [[0, 0], [4, 0], [0, 2 ** 53], [0], [0, 4, 8], [-4, 0], [0, 1e300], 'x', [[0], [4]], null];

function mutateSafetensors(buf, r) {
  const n = Number(buf.readBigUInt64LE(0));
  let header;
  try { header = JSON.parse(buf.toString('utf8', 8, 8 + n)); } catch { return flip(buf, r); }
  const data = buf.subarray(8 + n);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = r.pick(names.length ? names : ['x']);
  const entry = header[name] ?? {};
  let text;
  switch (r.int(12)) {
    case 0: entry.dtype = r.pick(DTYPES); break;
    case 1: entry.shape = r.pick(SHAPES); break;
    case 2: entry.data_offsets = r.pick(OFFSETS); break;
    case 3: entry.data_offsets = (entry.data_offsets || [0, 0]).map((v) => v + r.int(9) - 4); break;
    case 4: entry[r.pick(['extra', 'dtype ', 'shape'])] = r.pick([{ a: [[[]]] }, 1, 'x', [[[[1]]]]]); break;
    case 5: header.__metadata__ = r.pick([{ a: 1 }, { a: { b: 'c' } }, [], 'x', { __proto__x: 'y', '': '' }, null]); break;
    case 6: header[r.pick(['__proto__', 'constructor', 'a\u0000b', '\ud800'])] = { ...entry }; break;
    case 7: for (let k = 0; k < r.pick([100, 1000, 5000]); k++) header[`e${k}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] }; break;
    case 8: text = `${JSON.stringify(header).slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(entry)}}`; break; // a duplicate name
    case 9: text = '['.repeat(r.pick([10, 1000, 100000])) + ']'.repeat(r.int(3)); break;
    case 10: { // the length field
      const out = Buffer.from(buf);
      out.writeBigUInt64LE(BigInt(r.pick([0, 1, n - 1, n + 1, n + 8, 2 ** 32, 2 ** 53 - 1, 100_000_001])), 0);
      return out;
    }
    default: return r.next() < 0.5 ? truncate(buf, r) : flip(buf, r, 1 + r.int(4), 8, 8 + n);
  }
  if (names.length) header[name] = entry;
  const json = Buffer.from(text ?? JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

// ---- TorchScript archives: raw corruption only (a record with a fixed CRC is a crafted file: code you trust)

function mutateTorchScript(buf, r) {
  const z = zipLayout(buf);
  const e = z.central.length ? r.pick(z.central) : null;
  switch (r.int(4)) {
    case 0: case 1: return e ? flip(buf, r, 1 + r.int(4), e.dataOffset, e.dataOffset + e.size) : flip(buf, r);
    case 2: return e ? setField(buf, r, e.at + r.pick([10, 20, 24, 28, 42]), r.pick([2, 4])) : truncate(buf, r);
    default: return r.next() < 0.5 ? truncate(buf, r) : flip(buf, r);
  }
}

const MUTATORS = {
  zip: mutateZip, pickle: mutateZipPickle, legacy: mutateLegacy, safetensors: mutateSafetensors, torchscript: mutateTorchScript,
};

module.exports = { rng, opcodes, mutateOps, zipLayout, MUTATORS };
