// int8 post-training quantization: quantized tensors, models.quantize, the quantized layers' printing and
// state dicts against Python's eager-mode quantized VGG (same libtorch, same engine), and bad inputs.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models, quantization, tasks, datasets, server, Tensor } = require('..');
const { needOracle, python, relativeError } = require('./helpers');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-quant-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Python's quantized VGG of the same structure: fused as models.quantize fuses, QuantWrapper, converted
// with MinMax observers (their values are replaced by the loaded state dict anyway).
const PY_QUANTIZED_VGG = `
import json, sys, torch, torchvision
from torch.ao.quantization import QuantWrapper, QConfig, MinMaxObserver, PerChannelMinMaxObserver, prepare, convert, fuse_modules
def quantized_vgg(arch, num_classes, engine, calibrate=None, keep_float=()):
    torch.backends.quantized.engine = engine
    m = getattr(torchvision.models, arch)(num_classes=num_classes).eval()
    feats, groups = list(m.features), []
    for i, l in enumerate(feats):
        if isinstance(l, torch.nn.Conv2d):
            n = 3 if isinstance(feats[i + 1], torch.nn.BatchNorm2d) else 2
            groups.append([f'features.{i + k}' for k in range(n)])
    groups += [['classifier.0', 'classifier.1'], ['classifier.3', 'classifier.4']]
    fuse_modules(m, groups, inplace=True)
    for p in keep_float:  # a layer left in float: qconfig None, a DeQuantStub before it
        parent, i = p.rsplit('.', 1)
        layer = m.get_submodule(p)
        layer.qconfig = None
        m.get_submodule(parent)[int(i)] = torch.nn.Sequential(torch.ao.quantization.DeQuantStub(), layer)
    q = QuantWrapper(m)
    reduce = engine in ('fbgemm', 'x86')
    q.qconfig = QConfig(activation=MinMaxObserver.with_args(reduce_range=reduce),
                        weight=PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric))
    prepare(q, inplace=True)
    if calibrate is not None:
        with torch.no_grad(): q(calibrate)
    convert(q, inplace=True)
    return q
`;

// What Python prints for `model`'s state dict loaded into its own quantized vgg11, and the logits it computes for x.
function pythonQuantized(model, { numClasses, keepFloat = [], x = null, tag }) {
  const file = path.join(tmp, `${tag}.pth`);
  const input = path.join(tmp, `${tag}-x.pth`);
  const out = path.join(tmp, `${tag}-y.pth`);
  torch.save(model.stateDict(), file);
  if (x) torch.save({ x }, input);
  const printed = python(`${PY_QUANTIZED_VGG}
q = quantized_vgg('vgg11', ${numClasses}, sys.argv[4], keep_float=json.loads(sys.argv[5]))
q.load_state_dict(torch.load(sys.argv[1]))
if sys.argv[2] != '-':
    with torch.no_grad(): torch.save({'y': q(torch.load(sys.argv[2])['x'])}, sys.argv[3])
print(json.dumps(str(q)))`, [file, x ? input : '-', out, quantization.engine(), JSON.stringify(keepFloat)]);
  return { printed, logits: x ? torch.load(out).y : null };
}

function calibrationBatches(n, size, seed) {
  torch.manualSeed(seed);
  return Array.from({ length: n }, () => torch.randn([4, 3, size, size]));
}

