// eval() prepares any module tree with convolutions for CPU inference (channels_last weights, input
// converted once; oneDNN's opaque layout between convolutions when no autograd records), not only VGG;
// to({ memoryFormat }) pins a layout; results do not change.
const assert = require('assert');
const { spawnSync } = require('child_process');
const { torch, nn, models } = require('..');

function convs(m) { return m.modules().filter((x) => x instanceof nn.Conv2d); }

describe('inference layout', () => {
  it('eval() moves the conv weights of any tree to channels_last, with the same outputs', () => {
    torch.manualSeed(1);
    const net = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.ReLU(), new nn.Sequential(new nn.Conv2d(8, 4, 3)));
    const x = torch.randn(2, 3, 9, 9);
    net.train();
    const before = net.forward(x);
    assert.ok(convs(net).every((c) => c.weight.isContiguous()));
    net.eval();
    assert.ok(convs(net).every((c) => c.weight.isContiguous('channels_last') && !c.weight.isContiguous()));
    assert.ok(net.forward(x).allclose(before, { rtol: 1e-5, atol: 1e-6 }));
  });

  it('does the same for a JS module holding convolutions, and for VGG', () => {
    class Tiny extends nn.Module {
      conv = new nn.Conv2d(3, 2, 3);
      forward(x) { return this.conv.forward(x); }
    }
    const t = new Tiny().eval();
    assert.ok(t.conv.weight.isContiguous('channels_last') && !t.conv.weight.isContiguous());
    const vgg = models.vgg11({ initWeights: false }).eval();
    assert.ok(convs(vgg).every((c) => !c.weight.isContiguous()));
  });

  it('to({ memoryFormat: torch.contiguousFormat }) opts out, and channelsLast opts in for training', () => {
    const net = new nn.Sequential(new nn.Conv2d(3, 4, 3));
    net.to({ memoryFormat: torch.contiguousFormat });
    net.eval();
    assert.ok(net[0].weight.isContiguous(), 'eval() kept the pinned contiguous layout');
    const other = new nn.Sequential(new nn.Conv2d(3, 4, 3)).to({ memoryFormat: torch.channelsLast });
    assert.ok(!other[0].weight.isContiguous());
    other.train();
    const y = other.forward(torch.randn(1, 3, 5, 5));
    assert.ok(y.isContiguous('channels_last'), 'the input was converted to match the weights');
  });

  describe("oneDNN's opaque layout between convolutions (CPU inference without autograd)", () => {
    // The same forward with the opaque runs switched off (TORCHVGG_ONEDNN_LAYOUT=0), in a child process.
    function stridedForward(seed, shape, arch) {
      const script = `const { torch, models } = require(${JSON.stringify(require('path').join(__dirname, '..'))});
        torch.manualSeed(${seed}); const m = models.${arch}({ numClasses: 7 }).eval(); const x = torch.randn(${shape.join(', ')});
        process.stdout.write(JSON.stringify(Array.from(torch.noGrad(() => m.forward(x)).toTypedArray())));`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, TORCHVGG_ONEDNN_LAYOUT: '0' }, maxBuffer: 1 << 24 });
      assert.strictEqual(r.status, 0, r.stderr);
      return torch.tensor(JSON.parse(r.stdout)).reshape(shape[0], 7);
    }

    it('each CPU path gives the strided fp32 output within 1e-4 relative: oneDNN runs with Winograd, without, libtorch\'s oneDNN tensors', function () {
      this.timeout(180000);
      torch.manualSeed(6);
      const m = models.vgg11({ numClasses: 7 }).eval();
      const x = torch.randn(2, 3, 64, 64);
      const strided = m.forward(x); // grad recording on: libtorch's strided convolutions
      const paths = { default: {}, noWinograd: { TORCHVGG_ONEDNN_WINOGRAD: '0' }, noRuns: { TORCHVGG_ONEDNN_RUN: '0' } };
      for (const [name, env] of Object.entries(paths)) {
        const script = `const { torch, models } = require(${JSON.stringify(require('path').join(__dirname, '..'))});
          torch.manualSeed(6); const m = models.vgg11({ numClasses: 7 }).eval(); const x = torch.randn(2, 3, 64, 64);
          process.stdout.write(JSON.stringify(Array.from(torch.noGrad(() => m.forward(x)).toTypedArray())));`;
        const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
        assert.strictEqual(r.status, 0, r.stderr);
        const y = torch.tensor(JSON.parse(r.stdout)).reshape(2, 7);
        const rel = y.sub(strided).abs().max().item() / strided.abs().max().item();
        assert.ok(rel <= 1e-4, `${name}: relative difference ${rel}`);
      }
    });

    it('gives the strided path\'s outputs (rtol 1e-5), sync, async and with grad recording on', async () => {
      torch.manualSeed(3);
      const m = models.vgg11({ numClasses: 7 }).eval();
      const x = torch.randn(2, 3, 64, 64);
      const strided = stridedForward(3, [2, 3, 64, 64], 'vgg11');
      const opaque = torch.noGrad(() => m.forward(x));
      assert.ok(opaque.allclose(strided, { rtol: 1e-5, atol: 1e-6 }), `max |diff| ${opaque.sub(strided).abs().max().item()}`);
      assert.ok((await m.forwardAsync(x)).allclose(strided, { rtol: 1e-5, atol: 1e-6 }), 'forwardAsync (inference mode)');
      assert.ok(m.forward(x).allclose(strided, { rtol: 1e-5, atol: 1e-6 }), 'grad on: the strided path');
    });

    it('keeps a plan per batch size, as a server forms them: every size gives the strided rows', () => {
      torch.manualSeed(5);
      const m = models.vgg11({ numClasses: 7 }).eval();
      const x = torch.randn(8, 3, 32, 32);
      const strided = stridedForward(5, [8, 3, 32, 32], 'vgg11');
      // small before large (the shared buffers must grow), back to small, and the largest again
      for (const b of [1, 3, 8, 2, 8, 1, 5]) {
        const y = torch.noGrad(() => m.forward(x.narrow(0, 0, b)));
        const want = strided.narrow(0, 0, b);
        assert.ok(y.allclose(want, { rtol: 1e-5, atol: 1e-6 }), `batch ${b}: max |diff| ${y.sub(want).abs().max().item()}`);
      }
    });

    it('runs batches of changing sizes about as fast as one size (no re-planning per batch)', async function () {
      this.timeout(120000);
      torch.manualSeed(7);
      const m = models.vgg11({ numClasses: 10 }).eval();
      const sizes = [20, 21, 22, 23, 24, 25, 26, 27];
      const inputs = new Map(sizes.map((b) => [b, torch.randn(b, 3, 32, 32)]));
      // Per-image seconds of one pass over `seq`, best of three (the machine is shared).
      const perImage = async (seq) => {
        let best = Infinity;
        for (let rep = 0; rep < 3; rep++) {
          const t = performance.now();
          for (const b of seq) (await m.forwardAsync(inputs.get(b))).dispose();
          best = Math.min(best, (performance.now() - t) / seq.reduce((a, b) => a + b, 0));
        }
        return best;
      };
      await perImage(sizes); // plans every size once
      const changing = await perImage(sizes);
      const fixed = await perImage(sizes.map(() => 24));
      // With two plans kept (before), cycling 8 sizes re-planned every batch: 3.7x slower than one size.
      assert.ok(changing < 2 * fixed, `changing sizes ${(changing * 1000).toFixed(2)} ms/image vs one size ${(fixed * 1000).toFixed(2)} ms/image`);
    });

    it('re-reads weights that changed: loadStateDict and in-place edits after a forward', () => {
      torch.manualSeed(4);
      const m = models.vgg11({ numClasses: 7 }).eval();
      const other = models.vgg11({ numClasses: 7 }).eval();
      const x = torch.randn(1, 3, 32, 32);
      torch.noGrad(() => m.forward(x)); // packs m's own weights
      m.loadStateDict(other.stateDict());
      const want = torch.noGrad(() => other.forward(x));
      assert.ok(torch.noGrad(() => m.forward(x)).allclose(want, { rtol: 1e-5, atol: 1e-6 }), 'after loadStateDict');
      torch.noGrad(() => m.features[0].weight.mul_(0.5));
      torch.noGrad(() => other.features[0].weight.mul_(0.5));
      assert.ok(torch.noGrad(() => m.forward(x)).allclose(torch.noGrad(() => other.forward(x)), { rtol: 1e-5, atol: 1e-6 }), 'after mul_');
    });

    it('hands hooks and JS modules strided tensors', () => {
      torch.manualSeed(5);
      const m = models.vgg11({ numClasses: 7 }).eval();
      const x = torch.randn(1, 3, 32, 32);
      const plain = torch.noGrad(() => m.forward(x));
      const seen = [];
      const h = m.features[1].registerForwardHook((_mod, _inp, out) => { seen.push(out.toTypedArray().length); });
      const hooked = torch.noGrad(() => m.forward(x));
      h.remove();
      assert.deepStrictEqual(seen, [64 * 32 * 32], 'the hook read its output');
      assert.ok(hooked.allclose(plain, { rtol: 1e-5, atol: 1e-6 }));
      class Halve extends nn.Module { forward(t) { return t.mul(0.5); } }
      const net = new nn.Sequential(new nn.Conv2d(3, 4, 3), new Halve(), new nn.ReLU(), new nn.Conv2d(4, 2, 3)).eval();
      const y = torch.noGrad(() => net.forward(torch.randn(1, 3, 8, 8)));
      assert.deepStrictEqual(y.shape, [1, 2, 4, 4]);
      assert.ok(y.isContiguous() || y.isContiguous('channels_last'), 'a strided result');
    });
  });
});
