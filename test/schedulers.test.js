// optim.lrScheduler against PyTorch 1.13: each scheduler's lr (and momentum) sequence over 30 steps on two
// param groups, its state dict, and resuming from Python's state dict halfway; plus the call forms.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, optim } = require('..');
const { needOracle, python } = require('./helpers');

const S = optim.lrScheduler;
const STEPS = 30;
const METRICS = [5, 4, 4.5, 4.2, 4.1, 4.05, 4.3, 3, 3.1, 3.2, 3.3, 3.4, 2, 2, 2, 2, 2.5, 2.6, 1, 1.2, 1.3, 1.4, 1.5, 1.6, 1, 0.99, 0.98, 0.97, 0.96, 0.95];

// name -> [JS optimizer kind, build(opt), Python constructor expression]
const CASES = {
  StepLR: ['SGD', (o) => new S.StepLR(o, 7, 0.5), 'S.StepLR(o, 7, 0.5)'],
  StepLR_options: ['SGD', (o) => new S.StepLR(o, { stepSize: 4, gamma: 0.3 }), 'S.StepLR(o, step_size=4, gamma=0.3)'],
  MultiStepLR: ['SGD', (o) => new S.MultiStepLR(o, [3, 7, 7, 20], { gamma: 0.5 }), 'S.MultiStepLR(o, [3, 7, 7, 20], gamma=0.5)'],
  ExponentialLR: ['SGD', (o) => new S.ExponentialLR(o, 0.9), 'S.ExponentialLR(o, 0.9)'],
  CosineAnnealingLR: ['SGD', (o) => new S.CosineAnnealingLR(o, 10, 0.001), 'S.CosineAnnealingLR(o, 10, 0.001)'],
  CosineAnnealingWarmRestarts: ['SGD', (o) => new S.CosineAnnealingWarmRestarts(o, { t0: 3, tMult: 2, etaMin: 0.0005 }),
    'S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.0005)'],
  LinearLR: ['SGD', (o) => new S.LinearLR(o, 0.25, 1.0, 8), 'S.LinearLR(o, 0.25, 1.0, 8)'],
  OneCycleLR_sgd: ['SGD', (o) => new S.OneCycleLR(o, [1.0, 0.1], STEPS), 'S.OneCycleLR(o, [1.0, 0.1], 30)'],
  OneCycleLR_adam_three_phase: ['Adam', (o) => new S.OneCycleLR(o, { maxLr: 0.5, epochs: 3, stepsPerEpoch: 10, threePhase: true,
    annealStrategy: 'linear', pctStart: 0.25 }), "S.OneCycleLR(o, 0.5, epochs=3, steps_per_epoch=10, three_phase=True, anneal_strategy='linear', pct_start=0.25)"],
  ReduceLROnPlateau: ['SGD', (o) => new S.ReduceLROnPlateau(o, 'min', { factor: 0.5, patience: 2, cooldown: 1, minLr: [0.01, 0.002] }),
    'S.ReduceLROnPlateau(o, "min", factor=0.5, patience=2, cooldown=1, min_lr=[0.01, 0.002])'],
  ReduceLROnPlateau_max_abs: ['SGD', (o) => new S.ReduceLROnPlateau(o, { mode: 'max', thresholdMode: 'abs', threshold: 0.1, patience: 1 }),
    'S.ReduceLROnPlateau(o, "max", threshold_mode="abs", threshold=0.1, patience=1)'],
  SequentialLR: ['SGD', (o) => new S.SequentialLR(o, [new S.LinearLR(o, 0.1, 1, 5), new S.CosineAnnealingLR(o, 12)], [5]),
    'S.SequentialLR(o, [S.LinearLR(o, 0.1, 1, 5), S.CosineAnnealingLR(o, 12)], [5])'],
  SequentialLR_three: ['SGD', (o) => new S.SequentialLR(o, { schedulers: [new S.ExponentialLR(o, 0.8), new S.StepLR(o, 3),
    new S.MultiStepLR(o, [2, 4])], milestones: [6, 15] }),
  'S.SequentialLR(o, schedulers=[S.ExponentialLR(o, 0.8), S.StepLR(o, 3), S.MultiStepLR(o, [2, 4])], milestones=[6, 15])'],
  LambdaLR: ['SGD', (o) => new S.LambdaLR(o, [(e) => 0.95 ** e, (e) => 1 / (e + 1)]), 'S.LambdaLR(o, [lambda e: 0.95 ** e, lambda e: 1 / (e + 1)])'],
  MultiplicativeLR: ['SGD', (o) => new S.MultiplicativeLR(o, [() => 0.95, (e) => 1 - 0.01 * e]), 'S.MultiplicativeLR(o, [lambda e: 0.95, lambda e: 1 - 0.01 * e])'],
  ConstantLR: ['SGD', (o) => new S.ConstantLR(o, 0.5, 4), 'S.ConstantLR(o, 0.5, 4)'],
  ConstantLR_options: ['Adam', (o) => new S.ConstantLR(o, { factor: 0.25, totalIters: 6 }), 'S.ConstantLR(o, factor=0.25, total_iters=6)'],
  PolynomialLR: ['SGD', (o) => new S.PolynomialLR(o, 10, 2.0), 'S.PolynomialLR(o, 10, 2.0)'],
  PolynomialLR_options: ['SGD', (o) => new S.PolynomialLR(o, { totalIters: 40, power: 0.5 }), 'S.PolynomialLR(o, total_iters=40, power=0.5)'],
  ChainedScheduler: ['SGD', (o) => new S.ChainedScheduler([new S.ConstantLR(o, 0.1, 3), new S.ExponentialLR(o, 0.9)]),
    'S.ChainedScheduler([S.ConstantLR(o, 0.1, 3), S.ExponentialLR(o, 0.9)])'],
  CyclicLR_triangular: ['SGD', (o) => new S.CyclicLR(o, [0.01, 0.001], [0.1, 0.01], 4), 'S.CyclicLR(o, [0.01, 0.001], [0.1, 0.01], 4)'],
  CyclicLR_triangular2: ['SGD', (o) => new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, stepSizeDown: 5, mode: 'triangular2', baseMomentum: 0.7, maxMomentum: [0.95, 0.9] }),
    "S.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=5, mode='triangular2', base_momentum=0.7, max_momentum=[0.95, 0.9])"],
  CyclicLR_exp_range: ['SGD', (o) => new S.CyclicLR(o, 0.01, 0.1, 5, undefined, 'exp_range', 0.9), "S.CyclicLR(o, 0.01, 0.1, 5, None, 'exp_range', 0.9)"],
  CyclicLR_scale_fn: ['SGD', (o) => new S.CyclicLR(o, { baseLr: 0.001, maxLr: 0.05, stepSizeUp: 2, scaleFn: (x) => 1 / (x + 1), scaleMode: 'iterations' }),
    "S.CyclicLR(o, base_lr=0.001, max_lr=0.05, step_size_up=2, scale_fn=lambda x: 1 / (x + 1), scale_mode='iterations')"],
  CyclicLR_adam_no_momentum: ['Adam', (o) => new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 4, cycleMomentum: false }),
    'S.CyclicLR(o, 0.01, 0.1, step_size_up=4, cycle_momentum=False)'],
};

