// The layer registry: every layer type prints, names, saves and loads as PyTorch does, computes what
// PyTorch computes, reports its options from C++, copies (deepcopy) and refuses bad options clearly.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models } = require('..');
const { requireOracle, python } = require('./support/checkpoint-fixtures');

// The same network in both languages: every registry layer type, the new ones included.
const PY_NET = `
import torch, torch.nn as nn
def net():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.LeakyReLU(0.2), nn.AvgPool2d(2),
        nn.Dropout2d(0.3), nn.Conv2d(4, 4, (1, 3), stride=1, padding='same', bias=False), nn.GELU(),
        nn.MaxPool2d(2, stride=1), nn.Flatten(), nn.Linear(36, 8), nn.BatchNorm1d(8), nn.Tanh(),
        nn.Dropout(0.1), nn.Linear(8, 5), nn.Sigmoid(), nn.Identity(), nn.Softmax(dim=1))
`;
function jsNet() {
  return new nn.Sequential(
    new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.LeakyReLU(0.2), new nn.AvgPool2d(2),
    new nn.Dropout2d(0.3), new nn.Conv2d(4, 4, [1, 3], { stride: 1, padding: 'same', bias: false }), new nn.GELU(),
    new nn.MaxPool2d(2, { stride: 1 }), new nn.Flatten(), new nn.Linear(36, 8), new nn.BatchNorm1d(8), new nn.Tanh(),
    new nn.Dropout(0.1), new nn.Linear(8, 5), new nn.Sigmoid(), new nn.Identity(), new nn.Softmax(1));
}

