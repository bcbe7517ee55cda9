// The pickle opcode table that the reader, the writer and these tests share: it matches Python's, the
// writer emits only what PyTorch's weights_only reader knows, the reader reads what Python's pickle
// writes, and an opcode the reader does not take is refused by name.
'use strict';
const assert = require('assert');
const { torch, Tensor } = require('..');
const { needOracle, python } = require('./helpers');
const { OP, OPCODES, op, pkl, checkpointBytes, zipRecords } = require('./support/pickle');

const fs = require('fs');
const os = require('os');
const path = require('path');

// Opcodes that the allowlist reader refuses: text forms torch.save never writes, extension registry
// lookups, out-of-band buffers and instance creation.
const REFUSED = ['PERSID', 'FLOAT', 'LONG', 'STRING', 'UNICODE', 'GET', 'PUT', 'OBJ', 'EXT1', 'EXT2', 'EXT4',
  'NEXT_BUFFER', 'READONLY_BUFFER'];

describe('pickle opcodes', function () {
  it("has Python's pickletools table: every name, byte and protocol", function () {
    needOracle(this);
    const py = python(`
import json, pickletools
print(json.dumps({o.name: [ord(o.code), o.proto] for o in pickletools.opcodes}))`);
    const ours = Object.fromEntries(Object.entries(OPCODES).map(([n, [code, proto]]) => [n, [code, proto]]));
    assert.deepStrictEqual(ours, py);
  });

  it("writes only protocol 2 opcodes that PyTorch 1.13's weights_only reader knows (BINFLOAT aside)", function () {
    needOracle(this);
    const file = path.join(os.tmpdir(), `torchvgg-ops-${process.pid}.pt`);
    torch.save({ w: torch.ones(2, 3), n: [1, -70000, 2 ** 40, -(2 ** 40)], s: 'x', f: 0.5, b: [true, false], z: null,
      nested: { a: { b: torch.arange(3) } } }, file);
    const buf = fs.readFileSync(file);
    fs.unlinkSync(file);
    const rec = zipRecords(buf).find((r) => r.name === 'archive/data.pkl');
    const names = python(`
import json, pickletools, sys
print(json.dumps(sorted({o.name for o, _, _ in pickletools.genops(bytes.fromhex(sys.argv[1]))})))`,
    [buf.subarray(rec.dataOffset, rec.dataOffset + rec.size).toString('hex')]);
    const weightsOnly = ['PROTO', 'STOP', 'GLOBAL', 'MARK', 'TUPLE', 'BINPERSID', 'BININT', 'LONG1', 'NEWTRUE', 'NEWFALSE',
      'EMPTY_TUPLE', 'REDUCE', 'BINUNICODE', 'EMPTY_LIST', 'APPENDS', 'SETITEMS', 'NONE', 'BINFLOAT',
      'BINPUT', 'LONG_BINPUT', 'BINGET', 'LONG_BINGET'];
    for (const name of names) {
      assert.ok(weightsOnly.includes(name), `${name} is not read by weights_only`);
      assert.ok(OPCODES[name][1] <= 2, `${name} is from protocol ${OPCODES[name][1]}`);
    }
    assert.ok(names.includes('BINPERSID') && names.includes('SETITEMS'), names.join());
  });

  for (const protocol of [2, 3, 4, 5]) {
    it(`reads plain containers, numbers, strings and bytes that Python pickles with protocol ${protocol}`, function () {
      needOracle(this);
      const r = python(`
import collections, json, pickle, pickletools, sys
shared = [1, 2]
obj = {"i": 7, "neg": -300, "big": 2**40, "huge": 2**70, "f": 0.25, "s": "héllo", "t": (1, "a", None),
       "l": [True, False, None], "b": b"\\x00\\xff", "shared": [shared, shared],
       "od": collections.OrderedDict([("k", 1)]), 5: "int key"}
if ${protocol} >= 4: obj.update(set={3}, frozen=frozenset([4]))  # before 4: a call of builtins.set, refused
if ${protocol} >= 5: obj["ba"] = bytearray(b"\\x01\\x02")
data = pickle.dumps(obj, protocol=${protocol})
print(json.dumps({"hex": data.hex(), "ops": sorted({o.name for o, _, _ in pickletools.genops(data)})}))`);
      const loaded = torch.load(checkpointBytes(Buffer.from(r.hex, 'hex')));
      assert.strictEqual(loaded.i, 7);
      assert.strictEqual(loaded.neg, -300);
      assert.strictEqual(loaded.big, 2 ** 40);
      assert.strictEqual(loaded.huge, 2n ** 70n);
      assert.strictEqual(loaded.f, 0.25);
      assert.strictEqual(loaded.s, 'héllo');
      assert.deepStrictEqual([...loaded.t], [1, 'a', null]);
      assert.deepStrictEqual(loaded.l, [true, false, null]);
      assert.deepStrictEqual(Array.from(loaded.b), [0, 255]);
      assert.strictEqual(loaded.shared[0], loaded.shared[1], 'a memoised object is one object');
      if (protocol >= 4) assert.deepStrictEqual([loaded.set, loaded.frozen], [[3], [4]]);
      assert.deepStrictEqual({ ...loaded.od }, { k: 1 });
      assert.strictEqual(loaded['5'], 'int key');
      if (protocol >= 5) assert.deepStrictEqual(Array.from(loaded.ba), [1, 2]);
      for (const name of r.ops) assert.ok(OPCODES[name][1] <= protocol, `${name} in a protocol ${protocol} pickle`);
    });
  }

  for (const name of REFUSED) {
    it(`refuses ${name} with an Error naming the opcode`, function () {
      const data = checkpointBytes(pkl([name]));
      assert.throws(() => torch.load(data), (e) => e instanceof Error
        && /^<buffer>: malformed pickle at byte \d+ /.test(e.message)
        && e.message.includes(`(opcode 0x${OP[name].toString(16)} ${name}): unsupported opcode`));
    });
  }

  it('refuses a byte that is no opcode at all, giving its value', function () {
    const codes = new Set(Object.values(OP));
    const notAnOpcode = [...Array(256).keys()].find((b) => !codes.has(b));
    const data = checkpointBytes(Buffer.concat([op('PROTO', 2), Buffer.of(notAnOpcode), op('STOP')]));
    assert.throws(() => torch.load(data), (e) => e.message.includes(`(opcode 0x${notAnOpcode.toString(16).padStart(2, '0')}): unsupported opcode`));
  });

  it('reads a tensor pickle spelled with the table', function () {
    const { tensorPickle } = require('./support/pickle');
    const data = Buffer.alloc(16);
    [1, 2, 3, 4].forEach((v, i) => data.writeFloatLE(v, i * 4));
    const t = torch.load(checkpointBytes(tensorPickle(4, [2, 2], [2, 1]), { 0: data }));
    assert.ok(t instanceof Tensor);
    assert.deepStrictEqual(t.tolist(), [[1, 2], [3, 4]]);
  });
});
