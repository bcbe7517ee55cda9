// torch.load / torch.save / safetensors against the Python oracle, both ways, and weights for models.vgg*.
const assert = require('assert');
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, models, safetensors, Tensor } = require('..');
const { checkpoint: fixture, needOracle, python, relativeError: relErr } = require('./helpers');
const { zipRecords } = require('./support/pickle');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-ser-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function values(t) {
  return Array.from(t.toTypedArray(), Number);
}

function checkAgainstExpected(loaded, expected) {
  assert.deepStrictEqual(Object.keys(loaded), Object.keys(expected));
  for (const [k, e] of Object.entries(expected)) {
    const t = loaded[k];
    assert.ok(t instanceof Tensor, `${k} is a Tensor`);
    if (e.dtype) assert.strictEqual(t.dtype, e.dtype, `${k} dtype`);
    assert.deepStrictEqual(t.shape, e.shape, `${k} shape`);
    if (e.stride) assert.deepStrictEqual(t.stride(), e.stride, `${k} stride`);
    assert.deepStrictEqual(values(t), e.values, `${k} values`);
  }
}

describe('torch.load of files written by Python', function () {
  let expected;
  before(function () {
    needOracle(this);
    expected = JSON.parse(fs.readFileSync(fixture('expected.json'), 'utf8'));
  });

  for (const [kind, suffix] of [['zip', ''], ['legacy', '-legacy']]) {
    it(`loads a ${kind} file with every dtype and identical values`, function () {
      checkAgainstExpected(torch.load(fixture(`dtypes${suffix}.pt`)), expected.dtypes);
    });

    it(`loads a ${kind} state dict of a small model with identical values and its _metadata`, function () {
      const sd = torch.load(fixture(`small${suffix}.pt`));
      checkAgainstExpected(sd, expected.small);
      const meta = sd._metadata;
      assert.ok(meta && typeof meta === 'object' && '1' in meta, 'the OrderedDict _metadata is kept, as Python keeps sd._metadata');
      assert.ok(!Object.keys(sd).includes('_metadata'), '_metadata is not one of the tensors');
    });

    it(`loads a ${kind} training checkpoint as a plain object of the same shape`, function () {
      const c = torch.load(fixture(`checkpoint${suffix}.pt`));
      assert.deepStrictEqual(Object.keys(c), ['epoch', 'model_state_dict', 'optimizer_state_dict', 'name', 'flag', 'none', 'big', 'neg']);
      assert.strictEqual(c.epoch, 3);
      assert.strictEqual(c.name, 'x');
      assert.strictEqual(c.flag, true);
      assert.strictEqual(c.none, null);
      assert.strictEqual(c.big, 2 ** 40);
      assert.strictEqual(c.neg, -5);
      checkAgainstExpected(c.model_state_dict, expected.small);
      const opt = c.optimizer_state_dict;
      assert.deepStrictEqual(values(opt.state['0'].momentum_buffer), [1, 1]);
      const g = opt.param_groups[0];
      assert.deepStrictEqual({ ...g, betas: [...g.betas] },
        { lr: 0.01, momentum: 0.9, betas: [0.9, 0.999], params: [0, 1, 2], nesterov: false, name: null });
    });

    it(`keeps the stride and offset of views into one shared storage (${kind})`, function () {
      const v = torch.load(fixture(`views${suffix}.pt`));
      checkAgainstExpected(v, expected.views);
      // They share memory: writing through one is seen through the others.
      v.c.copy_(torch.zeros(20));
      assert.deepStrictEqual(values(v.a), new Array(8).fill(0));
      assert.deepStrictEqual(values(v.b), new Array(20).fill(0));
    });

    it(`refuses a ${kind} checkpoint saved on CUDA without a GPU unless mapLocation is given`, function () {
      const file = fixture(`cuda${suffix}.pt`);
      if (torch.cuda.isAvailable()) {
        assert.strictEqual(torch.load(file).w.device, 'cuda:0');
      } else {
        assert.throws(() => torch.load(file), (e) => e.message.startsWith(file) && /cuda:0.*mapLocation: 'cpu'/.test(e.message));
      }
      const w = torch.load(file, { mapLocation: 'cpu' }).w;
      assert.strictEqual(w.device, 'cpu');
      assert.deepStrictEqual(values(w), [0, 1, 2, 3, 4, 5]);
    });
  }

  it('loads an nn.Parameter with requiresGrad set', function () {
    const { p } = torch.load(fixture('parameter.pt'));
    assert.strictEqual(p.requiresGrad, true);
    assert.deepStrictEqual(values(p), [1, 1, 1, 1]);
  });

  it("returns tensors that view the file's buffer instead of copying it", function () {
    const buf = fs.readFileSync(fixture('views.pt'));
    const { c } = torch.load(buf);
    const nineteen = Buffer.alloc(4);
    nineteen.writeFloatLE(19);
    const at = buf.indexOf(nineteen);
    assert.ok(at > 0);
    buf.writeFloatLE(-1, at);
    assert.strictEqual(values(c)[19], -1);
  });

  it("moves tensors to mapLocation when it names a device", function () {
    const sd = torch.load(fixture('small.pt'), { mapLocation: 'cpu' });
    assert.strictEqual(sd['0.weight'].device, 'cpu');
    assert.throws(() => torch.load(fixture('small.pt'), { mapLocation: 'gpu' }), TypeError);
  });
});