describe('quantized tensors', function () {
  it('quantizePerTensor, intRepr and dequantize follow round(x / scale) + zeroPoint', function () {
    const x = torch.tensor([-1, 0, 0.24, 0.26, 10]);
    const q = torch.quantizePerTensor(x, 0.5, 10, 'quint8');
    assert.strictEqual(q.dtype, 'quint8');
    assert.ok(q.isQuantized && !x.isQuantized);
    assert.strictEqual(q.qscheme(), 'per_tensor_affine');
    assert.strictEqual(q.qScale(), 0.5);
    assert.strictEqual(q.qZeroPoint(), 10);
    assert.deepStrictEqual(Array.from(q.intRepr().toTypedArray()), [8, 10, 10, 11, 30]);
    assert.deepStrictEqual(Array.from(q.dequantize().toTypedArray()), [-1, 0, 0, 0.5, 10]);
    // what Python 1.13 prints for the same tensor
    assert.strictEqual(String(q), 'tensor([-1.0000,  0.0000,  0.0000,  0.5000, 10.0000], size=(5,),\n'
      + '       dtype=torch.quint8, quantization_scheme=torch.per_tensor_affine,\n       scale=0.5, zero_point=10)');
  });

  it('quantizePerChannel keeps one scale per slice', function () {
    const w = torch.tensor([[1, -2], [0.1, 0.2]]);
    const q = torch.quantizePerChannel(w, torch.tensor([0.02, 0.001], { dtype: 'float64' }), torch.tensor([0, 0], { dtype: 'int64' }), 0, 'qint8');
    assert.strictEqual(q.qscheme(), 'per_channel_affine');
    assert.strictEqual(q.qPerChannelAxis(), 0);
    assert.deepStrictEqual(Array.from(q.qPerChannelScales().toTypedArray()), [0.02, 0.001]);
    assert.deepStrictEqual(Array.from(q.intRepr().toTypedArray()), [50, -100, 100, 127]); // 200 saturates at 127
  });

  it('refuses what would make a broken quantized tensor, with clear errors', function () {
    const x = torch.ones([2, 3]);
    assert.throws(() => torch.quantizePerTensor(x, 0, 0, 'quint8'), RangeError);
    assert.throws(() => torch.quantizePerTensor(x, 0.1, 0, 'int8'), TypeError);
    assert.throws(() => torch.quantizePerChannel(x, torch.ones([3], { dtype: 'float64' }), torch.zeros([3], { dtype: 'int64' }), 0, 'qint8'), /one value per slice/);
    assert.throws(() => torch.quantizePerChannel(x, torch.ones([2], { dtype: 'float64' }).neg(), torch.zeros([2], { dtype: 'int64' }), 0, 'qint8'), /positive/);
    assert.throws(() => torch.quantizePerChannel(x, torch.ones([2], { dtype: 'float64' }), torch.zeros([2], { dtype: 'int64' }), 5, 'qint8'), /out of range/);
    const q = torch.quantizePerTensor(x, 0.1, 0, 'quint8');
    assert.throws(() => q.toTypedArray(), /intRepr\(\) or dequantize\(\)/);
    assert.throws(() => q.qPerChannelScales(), TypeError);
    assert.throws(() => x.intRepr(), TypeError);
    assert.throws(() => torch.zeros([2], { dtype: 'qint8' }), TypeError);
  });

  it('torch.save writes _rebuild_qtensor and torch.load reads it back', function () {
    const file = path.join(tmp, 'q.pth');
    const pc = torch.quantizePerChannel(torch.randn([4, 3]), torch.tensor([0.1, 0.2, 0.3, 0.4], { dtype: 'float64' }), torch.tensor([0, 1, 2, 3], { dtype: 'int64' }), 0, 'qint8');
    const pt = torch.quantizePerTensor(torch.randn([5]), 0.05, 128, 'quint8');
    torch.save({ pc, pt }, file);
    const back = torch.load(file);
    for (const [a, b] of [[back.pc, pc], [back.pt, pt]]) {
      assert.strictEqual(a.dtype, b.dtype);
      assert.strictEqual(a.qscheme(), b.qscheme());
      assert.deepStrictEqual(Array.from(a.intRepr().toTypedArray()), Array.from(b.intRepr().toTypedArray()));
    }
    assert.deepStrictEqual(Array.from(back.pc.qPerChannelZeroPoints().toTypedArray()), [0n, 1n, 2n, 3n]);
    assert.strictEqual(back.pt.qScale(), 0.05);
  });

  it('Python reads our quantized tensors and we read Python\'s', function () {
    needOracle(this);
    const ours = path.join(tmp, 'ours-q.pth');
    const theirs = path.join(tmp, 'theirs-q.pth');
    const pc = torch.quantizePerChannel(torch.randn([3, 2]), torch.tensor([0.1, 0.2, 0.3], { dtype: 'float64' }), torch.tensor([0, 0, 0], { dtype: 'int64' }), 0, 'qint8');
    torch.save({ w: pc }, ours);
    const r = python(`
import json, sys, torch
d = torch.load(sys.argv[1])
w = d['w']
torch.save({'pt': torch.quantize_per_tensor(torch.tensor([0.5, -1.0, 3.0]), 0.25, 7, torch.quint8),
            'pc': torch.quantize_per_channel(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([0.5, 0.25], dtype=torch.double),
                                             torch.tensor([1, 2]), 0, torch.qint8)}, sys.argv[2])
print(json.dumps({'dtype': str(w.dtype), 'scheme': str(w.qscheme()), 'ints': w.int_repr().flatten().tolist(),
                  'scales': w.q_per_channel_scales().tolist()}))`, [ours, theirs]);
    assert.deepStrictEqual(r, { dtype: 'torch.qint8', scheme: 'torch.per_channel_affine', ints: Array.from(pc.intRepr().toTypedArray()), scales: [0.1, 0.2, 0.3] });
    const back = torch.load(theirs);
    assert.deepStrictEqual(Array.from(back.pt.intRepr().toTypedArray()), [9, 3, 19]);
    assert.strictEqual(back.pt.qZeroPoint(), 7);
    assert.deepStrictEqual(Array.from(back.pc.intRepr().toTypedArray()), [3, 5, 14, 18]);
    assert.deepStrictEqual(Array.from(back.pc.qPerChannelScales().toTypedArray()), [0.5, 0.25]);
  });

  it('a hostile quantized tensor in a file is an Error naming the file', function () {
    const file = path.join(tmp, 'hostile-q.pth');
    const pc = torch.quantizePerChannel(torch.randn([2, 2]), torch.tensor([0.1, 0.2], { dtype: 'float64' }), torch.tensor([0, 0], { dtype: 'int64' }), 0, 'qint8');
    torch.save({ pc }, file);
    // Rewrite the scales' storage (the second record, 2 float64) to a negative and a NaN scale.
    const buf = fs.readFileSync(file);
    const scales = Buffer.alloc(16);
    scales.writeDoubleLE(-1, 0);
    scales.writeDoubleLE(NaN, 8);
    const at = buf.indexOf(Buffer.from(new Float64Array([0.1, 0.2]).buffer));
    assert.ok(at > 0, 'found the scales record');
    scales.copy(buf, at);
    assert.throws(() => torch.load(buf), /<buffer>: bad quantized tensor: scales must be positive and finite/);
  });
});

