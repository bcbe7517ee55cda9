// Optimizer param groups without a top-level lr (each group its own lr and options): steps against
// PyTorch 1.13, PyTorch's error for a group without lr, state dicts per group, and that the TS types accept it.
'use strict';
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, optim } = require('..');
const { needOracle, python } = require('./helpers');

const A = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
const B = [0.3, -0.2];
const GRADS = [[[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], [1, -2]], [[[-0.3, 0.2, 0.1], [0, 0.7, 0.2]], [0.5, 0.25]],
  [[[0.05, 0.05, -0.1], [0.2, -0.4, 0.3]], [-1, 3]]];

// name -> [build(a, b) in JS, the same in Python]
const CASES = {
  sgd: [(a, b) => new optim.SGD([{ params: a, lr: 0.1 }, { params: [b], lr: 0.01, nesterov: true, dampening: 0 }], { momentum: 0.9 }),
    "torch.optim.SGD([{'params': a, 'lr': 0.1}, {'params': [b], 'lr': 0.01, 'nesterov': True, 'dampening': 0}], momentum=0.9)"],
  sgd_default_lr: [(a, b) => new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 0.1 }], { lr: 0.05 }),
    "torch.optim.SGD([{'params': [a]}, {'params': [b], 'lr': 0.5, 'weight_decay': 0.1}], lr=0.05)"],
  adam: [(a, b) => new optim.Adam([{ params: [a], lr: 0.1, amsgrad: true }, { params: [b], betas: [0.5, 0.9] }]),
    "torch.optim.Adam([{'params': [a], 'lr': 0.1, 'amsgrad': True}, {'params': [b], 'betas': (0.5, 0.9)}])"],
  adamw: [(a, b) => new optim.AdamW([{ params: [a], lr: 0.02 }, { params: [b], lr: 0.2, weight_decay: 0.5 }], { eps: 1e-6 }),
    "torch.optim.AdamW([{'params': [a], 'lr': 0.02}, {'params': [b], 'lr': 0.2, 'weight_decay': 0.5}], eps=1e-6)"],
};

const ORACLE = `
import json, sys, torch
grads, A, B = json.loads(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3])
out = {}
for name, expr in json.loads(sys.argv[4]).items():
    a = torch.tensor(A, requires_grad=True, dtype=torch.float); b = torch.tensor(B, requires_grad=True, dtype=torch.float)
    o = eval(expr)
    for ga, gb in grads:
        a.grad = torch.tensor(ga, dtype=torch.float); b.grad = torch.tensor(gb, dtype=torch.float); o.step()
    groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items() if k != 'params'} for g in o.param_groups]
    out[name] = {'a': a.tolist(), 'b': b.tolist(), 'groups': groups}
print(json.dumps(out))`;

function flat(x) { return Array.isArray(x) ? x.flatMap(flat) : [x]; }
function close(got, want, where) {
  const [g, w] = [flat(got), flat(want)];
  assert.strictEqual(g.length, w.length, where);
  g.forEach((x, i) => assert.ok(Math.abs(x - w[i]) <= 1e-6 * Math.max(1, Math.abs(w[i])), `${where}[${i}]: ${x} vs ${w[i]}`));
}

describe('optimizer param groups without a top-level lr', () => {
  let py;
  before(function () {
    needOracle(this);
    const exprs = Object.fromEntries(Object.entries(CASES).map(([n, [, e]]) => [n, e]));
    py = python(ORACLE, [JSON.stringify(GRADS), JSON.stringify(A), JSON.stringify(B), JSON.stringify(exprs)]);
  });

  for (const [name, [build]] of Object.entries(CASES)) {
    it(`${name}: three steps with per-group options match PyTorch's parameters and param groups`, () => {
      const a = torch.tensor(A, { requiresGrad: true });
      const b = torch.tensor(B, { requiresGrad: true });
      const opt = build(a, b);
      for (const [ga, gb] of GRADS) {
        a.grad = torch.tensor(ga);
        b.grad = torch.tensor(gb);
        opt.step();
      }
      close(a.tolist(), py[name].a, 'a');
      close(b.tolist(), py[name].b, 'b');
      const groups = opt.stateDict().param_groups;
      py[name].groups.forEach((g, i) => {
        for (const [k, v] of Object.entries(g)) {
          if (k in groups[i]) assert.deepStrictEqual(groups[i][k], v, `group ${i} ${k}`);
        }
      });
      assert.deepStrictEqual(groups.map((g) => g.params), [[0], [1]]);
    });
  }
});

