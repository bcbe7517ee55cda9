'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models, optim } = require('..');
const { needFixtures, python, readJson, readRaw } = require('./helpers');

// ||a - b|| / ||b|| over a whole tensor
function relNorm(a, b) {
  const d = a.sub(b);
  return Math.sqrt(d.mul(d).sum().item()) / Math.max(Math.sqrt(b.mul(b).sum().item()), 1e-30);
}

describe('training', () => {
  describe('autograd and losses', () => {
    it('backpropagates into leaves and leaves frozen parameters without gradients', () => {
      const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
      model[0].requiresGrad_(false);
      const loss = nn.functional.crossEntropy(model.forward(torch.randn(5, 3)), torch.tensor([0, 1, 1, 0, 1], { dtype: 'int64' }));
      loss.backward();
      assert.strictEqual(model[0].weight.grad, null);
      assert.deepStrictEqual(model[2].weight.grad.shape, [2, 4]);
      model.zeroGrad();
      assert.strictEqual(model[2].weight.grad, null);
    });

    it('computes x^2 gradients and records nothing under noGrad', () => {
      const x = torch.tensor([1, 2, 3], { requiresGrad: true });
      x.mul(x).sum().backward();
      assert.deepStrictEqual(x.grad.tolist(), [2, 4, 6]);
      const y = torch.noGrad(() => x.mul(2));
      assert.strictEqual(y.requiresGrad, false);
      assert.strictEqual(torch.isGradEnabled(), true);
      const z = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
      assert.strictEqual(z.requiresGrad, true);
      const w = torch.inferenceMode(() => x.mul(2));
      assert.strictEqual(w.requiresGrad, false);
      assert.throws(() => w.mul(x).sum().backward(), /Inference tensors cannot be saved for backward/);
      assert.throws(() => torch.inferenceMode(() => { throw new RangeError('inside'); }), RangeError);
    });

    it('matches PyTorch\'s cross entropy with weights and label smoothing', () => {
      const logits = torch.tensor([[2, 1, 0.1], [0.5, 2.5, 0.3]]);
      const target = torch.tensor([0, 2], { dtype: 'int64' });
      // Reference values from Python: F.cross_entropy(logits, target, weight=w, label_smoothing=0.1)
      const w = torch.tensor([1, 2, 3]);
      const plain = new nn.CrossEntropyLoss().forward(logits, target).item();
      assert.ok(Math.abs(plain - 1.4185397624969482) < 1e-6, `plain ${plain}`);
      const smooth = nn.functional.crossEntropy(logits, target, { weight: w, labelSmoothing: 0.1 }).item();
      assert.ok(Math.abs(smooth - 1.8950525522232056) < 1e-6, `smoothed ${smooth}`);
      assert.throws(() => nn.functional.crossEntropy(logits, torch.tensor([0, 5], { dtype: 'int64' })), /Target 5 is out of bounds/);
      assert.throws(() => nn.functional.crossEntropy(logits, torch.tensor([0, 1])), { name: 'TypeError', message: /int64 class indices/ });
    });
  });

  describe('parity with PyTorch on vgg11 (train mode, dropout 0)', () => {
    let losses;
    before(function () {
      needFixtures(this, 'train-losses.json', 'train-sgd.bin', 'train-adam.bin', 'vgg11-weights.bin', 'vgg11-io.bin');
      losses = readJson('train-losses.json');
    });
    const cases = {
      sgd: (params) => new optim.SGD(params, { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 }),
      adam: (params) => new optim.Adam(params, { lr: 1e-4 }),
    };
    for (const [name, make] of Object.entries(cases)) {
      it(`two ${name === 'sgd' ? 'SGD-with-momentum' : 'Adam'} steps leave every parameter within 1e-5 relative of Python's`, function () {
        this.timeout(300000);
        const model = models.vgg11({ dropout: 0, initWeights: false });
        const start = readRaw('vgg11-weights');
        model.loadStateDict(start);
        const x = readRaw('vgg11-io').input;
        const target = torch.tensor([1, 3], { dtype: 'int64' });
        const opt = make(model.parameters());
        for (let step = 0; step < 2; step++) {
          opt.zeroGrad();
          const loss = nn.functional.crossEntropy(model.forward(x), target);
          loss.backward();
          opt.step();
          assert.ok(Math.abs(loss.item() - losses[name][step]) <= 1e-5 * Math.abs(losses[name][step]),
            `loss ${loss.item()} vs ${losses[name][step]}`);
        }
        const expected = readRaw(`train-${name}`);
        for (const [key, p] of Object.entries(model.stateDict())) {
          const err = relNorm(p, expected[key]);
          assert.ok(err < 1e-5, `${key}: relative error ${err}`);
          // The update itself must match too, or a step that changed nothing would pass.
          const moved = relNorm(p.sub(start[key]), expected[key].sub(start[key]));
          assert.ok(moved < 2e-2, `${key}: update differs by ${moved}`);
        }
      });
    }
  });

  describe('optimizer state dicts', () => {
    for (const name of ['sgd', 'adam']) {
      it(`resumes a ${name} checkpoint saved by Python and takes the same next step`, function () {
        const ckpt = torch.load(needFixtures(this, `resume-${name}.pth`, 'resume.json'));
        const model = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 3));
        model.loadStateDict(ckpt.model);
        const opt = name === 'sgd' ? new optim.SGD(model.parameters(), { lr: 1 }) : new optim.Adam(model.parameters());
        opt.loadStateDict(ckpt.optimizer);
        assert.strictEqual(ckpt.epoch, 2);
        opt.zeroGrad();
        nn.functional.crossEntropy(model.forward(ckpt.x), ckpt.y).backward();
        opt.step();
        const expected = readJson('resume.json')[name];
        for (const [key, p] of Object.entries(model.stateDict())) {
          const err = relNorm(p, torch.tensor(expected[key]));
          assert.ok(err < 1e-5, `${key}: ${err}`);
        }
      });
    }

    it('writes { model, optimizer, epoch } that Python resumes with the same step', function () {
      needFixtures(this, 'resume.json');
      torch.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(4, 3));
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const x = torch.randn(5, 4);
      const y = torch.tensor([0, 1, 2, 1, 0], { dtype: 'int64' });
      const step = () => {
        opt.zeroGrad();
        nn.functional.crossEntropy(model.forward(x), y).backward();
        opt.step();
      };
      step();
      const file = path.join(os.tmpdir(), `torchvgg-resume-${process.pid}.pth`);
      torch.save({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: 1, x, y }, file);
      step();
      const script = `
import json, sys, torch
ck = torch.load(sys.argv[1])  # weights_only=False: torch 1.13's weights_only reader has no float opcode
m = torch.nn.Sequential(torch.nn.Linear(4, 3)); m.load_state_dict(ck['model'])
o = torch.optim.Adam(m.parameters(), lr=0.5); o.load_state_dict(ck['optimizer'])
assert isinstance(list(ck['optimizer']['state'].keys())[0], int)
o.zero_grad(); torch.nn.functional.cross_entropy(m(ck['x']), ck['y']).backward(); o.step()
print(json.dumps({k: v.tolist() for k, v in m.state_dict().items()} | {'lr': o.param_groups[0]['lr'], 'epoch': ck['epoch']}))`;
      let py;
      try {
        py = python(script, [file]);
      } finally {
        fs.unlinkSync(file);
      }
      assert.strictEqual(py.lr, 0.01);
      assert.strictEqual(py.epoch, 1);
      for (const [key, p] of Object.entries(model.stateDict())) assert.ok(relNorm(p, torch.tensor(py[key])) < 1e-5, key);
    });
  });

  describe('schedulers, async steps and errors', () => {
    it('steps StepLR and CosineAnnealingLR like PyTorch', () => {
      const p = [torch.zeros(1, { requiresGrad: true })];
      const a = new optim.SGD(p, { lr: 1 });
      const step = new optim.lrScheduler.StepLR(a, 2, 0.5);
      const seen = [];
      for (let i = 0; i < 5; i++) { step.step(); seen.push(a.getLr()); }
      assert.deepStrictEqual(seen, [1, 0.5, 0.5, 0.25, 0.25]);
      const b = new optim.Adam(p, { lr: 1 });
      const cos = new optim.lrScheduler.CosineAnnealingLR(b, 4);
      cos.step();
      cos.step();
      assert.ok(Math.abs(b.getLr() - 0.5) < 1e-12);
    });

    it('runs a whole training step off the main thread and lowers the loss', async () => {
      torch.manualSeed(0);
      const model = new nn.Sequential(new nn.Linear(8, 16), new nn.ReLU(), new nn.Linear(16, 3));
      const opt = new optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
      const input = torch.randn(32, 8);
      const target = input.narrow(1, 0, 3).argmax(1); // a learnable rule: which of the first 3 inputs is largest
      const first = await optim.trainStep({ model, optimizer: opt, input, target });
      let last = first;
      for (let i = 0; i < 30; i++) last = await optim.trainStep({ model, optimizer: opt, input, target });
      assert.ok(last.loss < first.loss / 2, `loss ${first.loss} -> ${last.loss}`);
      assert.ok(last.correct > first.correct);
    });

    it('rejects non-parameters, bad options and bad labels with clear errors', async () => {
      assert.throws(() => new optim.SGD([torch.ones(2)], {}), /needs a learning rate/);
      assert.throws(() => new optim.SGD(['w'], { lr: 0.1 }), { name: 'TypeError', message: /params\[0\]/ });
      assert.throws(() => new optim.SGD([torch.ones(2, { requiresGrad: true }).mul(2)], { lr: 0.1 }), /can't optimize a non-leaf Tensor/);
      assert.throws(() => new optim.Adam([torch.ones(1, { requiresGrad: true })], { betas: [0.9, 2] }), RangeError);
      assert.throws(() => new optim.Adam([torch.ones(1, { requiresGrad: true })], { momentum: 0.9 }), /Adam options has no option 'momentum'/);
      const model = new nn.Sequential(new nn.Linear(2, 2));
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      await assert.rejects(optim.trainStep({ model, optimizer: opt, input: torch.randn(2, 2), target: torch.tensor([0, 7], { dtype: 'int64' }) }),
        /Target 7 is out of bounds/);
      await assert.rejects(optim.trainStep({ model, optimizer: opt, input: torch.randn(2, 2), target: torch.tensor([0, 1]) }),
        { name: 'TypeError', message: /int64 class indices; got float32/ });
      await assert.rejects(optim.trainStep({ model, optimizer: opt, input: torch.randn(2, 2, { dtype: 'float64' }), target: torch.tensor([0, 1], { dtype: 'int64' }) }),
        /expected scalar type|dtype/);
    });
  });
});