describe('layer registry', () => {
  describe('against PyTorch', () => {
    let dir;
    let ref;
    before(function () {
      requireOracle(this);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-layers-'));
      // Python trains one step (so running stats are not the defaults), then saves weights, an input and outputs.
      ref = python(`${PY_NET}
import json, sys
torch.manual_seed(0)
m = net()
x = torch.randn(2, 3, 8, 8)
m.train(); m(x)
m.eval()
torch.save(m.state_dict(), sys.argv[1] + '/py.pth')
torch.save({'x': x, 'y': m(x)}, sys.argv[1] + '/io.pth')
print(json.dumps({'repr': repr(m), 'keys': list(m.state_dict().keys()),
                  'params': [[n, list(p.shape)] for n, p in m.named_parameters()]}))
`, [dir]);
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('prints every layer type exactly as PyTorch does', () => {
      assert.strictEqual(String(jsNet()), ref.repr);
    });

    it('names parameters and state-dict entries as PyTorch does', () => {
      const m = jsNet();
      assert.deepStrictEqual(Object.keys(m.stateDict()), ref.keys);
      assert.deepStrictEqual(m.namedParameters().map(([n, p]) => [n, p.shape]), ref.params);
    });

    it('loads the state dict Python saved and computes its eval output within 1e-5', () => {
      const m = jsNet();
      m.loadStateDict(torch.load(path.join(dir, 'py.pth')));
      m.eval();
      const { x, y } = torch.load(path.join(dir, 'io.pth'));
      const out = m.forward(x);
      assert.deepStrictEqual(out.shape, y.shape);
      assert.ok(out.allclose(y, { rtol: 1e-5, atol: 1e-6 }), 'outputs differ');
    });

    it('saves a state dict that Python loads strictly into the same network', () => {
      const m = jsNet();
      torch.manualSeed(3);
      m.loadStateDict(torch.load(path.join(dir, 'py.pth')));
      m.eval();
      const { x } = torch.load(path.join(dir, 'io.pth'));
      torch.save({ sd: m.stateDict(), y: m.forward(x) }, path.join(dir, 'js.pth'));
      const r = python(`${PY_NET}
import json, sys
d = torch.load(sys.argv[1] + '/js.pth')
io = torch.load(sys.argv[1] + '/io.pth')
m = net(); m.load_state_dict(d['sd'], strict=True); m.eval()
print(json.dumps(float((m(io['x']) - d['y']).abs().max())))
`, [dir]);
      assert.ok(r < 1e-5, `max difference ${r}`);
    });
  });

  it('nn.Identity as classifier[6] turns VGG into a 4096-d feature extractor', () => {
    const vgg = models.vgg11({ initWeights: false });
    vgg.classifier[6] = new nn.Identity();
    vgg.eval();
    assert.deepStrictEqual(vgg.forward(torch.randn(2, 3, 32, 32)).shape, [2, 4096]);
    assert.match(String(vgg.classifier), /\(6\): Identity\(\)/);
  });

  it('fills defaults in C++ and reports them back through the layer getters', () => {
    assert.strictEqual(new nn.Dropout().p, 0.5);
    assert.strictEqual(new nn.LeakyReLU().negativeSlope, 0.01);
    assert.strictEqual(new nn.GELU().approximate, 'none');
    assert.deepStrictEqual(new nn.AvgPool2d(3).stride, 3);
    assert.strictEqual(new nn.BatchNorm1d(7).eps, 1e-5);
    assert.ok(new nn.Linear(2, 3).bias !== null);
    assert.strictEqual(new nn.Linear(2, 3, { bias: false }).bias, null);
    assert.strictEqual(new nn.Softmax().dim, null);
  });

  it('computes Softmax, LeakyReLU, GELU and AvgPool2d like their functional forms', () => {
    const x = torch.tensor([[-2, -0.5, 0, 1.5]]);
    assert.deepStrictEqual(new nn.LeakyReLU(0.1).forward(x).tolist().map((r) => r.map((v) => +v.toFixed(5))), [[-0.2, -0.05, 0, 1.5]]);
    const s = new nn.Softmax(1).forward(x);
    assert.ok(Math.abs(s.sum().item() - 1) < 1e-6);
    const g = new nn.GELU().forward(torch.tensor([1]));
    assert.ok(Math.abs(g.item() - 0.8413447) < 1e-5, `GELU(1) = ${g.item()}`);
    const p = new nn.AvgPool2d(2).forward(torch.arange(16, { dtype: 'float32' }).reshape(1, 1, 4, 4));
    assert.deepStrictEqual(p.tolist(), [[[[2.5, 4.5], [10.5, 12.5]]]]);
  });

  it('deep-copies a module tree: same printout and values, separate storage', () => {
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2), new nn.ReLU());
    const copy = m.deepcopy();
    assert.strictEqual(String(copy), String(m));
    assert.ok(copy.at(0).weight.allclose(m.at(0).weight, { rtol: 0, atol: 0 }));
    copy.at(0).weight.copy_(torch.zeros(2, 3));
    assert.notStrictEqual(m.at(0).weight.abs().sum().item(), 0, 'the original changed with the copy');
  });

  it('refuses bad layer options with errors that name the option', () => {
    assert.throws(() => new nn.Linear(2, 3, { bais: false }), { name: 'TypeError', message: /no option 'bais'; did you mean 'bias'/ });
    assert.throws(() => new nn.Conv2d(3, 4, 3, { padding: 'full' }), { name: 'TypeError', message: /padding/ });
    assert.throws(() => new nn.Conv2d(3, 4, 3, { padding: 'same', stride: 2 }), { name: 'RangeError', message: /not supported for strided/ });
    assert.throws(() => new nn.Dropout2d(1.5), { name: 'RangeError', message: /p must be/ });
    assert.throws(() => new nn.GELU({ approximate: 'fast' }), { name: 'TypeError', message: /approximate/ });
    assert.throws(() => new nn.BatchNorm1d(4).forward(torch.zeros(1, 4, 2, 2)), { name: 'RangeError', message: /expected 2D or 3D input \(got 4D input\)/ });
    assert.throws(() => new nn.AvgPool2d(2, { divisorOverride: 0 }), { name: 'RangeError', message: /divisorOverride/ });
  });

  it('refuses a module that would contain itself', () => {
    const s = new nn.Sequential(new nn.ReLU());
    assert.throws(() => s.append(s), { name: 'RangeError', message: /cannot contain itself/ });
    const vgg = models.vgg11({ initWeights: false });
    assert.throws(() => { vgg.classifier[6] = vgg; }, { name: 'RangeError', message: /cannot contain itself/ });
    assert.match(String(s), /^Sequential\(\n  \(0\): ReLU\(\)\n\)$/);
  });
});
