// Forward hooks and pre-hooks on native and JS modules: what they capture, what they replace, that they
// fire from forwardAsync on the executor thread too, and that remove() ends them.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models } = require('..');
const { requireOracle, python } = require('./support/checkpoint-fixtures');
const { relativeError } = require('./helpers');

describe('forward hooks', () => {
  describe('on vgg16.features[29], against Python\'s hook', () => {
    let dir;
    before(function () {
      requireOracle(this);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-hooks-'));
      // Only the features are saved: the captured tensor depends on nothing else.
      python(`
import json, sys, torch, torchvision
torch.manual_seed(0)
m = torchvision.models.vgg16().eval()
seen = {}
m.features[29].register_forward_hook(lambda mod, inp, out: seen.update(out=out.detach().clone(), inp=inp[0].shape))
x = torch.randn(1, 3, 64, 64)
m(x)
torch.save({'features': m.features.state_dict(), 'x': x, 'captured': seen['out']}, sys.argv[1] + '/hook.pth')
print(json.dumps(list(seen['inp'])))
`, [dir]);
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('captures the tensor Python\'s hook captures, from forward and from forwardAsync', async () => {
      const { features, x, captured } = torch.load(path.join(dir, 'hook.pth'));
      const vgg = models.vgg16({ initWeights: false });
      vgg.features.loadStateDict(features);
      vgg.eval();
      const seen = [];
      const handle = vgg.features[29].registerForwardHook((module, input, output) => {
        assert.strictEqual(module, vgg.features[29]);
        assert.ok(Array.isArray(input) && input[0] instanceof torch.Tensor);
        seen.push(output.clone());
      });
      vgg.forward(x);
      await vgg.forwardAsync(x);
      assert.strictEqual(seen.length, 2);
      for (const out of seen) {
        assert.deepStrictEqual(out.shape, captured.shape);
        const err = relativeError(out, captured);
        assert.ok(err < 1e-4, `relative error ${err}`);
      }
      handle.remove();
      await vgg.forwardAsync(x);
      assert.strictEqual(seen.length, 2, 'a removed hook does not fire');
    });
  });

  it('lets a forward hook replace the output and a pre-hook replace the input', () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, new nn.ReLU());
    const x = torch.tensor([[1, -1]]);
    const base = seq.forward(x);
    const raw = x.matmul(lin.weight.transpose(0, 1)).add(lin.bias);
    const h1 = lin.registerForwardHook((m, input, output) => output.mul(-1));
    assert.ok(seq.forward(x).allclose(raw.mul(-1).relu()), 'the hook replaced the output inside the container');
    assert.ok(lin.forward(x).allclose(raw.mul(-1)), 'the hook also fires on a direct call');
    assert.ok(!raw.allclose(raw.mul(-1)), 'the check can tell the two apart');
    h1.remove();
    assert.ok(seq.forward(x).allclose(base));
    const h2 = seq.registerForwardPreHook((m, [input]) => input.mul(0));
    assert.ok(seq.forward(x).allclose(seq.forward(torch.zeros(1, 2))));
    h2.remove();
    h2.remove();
    assert.ok(seq.forward(x).allclose(base));
  });

  it('fires on a JS module called directly, inside a native container, and from forwardAsync', async () => {
    class Scale extends nn.Module {
      lin = new nn.Linear(3, 3);
      forward(x) { return this.lin.forward(x).mul(2); }
    }
    const s = new Scale();
    const seq = new nn.Sequential(s, new nn.Tanh()).eval();
    const calls = [];
    s.registerForwardPreHook((m) => { calls.push(`pre ${m.typeName}`); });
    s.registerForwardHook((m, inp, out) => { calls.push(`post ${out.shape}`); });
    const x = torch.randn(2, 3);
    s.forward(x);
    seq.forward(x);
    await seq.forwardAsync(x);
    assert.deepStrictEqual(calls, ['pre Scale', 'post 2,3', 'pre Scale', 'post 2,3', 'pre Scale', 'post 2,3']);
  });

  it('turns a hook\'s exception or a non-Tensor result into the caller\'s error, sync and async', async () => {
    const relu = new nn.ReLU();
    const seq = new nn.Sequential(relu).eval();
    const h = relu.registerForwardHook(() => { throw new RangeError('hook says no'); });
    assert.throws(() => seq.forward(torch.ones(1)), { name: 'RangeError', message: 'hook says no' });
    await assert.rejects(seq.forwardAsync(torch.ones(1)), { name: 'RangeError', message: 'hook says no' });
    h.remove();
    relu.registerForwardHook(() => 42);
    assert.throws(() => seq.forward(torch.ones(1)), { name: 'TypeError', message: /must return a Tensor; got number 42/ });
    await assert.rejects(seq.forwardAsync(torch.ones(1)), { name: 'TypeError', message: /must return a Tensor/ });
  });

  it('refuses a hook that is not a function', () => {
    assert.throws(() => new nn.ReLU().registerForwardHook('log'), { name: 'TypeError', message: /hook must be a function/ });
  });
});
