// CUDA: the same model and tensors on the GPU. Every test skips, saying why, where no CUDA device is
// visible (a CPU libtorch, or no GPU), so this file runs cleanly in the default `npm test`.
// `npm run test:cuda` (TORCHVGG_CUDA_TESTS=1) runs it alone on a GPU host with the full VGG16; the
// default run uses VGG11 on 64×64 inputs to stay quick.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, models } = require('..');
const { relativeError, skip } = require('./helpers');

const FULL = process.env.TORCHVGG_CUDA_TESTS === '1';
const HAS_CUDA = torch.cuda.isAvailable();

/** In a test: skip it, saying why, when there is no CUDA device. */
function needCuda(ctx) {
  if (HAS_CUDA) return;
  skip(ctx, 'no CUDA device: torch.cuda.isAvailable() is false'
    + `${FULL ? '; npm run test:cuda needs the addon built against a CUDA libtorch on a GPU host' : ''}`);
}

function model() {
  torch.manualSeed(0);
  return (FULL ? models.vgg16() : models.vgg11()).eval();
}
const inputShape = () => (FULL ? [4, 3, 224, 224] : [2, 3, 64, 64]);

describe('CUDA', () => {
  it('moves a tensor to cuda:0 and back unchanged', function () {
    needCuda(this);
    const x = torch.randn(1000);
    const g = x.to('cuda:0');
    assert.strictEqual(g.device, 'cuda:0');
    const back = g.to('cpu');
    assert.strictEqual(back.device, 'cpu');
    assert.deepStrictEqual(back.toTypedArray(), x.toTypedArray());
  });

  it("model.to('cuda') gives the CPU model's logits (1e-2 relative: cuDNN may use TF32)", function () {
    needCuda(this);
    const m = model();
    const x = torch.randn(...inputShape());
    const cpu = torch.noGrad(() => m.forward(x));
    m.to('cuda');
    assert.strictEqual(m.parameters()[0].device, 'cuda:0');
    const gpu = torch.noGrad(() => m.forward(x.to('cuda')));
    assert.strictEqual(gpu.device, 'cuda:0');
    const err = relativeError(gpu.to('cpu'), cpu);
    assert.ok(err <= 1e-2, `relative error ${err}`);
  });

  for (const dtype of ['float16', 'bfloat16']) {
    it(`runs in ${dtype} channels_last on the GPU, within 5e-2 relative of fp32 on the CPU`, function () {
      needCuda(this);
      const m = model();
      const x = torch.randn(...inputShape());
      const cpu = torch.noGrad(() => m.forward(x));
      m.to({ device: 'cuda', dtype, memoryFormat: torch.channelsLast });
      const y = torch.noGrad(() => m.forward(x.to({ device: 'cuda', dtype, memoryFormat: torch.channelsLast })));
      assert.strictEqual(y.dtype, dtype);
      const err = relativeError(y.to({ device: 'cpu', dtype: 'float32' }), cpu);
      assert.ok(err <= 5e-2, `relative error ${err}`);
    });
  }

  it('forwardAsync on the GPU gives forward()\'s result and leaves it on the GPU', async function () {
    needCuda(this);
    const m = model().to('cuda');
    const x = torch.randn(...inputShape()).to('cuda');
    const expected = torch.noGrad(() => m.forward(x)).to('cpu');
    const y = await m.forwardAsync(x);
    assert.strictEqual(y.device, 'cuda:0');
    const err = relativeError(y.to('cpu'), expected);
    assert.ok(err <= 1e-4, `relative error ${err}`);
  });

  it("torch.load with mapLocation 'cuda' puts every tensor on the GPU with the saved values", function () {
    needCuda(this);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-cuda-')), 'sd.pt');
    try {
      const sd = { weight: torch.randn(64, 3, 3, 3), bias: torch.randn(64), steps: torch.tensor([7], { dtype: 'int64' }) };
      torch.save(sd, file);
      const loaded = torch.load(file, { mapLocation: 'cuda' });
      for (const [name, t] of Object.entries(sd)) {
        assert.strictEqual(loaded[name].device, 'cuda:0', name);
        assert.deepStrictEqual(loaded[name].to('cpu').toTypedArray(), t.toTypedArray(), name);
      }
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
