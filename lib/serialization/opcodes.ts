// Pickle opcodes by name (Python's pickletools spelling): each one's byte and the protocol that added it.
// The reader (unpickler.ts), the writer (pickler.ts) and the tests all spell opcodes through this table.

/**
 * name -> [byte, protocol]; every opcode of protocols 0 to 5, whether or not the reader accepts it.
 * Mirrors `pickletools.opcodes` (as a table).
 */
export const OPCODES = {
  // protocol 0: text
  MARK: [0x28, 0], STOP: [0x2e, 0], POP: [0x30, 0], DUP: [0x32, 0], FLOAT: [0x46, 0],
  INT: [0x49, 0], LONG: [0x4c, 0], NONE: [0x4e, 0], PERSID: [0x50, 0], REDUCE: [0x52, 0], STRING: [0x53, 0],
  UNICODE: [0x56, 0], APPEND: [0x61, 0], BUILD: [0x62, 0], GLOBAL: [0x63, 0], DICT: [0x64, 0], GET: [0x67, 0],
  INST: [0x69, 0], LIST: [0x6c, 0], PUT: [0x70, 0], SETITEM: [0x73, 0], TUPLE: [0x74, 0],
  // protocol 1: binary
  EMPTY_TUPLE: [0x29, 1], POP_MARK: [0x31, 1], BINFLOAT: [0x47, 1], BININT: [0x4a, 1],
  BININT1: [0x4b, 1], BININT2: [0x4d, 1], BINPERSID: [0x51, 1], BINSTRING: [0x54, 1], SHORT_BINSTRING: [0x55, 1],
  BINUNICODE: [0x58, 1], EMPTY_LIST: [0x5d, 1], APPENDS: [0x65, 1], BINGET: [0x68, 1], LONG_BINGET: [0x6a, 1],
  OBJ: [0x6f, 1], BINPUT: [0x71, 1], LONG_BINPUT: [0x72, 1], SETITEMS: [0x75, 1], EMPTY_DICT: [0x7d, 1],
  // protocol 2
  PROTO: [0x80, 2], NEWOBJ: [0x81, 2], EXT1: [0x82, 2], EXT2: [0x83, 2], EXT4: [0x84, 2], TUPLE1: [0x85, 2],
  TUPLE2: [0x86, 2], TUPLE3: [0x87, 2], NEWTRUE: [0x88, 2], NEWFALSE: [0x89, 2], LONG1: [0x8a, 2], LONG4: [0x8b, 2],
  // protocol 3
  BINBYTES: [0x42, 3], SHORT_BINBYTES: [0x43, 3],
  // protocol 4
  SHORT_BINUNICODE: [0x8c, 4], BINUNICODE8: [0x8d, 4], BINBYTES8: [0x8e, 4], EMPTY_SET: [0x8f, 4],
  ADDITEMS: [0x90, 4], FROZENSET: [0x91, 4], NEWOBJ_EX: [0x92, 4], STACK_GLOBAL: [0x93, 4], MEMOIZE: [0x94, 4],
  FRAME: [0x95, 4],
  // protocol 5
  BYTEARRAY8: [0x96, 5], NEXT_BUFFER: [0x97, 5], READONLY_BUFFER: [0x98, 5],
} as const;

export type OpName = keyof typeof OPCODES;

/**
 * name -> byte, for switch cases and for writing: OP.PROTO === 0x80.
 * Mirrors the opcode constants of Python's `pickle` module.
 */
export const OP = Object.freeze(Object.fromEntries(Object.entries(OPCODES).map(([n, [code]]) => [n, code]))) as
  { readonly [K in OpName]: (typeof OPCODES)[K][0] };

const NAMES = new Map<number, OpName>(Object.entries(OPCODES).map(([n, [code]]) => [code, n as OpName]));

/**
 * The name of an opcode byte ('PROTO'), or undefined for a byte that is no opcode.
 * Mirrors `pickletools`' opcode lookup by code.
 */
export function opName(code: number): OpName | undefined { return NAMES.get(code); }

/**
 * The protocol that introduced an opcode.
 * Mirrors `pickletools.OpcodeInfo.proto`.
 */
export function protocolOf(name: OpName): number { return OPCODES[name][1]; }

/**
 * The highest protocol the reader and the table know.
 * Mirrors `pickle.HIGHEST_PROTOCOL`.
 */
export const HIGHEST_PROTOCOL = 5;

/**
 * Python's pickle protocol that torch.save writes.
 * Mirrors `torch.serialization.DEFAULT_PROTOCOL`.
 */
export const DEFAULT_PROTOCOL = 2;
