// Large Linear layers at inference on oneDNN's sgemm (native/nn/fast_linear.h) and, in bfloat16, on a oneDNN
// matmul over weights reordered once (native/nn/bf16_linear.h): the same values as Python's F.linear within
// rounding at every batch size, repeatable call to call, following weight updates, and autograd, autocast and
// other dtypes still on libtorch's own path.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { torch, nn } = require('..');
const { oracleProblem, python, skip } = require('./helpers');

const ROOT = path.join(__dirname, '..');
const capability = (env = {}) => {
  const r = spawnSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(ROOT)}).torch.backends.cpu.capability().libtorch))`],
    { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

describe('large Linear layers at inference (oneDNN sgemm)', function () {
  this.timeout(120000);
  // 2048 -> 1024: 2M weights, over the 1M threshold; batch sizes that hit each way's edge cases.
  const BATCHES = [1, 2, 3, 8, 17, 33];
  let lin;
  let inputs;
  before(() => {
    torch.manualSeed(11);
    lin = new nn.Linear(2048, 1024).eval();
    inputs = BATCHES.map((n) => torch.randn(n, 2048));
  });

  it('is built where the oneDNN runs are, and TORCHVGG_FAST_LINEAR=0 switches it off', function () {
    const on = capability();
    if (!on.onednnRuns) skip(this, 'this build has no libdnnl of its own (libdnnl-dev missing), so no oneDNN sgemm');
    assert.strictEqual(on.fastLinear, true);
    assert.strictEqual(capability({ TORCHVGG_FAST_LINEAR: '0' }).fastLinear, false);
  });

  it("gives Python's F.linear within 1e-5 relative at every batch size, and the same bits on every later call", function () {
    const problem = oracleProblem();
    if (problem) skip(this, problem);
    const before = [lin.weight.detach().clone(), lin.bias.detach().clone()];
    const outs = inputs.map((x) => torch.noGrad(() => lin.forward(x)));
    // The output buffers start as copies of the bias; with one row they must not be the bias itself.
    assert.deepStrictEqual([lin.weight.detach().toTypedArray(), lin.bias.detach().toTypedArray()], before.map((t) => t.toTypedArray()), 'the parameters are unchanged');
    for (let i = 0; i < inputs.length; i++) {
      for (let k = 0; k < 3; k++) {
        assert.deepStrictEqual(torch.noGrad(() => lin.forward(inputs[i])).toTypedArray(), outs[i].toTypedArray(), `batch ${BATCHES[i]}, call ${k + 2}`);
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-linear-'));
    try {
      const file = path.join(dir, 'case.pt');
      torch.save({ weight: lin.weight.detach(), bias: lin.bias.detach(), ...Object.fromEntries(inputs.map((x, i) => [`x${i}`, x])) }, file);
      const py = python(`
import json, sys, torch
d = torch.load(sys.argv[1])
torch.set_num_threads(2)
print(json.dumps([torch.nn.functional.linear(d['x%d' % i], d['weight'], d['bias']).flatten().tolist() for i in range(${inputs.length})]))`, [file]);
      for (let i = 0; i < inputs.length; i++) {
        const want = Float32Array.from(py[i]);
        const got = outs[i].toTypedArray();
        let worst = 0;
        let scale = 0;
        for (let j = 0; j < want.length; j++) { worst = Math.max(worst, Math.abs(got[j] - want[j])); scale = Math.max(scale, Math.abs(want[j])); }
        assert.ok(worst <= 1e-5 * scale, `batch ${BATCHES[i]}: max difference ${worst} against max |y| ${scale}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with libtorch\'s own path (TORCHVGG_FAST_LINEAR=0) with and without bias', function () {
    const script = `const { torch, nn } = require(${JSON.stringify(ROOT)});
      torch.manualSeed(3); const a = new nn.Linear(1024, 1536).eval(); const b = new nn.Linear(1024, 1536, { bias: false }).eval();
      const out = []; for (const n of [1, 5, 40]) { const x = torch.randn(n, 1024); out.push(Array.from(torch.noGrad(() => a.forward(x)).toTypedArray()), Array.from(torch.noGrad(() => b.forward(x)).toTypedArray())); }
      process.stdout.write(JSON.stringify(out));`;
    const run = (env) => {
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
      assert.strictEqual(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const fast = run({});
    const plain = run({ TORCHVGG_FAST_LINEAR: '0' });
    for (let i = 0; i < plain.length; i++) {
      const scale = Math.max(...plain[i].map(Math.abs));
      const worst = Math.max(...plain[i].map((v, j) => Math.abs(v - fast[i][j])));
      assert.ok(worst <= 1e-5 * scale, `case ${i}: ${worst} vs ${scale}`);
    }
  });

  it('leaves autograd, autocast, float64 and non-2-D inputs to libtorch, with correct results', function () {
    torch.manualSeed(5);
    const x = torch.randn(4, 2048);
    // Autograd: gradients reach the weight and the input (the sgemm path records nothing, so it must not run).
    const xg = x.clone().requiresGrad_();
    const y = lin.forward(xg);
    y.sum().backward();
    assert.ok(lin.weight.grad && xg.grad, 'gradients were computed');
    const onesRow = torch.ones(4, 1024);
    assert.ok(xg.grad.allclose(onesRow.matmul(lin.weight.detach()), { rtol: 1e-4, atol: 1e-4 }));
    lin.zeroGrad();
    // 3-D input: the same as row by row.
    const x3 = x.reshape(2, 2, 2048);
    const y3 = torch.noGrad(() => lin.forward(x3));
    assert.deepStrictEqual(y3.shape, [2, 2, 1024]);
    assert.ok(y3.reshape(4, 1024).allclose(torch.noGrad(() => lin.forward(x)), { rtol: 1e-5, atol: 1e-5 }));
    // float64 weights and input.
    const l64 = new nn.Linear(2048, 1024).eval().to('float64');
    const x64 = x.to('float64');
    const want = x64.matmul(l64.weight.detach().transpose(0, 1)).add(l64.bias.detach());
    assert.ok(torch.noGrad(() => l64.forward(x64)).allclose(want, { rtol: 1e-12, atol: 1e-12 }));
    // bfloat16 autocast: libtorch's autocast casts, as without the fast path.
    const yb = torch.noGrad(() => torch.autocast('cpu', { dtype: 'bfloat16' }, () => lin.forward(x)));
    assert.strictEqual(yb.dtype, 'bfloat16');
  });

  it('refuses a wrong input width with libtorch\'s error, not a crash', function () {
    assert.throws(() => torch.noGrad(() => lin.forward(torch.randn(3, 2047))), /shapes cannot be multiplied|mat1 and mat2/);
  });
});

