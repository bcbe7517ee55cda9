'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch } = require('..');
const { fixture, needFixtures, relativeError } = require('./helpers');

describe('torch.jit.load', () => {
  let model;
  let x;
  let expected;
  before(function () {
    const file = needFixtures(this, 'vgg11-traced.pt', 'vgg11-traced-io.bin');
    model = torch.jit.load(file);
    const io = fs.readFileSync(fixture('vgg11-traced-io.bin'));
    x = torch.frombuffer(io, { dtype: 'float32', count: 2 * 3 * 32 * 32 }).reshape(2, 3, 32, 32);
    expected = torch.frombuffer(io, { dtype: 'float32', offset: 2 * 3 * 32 * 32 * 4, count: 20 }).reshape(2, 10);
  });

  it('runs a VGG traced in Python and gives Python\'s output', () => {
    model.eval();
    const y = model.forward(x);
    assert.deepStrictEqual(y.shape, [2, 10]);
    assert.ok(relativeError(y, expected) < 1e-4);
  });

  it('gives the same output from forwardAsync', async () => {
    model.eval();
    const y = await model.forwardAsync(x);
    assert.ok(relativeError(y, expected) < 1e-4);
  });

  it('lists torchvision\'s parameter names and exposes a state dict that fits models.vgg11', () => {
    const names = model.namedParameters().map(([n]) => n);
    assert.strictEqual(names[0], 'features.0.weight');
    assert.strictEqual(names[names.length - 1], 'classifier.6.bias');
    assert.deepStrictEqual(model.namedChildren().map(([n]) => n), ['features', 'avgpool', 'classifier']);
    const { models } = require('..');
    const eager = models.vgg11({ numClasses: 10, initWeights: false }).eval();
    eager.loadStateDict(model.stateDict());
    assert.ok(relativeError(eager.forward(x), expected) < 1e-4);
  });

  it('throws an Error naming the file for a missing or corrupt archive', () => {
    assert.throws(() => torch.jit.load('/nonexistent/model.pt'), /\/nonexistent\/model.pt: no such file/);
    const bad = path.join(os.tmpdir(), `torchvgg-bad-${process.pid}.pt`);
    fs.writeFileSync(bad, 'this is not a zip archive');
    try {
      assert.throws(() => torch.jit.load(bad), (e) => e instanceof Error && e.message.startsWith(`${bad}: not a loadable TorchScript file`));
    } finally {
      fs.unlinkSync(bad);
    }
    assert.throws(() => torch.jit.load(fixture('vgg11-traced.pt'), { mapLocation: 'gpu' }), TypeError);
  });
});