describe('models.quantize', function () {
  this.timeout(300000);
  let float, int8, batches;
  before(async function () {
    torch.manualSeed(3);
    float = models.vgg11({ numClasses: 5 }).eval();
    batches = calibrationBatches(4, 32, 1);
    int8 = await models.quantize(float, { calibration: batches });
  });

  it('builds QuantWrapper(fused VGG) with quantized layers where Python has them', function () {
    assert.ok(int8 instanceof quantization.QuantWrapper);
    const f = int8.module.features;
    assert.ok(f[0] instanceof quantization.QuantizedConvReLU2d);
    assert.strictEqual(f[1].typeName, 'Identity');
    assert.strictEqual(f[2].typeName, 'MaxPool2d');
    assert.ok(int8.module.classifier[0] instanceof quantization.QuantizedLinearReLU);
    assert.ok(int8.module.classifier[6] instanceof quantization.QuantizedLinear);
    assert.strictEqual(int8.module.classifier[6].weight().dtype, 'qint8');
    assert.ok(int8.quant.scale.item() > 0);
    // the float model is left as it was
    assert.ok(float.features[0] instanceof nn.Conv2d);
  });

  it('gives logits close to the float model on the calibration distribution (sync and async alike)', async function () {
    const x = calibrationBatches(1, 32, 9)[0];
    const ref = torch.noGrad(() => float.forward(x));
    const y = int8.forward(x);
    assert.strictEqual(y.dtype, 'float32');
    assert.deepStrictEqual(y.shape, [4, 5]);
    const err = relativeError(y, ref);
    assert.ok(err < 0.1, `int8 vs float32 relative error ${err}`);
    const yAsync = await int8.forwardAsync(x);
    assert.strictEqual(relativeError(yAsync, y), 0);
  });

  it('prints exactly what Python prints for the same quantized model', function () {
    needOracle(this);
    assert.strictEqual(String(int8), pythonQuantized(int8, { numClasses: 5, tag: 'vgg11-int8' }).printed);
  });

  it('Python loads our state dict and computes the same int8 logits', function () {
    needOracle(this);
    const x = calibrationBatches(1, 32, 11)[0];
    const theirs = pythonQuantized(int8, { numClasses: 5, x, tag: 'vgg11-int8' }).logits;
    const ours = int8.forward(x);
    // the same kernels on the same integers: equal, or one output quantum apart where rounding ties differ
    const quantum = int8.module.classifier[6].scale;
    const diff = ours.sub(theirs).abs().amax().item();
    assert.ok(diff <= quantum * 1.01, `max |ours - Python| = ${diff}, output quantum ${quantum}`);
  });

  it('loads a quantized state dict Python saved (its _packed_params tuples) and matches Python', async function () {
    needOracle(this);
    const file = path.join(tmp, 'py-int8.pth');
    const input = path.join(tmp, 'x2.pth');
    const out = path.join(tmp, 'y2.pth');
    const x = calibrationBatches(1, 32, 12)[0];
    torch.save({ x }, input);
    python(`${PY_QUANTIZED_VGG}
torch.manual_seed(0)
x = torch.load(sys.argv[2])['x']
q = quantized_vgg('vgg11', 3, sys.argv[4], calibrate=x)
torch.save(q.state_dict(), sys.argv[1])
with torch.no_grad(): torch.save({'y': q(x)}, sys.argv[3])
print('{}')`, [file, input, out, quantization.engine()]);
    const sd = torch.load(file);
    assert.ok(Object.keys(sd).some((k) => k.endsWith('_packed_params._packed_params')), 'Python wrote its version-3 layout');
    const floatModel = models.vgg11({ numClasses: 3 });
    const q = await models.quantize(floatModel, { stateDict: sd });
    const diff = q.forward(x).sub(torch.load(out).y).abs().amax().item();
    assert.ok(diff <= q.module.classifier[6].scale * 1.01, `max |ours - Python| = ${diff}`);
  });

  it('refuses what it cannot quantize or load, naming the problem', async function () {
    const gelu = new nn.Sequential(new nn.Linear(4, 4), new nn.GELU());
    await assert.rejects(models.quantize(gelu, { calibration: [torch.randn([2, 4])] }), /Sequential\.1 is a GELU, which cannot be quantized/);
    await assert.rejects(models.quantize(float, {}), /needs calibration batches/);
    await assert.rejects(models.quantize(float, { calibration: [] }), /gave no batch/);
    await assert.rejects(models.quantize(float, { calibration: ['x'] }), TypeError);
    await assert.rejects(models.quantize(float, { calibration: batches, backend: 'nope' }), RangeError);
    assert.throws(() => int8.forward(torch.randn([1, 4, 32, 32])), /expects 3 input channels/);
    assert.throws(() => int8.module.forward(torch.randn([1, 3, 32, 32])), /expects a quint8 quantized input/);
    // a float checkpoint into the quantized model, and a quantized one into the float model
    assert.throws(() => int8.module.loadStateDict(float.stateDict(), { strict: false }), /dtype mismatch for features\.0\.weight/);
    assert.throws(() => models.vgg11({ numClasses: 5 }).loadStateDict(
      Object.fromEntries(Object.entries(int8.module.stateDict()).filter(([k]) => k.startsWith('features.0.w'))), { strict: false }), /dtype mismatch/);
  });

  it('torch.backends.quantized lists and sets the engines this libtorch has', function () {
    const engines = torch.backends.quantized.supportedEngines;
    assert.ok(engines.length >= 1, 'at least one quantized engine');
    assert.ok(engines.includes(torch.backends.quantized.engine));
    assert.throws(() => { torch.backends.quantized.engine = 'nope'; }, /is not in this libtorch; it has/);
    assert.ok(Tensor.prototype.intRepr);
  });
});

