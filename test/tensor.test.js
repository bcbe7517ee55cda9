'use strict';
const assert = require('assert');
const os = require('os');
const { torch, Tensor } = require('..');
const { spawnSync } = require('child_process');
const { needFixtures, needOracle, python, readJson } = require('./helpers');

describe('Tensor', () => {
  describe('creation', () => {
    it('builds a tensor from nested arrays, with the shape and values given', () => {
      const t = torch.tensor([[1, 2, 3], [4, 5, 6.5]]);
      assert.deepStrictEqual(t.shape, [2, 3]);
      assert.strictEqual(t.dtype, 'float32');
      assert.deepStrictEqual(t.tolist(), [[1, 2, 3], [4, 5, 6.5]]);
      assert.strictEqual(t.numel(), 6);
      assert.strictEqual(t.dim(), 2);
      assert.strictEqual(t.size(-1), 3);
    });

    it('builds a zero-dimensional tensor from a number and a bool tensor from booleans', () => {
      assert.deepStrictEqual(torch.tensor(2.5).shape, []);
      assert.strictEqual(torch.tensor(2.5).item(), 2.5);
      const b = torch.tensor([true, false]);
      assert.strictEqual(b.dtype, 'bool');
      assert.deepStrictEqual(b.tolist(), [true, false]);
    });

    it('keeps the element type of a TypedArray and honours an explicit dtype', () => {
      assert.strictEqual(torch.tensor(new Float64Array([1, 2])).dtype, 'float64');
      assert.strictEqual(torch.tensor(new Int32Array([1, 2])).dtype, 'int32');
      assert.strictEqual(torch.tensor(new BigInt64Array([1n, 2n])).dtype, 'int64');
      const t = torch.tensor([1, 2, 3], { dtype: torch.int64 });
      assert.strictEqual(t.dtype, 'int64');
      assert.deepStrictEqual(t.tolist(), [1, 2, 3]);
      assert.strictEqual(torch.tensor([1.5], { dtype: 'bfloat16' }).dtype, 'bfloat16');
    });

    it('accepts shapes as one array or as numbers, with options last', () => {
      assert.deepStrictEqual(torch.randn([2, 3]).shape, [2, 3]);
      assert.deepStrictEqual(torch.randn(2, 3).shape, [2, 3]);
      const z = torch.zeros(2, 2, { dtype: 'float64', requiresGrad: true });
      assert.strictEqual(z.dtype, 'float64');
      assert.strictEqual(z.requiresGrad, true);
      assert.deepStrictEqual(torch.ones(3).tolist(), [1, 1, 1]);
      assert.deepStrictEqual(torch.empty(4, 1).shape, [4, 1]);
      const r = torch.rand(1000).toTypedArray();
      assert.ok(r.every((v) => v >= 0 && v < 1));
    });

    it('makes int64 ranges from integers and float ranges otherwise, like torch.arange', () => {
      assert.deepStrictEqual(torch.arange(4).tolist(), [0, 1, 2, 3]);
      assert.strictEqual(torch.arange(4).dtype, 'int64');
      assert.deepStrictEqual(torch.arange(1, 2, 0.25).tolist(), [1, 1.25, 1.5, 1.75]);
      assert.strictEqual(torch.arange(0, 1, 0.5).dtype, 'float32');
    });

    it('repeats random numbers after manualSeed', () => {
      torch.manualSeed(42);
      const a = torch.randn(5).tolist();
      torch.manualSeed(42);
      assert.deepStrictEqual(torch.randn(5).tolist(), a);
    });

    it('views a buffer without copying it (frombuffer)', () => {
      const data = new Float32Array([1, 2, 3, 4]);
      const t = torch.frombuffer(data, { dtype: 'float32' });
      data[2] = 30;
      assert.deepStrictEqual(t.tolist(), [1, 2, 30, 4]);
      const tail = torch.frombuffer(data.buffer, { dtype: 'float32', offset: 8, count: 2 });
      assert.deepStrictEqual(tail.tolist(), [30, 4]);
      assert.throws(() => torch.frombuffer(data, { dtype: 'float32', count: 5 }), RangeError);
      assert.throws(() => torch.frombuffer(new Uint8Array(3), { dtype: 'float32' }), RangeError);
    });

    it('exposes the dtype names as constants', () => {
      assert.strictEqual(torch.float32, 'float32');
      assert.strictEqual(torch.bfloat16, 'bfloat16');
      assert.strictEqual(torch.long, 'int64');
      for (const d of ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool']) {
        assert.strictEqual(torch.zeros(1, { dtype: d }).dtype, d);
      }
    });
  });

  describe('operations', () => {
    const a = () => torch.tensor([[1, 2], [3, 4]]);
    it('does arithmetic with tensors and numbers', () => {
      assert.deepStrictEqual(a().add(a()).tolist(), [[2, 4], [6, 8]]);
      assert.deepStrictEqual(a().sub(1).tolist(), [[0, 1], [2, 3]]);
      assert.deepStrictEqual(a().mul(a()).tolist(), [[1, 4], [9, 16]]);
      assert.deepStrictEqual(a().div(2).tolist(), [[0.5, 1], [1.5, 2]]);
      assert.deepStrictEqual(a().matmul(a()).tolist(), [[7, 10], [15, 22]]);
      assert.deepStrictEqual(a().eq(torch.tensor([[1, 0], [3, 0]])).tolist(), [[true, false], [true, false]]);
    });

    it('reduces with sum, mean and argmax, over all or some dimensions', () => {
      assert.strictEqual(a().sum().item(), 10);
      assert.deepStrictEqual(a().sum(0).tolist(), [4, 6]);
      assert.deepStrictEqual(a().mean(1, true).tolist(), [[1.5], [3.5]]);
      assert.deepStrictEqual(a().argmax(1).tolist(), [1, 1]);
      assert.strictEqual(a().argmax().item(), 3);
    });

    it('computes softmax rows that sum to one and compares with allclose', () => {
      const s = torch.tensor([[1, 2, 3], [0, 0, 0]]).softmax(1);
      assert.ok(s.sum(1).allclose(torch.ones(2)));
      assert.ok(Math.abs(s.tolist()[1][0] - 1 / 3) < 1e-6);
      assert.ok(!s.allclose(s.add(1e-3)));
      assert.ok(s.allclose(s.add(1e-3), { atol: 1e-2 }));
    });

    it('reshapes, views, converts, clones and detaches', () => {
      const t = torch.arange(6);
      assert.deepStrictEqual(t.reshape(2, 3).shape, [2, 3]);
      assert.deepStrictEqual(t.view([3, -1]).shape, [3, 2]);
      assert.strictEqual(t.float().dtype, 'float32');
      assert.strictEqual(t.to('float16').dtype, 'float16');
      assert.strictEqual(t.to({ dtype: 'float64' }).dtype, 'float64');
      assert.strictEqual(t.to('cpu'), t, 'to() returns the same tensor when nothing changes');
      assert.strictEqual(t.contiguous(), t);
      const c = t.clone();
      assert.deepStrictEqual(c.tolist(), t.tolist());
      const g = torch.ones(2, { requiresGrad: true });
      assert.strictEqual(g.detach().requiresGrad, false);
      assert.strictEqual(t.device, 'cpu');
    });

    it('returns contiguous copies as typed arrays and lists', () => {
      const t = torch.arange(6).reshape(2, 3);
      const ta = t.toTypedArray();
      assert.ok(ta instanceof BigInt64Array);
      assert.deepStrictEqual(Array.from(ta, Number), [0, 1, 2, 3, 4, 5]);
      assert.ok(torch.ones(2, { dtype: 'float16' }).toTypedArray() instanceof Float32Array);
      assert.throws(() => t.item(), /cannot be converted to Scalar/);
    });
  });

  describe('printing', () => {
    let expected;
    before(function () {
      needFixtures(this, 'printing.json');
      expected = readJson('printing.json');
    });
    const cases = {
      matrix: () => torch.tensor([[1.0, 2.0], [3.0, 4.5]]),
      int_range: () => torch.arange(5),
      float_ints: () => torch.arange(6).reshape(2, 3).float(),
      sci: () => torch.tensor([1e-5, 1.0, 123.0]),
      summarized: () => torch.arange(2000).reshape(40, 50).div(7),
      long_row: () => torch.arange(30).div(3),
      bools: () => torch.tensor([true, false, true]),
      float64: () => torch.arange(4, { dtype: 'float64' }).div(4),
      cube: () => torch.arange(24).reshape(2, 3, 4).sub(10),
      empty: () => torch.zeros(0, 3),
      scalar: () => torch.tensor(2.5),
      requires_grad: () => torch.arange(3).div(2).requiresGrad_(),
    };
    for (const [name, make] of Object.entries(cases)) {
      it(`prints ${name.replace('_', ' ')} exactly as PyTorch does`, () => {
        assert.strictEqual(String(make()), expected[name]);
      });
    }
  });

  describe('printing huge tensors', () => {
    // The old formatter built an index list as long as each dimension: 1.2 GB of heap for 64 MiB.
    // Run in a child with a 48 MB heap, so printing must cost O(edge items), not O(size). Also: the
    // 280,000 values a 7-dimensional summary keeps (once a stack overflow), and decimal ties, which
    // Python rounds to even.
    const cases = {
      zeros_16m: ['torch.zeros(16 * 1024 * 1024)', 'torch.zeros(16 * 1024 * 1024)'],
      uint8_64m: ["torch.zeros([64 * 1024 * 1024], { dtype: 'uint8' })", 'torch.zeros(64 * 1024 * 1024, dtype=torch.uint8)'],
      wide_matrix: ['torch.arange(8 * 1024 * 1024).reshape(2, -1).div(7)', 'torch.arange(8 * 1024 * 1024).reshape(2, -1).div(7)'],
      huge_view: ['torch.ones(1).asStrided([2 ** 36], [0])', 'torch.ones(1).as_strided([2 ** 36], [0])'],
      many_dims: ['torch.arange(7 ** 7).reshape(7, 7, 7, 7, 7, 7, 7).div(3)', 'torch.arange(7 ** 7).reshape(7, 7, 7, 7, 7, 7, 7).div(3)'],
      fixed_ties: ['torch.tensor([0.03125, 1.5, -0.03125, 0.09375])', 'torch.tensor([0.03125, 1.5, -0.03125, 0.09375])'],
      sci_ties: ['torch.tensor([0.00125, 2.5, 100845, -100835])', 'torch.tensor([0.00125, 2.5, 100845, -100835])'],
      huge_cube: ['torch.arange(4).float().asStrided([2 ** 20, 2 ** 20, 4], [0, 0, 1])', 'torch.arange(4).float().as_strided([2 ** 20, 2 ** 20, 4], [0, 0, 1])'],
    };
    let expected;
    before(function () {
      this.timeout(120000);
      needOracle(this);
      expected = python(`import torch, json
print(json.dumps({${Object.entries(cases).map(([k, [, py]]) => `'${k}': str(${py})`).join(', ')}}))`);
    });
    for (const [name, [js]] of Object.entries(cases)) {
      it(`prints ${name.replace('_', ' ')} as PyTorch does, within a 48 MB heap`, function () {
        this.timeout(60000);
        const r = spawnSync(process.execPath, ['--max-old-space-size=48', '-e',
          `process.stdout.write(JSON.stringify(String((({ torch }) => ${js})(require(${JSON.stringify(require.resolve('..'))})))))`],
        { encoding: 'utf8', maxBuffer: 64 << 20 });
        assert.strictEqual(r.status, 0, `${r.signal ?? ''} ${r.error?.message ?? ''} ${r.stderr.slice(-500)}`);
        assert.strictEqual(JSON.parse(r.stdout), expected[name]);
      });
    }
  });

  describe('memory and errors', () => {
    it('refuses integers an int64 cannot hold exactly (RangeError) and fractions (TypeError) before libtorch', () => {
      const t = torch.arange(3);
      assert.throws(() => torch.zeros(1).asStrided([1e300], [0]), /RangeError: size\[0\] must be an integer in \[0, 9007199254740991\]; got 1e\+300/);
      assert.throws(() => torch.zeros(1).asStrided([2 ** 53 + 2], [0]), RangeError);
      assert.throws(() => torch.zeros(1).asStrided([1], [1e300]), /stride\[0\]/);
      assert.throws(() => torch.zeros(1).asStrided([1], [0], 2 ** 64), /storageOffset/);
      assert.throws(() => t.indexSelect(0, [1.5]), /TypeError: index\[0\] must be an integer; got number 1.5/);
      assert.throws(() => t.indexSelect(0, [1e300]), RangeError);
      assert.throws(() => t.select(0, 1e300), /RangeError: index must be an integer in/);
      assert.throws(() => t.narrow(0, 0, 1e300), /RangeError: length must be/);
      assert.throws(() => t.reshape(-1e300), RangeError);
      assert.throws(() => torch.zeros(1e300), RangeError);
      assert.throws(() => torch.stack([t], 1e300), RangeError);
      assert.throws(() => torch.setNumThreads(1e300), /RangeError: numThreads/);
      assert.throws(() => torch.arange(1e300), /RangeError: end must be an integer in \[-9007199254740991, 9007199254740991\]; got 1e\+300/);
      assert.throws(() => torch.arange(2 ** 60, 2 ** 60 + 4), /RangeError: start must be an integer in/);
      assert.deepStrictEqual(torch.arange(0.5, 2).tolist(), [0.5, 1.5]);
      assert.deepStrictEqual(t.indexSelect(0, [2, 0]).tolist(), [2, 0]);
    });


    it('throws "tensor was disposed" after dispose(), and Symbol.dispose disposes', () => {
      const t = torch.ones(3);
      t.dispose();
      assert.throws(() => t.shape, /tensor was disposed/);
      assert.throws(() => t.add(1), /tensor was disposed/);
      assert.throws(() => torch.ones(3).add(t), /tensor was disposed/);
      const u = torch.ones(3);
      u[Symbol.dispose ?? Symbol.for('Symbol.dispose')]();
      assert.ok(u.isDisposed);
    });

    // A JS tensor is a handle (slot + generation) into the addon's tensor table: a handle kept past dispose()
    // must never reach the tensor that reuses its slot, and nothing that is no handle may reach any tensor.
    it('a handle outliving its tensor reaches no other tensor, and a forged handle none at all', () => {
      const NativeTensor = torch.ones(1)._t.constructor;
      const t = torch.ones(2);
      const stale = t._t.handle;
      t.dispose();
      const reused = [];
      for (let i = 0; i < 64; i++) reused.push(torch.zeros(5));
      assert.ok(reused.some((r) => r._t.handle % 2 ** 24 === stale % 2 ** 24), 'the freed slot was reused');
      assert.throws(() => new NativeTensor(stale).shape(), /tensor was disposed/);
      for (const bad of [-1, 0.5, 2 ** 53, NaN, Infinity, 2 ** 24 * 5 + 3]) {
        assert.throws(() => new NativeTensor(bad).shape(), /tensor was disposed/, String(bad));
      }
      assert.throws(() => new NativeTensor('1').shape(), { name: 'TypeError', message: /handle must be a number/ });
      // An object that looks like a handle is no tensor to the addon.
      assert.throws(() => torch.cat([torch.ones(1), { _t: { handle: reused[0]._t.handle } }]), TypeError);
      t.dispose();  // twice: nothing happens
      assert.deepStrictEqual(reused[0].shape, [5]);
    });

    it('rejects unknown dtypes, ragged arrays and non-tensors with TypeErrors', () => {
      assert.throws(() => torch.zeros(2, { dtype: 'float8' }), TypeError);
      assert.throws(() => torch.ones(2).to('complex64'), TypeError);
      assert.throws(() => torch.tensor([[1, 2], [3]]), TypeError);
      assert.throws(() => torch.tensor(['a']), TypeError);
      assert.throws(() => torch.ones(2).add('x'), TypeError);
      assert.throws(() => torch.ones(2).sum(3), RangeError);
      assert.throws(() => new Tensor({}), TypeError);
    });

    it('turns libtorch errors into JS errors with PyTorch\'s message', () => {
      assert.throws(() => torch.ones(2, 3).matmul(torch.ones(2, 3)), /mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
      assert.throws(() => torch.ones(6).view(4, 2), (e) => e instanceof Error && !/Exception raised from/.test(e.message));
    });
  });

  it('uses every core for intra-op work by default, and can be told otherwise', () => {
    const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    assert.strictEqual(torch.getNumThreads(), cores);
    try {
      torch.setNumThreads(1);
      assert.strictEqual(torch.getNumThreads(), 1);
    } finally {
      torch.setNumThreads(cores);
    }
    assert.strictEqual(torch.getNumThreads(), cores);
    assert.throws(() => torch.setNumThreads(0), RangeError);
  });
});
