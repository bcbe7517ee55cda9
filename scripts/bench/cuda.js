// `npm run bench -- --device cuda`: VGG16 fp32/fp16/bf16 channels_last on the GPU, batch 1 to 256,
// torchvgg against Python PyTorch on the same GPU, and the achieved FLOP rate against a bf16 matmul's.
'use strict';
const { torch } = require('../..');
const { CUDA_SETTINGS, VGG16_GFLOP } = require('./settings');
const { torchvggRows } = require('./torchvgg-rows');
const { pythonBench } = require('./python');
const { throughputRows } = require('./report');

const CUDA_BATCHES = [1, 8, 32, 64, 128, 256];
const CUDA_TIMING = { minIters: 3, minSeconds: 1, maxIters: 50 };

async function cudaBench({ stateDict, weightsPath, batches = CUDA_BATCHES, log }) {
  if (!torch.cuda.isAvailable()) {
    throw new Error('CUDA is not available: torch.cuda.isAvailable() is false (this addon was built against a '
      + 'CPU libtorch, or no GPU is visible). Build against a CUDA libtorch on a GPU host to run --device cuda.');
  }
  const python = pythonBench({
    device: 'cuda', threads: torch.getNumThreads(), weights: weightsPath, settings: CUDA_SETTINGS, batches,
    ...CUDA_TIMING,
  });
  log(`python done on ${python.gpu}: bf16 matmul ${python.matmulTflops.toFixed(1)} TFLOP/s`);
  const torchvgg = await torchvggRows({ settings: CUDA_SETTINGS, batches, stateDict, device: 'cuda', timing: CUDA_TIMING, log });
  const rows = throughputRows({ settings: CUDA_SETTINGS, torchvgg, python: python.rows }).map((row) => {
    const tflops = (row.best * VGG16_GFLOP) / 1000;
    return { ...row, tflops, ofMatmul: tflops / python.matmulTflops };
  });
  return { rows, gpu: python.gpu, matmulTflops: python.matmulTflops, pythonTorch: python.torch };
}

module.exports = { cudaBench };