describe('torch.save read back by Python', function () {
  before(function () { needOracle(this); });

  const compare = `
import json, sys, torch
ours = torch.load(sys.argv[1], weights_only=True)
ref = torch.load(sys.argv[2])
print(json.dumps({k: [str(ours[k].dtype), list(ours[k].shape), bool(torch.equal(ours[k], ref[k]))] for k in ref}))
`;

  for (const name of ['dtypes', 'small', 'views']) {
    it(`writes ${name} that Python loads with weights_only=True with identical values`, function () {
      const out = path.join(tmp, `${name}-node.pt`);
      torch.save(torch.load(fixture(`${name}.pt`)), out);
      const result = python(compare, [out, fixture(`${name}.pt`)]);
      for (const [k, [, , equal]] of Object.entries(result)) assert.ok(equal, `${k} equal in Python`);
      const ref = torch.load(fixture(`${name}.pt`));
      for (const [k, [dtype, shape]] of Object.entries(result)) {
        assert.strictEqual(dtype, `torch.${ref[k].dtype}`);
        assert.deepStrictEqual(shape, ref[k].shape);
      }
    });
  }

  it('writes a nested training checkpoint that Python reads back with the same structure', function () {
    const out = path.join(tmp, 'ckpt-node.pt');
    const sd = torch.load(fixture('small.pt'));
    torch.save({
      epoch: 3, model_state_dict: sd, name: 'x', flag: true, none: null, big: 2 ** 40, neg: -70000,
      optimizer_state_dict: { state: {}, param_groups: [{ lr: 0.01, params: [0, 1, 2], betas: [0.9, 0.999] }] },
    }, out);
    // PyTorch 1.13's weights_only unpickler has no BINFLOAT opcode, so it cannot read any float
    // (even in files Python itself wrote); 2.x can. Fall back to the full unpickler there only.
    const r = python(`
import json, sys, torch
try:
    c = torch.load(sys.argv[1], weights_only=True); mode = "weights_only"
except Exception as e:
    if "Unsupported operand 71" not in str(e): raise
    c = torch.load(sys.argv[1]); mode = "full (torch 1.13 weights_only cannot read floats)"
ref = torch.load(sys.argv[2])
sd_equal = all(torch.equal(c["model_state_dict"][k], ref[k]) for k in ref) and list(c["model_state_dict"]) == list(ref)
c["model_state_dict"] = sd_equal
print(json.dumps({"mode": mode, "c": c}))
`, [out, fixture('small.pt')]);
    assert.deepStrictEqual(r.c, {
      epoch: 3, model_state_dict: true, name: 'x', flag: true, none: null, big: 2 ** 40, neg: -70000,
      optimizer_state_dict: { state: {}, param_groups: [{ lr: 0.01, params: [0, 1, 2], betas: [0.9, 0.999] }] },
    });
  });

  it('writes a tensor state dict with no floats that weights_only=True reads even in torch 1.13', function () {
    const out = path.join(tmp, 'ints-node.pt');
    torch.save({ step: 7, w: torch.arange(6), flags: [true, false], empty: torch.zeros(0), scalar: torch.tensor(2.5) }, out);
    const r = python(`
import json, sys, torch
c = torch.load(sys.argv[1], weights_only=True)
print(json.dumps({"step": c["step"], "w": c["w"].tolist(), "flags": c["flags"], "empty": list(c["empty"].shape), "scalar": [list(c["scalar"].shape), c["scalar"].item()]}))
`, [out]);
    assert.deepStrictEqual(r, { step: 7, w: [0, 1, 2, 3, 4, 5], flags: [true, false], empty: [0], scalar: [[], 2.5] });
  });

  it('aligns every record to 64 bytes like PyTorch and round-trips in Node', function () {
    const out = path.join(tmp, 'dtypes-node.pt');
    const src = torch.load(fixture('dtypes.pt'));
    torch.save(src, out);
    const buf = fs.readFileSync(out);
    const records = zipRecords(buf);
    assert.deepStrictEqual(records.map((e) => e.name).slice(0, 2), ['archive/data.pkl', 'archive/byteorder']);
    for (const e of records) assert.strictEqual(e.dataOffset % 64, 0, e.name);
    const back = torch.load(out);
    for (const k of Object.keys(src)) {
      assert.strictEqual(back[k].dtype, src[k].dtype);
      assert.deepStrictEqual(values(back[k]), values(src[k]), k);
    }
  });

  it('refuses to save values Python could not read back, naming where they are', function () {
    assert.throws(() => torch.save({ a: { f: () => 1 } }, path.join(tmp, 'bad.pt')), /obj\.a\.f of type function/);
    const cyc = {};
    cyc.self = cyc;
    assert.throws(() => torch.save(cyc, path.join(tmp, 'bad.pt')), /cycles/);
  });
});