describe('nn.utils: gradient clipping and cloneStateDict', () => {
  const { needOracle: oracle } = require('./helpers');
  const G = [[[0.5, -1.25, 2], [3, -0.125, 0.75]], null, [4, -8.5], [[0.001, -0.002]]];
  const params = () => G.map((g, i) => {
    const p = torch.zeros(...(g === null ? [3] : torch.tensor(g).shape), { requiresGrad: true });
    if (g !== null) p.grad = torch.tensor(g);
    void i;
    return p;
  });
  const CASES = [[1.0, 2], [100, 2], [2.5, 1], [0.5, 'inf'], [3, 3], [1, 0.5], [0.1, 0]];

  it('clipGradNorm_ returns PyTorch\'s total norm and scales the gradients as PyTorch does', function () {
    oracle(this);
    const py = python(`
import json, sys, torch
G, cases = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = []
for max_norm, norm_type in cases:
    ps = []
    for g in G:
        p = torch.zeros(torch.tensor(g).shape if g is not None else [3], requires_grad=True)
        if g is not None: p.grad = torch.tensor(g, dtype=torch.float)
        ps.append(p)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, float(norm_type))
    out.append({'total': total.item(), 'grads': [p.grad.tolist() if p.grad is not None else None for p in ps]})
clip = []
for p in [torch.zeros(2, 3, requires_grad=True)]:
    p.grad = torch.tensor(G[0]); torch.nn.utils.clip_grad_value_([p], 0.8); clip = p.grad.tolist()
print(json.dumps({'norm': out, 'value': clip}))`, [JSON.stringify(G), JSON.stringify(CASES)]);
    const flat = (x) => (Array.isArray(x) ? x.flatMap(flat) : [x]);
    CASES.forEach(([maxNorm, normType], c) => {
      const ps = params();
      const total = nn.utils.clipGradNorm_(ps, maxNorm, normType);
      assert.strictEqual(total.dtype, 'float32');
      const want = py.norm[c];
      assert.ok(Math.abs(total.item() - want.total) <= 1e-6 * want.total, `norm ${normType}: ${total.item()} vs ${want.total}`);
      ps.forEach((p, i) => {
        if (want.grads[i] === null) return assert.strictEqual(p.grad, null);
        flat(p.grad.tolist()).forEach((x, j) => {
          const w = flat(want.grads[i])[j];
          assert.ok(Math.abs(x - w) <= 1e-6 * Math.abs(w) + 1e-12, `norm ${normType} grad ${i}[${j}]: ${x} vs ${w}`);
        });
      });
    });
    const p = torch.zeros(2, 3, { requiresGrad: true });
    p.grad = torch.tensor(G[0]);
    const held = p.grad;
    nn.utils.clipGradValue_([p], 0.8);
    assert.deepStrictEqual(p.grad.tolist(), py.value);
    assert.deepStrictEqual(held.tolist(), py.value, 'in place, as PyTorch');
  });

  it('clipGradNorm_ takes one tensor, an options object, and refuses a non-finite norm when asked', () => {
    const p = torch.zeros(2, { requiresGrad: true });
    assert.strictEqual(nn.utils.clipGradNorm_(p, 1).item(), 0); // no gradients: torch.tensor(0.)
    p.grad = torch.tensor([3, 4]);
    assert.strictEqual(nn.utils.clipGradNorm_(p, 10, { normType: 2 }).item(), 5);
    assert.deepStrictEqual(p.grad.tolist(), [3, 4]);
    p.grad = torch.tensor([Infinity, 1]);
    assert.throws(() => nn.utils.clipGradNorm_([p], 1, { errorIfNonfinite: true }), /The total norm of order 2 for gradients from `parameters` is non-finite/);
    assert.throws(() => nn.utils.clipGradNorm_([p], 1, { norm_type: 2 }), { name: 'TypeError', message: /did you mean 'normType'/ });
    assert.throws(() => nn.utils.clipGradNorm_('w', 1), { name: 'TypeError', message: /parameters must be a Tensor or an iterable of Tensors/ });
    assert.throws(() => nn.utils.clipGradValue_([p], 'x'), { name: 'TypeError', message: /clipValue must be a number/ });
  });

  it('cloneStateDict deep-copies a model\'s or an optimizer\'s state dict (copy.deepcopy(model.state_dict()))', () => {
    const model = new nn.Sequential(new nn.Linear(2, 2));
    const best = nn.utils.cloneStateDict(model.stateDict());
    const before = best['0.weight'].tolist();
    torch.noGrad(() => model[0].weight.copy_(torch.ones(2, 2)));
    assert.deepStrictEqual(best['0.weight'].tolist(), before, 'the copy does not follow the model');
    assert.deepStrictEqual(Object.keys(best), Object.keys(model.stateDict()));
    assert.strictEqual(best['0.weight'].requiresGrad, false);
    model.loadStateDict(best);
    assert.deepStrictEqual(model[0].weight.tolist(), before);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    nn.functional.crossEntropy(model.forward(torch.ones(1, 2)), torch.tensor([1], { dtype: 'int64' })).backward();
    opt.step();
    const sd = nn.utils.cloneStateDict(opt.stateDict());
    const file = path.join(os.tmpdir(), `torchvgg-clone-${process.pid}.pth`);
    try {
      torch.save(sd, file);
      assert.deepStrictEqual(Object.keys(torch.load(file).state), ['0', '1']);
    } finally {
      fs.rmSync(file, { force: true });
    }
    assert.notStrictEqual(sd.state[0].momentum_buffer, opt.stateDict().state[0].momentum_buffer);
  });
});
