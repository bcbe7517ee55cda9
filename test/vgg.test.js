'use strict';
const assert = require('assert');
const { torch, nn, models } = require('..');
const { requireFixture, readJson, readRaw, relativeError } = require('./helpers');

const ARCHS = ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn'];
const trainable = (m) => m.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);

describe('models.vgg*', () => {
  let py;
  before(function () {
    requireFixture(this, 'vgg.json');
    py = readJson('vgg.json');
  });

  for (const arch of ARCHS) {
    it(`${arch} prints, names its parameters and orders its state dict exactly as torchvision does`, () => {
      const model = models[arch]({ initWeights: false });
      assert.strictEqual(String(model), py[arch].repr);
      const params = model.namedParameters().map(([n, p]) => [n, p.shape, p.numel()]);
      assert.deepStrictEqual(params, py[arch].parameters);
      assert.deepStrictEqual(model.namedBuffers().map(([n, b]) => [n, b.shape]), py[arch].buffers);
      assert.deepStrictEqual(Object.keys(model.stateDict()), py[arch].state_dict_keys);
    });
  }

  it('vgg16 has 138,357,544 parameters', () => {
    const total = models.vgg16({ initWeights: false }).parameters().reduce((n, p) => n + p.numel(), 0);
    assert.strictEqual(total, 138357544);
  });

  it('initialises like torchvision: kaiming-normal convs, N(0, 0.01) linears, zero biases, unit batch norm', () => {
    torch.manualSeed(0);
    const model = models.vgg11_bn();
    const conv = model.features[0].weight; // fan_out = 64 * 3 * 3 -> std = sqrt(2 / 576)
    const std = (t) => Math.sqrt(t.sub(t.mean()).mul(t.sub(t.mean())).mean().item());
    assert.ok(Math.abs(std(conv) - Math.sqrt(2 / 576)) < 0.01, `conv std ${std(conv)}`);
    assert.ok(Math.abs(std(model.classifier[6].weight) - 0.01) < 0.0005);
    assert.strictEqual(model.features[0].bias.sum().item(), 0);
    assert.strictEqual(model.classifier[0].bias.sum().item(), 0);
    assert.deepStrictEqual(model.features[1].weight.tolist(), new Array(64).fill(1));
  });

  for (const arch of ['vgg11', 'vgg16_bn']) {
    it(`${arch} in eval mode gives PyTorch's output for the same weights and input (1e-4 relative)`, function () {
      requireFixture(this, `${arch}-weights.bin`);
      const model = models[arch]({ initWeights: false });
      model.loadStateDict(readRaw(`${arch}-weights`));
      model.eval();
      const io = readRaw(`${arch}-io`);
      const y = model.forward(io.input);
      assert.deepStrictEqual(y.shape, [2, 1000]);
      const err = relativeError(y, io.output);
      assert.ok(err < 1e-4, `relative error ${err}`);
    });
  }

  describe('the seed walkthrough surgery', () => {
    it('replaces classifier[6] with a 10-class Linear: repr, forward shape and state dict follow', () => {
      const model = models.vgg16();
      model.classifier[6] = new nn.Linear(4096, 10);
      for (const p of model.features.parameters()) p.requiresGrad = false;
      assert.strictEqual(String(model), py.surgery.repr);
      assert.deepStrictEqual(model.stateDict()['classifier.6.weight'].shape, [10, 4096]);
      assert.strictEqual(trainable(model), py.surgery.trainable);
      assert.strictEqual(model.parameters().reduce((n, p) => n + p.numel(), 0), py.surgery.total);
      model.eval();
      assert.deepStrictEqual(model.forward(torch.randn(2, 3, 32, 32)).shape, [2, 10]);
    });

    it('freezes with requiresGrad_(false) and swaps through setClassifierLayer', () => {
      const model = models.vgg11({ numClasses: 5 });
      model.features.requiresGrad_(false);
      model.setClassifierLayer(6, new nn.Linear(4096, 3));
      assert.deepStrictEqual(model.classifier[6].weight.shape, [3, 4096]);
      assert.strictEqual(trainable(model), 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 3 + 3);
      assert.strictEqual(model.classifier, model.classifier, 'the same JS object for the same module');
      assert.strictEqual(model.getSubmodule('classifier.6'), model.classifier[6]);
    });
  });

  describe('forwardAsync', () => {
    it('gives the same result as forward and keeps the event loop turning while it runs', async () => {
      torch.manualSeed(3);
      const model = models.vgg16().eval();
      const x = torch.randn(1, 3, 224, 224);
      const expected = model.forward(x);
      let ticks = 0;
      const timer = setInterval(() => { ticks++; }, 5);
      const started = Date.now();
      const y = await model.forwardAsync(x);
      const elapsed = Date.now() - started;
      clearInterval(timer);
      assert.ok(y.allclose(expected, { rtol: 1e-5, atol: 1e-6 }));
      assert.ok(ticks >= Math.floor(elapsed / 5 / 4), `timer fired ${ticks} times in ${elapsed} ms`);
      assert.ok(ticks >= 3, `timer fired ${ticks} times`);
    });

    it('queues concurrent calls and rejects bad input with a clear error', async () => {
      const model = models.vgg11({ numClasses: 4 }).eval();
      const xs = [1, 2, 3].map((n) => torch.randn(n, 3, 32, 32));
      const ys = await Promise.all(xs.map((x) => model.forwardAsync(x)));
      assert.deepStrictEqual(ys.map((y) => y.shape), [[1, 4], [2, 4], [3, 4]]);
      await assert.rejects(model.forwardAsync(torch.randn(1, 1, 32, 32)), /expected input\[1, 1, 32, 32\] to have 3 channels/);
    });
  });

  it('rejects a rank-3 input, one channel, an input under 32x32 and a disposed tensor', () => {
    const model = models.vgg11({ numClasses: 2 }).eval();
    assert.throws(() => model.forward(torch.randn(3, 64, 64)), { name: 'RangeError', message: /shape \[N, C, H, W\], got \[3, 64, 64\]/ });
    assert.throws(() => model.forward(torch.randn(1, 1, 64, 64)), /to have 3 channels, but got 1 channels/);
    assert.throws(() => model.forward(torch.randn(1, 3, 31, 64)), { name: 'RangeError', message: /at least 32/ });
    const x = torch.randn(1, 3, 32, 32);
    x.dispose();
    assert.throws(() => model.forward(x), /tensor was disposed/);
    assert.throws(() => models.vgg11({ numClasses: 0 }), RangeError);
  });

  it('rejects a state dict with a wrong shape or a missing key, naming them', () => {
    const model = models.vgg11({ initWeights: false });
    const sd = model.stateDict();
    sd['classifier.6.weight'] = torch.zeros(10, 4096);
    assert.throws(() => model.loadStateDict(sd), /size mismatch for classifier.6.weight: copying a param with shape \[10, 4096\] from checkpoint, the shape in current model is \[1000, 4096\]/);
    const partial = model.stateDict();
    delete partial['features.0.bias'];
    assert.throws(() => model.loadStateDict(partial), /Missing key\(s\) in state_dict: "features.0.bias"/);
  });
});