describe('safetensors', function () {
  before(function () { needOracle(this); });

  it('loads a safetensors file written in Python with every dtype and its metadata', function () {
    const expected = JSON.parse(fs.readFileSync(fixture('expected.json'), 'utf8'));
    const { tensors, metadata } = safetensors.loadFileWithMetadata(fixture('dtypes.safetensors'));
    checkAgainstExpected(tensors, expected.dtypes);
    assert.deepStrictEqual(metadata, { format: 'pt', note: 'fixture' });
    checkAgainstExpected(safetensors.loadFile(fixture('dtypes.safetensors')), expected.dtypes);
  });

  it('writes safetensors that Python parses to identical values', function () {
    const out = path.join(tmp, 'node.safetensors');
    safetensors.saveFile(torch.load(fixture('dtypes.pt')), out, { author: 'node' });
    const r = python(`
import json, struct, sys, torch
ST = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64,
      "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
data = open(sys.argv[1], "rb").read()
n, = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + n])
assert (8 + n) % 8 == 0
meta = header.pop("__metadata__")
ref = torch.load(sys.argv[2])
out = {}
for k, e in header.items():
    b, end = e["data_offsets"]
    t = torch.frombuffer(bytearray(data[8 + n + b:8 + n + end]), dtype=ST[e["dtype"]]).view(e["shape"])
    out[k] = bool(torch.equal(t, ref[k]))
print(json.dumps({"meta": meta, "equal": out}))
`, [out, fixture('dtypes.pt')]);
    assert.deepStrictEqual(r.meta, { author: 'node' });
    assert.strictEqual(Object.keys(r.equal).length, 10);
    for (const [k, eq] of Object.entries(r.equal)) assert.ok(eq, k);
  });

  it('rejects overlapping, out-of-file and wrongly sized entries', function () {
    const make = (header, dataLen) => {
      const json = Buffer.from(JSON.stringify(header));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([len, json, Buffer.alloc(dataLen)]);
    };
    const e = (offs, shape = [2]) => ({ dtype: 'F32', shape, data_offsets: offs });
    assert.throws(() => safetensors.load(make({ a: e([0, 8]), b: e([4, 12]) }, 12)), /overlap/);
    assert.throws(() => safetensors.load(make({ a: e([0, 8]) }, 4)), /ends at byte 8/);
    assert.throws(() => safetensors.load(make({ a: e([0, 8], [3]) }, 8)), /needs 12 bytes/);
    assert.throws(() => safetensors.load(make({ a: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, 1)), /unsupported dtype/);
    assert.throws(() => safetensors.load(Buffer.from('ffffffffffffffff', 'hex')), /does not fit/);
    assert.deepStrictEqual(values(safetensors.load(make({ a: e([0, 8]) }, 8)).a), [0, 0]);
  });
});

describe('safetensors entries (no oracle needed)', function () {
  it('reads misaligned, bool and empty entries at every alignment of the buffer, and writes them back', function () {
    const data = Buffer.alloc(34);
    data.set([1, 2, 3], 0);
    data.writeFloatLE(1.5, 3); // misaligned after 3 bytes of U8
    data.writeFloatLE(-2, 7);
    data.set([0, 2, 1], 11); // a bool byte of 2 reads as true
    data.writeBigInt64LE(5n, 14);
    data.writeBigInt64LE(-9n, 22);
    data.writeUInt16LE(0x3c00, 30);
    data.writeUInt16LE(0x4000, 32);
    const header = Buffer.from(JSON.stringify({
      u: { dtype: 'U8', shape: [3], data_offsets: [0, 3] }, f: { dtype: 'F32', shape: [2, 1], data_offsets: [3, 11] },
      b: { dtype: 'BOOL', shape: [3], data_offsets: [11, 14] }, i: { dtype: 'I64', shape: [2], data_offsets: [14, 30] },
      h: { dtype: 'F16', shape: [1, 2], data_offsets: [30, 34] }, e: { dtype: 'F32', shape: [0, 4], data_offsets: [34, 34] },
      eb: { dtype: 'BOOL', shape: [2, 0], data_offsets: [34, 34] },
    }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    for (const shift of [0, 1, 2, 3, 4, 5, 6, 7]) {
      const t = safetensors.load(Buffer.concat([Buffer.alloc(shift), len, header, data]).subarray(shift));
      assert.deepStrictEqual([t.u.tolist(), t.f.tolist(), t.b.tolist(), t.i.tolist(), t.h.tolist(), t.e.shape, t.eb.shape],
        [[1, 2, 3], [[1.5], [-2]], [false, true, true], [5, -9], [[1, 2]], [0, 4], [2, 0]], `shift ${shift}`);
      assert.ok(t.f.isContiguous() && t.i.isContiguous());
      const again = safetensors.load(safetensors.save(t));
      for (const k of Object.keys(t)) assert.deepStrictEqual(again[k].tolist(), t[k].tolist(), k);
    }
  });
});

describe('VGG weights from checkpoints', function () {
  let io;
  before(function () {
    needOracle(this);
    io = torch.load(fixture('vgg11-io.pt'));
  });

  for (const [kind, file] of [['zip', 'vgg11.pt'], ['legacy', 'vgg11-legacy.pt']]) {
    it(`loads a ${kind} vgg11 checkpoint written by Python and matches its eval-mode output within 1e-4`, function () {
      const model = models.vgg11({ numClasses: 10, initWeights: false });
      const result = model.loadStateDict(torch.load(fixture(file)));
      assert.deepStrictEqual(result, { missingKeys: [], unexpectedKeys: [] });
      const y = model.eval().forward(io.x);
      assert.deepStrictEqual(y.shape, [2, 10]);
      assert.ok(relErr(y, io.y) < 1e-4, `relative error ${relErr(y, io.y)}`);
    });
  }

  it('loads the same checkpoint with loadAsync while the event loop keeps turning', async function () {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const pending = torch.loadAsync(fixture('vgg11-legacy.pt'));
    const sd = await pending;
    clearInterval(timer);
    assert.ok(ticks > 0, 'a 1 ms timer fired while the file was read');
    const model = models.vgg11({ numClasses: 10, initWeights: false });
    model.loadStateDict(sd);
    assert.ok(relErr(model.eval().forward(io.x), io.y) < 1e-4);
    await assert.rejects(torch.loadAsync('/nonexistent.pt'), /\/nonexistent.pt: no such file/);
  });

  it('builds models.vgg11({ weights: path }) from a checkpoint file', function () {
    const model = models.vgg11({ numClasses: 10, weights: fixture('vgg11.pt') });
    assert.ok(relErr(model.eval().forward(io.x), io.y) < 1e-4);
  });

  it("reports PyTorch's size mismatch text when the classifier differs", function () {
    const model = models.vgg11({ initWeights: false });
    assert.throws(() => model.loadStateDict(torch.load(fixture('vgg11.pt'))), (e) => e.message.includes(
      'size mismatch for classifier.6.weight: copying a param with shape [10, 4096] from checkpoint, the shape in current model is [1000, 4096].'));
  });

  it('returns the missing and unexpected keys with strict: false', function () {
    const model = models.vgg11({ numClasses: 10, initWeights: false });
    const sd = torch.load(fixture('vgg11.pt'));
    delete sd['features.0.bias'];
    sd['extra.weight'] = torch.zeros(1);
    assert.throws(() => model.loadStateDict(sd), /Missing key\(s\) in state_dict: "features.0.bias"/);
    assert.deepStrictEqual(model.loadStateDict(sd, { strict: false }), { missingKeys: ['features.0.bias'], unexpectedKeys: ['extra.weight'] });
  });
});

describe('named weights and the hub cache', function () {
  let server;
  let base;
  const saved = { TORCH_HOME: process.env.TORCH_HOME, TORCHVGG_WEIGHTS_URL: process.env.TORCHVGG_WEIGHTS_URL };
  const served = Buffer.from('pretend checkpoint bytes');
  const sha = crypto.createHash('sha256').update(served).digest('hex');
  const tiny = (fileName) => ({ name: 'TEST.V1', url: 'unused', fileName, meta: {} });

  before(async function () {
    // The server runs in its own process: the download waits synchronously (spawnSync), which would
    // block a server living in this process.
    server = spawn(process.execPath, ['-e', `
      const http = require('http');
      const body = Buffer.from(${JSON.stringify(served.toString())});
      http.createServer((req, res) => {
        if (req.url.includes('missing')) { res.writeHead(404); res.end(); return; }
        res.writeHead(200, { 'content-length': body.length }); res.end(body);
      }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
    base = `http://127.0.0.1:${port}/models/`;
  });
  beforeEach(() => {
    process.env.TORCH_HOME = fs.mkdtempSync(path.join(tmp, 'home-'));
    process.env.TORCHVGG_WEIGHTS_URL = base;
  });
  after(() => {
    server?.kill();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });

  it("names torchvision's files and ships the 1000 ImageNet categories", function () {
    assert.strictEqual(models.VGG16_Weights.IMAGENET1K_V1.fileName, 'vgg16-397923af.pth');
    assert.strictEqual(models.VGG16_Weights.DEFAULT, models.VGG16_Weights.IMAGENET1K_V1);
    assert.strictEqual(models.VGG19_BN_Weights.IMAGENET1K_V1.url, 'https://download.pytorch.org/models/vgg19_bn-c79401a0.pth');
    const cats = models.VGG16_Weights.IMAGENET1K_V1.meta.categories;
    assert.strictEqual(cats.length, 1000);
    assert.deepStrictEqual([cats[0], cats[999]], ['tench', 'toilet tissue']);
  });

  it('finds weights by file name in $TORCH_HOME/hub/checkpoints without downloading', function () {
    const dir = path.join(process.env.TORCH_HOME, 'hub', 'checkpoints');
    assert.strictEqual(models.hubCheckpointsDir(), dir);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'vgg11-8a719046.pth'), 'cached');
    process.env.TORCHVGG_WEIGHTS_URL = 'http://127.0.0.1:1/nothing-here/';
    // models.vgg11({ weights: 'DEFAULT' }) reads the cached file (here not a checkpoint, hence the error
    // naming it); with the server unreachable, any download attempt would have failed differently.
    assert.throws(() => models.vgg11({ weights: 'DEFAULT' }),
      (e) => e.message.startsWith(`${path.join(dir, 'vgg11-8a719046.pth')}: not a PyTorch checkpoint`));
  });

  it('downloads absent weights from a local server into the hub cache after checking the hash prefix', function () {
    // The success path needs weights whose hash prefix matches the served bytes, which only a public
    // weightsFile(weights) can be given (torchvision's own enums name the real files).
    const file = models.weightsFile(tiny(`tiny-${sha.slice(0, 8)}.pth`), { progress: true });
    assert.strictEqual(file, path.join(process.env.TORCH_HOME, 'hub', 'checkpoints', `tiny-${sha.slice(0, 8)}.pth`));
    assert.deepStrictEqual(fs.readFileSync(file), served);
  });

  it('refuses a download whose sha256 does not start with the prefix in the file name, and keeps nothing', function () {
    // The message carries the digest of what the server sent: the bytes were downloaded and hashed.
    assert.throws(() => models.vgg11({ weights: 'IMAGENET1K_V1', progress: false }),
      (e) => e.message.includes(`invalid hash value (expected "8a719046", got "${sha}")`));
    assert.deepStrictEqual(fs.readdirSync(path.join(process.env.TORCH_HOME, 'hub', 'checkpoints')), []);
    process.env.TORCHVGG_WEIGHTS_URL = `${base}missing/`;
    assert.throws(() => models.vgg11({ weights: 'IMAGENET1K_V1', progress: false }), /HTTP 404/);
  });

  it('checks the weights name and the number of classes like torchvision', function () {
    assert.throws(() => models.vgg16({ weights: 'IMAGENET1K_V1', numClasses: 10 }),
      /The parameter 'numClasses' expected value 1000 but got 10 instead/);
    assert.throws(() => models.vgg16({ weights: 'IMAGENET2K' }), /neither a file nor one of IMAGENET1K_V1, IMAGENET1K_FEATURES, DEFAULT/);
  });
});
