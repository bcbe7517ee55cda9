// The machine's measured ceilings and VGG16's place under them: fp32 peak (a large sgemm through the same
// libtorch, torch.matmul), memory bandwidth (copy and in-place add of tensors far larger than the caches),
// and a per-layer roofline of VGG16 (each layer takes max(FLOPs / peak, bytes / bandwidth); the model's
// roofline time is their sum), so every VGG16 row can be read as a fraction of what this machine allows.
'use strict';
const { torch } = require('../..');

const VGG16_CFG = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];

/**
 * VGG16's layers on a size×size input: { kind, flops, weightBytes, actBytes } per image (fp32; actBytes is
 * the input plus the output activation). The classifier sees avgpool's 7×7 output at every input size.
 */
function vgg16Layers(size = 224, numClasses = 1000) {
  const layers = [];
  let c = 3;
  let h = size;
  for (const v of VGG16_CFG) {
    if (v === 'M') {
      layers.push({ kind: 'pool', flops: c * h * h, weightBytes: 0, actBytes: 4 * (c * h * h + c * (h / 2) * (h / 2)) });
      h = Math.floor(h / 2);
    } else {
      // 3×3 convolution, padding 1: a multiply-add per (output element, input channel, tap), + bias + ReLU
      layers.push({ kind: 'conv', flops: 2 * v * h * h * c * 9, weightBytes: 4 * (v * c * 9 + v), actBytes: 4 * (c * h * h + v * h * h) });
      c = v;
    }
  }
  for (const [i, o] of [[512 * 7 * 7, 4096], [4096, 4096], [4096, numClasses]]) {
    layers.push({ kind: 'linear', flops: 2 * i * o, weightBytes: 4 * (i * o + o), actBytes: 4 * (i + o) });
  }
  return layers;
}

/** VGG16's forward FLOPs per image (224×224: 30.9 G, i.e. 15.5 G multiply-adds; settings.VGG16_GFLOP rounds it to 31). */
function vgg16Gflop(size = 224, numClasses = 1000) {
  return vgg16Layers(size, numClasses).reduce((s, l) => s + l.flops, 0) / 1e9;
}

/** FLOPs of one training step per image: forward, then backward (input and weight gradients, 2× forward) of what trains. */
function trainGflop(size, frozenFeatures, numClasses = 1000) {
  const layers = vgg16Layers(size, numClasses);
  const forward = layers.reduce((s, l) => s + l.flops, 0);
  const backward = layers.filter((l) => !frozenFeatures || l.kind === 'linear').reduce((s, l) => s + 2 * l.flops, 0);
  return (forward + backward) / 1e9;
}

/**
 * The fastest a batch of VGG16 could run here, in img/s: each layer bound by compute (its FLOPs at the
 * sgemm peak) or by memory (its weights once per batch plus its activations per image, at the measured
 * bandwidth), whichever is slower. With `elementBytes` 2 for bf16 weights and activations.
 */
function rooflineImgS({ batch, peakGflops, bandwidthGBs, size = 224, elementBytes = 4 }) {
  const scale = elementBytes / 4;
  const seconds = vgg16Layers(size).reduce((s, l) => s + Math.max(
    (l.flops * batch) / (peakGflops * 1e9),
    ((l.weightBytes + l.actBytes * batch) * scale) / (bandwidthGBs * 1e9),
  ), 0);
  return batch / seconds;
}

function timeBest(fn, { reps, seconds }) {
  fn();
  let best = Infinity;
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps || Number(process.hrtime.bigint() - start) / 1e9 < seconds; i++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
    if (i >= 50) break;
  }
  return best;
}

/**
 * fp32 peak: torch.matmul of n×n matrices (libtorch sends it to its BLAS), best call, for each n until
 * the rate stops rising; -> { gflops, n, sizes: [{ n, gflops }] }. Also bf16 when `bf16` is set (the same
 * libtorch's bf16 matmul: oneDNN where the CPU has it).
 */
function measurePeak({ quick = false, dtype = 'float32', sizes = quick ? [1024, 2048] : [1024, 2048, 3072] } = {}) {
  const out = [];
  for (const n of sizes) {
    torch.manualSeed(0);
    const a = torch.randn(n, n).to(dtype);
    const b = torch.randn(n, n).to(dtype);
    const s = timeBest(() => a.matmul(b).dispose(), { reps: quick ? 3 : 5, seconds: quick ? 0.5 : 1.5 });
    a.dispose();
    b.dispose();
    out.push({ n, gflops: (2 * n ** 3) / s / 1e9 });
    if (out.length > 1 && out[out.length - 1].gflops < 1.03 * out[out.length - 2].gflops) break; // saturated
  }
  const best = out.reduce((m, r) => (r.gflops > m.gflops ? r : m));
  return { gflops: best.gflops, n: best.n, dtype, sizes: out };
}

/**
 * fp32 peak through oneDNN: a 1×1 convolution of 1024 channels on a 64×64 channels_last map is a
 * 4096×1024×1024 GEMM run by oneDNN's JIT kernels (the ones VGG's convolutions use), where torch.matmul
 * goes to the system BLAS (OpenBLAS), which may not know the newest CPUs; -> { gflops }.
 */
function measureConvPeak({ quick = false } = {}) {
  const { nn } = require('../..');
  const c = 1024;
  const h = 64;
  torch.manualSeed(0);
  const x = torch.randn(1, c, h, h).to({ memoryFormat: torch.channelsLast });
  const w = torch.randn(c, c, 1, 1).to({ memoryFormat: torch.channelsLast });
  const s = timeBest(() => torch.inferenceMode(() => nn.functional.conv2d(x, w).dispose()), { reps: quick ? 3 : 5, seconds: quick ? 0.5 : 1.5 });
  x.dispose();
  w.dispose();
  return { gflops: (2 * c * c * h * h) / s / 1e9 };
}

/**
 * Memory bandwidth: dst.copy_(src) (8 bytes moved per float: read + write) and a.add_(b) (12) on 128 MiB
 * tensors, best of several; -> { gbs (the better of the two), copyGBs, addGBs, mib }.
 */
function measureBandwidth({ quick = false } = {}) {
  const mib = 128;
  const n = (mib * 2 ** 20) / 4;
  const a = torch.randn(n);
  const b = torch.randn(n);
  const opts = { reps: quick ? 3 : 6, seconds: quick ? 0.3 : 1 };
  const copy = timeBest(() => a.copy_(b), opts);
  const add = timeBest(() => a.add_(b), opts);
  a.dispose();
  b.dispose();
  const copyGBs = (8 * n) / copy / 1e9;
  const addGBs = (12 * n) / add / 1e9;
  return { gbs: Math.max(copyGBs, addGBs), copyGBs, addGBs, mib };
}

module.exports = { vgg16Layers, vgg16Gflop, trainGflop, rooflineImgS, measurePeak, measureConvPeak, measureBandwidth };