function optimizer(kind) {
  const [a, b] = [torch.zeros(2, { requiresGrad: true }), torch.zeros(3, { requiresGrad: true })];
  return kind === 'SGD'
    ? new optim.SGD([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.01 }], { momentum: 0.9 })
    : new optim.Adam([{ params: [a], lr: 0.1 }, { params: [b], lr: 0.01 }]);
}
const momentum = (o) => o.paramGroups.map((g) => (o.kind === 'SGD' ? g.options.momentum : g.options.betas[0]));
const plateau = (s) => s instanceof S.ReduceLROnPlateau;

// Every number in `got` within 1e-9 relative of `want`, the same keys and shapes (Python's inf comes as 'inf').
function near(got, want, where) {
  if (typeof want === 'number' || want === 'inf' || want === '-inf') {
    const w = typeof want === 'number' ? want : want === 'inf' ? Infinity : -Infinity;
    assert.ok(got === w || Math.abs(got - w) <= 1e-9 * Math.abs(w), `${where}: ${got} vs ${w}`);
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${where}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    want.forEach((w, i) => near(got[i], w, `${where}[${i}]`));
  } else if (want !== null && typeof want === 'object') {
    assert.deepStrictEqual(Object.keys(got), Object.keys(want), `${where}: keys`);
    for (const k of Object.keys(want)) near(got[k], want[k], `${where}.${k}`);
  } else {
    assert.strictEqual(got, want, where);
  }
}

