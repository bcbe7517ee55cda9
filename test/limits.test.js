// Issue 13's loader half: hostile files are refused at load with an Error naming the file — sizes that
// overflow, pickles that hang, nest or expand, duplicate zip records, safetensors headers that nest or
// multiply entries, corrupt TorchScript archives — within limits that are options with safe defaults.
'use strict';
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, safetensors } = require('..');
const { PYTHON, needOracle, python, skip } = require('./helpers');
const P = require('./support/pickle');
const { legacyBytes } = require('./support/legacy');
const { runCapped, ending } = require('./support/capped');

// The prelude of a capped child: the package and the pickle helpers.
const PRELUDE = `const { torch } = torchvgg; const P = require(${JSON.stringify(require.resolve('./support/pickle'))});\n`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-limits-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name, bytes) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function throwsNaming(file, fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `an Error: ${e}`);
    assert.ok(e.message.startsWith(`${file}:`), `names the file: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

/** A pickle of `n` nested lists: EMPTY_LIST x n, then APPEND x (n - 1). */
function nested(n) {
  return Buffer.concat([P.op('PROTO', 2), Buffer.alloc(n, P.OP.EMPTY_LIST), Buffer.alloc(n - 1, P.OP.APPEND), P.op('STOP')]);
}

/** safetensors bytes of a header given as text, and `data`. */
function safetensorsBytes(header, data = Buffer.alloc(0)) {
  const h = Buffer.from(header);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, data]);
}

describe('checked sizes at load', function () {
  const float = Buffer.alloc(4);
  float.writeFloatLE(1.5);

  it('refuses a 700-byte checkpoint holding one float as size [2^31, 2^31], stride [0, 0]', function () {
    const bytes = P.checkpointBytes(P.tensorPickle(1, [2 ** 31, 2 ** 31], [0, 0]), { 0: float });
    assert.ok(bytes.length < 700, `${bytes.length} bytes`);
    const file = write('overflow.pt', bytes);
    throwsNaming(file, () => torch.load(file), /size \[2147483648,2147483648\] would take 18446744073709551616 bytes/);
  });

  it('refuses the same view in the legacy format', function () {
    const file = write('overflow-legacy.pt', legacyBytes({ 0: { dtype: 'float32', bytes: float } },
      { t: { key: '0', size: [2 ** 31, 2 ** 31], stride: [0, 0] } }));
    throwsNaming(file, () => torch.load(file), /more than any tensor can hold/);
  });

  it('still loads a legitimate expanded view (stride 0) that fits', function () {
    const t = torch.load(P.checkpointBytes(P.tensorPickle(1, [3, 4], [0, 0]), { 0: float }));
    assert.deepStrictEqual(t.tolist(), [[1.5, 1.5, 1.5, 1.5], [1.5, 1.5, 1.5, 1.5], [1.5, 1.5, 1.5, 1.5]]);
  });
});

describe('pickle limits: maxObjects, maxMemo, maxDepth', function () {
  it('unpickles 4 million EMPTY_LIST/EMPTY_DICT opcodes in linear time (it took over 90 s)', function () {
    const r = runCapped(`${PRELUDE}
const body = Buffer.alloc(4e6);
for (let i = 0; i < body.length; i++) body[i] = i % 2 ? P.OP.EMPTY_DICT : P.OP.EMPTY_LIST;
const bytes = P.checkpointBytes(Buffer.concat([P.op('PROTO', 2), body, P.op('STOP')]));
const started = Date.now();
torch.load(bytes);
console.log(Date.now() - started);`, { memoryMB: 4096, seconds: 30 });
    assert.strictEqual(r.status, 0, ending(r));
    assert.ok(Number(r.stdout) < 6000, `${r.stdout} ms (about 1 s when linear; 15 to 90 s before)`);
  });

  it('refuses more objects than maxObjects, naming the limit', function () {
    const file = write('objects.pt', P.checkpointBytes(Buffer.concat([P.op('PROTO', 2), Buffer.alloc(2000, P.OP.EMPTY_LIST), P.op('STOP')])));
    throwsNaming(file, () => torch.load(file, { maxObjects: 1000 }), /more than 1000 objects \(the maxObjects limit\)/);
    torch.load(file, { maxObjects: 2000 });
  });

  it('refuses more memo entries than maxMemo, naming the limit', function () {
    const puts = [];
    for (let i = 0; i < 300; i++) puts.push(P.op('LONG_BINPUT', i & 0xff, i >> 8, 0, 0));
    const file = write('memo.pt', P.checkpointBytes(Buffer.concat([P.op('PROTO', 2), P.op('NONE'), ...puts, P.op('STOP')])));
    throwsNaming(file, () => torch.load(file, { maxMemo: 100 }), /more than 100 memo entries \(the maxMemo limit\)/);
    assert.strictEqual(torch.load(file), null);
  });

  it('refuses a 100,000-deep pickle with an Error naming the file and maxDepth (it was a bare RangeError)', function () {
    const file = write('deep.pt', P.checkpointBytes(nested(100000)));
    throwsNaming(file, () => torch.load(file), /nest deeper than 1000 levels \(the maxDepth limit\)/);
    const legal = write('deep-1000.pt', P.checkpointBytes(nested(1000)));
    let v = torch.load(legal);
    for (let d = 1; d < 1000; d++) v = v[0];
    assert.deepStrictEqual(v, []);
    throwsNaming(legal, () => torch.load(legal, { maxDepth: 999 }), /maxDepth/);
    torch.load(write('deep-1500.pt', P.checkpointBytes(nested(1500))), { maxDepth: 1500 });
  });

  it('refuses a container that contains itself', function () {
    const file = write('cycle.pt', P.checkpointBytes(Buffer.concat([P.op('PROTO', 2), P.op('EMPTY_LIST'), P.op('BINPUT', 0),
      P.op('BINGET', 0), P.op('APPEND'), P.op('STOP')])));
    throwsNaming(file, () => torch.load(file), /contains itself/);
  });

  it('checks the limit options like every other option', function () {
    const bytes = P.checkpointBytes(P.pkl(1));
    assert.throws(() => torch.load(bytes, { maxDepth: 0 }), RangeError);
    assert.throws(() => torch.load(bytes, { maxObjects: 'many' }), TypeError);
    assert.throws(() => torch.load(bytes, { maxdepth: 5 }), /maxDepth/);
  });
});

describe('shared references stay shared, in torch.load and torch.save', function () {
  /** 671 bytes: l0 = [1]; l(i) = [l(i-1), l(i-1)] for i up to 40, so 2^40 leaves once expanded. */
  function bomb() {
    const parts = [P.op('PROTO', 2), P.op('EMPTY_LIST'), P.int(1), P.op('APPEND'), P.op('BINPUT', 0)];
    for (let i = 1; i <= 40; i++) {
      parts.push(P.op('EMPTY_LIST'), P.op('BINGET', i - 1), P.op('APPEND'), P.op('BINGET', i - 1), P.op('APPEND'), P.op('BINPUT', i));
    }
    return P.checkpointBytes(Buffer.concat([...parts, P.op('STOP')]));
  }

  it('torch.save(torch.load(f)) of 2^40 shared leaves writes each list once (it ran out of memory)', function () {
    const file = write('bomb.pt', bomb());
    const out = path.join(tmp, 'bomb-saved.pt');
    const r = runCapped(`${PRELUDE}
const x = torch.load(${JSON.stringify(file)});
torch.save(x, ${JSON.stringify(out)});
const y = torch.load(${JSON.stringify(out)});
let v = y;
for (let i = 0; i < 40; i++) { if (v[0] !== v[1]) throw new Error('not shared at depth ' + i); v = v[0]; }
console.log(require('fs').statSync(${JSON.stringify(out)}).size);`, { seconds: 30 });
    assert.strictEqual(r.status, 0, ending(r));
    assert.ok(Number(r.stdout) < 4096, `${r.stdout} bytes`);
  });

  it('torch.save writes a tensor shared by 1,000 references once, and Python reads it back shared', function () {
    const t = torch.arange(1000).to('float32');
    const file = path.join(tmp, 'shared.pt');
    const single = path.join(tmp, 'single.pt');
    torch.save({ refs: Array.from({ length: 1000 }, () => t) }, file);
    torch.save({ refs: [t] }, single);
    assert.ok(fs.statSync(file).size < fs.statSync(single).size + 8192, `${fs.statSync(file).size} bytes`);
    const back = torch.load(file);
    assert.strictEqual(back.refs[0], back.refs[999]);
    assert.strictEqual(back.refs[500].sum().item(), 499500);
    if (spawnSync(PYTHON, ['-c', 'import torch']).status !== 0) return;
    const py = python(`
import json, sys, torch
c = torch.load(sys.argv[1], weights_only=True)
r = c["refs"]
print(json.dumps([len(r), all(x is r[0] for x in r), float(r[0].sum())]))`, [file]);
    assert.deepStrictEqual(py, [1000, true, 499500]);
  });

  it('torch.save refuses objects nested deeper than torch.load reads back', function () {
    let deep = [];
    for (let i = 0; i < 1000; i++) deep = [deep];
    assert.throws(() => torch.save(deep, path.join(tmp, 'deep-save.pt')), /nests deeper than 1000 levels/);
  });
});

describe('zip archives', function () {
  it('refuses two archive/data.pkl records instead of using the last', function () {
    const file = write('twice.pt', P.zipBytes([['archive/data.pkl', P.pkl(1)], ['archive/data.pkl', P.pkl(2)]]));
    throwsNaming(file, () => torch.load(file), /two entries are named 'archive\/data.pkl'/);
  });
});

describe('every load error names the file', function () {
  const loop = path.join(tmp, 'loop-a');
  before(function () {
    fs.symlinkSync(path.join(tmp, 'loop-b'), loop);
    fs.symlinkSync(loop, path.join(tmp, 'loop-b'));
  });

  it('says a directory is a directory (it was a bare EISDIR)', async function () {
    throwsNaming(tmp, () => torch.load(tmp), /is a directory/);
    await assert.rejects(torch.loadAsync(tmp), new RegExp(`^Error: ${tmp}: is a directory`));
    throwsNaming(tmp, () => safetensors.loadFile(tmp), /is a directory/);
    throwsNaming(tmp, () => torch.jit.load(tmp), /is a directory/);
  });

  it('says a symlink loop is a symlink loop (it was "no such file")', function () {
    throwsNaming(loop, () => torch.load(loop), /symlink loop/);
    throwsNaming(loop, () => torch.jit.load(loop), /symlink loop/);
    throwsNaming(loop, () => safetensors.loadFile(loop), /symlink loop/);
  });

  it('reads files under /proc to their end instead of calling them empty, and names devices', function () {
    if (!fs.existsSync('/proc/self/status')) skip(this, 'no /proc here');
    throwsNaming('/proc/self/status', () => torch.load('/proc/self/status'), /not a PyTorch checkpoint/);
    throwsNaming('/dev/zero', () => torch.load('/dev/zero'), /is a character device/);
    throwsNaming('/dev/null', () => safetensors.loadFile('/dev/null'), /is a character device/);
  });

  it('refuses a FIFO at once instead of waiting for a writer', function () {
    const fifo = path.join(tmp, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) skip(this, 'no mkfifo here');
    const r = runCapped(`${PRELUDE}
for (const load of [torch.load, torchvgg.safetensors.loadFile, torch.jit.load]) {
  try { load(${JSON.stringify(fifo)}); } catch (e) { console.log(e.message); }
}`, { seconds: 20 });
    assert.strictEqual(r.status, 0, ending(r));
    assert.deepStrictEqual(r.stdout.trim().split('\n'), Array(3).fill(`${fifo}: is a FIFO, not a regular file`));
  });

  it('says when a file is larger than one Node.js buffer holds, for every loader', function () {
    const { MAX_LENGTH } = require('buffer').constants;
    if (MAX_LENGTH > 2 ** 40) skip(this, `this Node.js holds ${MAX_LENGTH} bytes in one buffer`);
    const big = path.join(tmp, 'big.pt');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, MAX_LENGTH + 1); // sparse: no disk space used
    try {
      for (const load of [torch.load, safetensors.loadFile, torch.jit.load]) {
        throwsNaming(big, () => load(big), /more than this Node.js holds in one buffer/);
      }
    } finally {
      fs.unlinkSync(big);
    }
  });

  it('gives a clear TypeError for safetensors.load(null) and names a dtype called __proto__', function () {
    assert.throws(() => safetensors.load(null), (e) => e instanceof TypeError && /data must be a Buffer or a Uint8Array; got null/.test(e.message));
    assert.throws(() => safetensors.loadFile(null), TypeError);
    const file = write('proto.safetensors', safetensorsBytes('{"a":{"dtype":"__proto__","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4)));
    throwsNaming(file, () => safetensors.loadFile(file), /tensor 'a' has unsupported dtype "__proto__"/);
  });
});

describe('safetensors headers', function () {
  it('refuses nesting at once instead of parsing 20 MB of [', function () {
    const started = Date.now();
    const file = write('nested.safetensors', safetensorsBytes('['.repeat(20 << 20)));
    throwsNaming(file, () => safetensors.loadFile(file), /larger than the maxHeaderBytes limit/);
    throwsNaming(file, () => safetensors.loadFile(file, { maxHeaderBytes: 32 << 20 }), /expected '\{' at character 0/);
    const deeper = write('deeper.safetensors', safetensorsBytes('{"a":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}}', Buffer.alloc(4)));
    throwsNaming(deeper, () => safetensors.loadFile(deeper), /expected a non-negative integer/);
    const meta = write('meta.safetensors', safetensorsBytes('{"__metadata__":{"a":{"b":"c"}}}'));
    throwsNaming(meta, () => safetensors.loadFile(meta), /expected a string/);
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses unknown fields and names given twice', function () {
    const extra = write('extra.safetensors', safetensorsBytes('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":[[[]]]}}', Buffer.alloc(4)));
    throwsNaming(extra, () => safetensors.loadFile(extra), /unexpected or repeated field 'x'/);
    const twice = write('twice.safetensors', safetensorsBytes('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4)));
    throwsNaming(twice, () => safetensors.loadFile(twice), /names 'a' twice/);
  });

  it('refuses 300,000 empty entries by the maxEntries limit (they cost 918 MB)', function () {
    const entries = Array.from({ length: 300000 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const file = write('many.safetensors', safetensorsBytes(`{${entries.join(',')}}`));
    throwsNaming(file, () => safetensors.loadFile(file, { maxHeaderBytes: 64 << 20 }), /more than 100000 entries \(the maxEntries limit\)/);
    throwsNaming(file, () => safetensors.loadFile(file, { maxHeaderBytes: 64 << 20, maxEntries: 10 }), /more than 10 entries/);
    throwsNaming(file, () => safetensors.loadFile(file), /maxHeaderBytes/);
  });

  it('still reads a header padded with spaces, escaped names and null metadata', function () {
    const data = Buffer.alloc(4);
    data.writeFloatLE(2.5);
    const t = safetensors.load(safetensorsBytes('{"__metadata__":null, "a\\"b\\u00e9" : {"dtype":"F32","shape":[],"data_offsets":[0,4]}}    ', data));
    assert.strictEqual(t['a"bé'].item(), 2.5);
    assert.throws(() => safetensors.load(Buffer.alloc(8), { maxEntries: -1 }), RangeError);
  });
});

describe('TorchScript archives are checked before libtorch parses them', function () {
  let good;
  before(function () {
    needOracle(this);
    good = path.join(tmp, 'tiny.pt');
    const broken = path.join(tmp, 'bad-code.pt');
    python(`
import json, sys, torch, zipfile
torch.manual_seed(0)
torch.jit.script(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())).save(sys.argv[1])
# the same archive, sound as a zip, whose Linear code does not compile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w") as dst:
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith("modules/linear.py"):
            data = data.replace(b"def forward", b"def forward(((")
        dst.writestr(info, data)
