// torch.ao.quantization for torchvgg: post-training static quantization and the quantized engine setting.
/**
 * Post-training static int8 quantization (`quantize`), the quantized layers it builds and the engine
 * setting. Mirrors `torch.ao.quantization` (eager mode) and `torch.backends.quantized`.
 * @module
 */
export { quantize, quantizedFromStateDict } from './quantize';
export type { QuantizeOptions } from './quantize';
export { engine, setEngine, supportedEngines } from './engine';
export { MinMaxObserver, HistogramObserver } from './observer';
export type { QuantizedEngine } from './engine';
export {
  QuantWrapper, Quantize, DeQuantize, QuantizedDropout, QuantizedConv2d, QuantizedConvReLU2d, QuantizedLinear, QuantizedLinearReLU,
} from '../nn/modules/quantized';
export type { QuantizedConv2dOptions, QuantizedOutput } from '../nn/modules/quantized';
