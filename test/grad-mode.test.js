// Grad mode follows the async context: torch.noGrad(async fn) covers every op across fn's awaits (a
// DataLoader loop included) and never leaks into work running beside it; setGradEnabled and
// `using _ = torch.noGrad()` set the calling context's mode.
const assert = require('assert');
const { torch, nn, utils } = require('..');

// A dataset whose get() really awaits, so the loop below interleaves with the concurrent training.
const dataset = {
  length: 16,
  async get(i) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return [torch.ones(4).mul(i), i % 2];
  },
};

describe('grad mode across await', () => {
  it('torch.noGrad(async) covers a for-await DataLoader loop while a concurrent step outside records gradients', async () => {
    const model = new nn.Linear(4, 2);
    const seen = [];
    const evaluation = torch.noGrad(async () => {
      for await (const [x] of new utils.data.DataLoader(dataset, { batchSize: 4 })) {
        await new Promise((resolve) => setImmediate(resolve));
        const y = model.forward(x);
        seen.push([y.requiresGrad, y.gradFnName(), torch.isGradEnabled()]);
      }
    });
    // Runs while the loop above is suspended at its awaits.
    const training = (async () => {
      const grads = [];
      for (let i = 0; i < 8; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        model.zeroGrad();
        const loss = model.forward(torch.randn(3, 4)).sum();
        assert.ok(loss.requiresGrad, `step ${i} records autograd outside the noGrad scope`);
        loss.backward();
        grads.push(model.weight.grad !== null);
      }
      return grads;
    })();
    const [, grads] = await Promise.all([evaluation, training]);
    assert.strictEqual(seen.length, 4);
    assert.deepStrictEqual(seen, Array(4).fill([false, '', false]));
    assert.deepStrictEqual(grads, Array(8).fill(true));
    assert.strictEqual(torch.isGradEnabled(), true, 'nothing leaked out of the scope');
  });

  it('captures the scope for a forwardAsync queued inside it', async () => {
    const model = new nn.Linear(2, 2).train();
    const y = await torch.noGrad(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return model.forwardAsync(torch.ones(1, 2));
    });
    assert.strictEqual(y.requiresGrad, false);
    const z = await model.forwardAsync(torch.ones(1, 2));
    assert.strictEqual(z.requiresGrad, true);
  });

  it('setGradEnabled(mode) sets the calling context, setGradEnabled(mode, fn) scopes fn, using scopes a block', async () => {
    const x = torch.ones(2, { requiresGrad: true });
    torch.setGradEnabled(false);
    try {
      assert.strictEqual(x.mul(2).requiresGrad, false);
      assert.strictEqual(torch.setGradEnabled(true, () => x.mul(2).requiresGrad), true);
      assert.strictEqual(await torch.enableGrad(async () => { await null; return x.mul(2).requiresGrad; }), true);
    } finally {
      torch.setGradEnabled(true);
    }
    assert.strictEqual(x.mul(2).requiresGrad, true);
    const scope = torch.noGrad();
    assert.strictEqual(x.mul(2).requiresGrad, false);
    scope[Symbol.dispose]();
    assert.strictEqual(x.mul(2).requiresGrad, true);
    assert.throws(() => torch.setGradEnabled('no'), { name: 'TypeError', message: /mode must be a boolean/ });
  });
});