# and one whose code record inflates to 300 MB (a decompression bomb of 300 KB)
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[3], "w") as dst:
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith("modules/linear.py"):
            data += b"#" * (300 << 20)
        dst.writestr(info, data)
print(json.dumps(1))`, [good, broken, path.join(tmp, 'bomb-code.pt')]);
  });

  it('refuses a record whose bytes were corrupted, before libtorch sees it (it could crash after a valid load)', function () {
    const bytes = fs.readFileSync(good);
    torch.jit.load(good);
    const { zipLayout } = require('../scripts/fuzz/mutate');
    for (const e of zipLayout(bytes).central.filter((x) => !/\/data\/\d+$/.test(x.name))) {
      const b = Buffer.from(bytes);
      b[e.dataOffset + (e.size >> 1)] ^= 0x55;
      const file = write('corrupt.pt', b);
      throwsNaming(file, () => torch.jit.load(file), /CRC-32|inflate/);
    }
  });

  it('refuses a code record that would inflate past 256 MiB, before inflating it', function () {
    const file = path.join(tmp, 'bomb-code.pt');
    assert.ok(fs.statSync(file).size < 1 << 20);
    throwsNaming(file, () => torch.jit.load(file), /would inflate to 314573\d+ bytes \(at most 268435456 are read\)/);
  });

  it('names the file in a TorchScript compile error', function () {
    const file = path.join(tmp, 'bad-code.pt');
    throwsNaming(file, () => torch.jit.load(file), /not a loadable TorchScript file/);
  });
});
