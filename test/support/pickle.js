// Builds pickles and torch.save-style zip archives by hand for the serialization tests. Every opcode is
// spelled by name through the reader's own table (lib/serialization/opcodes.ts), never as a raw byte.
'use strict';
const { torch } = require('../..');
const { zipBytes } = require('../../scripts/fuzz/zip_bytes');

// The opcode table, through the package's public torch.serialization.
const { OP, OPCODES, DEFAULT_PROTOCOL } = torch.serialization;

/** One opcode by name, followed by its raw argument bytes: op('PROTO', 2), op('BINGET', 5). */
function op(name, ...args) {
  if (!Object.prototype.hasOwnProperty.call(OP, name)) throw new Error(`no pickle opcode named ${name}`);
  return Buffer.from([OP[name], ...args]);
}

/** A string as BINUNICODE. */
function str(s) {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([op('BINUNICODE'), len, b]);
}

/** An integer as BININT, or LONG1 of 8 bytes when it does not fit 32 bits. */
function int(n) {
  if (n >= -(2 ** 31) && n < 2 ** 31) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return Buffer.concat([op('BININT'), b]);
  }
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return Buffer.concat([op('LONG1', 8), b]);
}

/** GLOBAL (or INST) with its two text lines. */
function global(mod, name, opcode = 'GLOBAL') {
  return Buffer.concat([op(opcode), Buffer.from(`${mod}\n${name}\n`)]);
}

/**
 * A whole pickle: PROTO 2, the parts, STOP. A string part is a BINUNICODE value, a number an integer,
 * an array a list of opcode names (['TUPLE1', 'REDUCE']), a Buffer raw bytes.
 */
function pkl(...parts) {
  const body = parts.map((p) => {
    if (typeof p === 'string') return str(p);
    if (typeof p === 'number') return int(p);
    if (Array.isArray(p)) return Buffer.concat(p.map((name) => op(name)));
    return Buffer.from(p);
  });
  return Buffer.concat([op('PROTO', DEFAULT_PROTOCOL), ...body, op('STOP')]);
}

/** _rebuild_tensor_v2(('storage', torch.FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict()) */
function tensorPickle(numel, size, stride, offset = 0) {
  return pkl(global('torch._utils', '_rebuild_tensor_v2'), ['MARK', 'MARK'], 'storage', global('torch', 'FloatStorage'),
    '0', 'cpu', numel, ['TUPLE', 'BINPERSID'], offset, ['MARK'], ...size, ['TUPLE', 'MARK'], ...stride, ['TUPLE', 'NEWFALSE'],
    global('collections', 'OrderedDict'), ['EMPTY_TUPLE', 'REDUCE', 'TUPLE', 'REDUCE']);
}


/** A torch.save-style checkpoint: `pickle` as archive/data.pkl and each record as archive/data/<key>. */
function checkpointBytes(pickle, records = {}) {
  const entries = { 'archive/data.pkl': pickle };
  for (const [k, v] of Object.entries(records)) entries[`archive/data/${k}`] = v;
  return zipBytes(entries);
}

/** Name and data offset of each entry of a zip written without data descriptors, walking its local headers. */
function zipRecords(buf) {
  const out = [];
  for (let at = 0; buf.readUInt32LE(at) === 0x04034b50;) {
    const size = buf.readUInt32LE(at + 18);
    const nameLen = buf.readUInt16LE(at + 26);
    const dataOffset = at + 30 + nameLen + buf.readUInt16LE(at + 28);
    out.push({ name: buf.toString('utf8', at + 30, at + 30 + nameLen), dataOffset, size });
    at = dataOffset + size;
  }
  return out;
}

module.exports = { OP, OPCODES, op, str, int, global, pkl, tensorPickle, zipBytes, checkpointBytes, zipRecords };