describe('param group errors and forms', () => {
  const p = () => torch.zeros(2, { requiresGrad: true });

  it('refuses a group without lr when there is no default, with PyTorch\'s message', () => {
    assert.throws(() => new optim.SGD([{ params: [p()], lr: 0.1 }, { params: [p()] }], { momentum: 0.9 }),
      { name: 'TypeError', message: /parameter group didn't specify a value of required optimization parameter lr/ });
    assert.throws(() => new optim.SGD([p()]), { name: 'TypeError', message: /SGD needs a learning rate/ });
    // Adam's lr has a default (1e-3), as in PyTorch.
    assert.strictEqual(new optim.Adam([{ params: [p()] }]).getLr(0), 1e-3);
  });

  it('takes a group\'s params as one tensor or any iterable, and keeps each group\'s lr', () => {
    const [a, b, c] = [p(), p(), p()];
    const opt = new optim.SGD([{ params: a, lr: 0.1 }, { params: new Set([b, c]), lr: 0.01 }]);
    assert.deepStrictEqual(opt.paramGroups.map((g) => g.params.length), [1, 2]);
    assert.deepStrictEqual([opt.getLr(0), opt.getLr(1)], [0.1, 0.01]);
    assert.deepStrictEqual(opt.defaults.lr, NaN);
    assert.strictEqual(opt.defaults.momentum, 0);
    assert.throws(() => new optim.SGD([{ params: 5, lr: 0.1 }]), { name: 'TypeError', message: /params\[0\] must be a Tensor, or a group/ });
    assert.throws(() => new optim.SGD([{ params: [a, 'x'], lr: 0.1 }]), { name: 'TypeError', message: /params\[0\]\.params\[1\] must be a Tensor/ });
  });

  it('loads a state dict whose groups carry a scheduler\'s keys (initial_lr, max_lr, ...)', () => {
    const opt = new optim.SGD([{ params: [p()], lr: 0.1 }, { params: [p()], lr: 0.01 }], { momentum: 0.9 });
    new optim.lrScheduler.OneCycleLR(opt, 1, { totalSteps: 10 });
    const sd = opt.stateDict();
    assert.deepStrictEqual(Object.keys(sd.param_groups[0]).slice(-6), ['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum', 'params']);
    const again = new optim.SGD([{ params: [p()], lr: 1 }, { params: [p()], lr: 1 }], { momentum: 0.5 });
    again.loadStateDict(sd);
    assert.deepStrictEqual(again.stateDict().param_groups, sd.param_groups);
    assert.strictEqual(again._native.getOption(0, 'momentum'), sd.param_groups[0].momentum);
    assert.throws(() => new optim.SGD([{ params: [p()], initial_lr: 0.1, lr: 0.1 }]), { name: 'TypeError', message: /no option 'initial_lr'/ });
  });

  it('type-checks groups without a top-level lr in TypeScript', function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-groups-'));
    const file = path.join(dir, 'groups.ts');
    const root = path.join(__dirname, '..');
    fs.writeFileSync(file, `import { torch, nn, optim } from ${JSON.stringify(root)};
const a = new nn.Linear(2, 2), b = new nn.Linear(2, 2);
const opt = new optim.SGD([{ params: a.parameters(), lr: 0.1 }, { params: b.parameters(), lr: 0.01 }], { momentum: 0.9 });
const adam = new optim.Adam([{ params: a.parameters(), lr: 0.1 }]);
const s1: optim.lrScheduler.StepLR = new optim.lrScheduler.StepLR(opt, 7, 0.1);
const s2 = new optim.lrScheduler.StepLR(opt, { stepSize: 7, gamma: 0.1 });
const s3 = new optim.lrScheduler.OneCycleLR(adam, 0.1, { totalSteps: 10 });
const s4 = new optim.lrScheduler.ReduceLROnPlateau(opt, 'min', { patience: 3 });
const s5 = new optim.lrScheduler.SequentialLR(opt, [new optim.lrScheduler.LinearLR(opt, 0.1), s2], [3]);
const lrs: number[] = [...s1.getLastLr(), ...s3.getLastLr(), ...s4.getLastLr(), ...s5.getLastLr()];
const norm: torch.Tensor = nn.utils.clipGradNorm_(a.parameters(), 1.0);
nn.utils.clipGradValue_(a.parameters(), 0.5);
const copy: nn.StateDict = nn.utils.cloneStateDict(a.stateDict());
void lrs; void norm; void copy;
`);
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    const r = spawnSync(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop', '--target', 'ES2022', '--module', 'commonjs',
      '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), file], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  });
});
