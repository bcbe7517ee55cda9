// nn.Module subclasses written in JS: registration on assignment, PyTorch's repr and names, loading
// what Python saved for the same class, training through the JS forward, nesting both ways.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models, optim } = require('..');
const { requireOracle, python } = require('./support/checkpoint-fixtures');
const { relativeError } = require('./helpers');

const PY_NET = `
import torch, torchvision, torch.nn as nn, torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = torchvision.models.vgg11().features
        self.scale = nn.Parameter(torch.ones(1))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(512 * 7 * 7, 10))
        self.register_buffer('shift', torch.zeros(10))
    def forward(self, x):
        f = F.adaptive_avg_pool2d(self.features(x), 7)
        return self.head(f) * self.scale + self.shift
`;

class Net extends nn.Module {
  features = models.vgg11({ initWeights: false }).features;
  scale = new nn.Parameter(torch.ones(1));
  head = new nn.Sequential(new nn.Flatten(), new nn.Linear(512 * 7 * 7, 10));
  constructor() {
    super();
    this.registerBuffer('shift', torch.zeros(10));
  }
  forward(x) {
    const f = nn.functional.adaptiveAvgPool2d(this.features.forward(x), 7);
    return this.head.forward(f).mul(this.scale).add(this.shift);
  }
}

