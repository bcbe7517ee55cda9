// The concurrency contract of one module: while forwardAsync or trainStep runs on it, changing it is
// refused with ERR_TORCHVGG_MODULE_BUSY, and every async result equals the same calls made synchronously,
// in submission order, on a copy. 1,000 random interleavings, each result checked.
const assert = require('assert');
const { torch, nn, optim } = require('..');

// A deterministic generator, so a failure names a reproducible seed.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeModel() {
  return new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(4 * 6 * 6, 5));
}

function close(a, b, what) {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  assert.strictEqual(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) {
    assert.ok(Math.abs(x[i] - y[i]) <= 1e-4 * (1 + Math.abs(y[i])), `${what}: element ${i} ${x[i]} vs ${y[i]}`);
  }
}

describe('concurrent use of one module', () => {
  it('refuses changes while async work runs and matches a synchronous replay over 1,000 random interleavings', async function () {
    this.timeout(300000);
    const seed = 12345;
    const random = rng(seed);
    torch.manualSeed(seed);
    const model = makeModel();
    const ref = model.deepcopy();
    const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
    const refOpt = new optim.SGD(ref.parameters(), { lr: 0.01 });
    const snapshot = model.stateDict();
    const inputs = Array.from({ length: 4 }, () => torch.randn(2, 3, 6, 6));
    const target = torch.tensor([1, 3], { dtype: 'int64' });

    let inflight = 0;
    let writers = 0;
    const pending = new Set();
    const counts = { forwardAsync: 0, trainStep: 0, refused: 0, changed: 0, syncForward: 0, settled: 0 };
    const track = (p, writes, check) => {
      inflight++;
      if (writes) writers++;
      const done = p.then((v) => {
        inflight--;
        if (writes) writers--;
        counts.settled++;
        check(v);
      });
      pending.add(done);
      done.finally(() => pending.delete(done));
    };
    // A change to the module: refused exactly while async work uses it, else applied to both copies.
    const change = (name, fn) => {
      if (inflight > 0) {
        assert.throws(() => fn(model), (e) => e.code === 'ERR_TORCHVGG_MODULE_BUSY' && e.message.includes('busy'),
          `${name} must be refused while ${inflight} job(s) run`);
        counts.refused++;
      } else {
        fn(model);
        fn(ref);
        counts.changed++;
      }
    };

    for (let step = 0; step < 1000; step++) {
      const r = random();
      const x = inputs[Math.floor(random() * inputs.length)];
      if (r < 0.3) {
        const expected = ref.forward(x).detach();
        track(model.forwardAsync(x), model.training, (y) => close(y, expected, `forwardAsync at step ${step}`));
        counts.forwardAsync++;
      } else if (r < 0.45) {
        ref.zeroGrad();
        const loss = nn.functional.crossEntropy(ref.forward(x), target);
        loss.backward();
        refOpt.step();
        const expected = loss.item();
        track(optim.trainStep({ model, optimizer: opt, input: x, target }), true,
          (res) => assert.ok(Math.abs(res.loss - expected) <= 1e-4 * (1 + expected), `trainStep loss at step ${step}: ${res.loss} vs ${expected}`));
        counts.trainStep++;
      } else if (r < 0.55) {
        // A sync forward reads while only readers run in eval mode; otherwise it is refused.
        const allowed = inflight === 0 || (writers === 0 && !model.training);
        if (allowed) {
          close(model.forward(x), ref.forward(x), `sync forward at step ${step}`);
          counts.syncForward++;
        } else {
          assert.throws(() => model.forward(x), (e) => e.code === 'ERR_TORCHVGG_MODULE_BUSY');
          counts.refused++;
        }
      } else if (r < 0.62) {
        change('train()', (m) => m.train());
      } else if (r < 0.69) {
        change('eval()', (m) => m.eval());
      } else if (r < 0.74) {
        change('loadStateDict()', (m) => m.loadStateDict(snapshot));
      } else if (r < 0.78) {
        change('requiresGrad_()', (m) => m.requiresGrad_(true));
      } else if (r < 0.81) {
        change('to()', (m) => m.to('float32'));
      } else if (r < 0.84) {
        change('Sequential edit', (m) => { m[2] = new nn.ReLU(); });
      } else if (r < 0.87) {
        change('parameter assignment', (m) => m[4].registerParameter('bias', m[4].bias));
      } else if (r < 0.91 && pending.size) {
        await [...pending][Math.floor(random() * pending.size)];
      } else if (r < 0.95) {
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        await Promise.all([...pending]);
      }
    }
    await Promise.all([...pending]);
    assert.strictEqual(inflight, 0);
    assert.strictEqual(counts.settled, counts.forwardAsync + counts.trainStep);
    assert.ok(counts.refused > 50 && counts.changed > 50 && counts.syncForward > 20 && counts.forwardAsync > 200, JSON.stringify(counts));
    // Every change is allowed again once the work is done, and both copies ended equal.
    model.eval();
    ref.eval();
    close(model.forward(inputs[0]), ref.forward(inputs[0]), 'final outputs');
    assert.strictEqual(torch.executor.pending(), 0);
  });

  it('reports the executor queue length for backpressure', async () => {
    const model = makeModel().eval();
    const x = torch.randn(2, 3, 6, 6);
    const before = torch.executor.pending();
    const ps = [model.forwardAsync(x), model.forwardAsync(x), model.forwardAsync(x)];
    assert.strictEqual(torch.executor.pending(), before + 3);
    await Promise.all(ps);
    assert.strictEqual(torch.executor.pending(), before);
  });
});
