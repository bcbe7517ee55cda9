'use strict';
const assert = require('assert');
const util = require('util');
const { torch, nn } = require('..');
const { requireFixture, readJson } = require('./helpers');

describe('nn layers and Sequential', () => {
  let py;
  before(function () {
    requireFixture(this, 'vgg.json');
    py = readJson('vgg.json').sequential;
  });

  it('prints each layer exactly as PyTorch does', () => {
    const layers = [
      new nn.Conv2d(3, 64, 3, { padding: 1 }), new nn.Conv2d(3, 8, [3, 5], { stride: 2, dilation: 2, bias: false }),
      new nn.Conv2d(4, 8, 3, { padding: 'same', groups: 2 }), new nn.MaxPool2d(2, { stride: 2 }),
      new nn.MaxPool2d([3, 3], { stride: [2, 1], padding: 1, ceilMode: true }), new nn.AdaptiveAvgPool2d([7, 7]),
      new nn.AdaptiveAvgPool2d(5), new nn.BatchNorm2d(64),
      new nn.BatchNorm2d(8, { eps: 1e-3, momentum: 0.01, affine: false }),
      new nn.Dropout(0.0), new nn.Dropout(1e-5), new nn.ReLU(), new nn.ReLU(true), new nn.Flatten(),
      new nn.Linear(4096, 10, { bias: false }),
    ];
    assert.deepStrictEqual(layers.map(String), py.layers);
    assert.strictEqual(util.inspect(layers[0]), py.layers[0]);
  });

  it('slices, deletes, appends and inserts like Python\'s Sequential', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(3, 1));
    assert.strictEqual(String(seq.slice(1, 3)), py.slice_1_3);
    const shared = seq[1];
    assert.strictEqual(seq.slice(1, 3)[0], shared, 'a slice shares the modules');
    delete seq[1];
    assert.strictEqual(String(seq), py.after_delete_1);
    seq.append(new nn.Flatten());
    seq.insert(0, new nn.BatchNorm2d(3));
    assert.strictEqual(String(seq), py.after_append_insert);
    assert.strictEqual(seq.length, 5);
  });

  it('replaces a layer by index assignment, and forward uses the new layer', () => {
    const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const x = torch.randn(5, 4);
    assert.deepStrictEqual(seq.forward(x).shape, [5, 3]);
    const head = new nn.Linear(8, 10);
    seq[2] = head;
    assert.strictEqual(seq[2], head);
    assert.strictEqual(seq.at(-1), head);
    assert.strictEqual(seq[-1], head);
    assert.deepStrictEqual(seq.forward(x).shape, [5, 10]);
    assert.deepStrictEqual([...seq].map((m) => m.typeName), ['Linear', 'ReLU', 'Linear']);
    assert.ok(2 in seq && !(3 in seq));
  });

  it('computes Linear as x W^T + b', () => {
    const lin = new nn.Linear(3, 2);
    lin.loadStateDict({ weight: torch.tensor([[1, 0, 0], [0, 1, 1]]), bias: torch.tensor([0.5, -1]) });
    assert.deepStrictEqual(lin.forward(torch.tensor([[1, 2, 3]])).tolist(), [[1.5, 4]]);
    assert.strictEqual(lin.inFeatures, 3);
    assert.deepStrictEqual(lin.weight.shape, [2, 3]);
  });

  it('switches Dropout and BatchNorm with train() and eval()', () => {
    const seq = new nn.Sequential(new nn.Dropout(0.5));
    const x = torch.ones(1000);
    assert.strictEqual(seq.training, true);
    const zeros = seq.forward(x).eq(0).sum().item();
    assert.ok(zeros > 350 && zeros < 650, `about half dropped in training, got ${zeros}`);
    seq.eval();
    assert.strictEqual(seq[0].training, false);
    assert.deepStrictEqual(seq.forward(x).tolist(), x.tolist());
    const bn = new nn.BatchNorm2d(2);
    bn.forward(torch.randn(4, 2, 3, 3).add(5));
    assert.ok(bn.runningMean.tolist()[0] > 0.3, 'running mean moved towards the batch mean');
    assert.strictEqual(bn.stateDict().num_batches_tracked.item(), 1);
    bn.eval();
    bn.forward(torch.randn(4, 2, 3, 3));
    assert.strictEqual(bn.stateDict().num_batches_tracked.item(), 1);
  });

  it('rejects non-modules, bad indices and bad layer arguments with clear errors', () => {
    const seq = new nn.Sequential(new nn.ReLU());
    assert.throws(() => { seq[0] = 'relu'; }, { name: 'TypeError', message: /Sequential\[0\] must be an nn.Module; got a string/ });
    assert.throws(() => { seq[0] = {}; }, TypeError);
    assert.throws(() => seq[3], { name: 'RangeError', message: /index 3 is out of range/ });
    assert.throws(() => { delete seq[-2]; }, RangeError);
    assert.throws(() => seq.insert(5, new nn.ReLU()), RangeError);
    assert.throws(() => new nn.Sequential(new nn.ReLU(), 42), TypeError);
    assert.throws(() => new nn.Linear(-1, 3), RangeError);
    assert.throws(() => new nn.Linear(1.5, 3), TypeError);
    assert.throws(() => new nn.Conv2d(3, 8, [3]), TypeError);
    assert.throws(() => new nn.Dropout(1.5), RangeError);
    assert.throws(() => new nn.Linear(2, 2).forward([1, 2]), /input must be a Tensor/);
    assert.throws(() => new nn.BatchNorm2d(3).forward(torch.ones(3, 3)), /expected 4D input \(got 2D input\)/);
  });

  it('loads a state dict with PyTorch\'s error text on size mismatch and missing keys', () => {
    const lin = new nn.Linear(4, 2);
    assert.throws(() => lin.loadStateDict({ weight: torch.zeros(3, 4), bias: torch.zeros(2) }),
      { message: 'Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with shape '
        + '[3, 4] from checkpoint, the shape in current model is [2, 4].' });
    assert.throws(() => lin.loadStateDict({ weight: torch.zeros(2, 4), extra: torch.zeros(1) }),
      { message: 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". \n\t'
        + 'Unexpected key(s) in state_dict: "extra". ' });
    const before = lin.weight.tolist();
    assert.deepStrictEqual(lin.weight.tolist(), before, 'a failed load changes nothing');
    const res = lin.loadStateDict({ weight: torch.ones(2, 4), extra: torch.zeros(1) }, { strict: false });
    assert.deepStrictEqual(res, { missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    assert.deepStrictEqual(lin.weight.tolist(), [[1, 1, 1, 1], [1, 1, 1, 1]]);
    assert.throws(() => lin.loadStateDict({ weight: [1, 2] }), TypeError);
  });

  it('converts parameters in place with to(), keeping the same parameter tensors', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm2d(2));
    const w = seq[0].weight;
    seq.to('float64');
    assert.strictEqual(w.dtype, 'float64', 'the existing handle sees the new dtype');
    assert.strictEqual(seq.stateDict()['1.num_batches_tracked'].dtype, 'int64', 'integer buffers keep their dtype');
    assert.throws(() => seq.to('float8'), TypeError);
  });
});