describe('nn.Module subclasses in JS', () => {
  describe('against the same class in Python', () => {
    let dir;
    let ref;
    before(function () {
      requireOracle(this);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-subclass-'));
      ref = python(`${PY_NET}
import json, sys
torch.manual_seed(0)
net = Net()
with torch.no_grad():
    net.scale.fill_(1.5); net.shift.uniform_()
x = torch.randn(2, 3, 32, 32)
y = torch.tensor([3, 7])
net.eval()
out = net(x)
torch.save({'sd': net.state_dict(), 'x': x, 'y': y, 'out': out}, sys.argv[1] + '/net.pth')
net.train()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss = F.cross_entropy(net(x), y); loss.backward(); opt.step()
torch.save({'scale': net.scale.detach(), 'head': net.head[1].weight.detach()}, sys.argv[1] + '/after.pth')
print(json.dumps({'repr': repr(net), 'params': [n for n, _ in net.named_parameters()],
                  'keys': list(net.state_dict().keys()), 'loss': loss.item()}))
`, [dir]);
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('prints exactly what Python prints', () => {
      assert.strictEqual(String(new Net()), ref.repr);
    });

    it('registers parameters and buffers in assignment order, under Python\'s names', () => {
      const net = new Net();
      assert.deepStrictEqual(net.namedParameters().map(([n]) => n), ref.params);
      assert.deepStrictEqual(Object.keys(net.stateDict()), ref.keys);
      assert.ok(net.scale instanceof nn.Parameter);
      assert.strictEqual(net.features, net.features, 'one view per child');
    });

    it('loads the state_dict Python saved and gives Python\'s output within 1e-4', () => {
      const { sd, x, out } = torch.load(path.join(dir, 'net.pth'));
      const net = new Net();
      net.loadStateDict(sd);
      net.eval();
      const mine = net.forward(x);
      const err = relativeError(mine, out);
      assert.ok(err < 1e-4, `relative error ${err}`);
      assert.strictEqual(net.scale.item(), 1.5);
    });

    it('trains through the JS forward with trainStep as Python does one SGD step', async () => {
      const { sd, x, y } = torch.load(path.join(dir, 'net.pth'));
      const after = torch.load(path.join(dir, 'after.pth'));
      const net = new Net();
      net.loadStateDict(sd);
      net.train();
      const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
      const r = await optim.trainStep({ model: net, optimizer: opt, input: x, target: y });
      assert.ok(Math.abs(r.loss - ref.loss) < 1e-4 * Math.max(1, Math.abs(ref.loss)), `loss ${r.loss} vs ${ref.loss}`);
      assert.ok(Math.abs(net.scale.item() - after.scale.item()) < 1e-4, `scale ${net.scale.item()} vs ${after.scale.item()}`);
      assert.ok(net.head[1].weight.allclose(after.head, { rtol: 1e-4, atol: 1e-6 }));
    });
  });

  it('moves, switches mode, freezes and saves like any module', () => {
    const net = new Net();
    net.eval();
    assert.strictEqual(net.features[0].training, false);
    net.train();
    assert.strictEqual(net.head.training, true);
    net.requiresGrad_(false);
    assert.ok(net.parameters().every((p) => !p.requiresGrad));
    net.to('float64');
    assert.strictEqual(net.scale.dtype, 'float64');
    assert.strictEqual(net.shift.dtype, 'float64');
    const file = path.join(os.tmpdir(), `tvgg-net-${process.pid}.pth`);
    try {
      torch.save(net.stateDict(), file);
      const back = torch.load(file);
      assert.deepStrictEqual(Object.keys(back), Object.keys(net.stateDict()));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('nests both ways: a JS module inside nn.Sequential, run sync and async', async () => {
    class Double extends nn.Module {
      lin = new nn.Linear(3, 3);
      forward(x) { return this.lin.forward(x).mul(2); }
    }
    const inner = new Double();
    const seq = new nn.Sequential(new nn.ReLU(), inner, new nn.Tanh());
    assert.strictEqual(String(seq), 'Sequential(\n  (0): ReLU()\n  (1): Double(\n    (lin): Linear(in_features=3, out_features=3, bias=True)\n  )\n  (2): Tanh()\n)');
    const x = torch.randn(4, 3);
    const expected = inner.lin.forward(x.relu()).mul(2).tanh();
    assert.ok(seq.forward(x).allclose(expected));
    seq.eval();
    assert.ok((await seq.forwardAsync(x)).allclose(expected), 'forwardAsync through the native container');
    assert.strictEqual(seq[1], inner, 'the container hands back the JS object itself');
  });

  it('runs an async forward that awaits native children off the main thread', async () => {
    class Tower extends nn.Module {
      body = new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU());
      async forward(x) { return (await this.body.forwardAsync(x)).mul(3); }
    }
    const t = new Tower().eval();
    const x = torch.randn(2, 4);
    const out = await t.forwardAsync(x);
    assert.ok(out.allclose(t.body.forward(x).mul(3)));
    const seq = new nn.Sequential(t);
    assert.throws(() => seq.forward(x), { name: 'TypeError', message: /returned a Promise/ });
  });

  it('refuses wrong assignments to registered names, and Python spellings', () => {
    const net = new Net();
    assert.throws(() => { net.scale = torch.ones(1); }, { name: 'TypeError', message: /cannot assign Tensor as parameter 'scale'/ });
    assert.throws(() => { net.head = 3; }, { name: 'TypeError', message: /child module 'head'/ });
    assert.throws(() => net.state_dict(), { name: 'TypeError', message: /stateDict/ });
    assert.throws(() => net.named_parameters(), { name: 'TypeError', message: /namedParameters/ });
    assert.throws(() => net.load_state_dict({}), { name: 'TypeError', message: /loadStateDict/ });
    class NoForward extends nn.Module { lin = new nn.Linear(1, 1); }
    assert.throws(() => new NoForward().forward(torch.ones(1, 1)), /missing the required "forward" function/);
  });

  it('replaces a child by assignment and removes it with delete, keeping order', () => {
    const net = new Net();
    net.head = new nn.Linear(512 * 7 * 7, 2);
    assert.deepStrictEqual(net.namedChildren().map(([k]) => k), ['features', 'head']);
    assert.strictEqual(net.head.outFeatures, 2);
    delete net.head;
    assert.deepStrictEqual(net.namedChildren().map(([k]) => k), ['features']);
    assert.strictEqual(net.head, undefined);
  });
});
