// Async calls reject with the error class and message their sync forms throw, and with the caller's
// line in the stack (captured at submission).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models, optim } = require('..');

// The same failure both ways: the class and message must match, and the async stack must name this file.
async function same(syncCall, asyncCall) {
  let syncError;
  try { syncCall(); } catch (e) { syncError = e; }
  assert.ok(syncError, 'the sync form must throw');
  let asyncError;
  try { await asyncCall(); } catch (e) { asyncError = e; }
  assert.ok(asyncError, 'the async form must reject');
  assert.strictEqual(asyncError.constructor, syncError.constructor, `${asyncError.name} vs ${syncError.name}`);
  assert.strictEqual(asyncError.message, syncError.message);
  return asyncError;
}

describe('async errors equal sync errors', () => {
  const vgg = models.vgg11({ initWeights: false }).eval();

  it('forwardAsync rejects with RangeError for a rank-3 input, with the caller\'s file in the stack', async () => {
    const e = await same(() => vgg.forward(torch.randn(3, 32, 32)), () => vgg.forwardAsync(torch.randn(3, 32, 32)));
    assert.strictEqual(e.name, 'RangeError');
    assert.match(e.stack, /^RangeError: VGG expects input of shape/);
    assert.ok(e.stack.includes(__filename), `stack does not name the caller:\n${e.stack}`);
  });

  it('forwardAsync rejects with TypeError for a non-tensor and Error for a libtorch failure', async () => {
    const lin = new nn.Linear(4, 2);
    const typeError = await same(() => lin.forward('x'), () => lin.forwardAsync('x'));
    assert.strictEqual(typeError.name, 'TypeError');
    const libtorch = await same(() => lin.forward(torch.ones(1, 3)), () => lin.forwardAsync(torch.ones(1, 3)));
    assert.match(libtorch.message, /cannot be multiplied|shapes/);
    assert.doesNotMatch(libtorch.message, /Exception raised from/);
  });

  it('trainStep rejects with RangeError / TypeError where the sync steps throw them', async () => {
    const model = models.vgg11({ initWeights: false, numClasses: 3 });
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    const target = torch.tensor([0], { dtype: 'int64' });
    const rank = await same(() => model.forward(torch.randn(3, 32, 32)),
      () => optim.trainStep({ model, optimizer, input: torch.randn(3, 32, 32), target }));
    assert.strictEqual(rank.name, 'RangeError');
    assert.ok(rank.stack.includes(__filename), rank.stack);
    const notTensor = await same(() => model.forward([1, 2]), () => optim.trainStep({ model, optimizer, input: [1, 2], target }));
    assert.strictEqual(notTensor.name, 'TypeError');
  });

  it('a JS module\'s forwardAsync rejects as its forward throws', async () => {
    class Picky extends nn.Module {
      forward(x) { if (x.dim() !== 2) throw new RangeError(`Picky wants 2-D input, got ${x.dim()}-D`); return x; }
    }
    const seq = new nn.Sequential(new Picky()).eval();
    const e = await same(() => seq.forward(torch.ones(3)), () => seq.forwardAsync(torch.ones(3)));
    assert.strictEqual(e.name, 'RangeError');
  });

  it('torch.loadAsync rejects as torch.load throws, for a missing and for a corrupt file', async () => {
    const missing = path.join(os.tmpdir(), `tvgg-missing-${process.pid}.pth`);
    await same(() => torch.load(missing), () => torch.loadAsync(missing));
    const corrupt = path.join(os.tmpdir(), `tvgg-corrupt-${process.pid}.pth`);
    fs.writeFileSync(corrupt, Buffer.from('PK\x03\x04 definitely not a zip archive'));
    try {
      await same(() => torch.load(corrupt), () => torch.loadAsync(corrupt));
    } finally {
      fs.rmSync(corrupt, { force: true });
    }
  });
});