const ORACLE = `
import json, math, sys, warnings, torch
import torch.optim.lr_scheduler as S
warnings.simplefilter('ignore')
cases, metrics, steps = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
def clean(v):
    if callable(v): return None
    if isinstance(v, float) and math.isinf(v): return 'inf' if v > 0 else '-inf'
    if isinstance(v, dict): return {str(k): clean(x) for k, x in v.items() if k not in ('anneal_func', '_scale_fn_ref')}
    if isinstance(v, (list, tuple)): return [clean(x) for x in v]
    return v
out = {}
for name, (kind, expr) in cases.items():
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    groups = [{'params': [a], 'lr': 0.1}, {'params': [b], 'lr': 0.01}]
    o = torch.optim.SGD(groups, momentum=0.9) if kind == 'SGD' else torch.optim.Adam(groups)
    s = eval(expr)
    mom = lambda: [g['momentum'] if kind == 'SGD' else g['betas'][0] for g in o.param_groups]
    r = {'lrs': [[g['lr'] for g in o.param_groups]], 'momentum': [mom()], 'state': None, 'half': None}
    for i in range(steps):
        o.step()
        s.step(metrics[i]) if isinstance(s, S.ReduceLROnPlateau) else s.step()
        r['lrs'].append(s._last_lr if isinstance(s, S.ReduceLROnPlateau) else s.get_last_lr()); r['momentum'].append(mom())
        if i == steps // 2 - 1: r['half'] = clean(s.state_dict())
    r['state'] = clean(s.state_dict())
    r['groups'] = clean([{k: v for k, v in g.items() if k != 'params'} for g in o.param_groups])
    out[name] = r
print(json.dumps(out))`;

describe('lr schedulers against PyTorch 1.13', () => {
  let py;
  before(function () {
    needOracle(this);
    const cases = Object.fromEntries(Object.entries(CASES).map(([n, [kind, , expr]]) => [n, [kind, expr]]));
    py = python(ORACLE, [JSON.stringify(cases), JSON.stringify(METRICS), String(STEPS)]);
  });

  for (const [name, [kind, build]] of Object.entries(CASES)) {
    it(`${name}: ${STEPS} steps on two groups give PyTorch's lrs, momentum, state dict and param groups`, () => {
      const o = optimizer(kind);
      const s = build(o);
      const lrs = [o.paramGroups.map((_, i) => o.getLr(i))];
      const mom = [momentum(o)];
      for (let i = 0; i < STEPS; i++) {
        o.step();
        if (plateau(s)) s.step(METRICS[i]); else s.step();
        lrs.push(s.getLastLr());
        mom.push(momentum(o));
      }
      near(lrs, py[name].lrs, 'lrs');
      near(mom, py[name].momentum, 'momentum');
      near(s.stateDict(), py[name].state, 'stateDict');
      const groups = o.stateDict().param_groups.map(({ params, ...rest }) => rest);
      for (const [i, g] of py[name].groups.entries()) {
        for (const k of ['lr', 'initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum', 'momentum', 'betas']) near(groups[i][k], g[k], `group ${i} ${k}`);
      }
      // The native step sees what the scheduler set.
      for (let i = 0; i < 2; i++) assert.strictEqual(o._native.getOption(i, 'lr'), lrs[STEPS][i]);
      if (name.startsWith('OneCycleLR') || (name.startsWith('CyclicLR') && kind === 'SGD')) {
        for (let i = 0; i < 2; i++) assert.strictEqual(o._native.getOption(i, kind === 'SGD' ? 'momentum' : 'beta1'), mom[STEPS][i]);
      }
    });

    it(`${name}: resumes from Python's state dict halfway and continues like PyTorch`, () => {
      const half = STEPS / 2;
      const o = optimizer(kind);
      const s = build(o);
      s.loadStateDict(py[name].half);
      py[name].lrs[half].forEach((lr, i) => o.setLr(lr, i));
      if (name.startsWith('OneCycleLR')) {
        // The optimizer's state dict would carry momentum; here set it as PyTorch's groups had it.
        py[name].momentum[half].forEach((m, i) => o._setGroupOption(i, kind === 'SGD' ? 'momentum' : 'betas',
          kind === 'SGD' ? m : [m, 0.999]));
      }
      const lrs = [];
      for (let i = half; i < STEPS; i++) {
        if (plateau(s)) s.step(METRICS[i]); else s.step();
        lrs.push(s.getLastLr());
      }
      near(lrs, py[name].lrs.slice(half + 1), 'lrs after resuming');
      near(s.stateDict(), py[name].state, 'stateDict');
    });
  }
});