describe('models.quantize with keepFloat (trailing layers in float32)', function () {
  this.timeout(300000);
  let float, int8, allInt8;
  before(async function () {
    torch.manualSeed(4);
    float = models.vgg11({ numClasses: 5 }).eval();
    const batches = calibrationBatches(4, 32, 2);
    int8 = await models.quantize(float, { calibration: batches, keepFloat: ['classifier.6'] });
    allInt8 = await models.quantize(float, { calibration: batches });
  });

  it('keeps classifier.6 as Sequential(DeQuantize, Linear) in float, the rest quantized, and prints as Python does', function () {
    const head = int8.module.classifier[6];
    assert.strictEqual(head.typeName, 'Sequential');
    assert.strictEqual(head[0].typeName, 'DeQuantize');
    assert.ok(head[1] instanceof nn.Linear);
    assert.strictEqual(head[1].weight.dtype, 'float32');
    assert.ok(head[1].weight.detach().allclose(float.classifier[6].weight.detach()), 'the float weights, copied');
    assert.ok(int8.module.classifier[3] instanceof quantization.QuantizedLinearReLU);
    needOracle(this);
    assert.strictEqual(String(int8), pythonQuantized(int8, { numClasses: 5, keepFloat: ['classifier.6'], tag: 'float-head' }).printed);
  });

  it('Python loads the state dict into its own float-head model and computes the same logits; they are not rounded to a grid', function () {
    needOracle(this);
    const x = calibrationBatches(1, 32, 13)[0];
    const theirs = pythonQuantized(int8, { numClasses: 5, keepFloat: ['classifier.6'], x, tag: 'float-head' }).logits;
    const ours = int8.forward(x);
    // The same int8 kernels up to classifier.5, then the same float layer: within float rounding, or one
    // quantum of classifier.3's output (times the head's weights) where a rounding tie went the other way.
    const quantum = int8.module.classifier[3].scale * float.classifier[6].weight.detach().abs().sum(1).amax().item();
    const diff = ours.sub(theirs).abs().amax().item();
    assert.ok(diff <= quantum, `max |ours - Python| = ${diff}, bound ${quantum}`);
    // All-int8 logits sit on the last layer's grid (scale * integer); the float head's do not.
    const grid = (t, scale) => t.toTypedArray().every((v) => Math.abs(v / scale - Math.round(v / scale)) < 1e-3);
    assert.ok(grid(allInt8.forward(x), allInt8.module.classifier[6].scale), 'all-int8 logits are on the output grid');
    assert.ok(!grid(ours, allInt8.module.classifier[6].scale), 'float-head logits are not');
  });

  it('reads such a state dict back (keepFloat found from its keys), here and through an int8 checkpoint', async function () {
    const x = calibrationBatches(1, 32, 14)[0];
    const back = await models.quantize(models.vgg11({ numClasses: 5 }), { stateDict: int8.stateDict() });
    assert.strictEqual(back.module.classifier[6].typeName, 'Sequential');
    assert.strictEqual(relativeError(back.forward(x), int8.forward(x)), 0);
    const file = path.join(tmp, 'float-head-ck.pth');
    tasks.saveCheckpoint(file, { arch: 'vgg11', classes: ['a', 'b', 'c', 'd', 'e'], imageSize: 32, model: int8 });
    const ck = tasks.loadCheckpoint(file);
    assert.strictEqual(ck.quantized, 'qint8');
    assert.strictEqual(relativeError(ck.model.forward(x), int8.forward(x)), 0);
  });

  it('HistogramObserver picks the range top with the least squared error: under MinMax on a long tail, over a blunt clip', function () {
    torch.manualSeed(8);
    const a = torch.randn([20000]).abs().pow(3);
    const b = torch.randn([20000]).abs().pow(3).mul(1.5); // a wider second batch: the histogram is re-binned
    const mm = new quantization.MinMaxObserver();
    const h = new quantization.HistogramObserver();
    for (const t of [a, b]) { mm.observe(t); h.observe(t); }
    const qm = mm.qparams(false);
    const qh = h.qparams(false);
    assert.strictEqual(qh.zeroPoint, 0);
    assert.ok(qh.scale < qm.scale, `histogram scale ${qh.scale} vs MinMax ${qm.scale}`);
    const all = torch.cat([a, b]);
    const err = (scale) => torch.quantizePerTensor(all, scale, 0, 'quint8').dequantize().sub(all).pow(2).sum().item();
    assert.ok(err(qh.scale) < err(qm.scale), `squared error ${err(qh.scale)} vs MinMax ${err(qm.scale)}`);
    assert.ok(err(qh.scale) < err(qh.scale * 0.6), 'clipping harder costs more');
    // A range with negative values keeps MinMax's parameters.
    const signed = new quantization.HistogramObserver();
    const ref = new quantization.MinMaxObserver();
    const s = torch.randn([1000]);
    signed.observe(s); ref.observe(s);
    assert.deepStrictEqual(signed.qparams(false), ref.qparams(false));
  });

  it("observer: 'histogram' calibrates a model (same layout, other ranges); an unknown observer is refused", async function () {
    const batches = calibrationBatches(2, 32, 2);
    const h = await models.quantize(float, { calibration: batches, observer: 'histogram' });
    const m = await models.quantize(float, { calibration: batches });
    assert.deepStrictEqual(Object.keys(h.stateDict()), Object.keys(m.stateDict()));
    assert.ok(h.module.features[0].scale <= m.module.features[0].scale, 'a clipped range is never wider');
    const x = batches[0];
    assert.ok(relativeError(h.forward(x), torch.noGrad(() => float.forward(x))) < 0.2);
    await assert.rejects(models.quantize(float, { calibration: batches, observer: 'kl' }), /observer must be one of/);
  });

  it('refuses a path the model lacks, a layer that is not trailing, and a wrong type, naming them', async function () {
    const batches = calibrationBatches(1, 32, 2);
    await assert.rejects(models.quantize(float, { calibration: batches, keepFloat: ['classifier.9'] }), /keepFloat names classifier\.9, which the model does not have as a Linear or Conv2d/);
    await assert.rejects(models.quantize(float, { calibration: batches, keepFloat: ['classifier.0'] }), /keepFloat may only name trailing layers/);
    await assert.rejects(models.quantize(float, { calibration: batches, keepFloat: 'classifier.6' }), /keepFloat must be an array of module paths/);
  });
});