describe('large bfloat16 Linear layers at inference (oneDNN matmul, weights reordered once)', function () {
  this.timeout(120000);
  const BATCHES = [1, 2, 3, 8, 17, 33];
  const maxDiff = (a, b) => {
    let worst = 0;
    let scale = 0;
    for (let j = 0; j < b.length; j++) { worst = Math.max(worst, Math.abs(a[j] - b[j])); scale = Math.max(scale, Math.abs(b[j])); }
    return { worst, scale };
  };
  let lin;
  let inputs;
  before(() => {
    torch.manualSeed(12);
    lin = new nn.Linear(2048, 1024).eval().to('bfloat16');
    inputs = BATCHES.map((n) => torch.randn(n, 2048).to('bfloat16'));
  });

  it("gives Python's bf16 F.linear within bf16 rounding at every batch size, and the same bits on every later call", function () {
    const problem = oracleProblem();
    if (problem) skip(this, problem);
    const outs = inputs.map((x) => torch.noGrad(() => lin.forward(x)));
    for (const [i, y] of outs.entries()) {
      assert.strictEqual(y.dtype, 'bfloat16');
      assert.deepStrictEqual(y.shape, [BATCHES[i], 1024]);
      assert.deepStrictEqual(torch.noGrad(() => lin.forward(inputs[i])).float().toTypedArray(), y.float().toTypedArray(), `batch ${BATCHES[i]}, second call`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-linear-bf16-'));
    try {
      const file = path.join(dir, 'case.pt');
      // float32 copies of the bf16 values (exact); Python rounds them back to bf16 (exact again).
      torch.save({ weight: lin.weight.detach().float(), bias: lin.bias.detach().float(), ...Object.fromEntries(inputs.map((x, i) => [`x${i}`, x.float()])) }, file);
      const py = python(`
import json, sys, torch
d = torch.load(sys.argv[1])
torch.set_num_threads(2)
w, b = d['weight'].bfloat16(), d['bias'].bfloat16()
out = []
for i in range(${inputs.length}):
    x = d['x%d' % i].bfloat16()
    out.append([torch.nn.functional.linear(x, w, b).float().flatten().tolist(), torch.nn.functional.linear(x.float(), w.float(), b.float()).flatten().tolist()])
print(json.dumps(out))`, [file]);
      for (let i = 0; i < inputs.length; i++) {
        const got = outs[i].float().toTypedArray();
        // Two bf16 results of the same sums differ by their rounding: a few units of bf16's 2^-8 at most.
        const vsBf16 = maxDiff(got, Float32Array.from(py[i][0]));
        assert.ok(vsBf16.worst <= 8e-3 * vsBf16.scale, `batch ${BATCHES[i]}: ${vsBf16.worst} against Python's bf16 (max |y| ${vsBf16.scale})`);
        const vsF32 = maxDiff(got, Float32Array.from(py[i][1]));
        assert.ok(vsF32.worst <= 8e-3 * vsF32.scale, `batch ${BATCHES[i]}: ${vsF32.worst} against fp32 (max |y| ${vsF32.scale})`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows the weights when they change after the first call (their copy in oneDNN\'s layout is made again)', () => {
    torch.manualSeed(13);
    const l = new nn.Linear(2048, 1024).eval().to('bfloat16');
    const x = torch.randn(4, 2048).to('bfloat16');
    const first = torch.noGrad(() => l.forward(x)).float();
    torch.noGrad(() => l.weight.mul_(-2));
    const second = torch.noGrad(() => l.forward(x)).float();
    const want = torch.noGrad(() => nn.functional.linear(x, l.weight, l.bias)).float();
    const d = maxDiff(second.toTypedArray(), want.toTypedArray());
    assert.ok(d.worst <= 8e-3 * d.scale, `after the update: ${d.worst} against ${d.scale}`);
    assert.ok(!second.allclose(first, { rtol: 0.1, atol: 0.1 }), 'the output changed with the weights');
  });

  it('leaves autograd to libtorch: gradients reach the weight and the input', () => {
    const x = torch.randn(3, 2048).to('bfloat16').requiresGrad_();
    lin.forward(x).float().sum().backward();
    assert.ok(lin.weight.grad && x.grad, 'gradients were computed');
    assert.deepStrictEqual(x.grad.shape, [3, 2048]);
    lin.zeroGrad();
  });
});