describe('CyclicLR with Adam cycles betas[0] (PyTorch 2; 1.13 refuses Adam)', () => {
  it("Adam's beta1 follows the momentum sequence PyTorch 1.13 gives SGD for the same arguments, and beta2 stays", function () {
    needOracle(this);
    const py = python(`
import json, warnings, torch
import torch.optim.lr_scheduler as S
warnings.simplefilter('ignore')
a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
o = torch.optim.SGD([{'params': [a], 'lr': 0.1}, {'params': [b], 'lr': 0.01}], momentum=0.9)
s = S.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=4, mode='triangular2', base_momentum=0.8, max_momentum=0.95)
out = [[g['momentum'] for g in o.param_groups]]
lrs = [s.get_last_lr()]
for i in range(20):
    o.step(); s.step(); out.append([g['momentum'] for g in o.param_groups]); lrs.append(s.get_last_lr())
print(json.dumps([out, lrs]))`);
    const o = optimizer('Adam');
    const s = new S.CyclicLR(o, 0.01, 0.1, { stepSizeUp: 3, stepSizeDown: 4, mode: 'triangular2', baseMomentum: 0.8, maxMomentum: 0.95 });
    const beta1 = [o.paramGroups.map((g) => g.options.betas[0])];
    const lrs = [s.getLastLr()];
    for (let i = 0; i < 20; i++) {
      o.step();
      s.step();
      beta1.push(o.paramGroups.map((g) => g.options.betas[0]));
      lrs.push(s.getLastLr());
      assert.ok(o.paramGroups.every((g) => g.options.betas[1] === 0.999));
    }
    near(beta1, py[0], 'beta1');
    near(lrs, py[1], 'lrs');
    for (let i = 0; i < 2; i++) assert.strictEqual(o._native.getOption(i, 'beta1'), beta1[20][i]);
    assert.strictEqual(s.stateDict().use_beta1, true);
  });
});