describe('int8 checkpoints (torchvgg quantize) load, predict and serve', function () {
  this.timeout(300000);
  it('quantizeCheckpoint writes an int8 checkpoint that loadCheckpoint and the server read', async function () {
    const floatFile = path.join(tmp, 'shapes-float.pth');
    const int8File = path.join(tmp, 'shapes-int8.pth');
    torch.manualSeed(5);
    const classes = ['circle', 'star', 'cross'];
    tasks.saveCheckpoint(floatFile, { arch: 'vgg11', classes, imageSize: 32, model: models.vgg11({ numClasses: 3 }) });
    const transform = tasks.evalTransform(32);
    const calibration = new datasets.Shapes({ classes, size: 32, count: 16, seed: 1, transform });
    const validation = new datasets.Shapes({ classes, size: 32, count: 16, seed: 2, transform });
    const r = await tasks.quantizeCheckpoint(floatFile, int8File, { calibration, validation, batchSize: 8 });
    assert.strictEqual(r.calibrationImages, 16);
    assert.ok(r.agreement >= 0 && r.agreement <= 1 && r.validationImages === 16);
    assert.ok(fs.statSync(int8File).size < fs.statSync(floatFile).size / 3, 'int8 weights take a quarter of the bytes');
    const ck = tasks.loadCheckpoint(int8File);
    assert.strictEqual(ck.quantized, 'qint8');
    assert.ok(ck.model instanceof quantization.QuantWrapper);
    assert.deepStrictEqual(ck.classes, classes);
    await assert.rejects(tasks.quantizeCheckpoint(int8File, path.join(tmp, 'again.pth'), { calibration }), /already qint8/);

    const x = torch.randn([2, 3, 32, 32]);
    const direct = ck.model.forward(x);
    const srv = server.createServer({ models: [{ weights: int8File, name: 'int8' }], port: 0, host: '127.0.0.1', logLevel: 'silent', maxQueueDelayMs: 0 });
    const { url } = await srv.listen();
    try {
      const body = { inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 3, 32, 32], data: Array.from(x.toTypedArray()) }] };
      const res = await fetch(`${url}/v2/models/int8/infer`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      assert.strictEqual(res.status, 200);
      const out = (await res.json()).outputs[0];
      assert.deepStrictEqual(out.shape, [2, 3]);
      const want = Array.from(direct.toTypedArray());
      out.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `logit ${i}: ${v} vs ${want[i]}`));
    } finally {
      await srv.close();
    }
    assert.throws(() => server.createServer({ models: [{ weights: int8File }], dtype: 'bfloat16', port: 0, host: '127.0.0.1', logLevel: 'silent' }),
      /int8 model runs on the CPU/);
  });

  it("keepFloat: ['head'] keeps the family's head in float32 through the checkpoint and back", async function () {
    const floatFile = path.join(tmp, 'shapes-float2.pth');
    const int8File = path.join(tmp, 'shapes-int8-head.pth');
    torch.manualSeed(6);
    const classes = ['circle', 'star'];
    tasks.saveCheckpoint(floatFile, { arch: 'vgg11', classes, imageSize: 32, model: models.vgg11({ numClasses: 2 }) });
    const calibration = new datasets.Shapes({ classes, size: 32, count: 8, seed: 1, transform: tasks.evalTransform(32) });
    await tasks.quantizeCheckpoint(floatFile, int8File, { calibration, batchSize: 8, keepFloat: ['head'] });
    const ck = tasks.loadCheckpoint(int8File);
    const head = ck.model.module.getSubmodule('classifier.6'); // VGG's head
    assert.strictEqual(head.typeName, 'Sequential');
    assert.strictEqual(head[1].weight.dtype, 'float32');
    assert.deepStrictEqual(ck.model.forward(torch.randn([1, 3, 32, 32])).shape, [1, 2]);
  });
});
