// Builds legacy-format (PyTorch < 1.6) checkpoints by hand for tests and fuzz seeds: the magic, protocol
// and sys_info pickles, a dict of tensors whose storages are persistent ids, the key list, and then each
// storage as an int64 element count and its raw little-endian bytes.
'use strict';
const { op, pkl, global: GLOBAL } = require('./pickle');

const MAGIC = 0x1950a86a20f9469cfc6cn;
const STORAGE = { float32: ['FloatStorage', 4], int64: ['LongStorage', 8], uint8: ['ByteStorage', 1], bool: ['BoolStorage', 1] };

/**
 * storages: { key: { dtype, bytes } }; tensors: { name: { key, size, stride, offset } }. Returns the
 * bytes of a legacy checkpoint holding the dict name -> tensor.
 */
function legacyBytes(storages, tensors) {
  const magic = Buffer.alloc(10);
  for (let i = 0, v = MAGIC; i < 10; i++, v >>= 8n) magic[i] = Number(v & 0xffn);
  const header = [
    Buffer.concat([op('PROTO', 2), op('LONG1', 10), magic, op('STOP')]),
    pkl(1001),
    pkl(['EMPTY_DICT'], 'protocol_version', 1001, ['SETITEM'], 'little_endian', ['NEWTRUE', 'SETITEM'],
      'type_sizes', ['EMPTY_DICT'], 'short', 2, ['SETITEM'], 'int', 4, ['SETITEM'], 'long', 4, ['SETITEM', 'SETITEM']),
  ];
  const parts = [['EMPTY_DICT']];
  for (const [name, t] of Object.entries(tensors)) {
    const s = storages[t.key];
    const [type, item] = STORAGE[s.dtype];
    parts.push(name, GLOBAL('torch._utils', '_rebuild_tensor_v2'), ['MARK', 'MARK'], 'storage', GLOBAL('torch', type), t.key, 'cpu',
      s.bytes.length / item, ['NONE', 'TUPLE', 'BINPERSID'], t.offset ?? 0, ['MARK'], ...t.size, ['TUPLE', 'MARK'], ...t.stride,
      ['TUPLE', 'NEWFALSE'], GLOBAL('collections', 'OrderedDict'), ['EMPTY_TUPLE', 'REDUCE', 'TUPLE', 'REDUCE', 'SETITEM']);
  }
  const keys = Object.keys(storages);
  const data = keys.map((k) => {
    const count = Buffer.alloc(8);
    count.writeBigInt64LE(BigInt(storages[k].bytes.length / STORAGE[storages[k].dtype][1]));
    return Buffer.concat([count, storages[k].bytes]);
  });
  return Buffer.concat([...header, pkl(...parts), pkl(['EMPTY_LIST', 'MARK'], ...keys, ['APPENDS']), ...data]);
}

module.exports = { legacyBytes };