describe('lr scheduler call forms and errors', () => {
  const opt = () => optimizer('SGD');
  const run = (s, o, n = 10) => Array.from({ length: n }, () => { s.step(); return o.getLr(1); });

  it('takes PyTorch\'s positional arguments, an options object, or both', () => {
    const forms = [
      (o) => new S.StepLR(o, 3, 0.5),
      (o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 }),
      (o) => new S.StepLR(o, 3, { gamma: 0.5 }),
      (o) => new S.StepLR(o, 3, undefined, { gamma: 0.5 }),
    ];
    const seqs = forms.map((f) => { const o = opt(); return run(f(o), o); });
    for (const s of seqs) assert.deepStrictEqual(s, seqs[0]);
    let o = opt();
    const a = run(new S.CosineAnnealingLR(o, { tMax: 5, etaMin: 0.001 }), o);
    o = opt();
    assert.deepStrictEqual(run(new S.CosineAnnealingLR(o, 5, 0.001), o), a);
  });

  it('refuses missing, doubled, extra and misspelt arguments by name', () => {
    assert.throws(() => new S.StepLR(opt()), { name: 'TypeError', message: "StepLR() missing required argument 'stepSize'" });
    assert.throws(() => new S.StepLR(opt(), {}), { name: 'TypeError', message: /missing required argument 'stepSize'/ });
    assert.throws(() => new S.StepLR(opt(), 3, { stepSize: 3 }), { name: 'TypeError', message: "StepLR() got multiple values for argument 'stepSize'" });
    assert.throws(() => new S.StepLR(opt(), { step_size: 3 }), { name: 'TypeError', message: /no option 'step_size'; did you mean 'stepSize'/ });
    assert.throws(() => new S.CosineAnnealingWarmRestarts(opt(), { T_0: 3 }), { name: 'TypeError', message: /did you mean 't0'/ });
    assert.throws(() => new S.ExponentialLR(opt(), 0.9, -1, false, 7), { name: 'TypeError', message: /at most 3 arguments/ });
    assert.throws(() => new S.StepLR(opt(), { stepSize: 0 }), { name: 'RangeError', message: /stepSize/ });
    assert.throws(() => new S.LinearLR(opt(), { startFactor: 2 }), { name: 'RangeError', message: /Starting multiplicative factor expected to be between 0 and 1/ });
    assert.throws(() => new S.ReduceLROnPlateau(opt(), { factor: 1 }), { name: 'RangeError', message: /Factor should be < 1.0/ });
    assert.throws(() => new S.ReduceLROnPlateau(opt(), 'mim'), { name: 'TypeError', message: /mode must be one of "min", "max"/ });
    assert.throws(() => new S.OneCycleLR(opt(), 0.1), { name: 'TypeError', message: /You must define either totalSteps OR \(epochs AND stepsPerEpoch\)/ });
    assert.throws(() => new S.LambdaLR(opt(), [() => 1]), { name: 'RangeError', message: 'Expected 2 lr_lambdas, but got 1' });
    assert.throws(() => new S.StepLR(opt(), { stepSize: 2, lastEpoch: 3 }), /param 'initial_lr' is not specified in param_groups\[0\] when resuming an optimizer/);
    const o = opt();
    assert.throws(() => new S.SequentialLR(o, [new S.StepLR(o, 2), new S.StepLR(opt(), 2)], [3]), /to be different than the optimizer passed in/);
    assert.throws(() => new S.SequentialLR(o, [new S.StepLR(o, 2)], [3]), /number of schedulers 1 and the number of milestones to be equal to 1/);
    const one = new S.OneCycleLR(o, 0.1, 2);
    one.step();
    one.step();
    assert.throws(() => one.step(), { name: 'RangeError', message: 'Tried to step 4 times. The specified number of total steps is 2' });
    assert.throws(() => new S.StepLR(o, 2).get_last_lr(), { name: 'TypeError', message: /get_last_lr is spelled getLastLr/ });
  });

  it('refuses bad arguments of MultiplicativeLR, ConstantLR, PolynomialLR, ChainedScheduler and CyclicLR by name', () => {
    assert.throws(() => new S.MultiplicativeLR(opt()), { name: 'TypeError', message: /missing required argument 'lrLambda'/ });
    assert.throws(() => new S.MultiplicativeLR(opt(), 0.9), { name: 'TypeError', message: /lrLambda must be a function/ });
    assert.throws(() => new S.MultiplicativeLR(opt(), [() => 1]), { name: 'RangeError', message: 'Expected 2 lr_lambdas, but got 1' });
    assert.throws(() => new S.ConstantLR(opt(), 1.5), { name: 'RangeError', message: /Constant multiplicative factor expected to be between 0 and 1/ });
    assert.throws(() => new S.ConstantLR(opt(), { total_iters: 3 }), { name: 'TypeError', message: /did you mean 'totalIters'/ });
    assert.throws(() => new S.PolynomialLR(opt(), 0), { name: 'RangeError', message: /totalIters/ });
    assert.throws(() => new S.PolynomialLR(opt(), 5, 'two'), { name: 'TypeError', message: /power must be a number/ });
    assert.throws(() => new S.ChainedScheduler([]), { name: 'TypeError', message: /schedulers must be a non-empty array/ });
    const o = opt();
    assert.throws(() => new S.ChainedScheduler([new S.StepLR(o, 2), new S.StepLR(opt(), 2)]), { name: 'RangeError', message: /same optimizer.*index 0 and 1/ });
    assert.throws(() => new S.ChainedScheduler([new S.ReduceLROnPlateau(o)]), { name: 'TypeError', message: /schedulers\[0\] must be an lrScheduler/ });
    assert.throws(() => new S.CyclicLR(o, 0.01), { name: 'TypeError', message: /missing required argument 'maxLr'/ });
    assert.throws(() => new S.CyclicLR(o, 0.01, 0.1, { mode: 'triangle' }), { name: 'TypeError', message: /mode must be one of/ });
    assert.throws(() => new S.CyclicLR(o, [0.01], 0.1), { name: 'RangeError', message: /expected 2 values for baseLr, got 1/ });
    assert.throws(() => new S.CyclicLR(o, 0.01, 0.1, 0), { name: 'RangeError', message: /stepSizeUp must be > 0/ });
    assert.throws(() => new S.CyclicLR(o, 0.01, 0.1, { max_lr: 1 }), { name: 'TypeError', message: /did you mean 'maxLr'/ });
    const plain = new optim.SGD([torch.zeros(2, { requiresGrad: true })], { lr: 0.1 });
    assert.ok(new S.CyclicLR(plain, 0.01, 0.1) instanceof S.CyclicLR, "SGD's defaults hold momentum (0) even when not given");
  });

  it('round-trips its own state dict: a resumed scheduler continues the same sequence', () => {
    let o = opt();
    const whole = new S.CosineAnnealingWarmRestarts(o, 4, 2);
    const expected = run(whole, o, 20);
    o = opt();
    const first = new S.CosineAnnealingWarmRestarts(o, 4, 2);
    run(first, o, 7);
    const sd = JSON.parse(JSON.stringify(first.stateDict()));
    const optSd = o.stateDict();
    const o2 = opt();
    o2.loadStateDict(optSd);
    const resumed = new S.CosineAnnealingWarmRestarts(o2, { t0: 4, lastEpoch: 6 });
    resumed.loadStateDict(sd);
    assert.deepStrictEqual([...run(first, o, 0), ...run(resumed, o2, 13)], expected.slice(7));
    // ReduceLROnPlateau's best starts at Infinity and survives JSON (as Python's inf does pickling).
    const p = new S.ReduceLROnPlateau(opt());
    assert.strictEqual(p.stateDict().best, Infinity);
    p.loadStateDict(JSON.parse(JSON.stringify({ ...p.stateDict(), best: 'inf' })));
    assert.strictEqual(p.best, Infinity);
    assert.deepStrictEqual(p.getLastLr(), [0.1, 0.01]);
    p.step(torch.tensor(3));
    assert.strictEqual(p.best, 3);
  });
});

