// The settings each side is measured in. `format` is how the weights and the input are laid out.
'use strict';

const CPU_SETTINGS = [
  { key: 'fp32-nchw', name: 'fp32 NCHW', dtype: 'float32', format: 'nchw' },
  // torchvgg's eval() default: oneDNN runs (Winograd where offered) where built with them, else channels_last;
  // Python's side is eager channels_last, its fastest plain fp32.
  { key: 'fp32-cl', name: 'fp32 eval default (Python: channels_last)', dtype: 'float32', format: 'channels_last' },
  { key: 'bf16-cl', name: 'bf16 channels_last', dtype: 'bfloat16', format: 'channels_last' },
];

// Measured in Python alone, as a reference for what weight prepacking and conv + ReLU fusion give on
// the same libtorch (torchvgg has no such mode).
const PYTHON_ONLY_SETTINGS = [
  { key: 'fp32-frozen', name: 'fp32 TorchScript freeze + optimize_for_inference', dtype: 'float32', format: 'nchw', frozen: true },
];

const CUDA_SETTINGS = [
  { key: 'fp32-cl', name: 'fp32 channels_last', dtype: 'float32', format: 'channels_last' },
  { key: 'fp16-cl', name: 'fp16 channels_last', dtype: 'float16', format: 'channels_last' },
  { key: 'bf16-cl', name: 'bf16 channels_last', dtype: 'bfloat16', format: 'channels_last' },
];

// VGG16 on a 224x224 image: 15.47 G multiply-adds = 30.95 GFLOP (roofline.js counts them layer by layer:
// 13 convolutions 30.69, 3 linear layers 0.25, pooling ~0.01), rounded to 31 for the img/s -> GFLOP/s conversions.
const VGG16_GFLOP = 31;

module.exports = { CPU_SETTINGS, PYTHON_ONLY_SETTINGS, CUDA_SETTINGS, VGG16_GFLOP };
