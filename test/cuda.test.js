// CUDA: the same model and tensors on the GPU. Every test skips, saying why, where no CUDA device is
// visible (a CPU libtorch, or no GPU), so this file runs cleanly in the default `npm test`.
// `npm run test:cuda` (TORCHVGG_CUDA_TESTS=1) runs it alone on a GPU host with the full VGG16; the
// default run uses VGG11 on 64×64 inputs to stay quick.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { torch, models, optim, server } = require('..');
const { relativeError, skip } = require('./helpers');

const FULL = process.env.TORCHVGG_CUDA_TESTS === '1';
const HAS_CUDA = torch.cuda.isAvailable();

/** In a test: skip it, saying why, when there is no CUDA device. */
function needCuda(ctx) {
  if (HAS_CUDA) return;
  skip(ctx, 'no CUDA device: torch.cuda.isAvailable() is false'
    + `${FULL ? '; npm run test:cuda needs the addon built against a CUDA libtorch on a GPU host' : ''}`);
}

function model() {
  torch.manualSeed(0);
  return (FULL ? models.vgg16() : models.vgg11()).eval();
}
const inputShape = () => (FULL ? [4, 3, 224, 224] : [2, 3, 64, 64]);

describe('CUDA', () => {
  it('moves a tensor to cuda:0 and back unchanged', function () {
    needCuda(this);
    const x = torch.randn(1000);
    const g = x.to('cuda:0');
    assert.strictEqual(g.device, 'cuda:0');
    const back = g.to('cpu');
    assert.strictEqual(back.device, 'cpu');
    assert.deepStrictEqual(back.toTypedArray(), x.toTypedArray());
  });

  it("model.to('cuda') gives the CPU model's logits (1e-2 relative: cuDNN may use TF32)", function () {
    needCuda(this);
    const m = model();
    const x = torch.randn(...inputShape());
    const cpu = torch.noGrad(() => m.forward(x));
    m.to('cuda');
    assert.strictEqual(m.parameters()[0].device, 'cuda:0');
    const gpu = torch.noGrad(() => m.forward(x.to('cuda')));
    assert.strictEqual(gpu.device, 'cuda:0');
    const err = relativeError(gpu.to('cpu'), cpu);
    assert.ok(err <= 1e-2, `relative error ${err}`);
  });

  for (const dtype of ['float16', 'bfloat16']) {
    it(`runs in ${dtype} channels_last on the GPU, within 5e-2 relative of fp32 on the CPU`, function () {
      needCuda(this);
      const m = model();
      const x = torch.randn(...inputShape());
      const cpu = torch.noGrad(() => m.forward(x));
      m.to({ device: 'cuda', dtype, memoryFormat: torch.channelsLast });
      const y = torch.noGrad(() => m.forward(x.to({ device: 'cuda', dtype, memoryFormat: torch.channelsLast })));
      assert.strictEqual(y.dtype, dtype);
      const err = relativeError(y.to({ device: 'cpu', dtype: 'float32' }), cpu);
      assert.ok(err <= 5e-2, `relative error ${err}`);
    });
  }

  it('forwardAsync on the GPU gives forward()\'s result and leaves it on the GPU', async function () {
    needCuda(this);
    const m = model().to('cuda');
    const x = torch.randn(...inputShape()).to('cuda');
    const expected = torch.noGrad(() => m.forward(x)).to('cpu');
    const y = await m.forwardAsync(x);
    assert.strictEqual(y.device, 'cuda:0');
    const err = relativeError(y.to('cpu'), expected);
    assert.ok(err <= 1e-4, `relative error ${err}`);
  });

  it("torch.load with mapLocation 'cuda' puts every tensor on the GPU with the saved values", function () {
    needCuda(this);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-cuda-')), 'sd.pt');
    try {
      const sd = { weight: torch.randn(64, 3, 3, 3), bias: torch.randn(64), steps: torch.tensor([7], { dtype: 'int64' }) };
      torch.save(sd, file);
      const loaded = torch.load(file, { mapLocation: 'cuda' });
      for (const [name, t] of Object.entries(sd)) {
        assert.strictEqual(loaded[name].device, 'cuda:0', name);
        assert.deepStrictEqual(loaded[name].to('cpu').toTypedArray(), t.toTypedArray(), name);
      }
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('optim.trainStep on the GPU takes the same Adam step as on the CPU (1e-2 relative: TF32)', async function () {
    needCuda(this);
    torch.manualSeed(0);
    const cpuModel = models.vgg11({ numClasses: 5 });
    const gpuModel = cpuModel.deepcopy().to('cuda');
    const x = torch.randn(4, 3, 32, 32);
    const target = torch.tensor([0, 1, 2, 4], { dtype: 'int64' });
    const cpuOpt = new optim.Adam(cpuModel.parameters(), { lr: 1e-4 });
    const gpuOpt = new optim.Adam(gpuModel.parameters(), { lr: 1e-4 });
    for (const m of [cpuModel, gpuModel]) m.eval(); // dropout off, so both sides compute the same function
    const a = await optim.trainStep({ model: cpuModel, optimizer: cpuOpt, input: x, target });
    const b = await optim.trainStep({ model: gpuModel, optimizer: gpuOpt, input: x.to('cuda'), target: target.to('cuda') });
    assert.ok(Math.abs(a.loss - b.loss) <= 1e-2 * Math.abs(a.loss), `loss ${a.loss} (cpu) vs ${b.loss} (cuda)`);
    const w = (m) => m.stateDict()['classifier.6.weight'].to('cpu');
    const err = relativeError(w(gpuModel), w(cpuModel));
    assert.ok(err <= 1e-2, `classifier.6.weight after the step: relative error ${err}`);
  });

  it('mixing devices is a JS error naming the devices, not a crash', function () {
    needCuda(this);
    const g = torch.ones(3).to('cuda');
    assert.throws(() => torch.ones(3).add(g), /device|cuda/i);
    const m = models.vgg11().to('cuda').eval();
    assert.throws(() => torch.noGrad(() => m.forward(torch.randn(1, 3, 32, 32))), /device|cuda|type/i);
    assert.strictEqual(g.mul(2).sum().item(), 6, 'CUDA still works afterwards');
  });

  it('running out of GPU memory is a RangeError with code ERR_TORCHVGG_OUT_OF_MEMORY, and the GPU stays usable', function () {
    needCuda(this);
    // 16 GiB blocks until the GPU is full (at most 40: 640 GiB), each small enough for the host-side size check.
    const held = [];
    let err;
    try {
      for (let i = 0; i < 40 && !err; i++) held.push(torch.empty([4, 2 ** 30], { device: 'cuda' }));
    } catch (e) {
      err = e;
    } finally {
      for (const t of held) t.dispose();
    }
    assert.ok(err, `allocated ${held.length} blocks of 16 GiB without running out`);
    assert.ok(err instanceof RangeError && err.code === 'ERR_TORCHVGG_OUT_OF_MEMORY', `${err && err.constructor.name}: ${err && err.message} (code ${err && err.code})`);
    assert.strictEqual(torch.ones(2, { device: 'cuda' }).sum().item(), 2);
  });

  it('out-of-range indices on CUDA are RangeErrors, never device-side asserts that kill the CUDA context', function () {
    needCuda(this);
    const r = spawnSync(process.execPath, [path.join(__dirname, 'support', 'cuda-bad-indices.js')], { encoding: 'utf8', timeout: 120000 });
    const line = r.stdout.trim().split('\n').pop();
    assert.ok(line && line.startsWith('{'), `child printed no result (status ${r.status}): ${r.stderr.slice(-2000)}`);
    const out = JSON.parse(line);
    assert.ok(!out.fatal, out.fatal);
    for (const [name, res] of Object.entries(out)) {
      if (name === 'after') continue;
      assert.match(res, /^RangeError: .*out of bounds/, `${name}: ${res}`);
    }
    assert.strictEqual(out.after, 12, 'a CUDA op after the bad indices still works');
  });

  it('the inference server serves a CUDA model: HTTP answers match the CPU forward, 16 requests at once', async function () {
    needCuda(this);
    torch.manualSeed(0);
    const cpuModel = models.vgg11({ numClasses: 3 }).eval();
    const srv = server.createServer({
      models: [{ name: 'm', model: cpuModel.deepcopy(), classes: ['a', 'b', 'c'] }],
      device: 'cuda', port: 0, host: '127.0.0.1', maxBatchSize: 8, maxQueueDelayMs: 5, logLevel: 'silent',
    });
    const { url } = await srv.listen();
    try {
      const xs = Array.from({ length: 16 }, () => torch.randn(1, 3, 32, 32));
      const answers = await Promise.all(xs.map(async (x) => {
        const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape, data: Array.from(x.toTypedArray()) }] });
        const res = await fetch(`${url}/v2/models/m/infer`, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
        assert.strictEqual(res.status, 200, await res.clone().text());
        return (await res.json()).outputs[0].data;
      }));
      for (let i = 0; i < xs.length; i++) {
        const expected = torch.noGrad(() => cpuModel.forward(xs[i]));
        const err = relativeError(torch.tensor(answers[i]).reshape(expected.shape), expected);
        assert.ok(err <= 1e-2, `request ${i}: relative error ${err}`);
      }
    } finally {
      await srv.close();
    }
  });
});