describe('lr scheduler state dicts through torch.save', () => {
  it('a state dict saved here resumes in Python with the same next lrs', function () {
    needOracle(this);
    const file = path.join(os.tmpdir(), `torchvgg-sched-${process.pid}.pth`);
    const o = optimizer('SGD');
    const multi = new S.MultiStepLR(o, [2, 5, 5], 0.5);
    const o2 = optimizer('SGD');
    const plateau = new S.ReduceLROnPlateau(o2, { patience: 1 });
    for (let i = 0; i < 3; i++) { multi.step(); plateau.step(METRICS[i]); }
    let py;
    try {
      torch.save({ multi: multi.stateDict(), plateau: plateau.stateDict(), multiOpt: o.stateDict(), plateauOpt: o2.stateDict() }, file);
      py = python(`
import json, sys, warnings, torch
import torch.optim.lr_scheduler as S
warnings.simplefilter('ignore')
ck = torch.load(sys.argv[1])
def opt(sd):
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    o = torch.optim.SGD([{'params': [a], 'lr': 1.0}, {'params': [b], 'lr': 1.0}], momentum=0.9); o.load_state_dict(sd); return o
o = opt(ck['multiOpt']); m = S.MultiStepLR(o, [100], last_epoch=0); m.load_state_dict(ck['multi'])
o2 = opt(ck['plateauOpt']); p = S.ReduceLROnPlateau(o2); p.load_state_dict(ck['plateau'])
out = {'milestones': {str(k): v for k, v in m.milestones.items()}, 'multi': [], 'plateau': []}
for i in range(3, 8):
    m.step(); p.step(json.loads(sys.argv[2])[i]); out['multi'].append(m.get_last_lr()); out['plateau'].append(p._last_lr)
print(json.dumps(out))`, [file, JSON.stringify(METRICS)]);
    } finally {
      fs.rmSync(file, { force: true });
    }
    assert.deepStrictEqual(py.milestones, { 2: 1, 5: 2 });
    const [a, b] = [[], []];
    for (let i = 3; i < 8; i++) { multi.step(); plateau.step(METRICS[i]); a.push(multi.getLastLr()); b.push(plateau.getLastLr()); }
    near(a, py.multi, 'MultiStepLR');
    near(b, py.plateau, 'ReduceLROnPlateau');
  });
});
