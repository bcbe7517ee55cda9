// Hostile and broken checkpoints: each one throws an Error naming the file and nothing in it runs (the
// mutation run over real checkpoints is test/fuzz.test.js).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch } = require('..');
const { checkpoint: fixture, needOracle } = require('./helpers');
const { global: GLOBAL, op, pkl, tensorPickle, checkpointBytes } = require('./support/pickle');

const PWNED = '/tmp/torchvgg-pwned';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-hostile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A torch.save-style zip holding `pickle` as archive/data.pkl and `records` as archive/data/<key>.
function zipFile(name, pickle, records = {}) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, checkpointBytes(pickle, records));
  return file;
}

function throwsNaming(file, fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, 'an Error');
    assert.ok(e.message.startsWith(`${file}:`), `names the file: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

describe('hostile checkpoints', function () {
  before(function () { fs.rmSync(PWNED, { force: true }); });

  for (const name of ['evil.pt', 'evil-legacy.pt']) {
    it(`refuses the os.system pickle in ${name}, and the command does not run`, function () {
      needOracle(this);
      const file = fixture(name);
      throwsNaming(file, () => torch.load(file), /refusing to load: global '(posix|os|nt)\.system' is not allowed .*state_dict\(\) or TorchScript/);
      throwsNaming(file, () => torch.load(file, { weightsOnly: false }), /refusing to load/);
      assert.ok(!fs.existsSync(PWNED), `${PWNED} must not exist`);
    });
  }

  it('refuses a whole pickled nn.Module, naming its class', function () {
    needOracle(this);
    const file = fixture('module.pt');
    throwsNaming(file, () => torch.load(file), /global 'torch\.nn\.modules\.linear\.Linear' is not allowed/);
  });

  it('refuses builtins.eval, STACK_GLOBAL lookups and REDUCE of anything not allowed', function () {
    const evalFile = zipFile('eval.pt', pkl(GLOBAL('builtins', 'eval'), '1+1', ['TUPLE1', 'REDUCE']));
    throwsNaming(evalFile, () => torch.load(evalFile), /global 'builtins\.eval' is not allowed/);
    const stack = zipFile('stack.pt', pkl('os', 'system', ['STACK_GLOBAL'], 'true', ['TUPLE1', 'REDUCE']));
    throwsNaming(stack, () => torch.load(stack), /global 'os\.system' is not allowed/);
    const reduceStorage = zipFile('reduce.pt', pkl(GLOBAL('torch', 'FloatStorage'), ['EMPTY_TUPLE', 'REDUCE']));
    throwsNaming(reduceStorage, () => torch.load(reduceStorage), /calling 'torch\.FloatStorage' is not allowed/);
    const newobj = zipFile('newobj.pt', pkl(GLOBAL('torch', 'Tensor'), ['EMPTY_TUPLE', 'NEWOBJ']));
    throwsNaming(newobj, () => torch.load(newobj), /global 'torch\.Tensor' is not allowed/);
    const inst = zipFile('inst.pt', pkl(['MARK'], GLOBAL('subprocess', 'Popen', 'INST')));
    throwsNaming(inst, () => torch.load(inst), /global 'subprocess\.Popen' is not allowed/);
  });

  it('keeps a dict key named __proto__ as plain data', function () {
    const file = zipFile('proto.pt', pkl(['EMPTY_DICT'], '__proto__', 5, ['SETITEM']));
    const obj = torch.load(file);
    assert.strictEqual(Object.getPrototypeOf(obj), Object.prototype);
    assert.strictEqual(Object.getOwnPropertyDescriptor(obj, '__proto__').value, 5);
  });
});

describe('broken checkpoints', function () {
  before(function () { needOracle(this); });

  it('throws for a file truncated anywhere, zip or legacy', function () {
    for (const name of ['small.pt', 'small-legacy.pt']) {
      const full = fs.readFileSync(fixture(name));
      for (const len of [0, 1, 10, 100, full.length >> 1, full.length - 30, full.length - 1]) {
        const file = path.join(tmp, `cut-${len}-${name}`);
        fs.writeFileSync(file, full.subarray(0, len));
        throwsNaming(file, () => torch.load(file));
      }
    }
  });

  it('throws for a zip entry whose offset lies past the end of the file', function () {
    const buf = fs.readFileSync(fixture('small.pt'));
    const cd = buf.indexOf(Buffer.from('PK\x01\x02', 'latin1')) // the central directory;
    buf.writeUInt32LE(0x7ffffff0, cd + 42); // the first entry's local header offset
    const file = path.join(tmp, 'offset.pt');
    fs.writeFileSync(file, buf);
    throwsNaming(file, () => torch.load(file), /malformed zip archive/);
  });

  it('throws for a storage shorter than its tensor needs', function () {
    const short = zipFile('short.pt', tensorPickle(100, [100], [1]), { 0: Buffer.alloc(16) });
    throwsNaming(short, () => torch.load(short), /should hold 100 float32 elements \(400 bytes\), but its record has 16 bytes/);
    const reach = zipFile('reach.pt', tensorPickle(4, [3, 3], [3, 1]), { 0: Buffer.alloc(16) });
    throwsNaming(reach, () => torch.load(reach), /needs 9 elements, but storage '0' holds 4/);
    const legacy = fs.readFileSync(fixture('views-legacy.pt'));
    const file = path.join(tmp, 'short-legacy.pt');
    fs.writeFileSync(file, legacy.subarray(0, legacy.length - 8));
    throwsNaming(file, () => torch.load(file), /needs 80 bytes/);
  });

  it('throws at once for huge declared sizes instead of allocating them', function () {
    const started = Date.now();
    const huge = zipFile('huge.pt', tensorPickle(2 ** 40, [2 ** 40], [1]), { 0: Buffer.alloc(16) });
    throwsNaming(huge, () => torch.load(huge), /should hold 1099511627776 float32 elements/);
    const str = zipFile('str.pt', Buffer.concat([op('PROTO', 2), op('BINUNICODE', 0xf0, 0xff, 0xff, 0xff), op('STOP')]));
    throwsNaming(str, () => torch.load(str), /needs 4294967280 more bytes/);
    const long4 = zipFile('long4.pt', Buffer.concat([op('PROTO', 2), op('LONG4', 0xff, 0xff, 0xff, 0x7f), op('STOP')]));
    throwsNaming(long4, () => torch.load(long4), /too large/);
    const legacy = fs.readFileSync(fixture('views-legacy.pt'));
    const i = legacy.lastIndexOf(Buffer.from([20, 0, 0, 0, 0, 0, 0, 0]));
    legacy.writeUInt32LE(0xffffffff, i + 4);
    const file = path.join(tmp, 'count.pt');
    fs.writeFileSync(file, legacy);
    throwsNaming(file, () => torch.load(file), /elements in the file but 20 in its id/);
    assert.ok(Date.now() - started < 5000);
  });

  it('throws for garbage bytes, whatever they start with', function () {
    let s = 7;
    const noise = Buffer.from(Array.from({ length: 4096 }, () => (s = (s * 1103515245 + 12345) & 0x7fffffff) & 0xff));
    for (const [name, head] of [['noise.pt', Buffer.alloc(0)], ['pk.pt', Buffer.from('PK\x03\x04', 'latin1')], ['pickle.pt', op('PROTO', 2)], ['empty.pt', null]]) {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, head === null ? Buffer.alloc(0) : Buffer.concat([head, noise]));
      throwsNaming(file, () => torch.load(file));
    }
    throwsNaming(path.join(tmp, 'absent.pt'), () => torch.load(path.join(tmp, 'absent.pt')), /absent.pt: no such file$/);
  });
});
