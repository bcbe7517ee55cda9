// Quantized layers (torch.ao.nn.quantized, torch.ao.nn.intrinsic.quantized) and QuantWrapper, over the
// native layers of native/quantization/layers.cc. models.quantize builds them; they also load a quantized
// state dict saved by Python or by torchvgg.
import { Tensor, unwrap } from '../../torch/tensor';
import { native } from '../../native';
import * as check from '../../check';
import { Module, registerModuleClass, unwrapModule } from '../module';
import { Layer } from './layer';

/** The output quantization of a quantized layer: q = round(y / scale) + zeroPoint. */
export interface QuantizedOutput {
  /** default 1 */
  scale?: number;
  /** default 0 */
  zeroPoint?: number;
}

/** Options of {@link QuantizedConv2d}: Conv2d's, and the output's scale and zero point. */
export interface QuantizedConv2dOptions extends QuantizedOutput {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

const outputOptions = (o: QuantizedOutput): { scale?: number; zeroPoint?: number } => {
  const scale = check.opt.number(o.scale, 'scale');
  if (scale !== undefined && !(scale > 0 && Number.isFinite(scale))) throw new RangeError(`scale must be a positive finite number; got ${scale}`);
  return { scale, zeroPoint: check.opt.int(o.zeroPoint, 'zeroPoint') };
};

/** What the weighted quantized layers share: the output quantization, and set_weight_bias. */
abstract class QuantizedWeighted extends Layer {
  /** The output scale. Mirrors `scale`. */
  get scale(): number { return this.config('scale'); }
  /** The output zero point. Mirrors `zero_point`. */
  get zeroPoint(): number { return this.config('zeroPoint'); }
  /** @internal the output quantization calibration found */
  _setOutputQParams(scale: number, zeroPoint: number): void {
    this.buffer('scale')!.fill_(scale);
    this.buffer('zero_point')!.fill_(zeroPoint);
  }
  /** The qint8 weight. Mirrors `weight()`. */
  weight(): Tensor { return this.buffer('weight')!; }
  /** The float32 bias. Mirrors `bias()`. */
  bias(): Tensor { return this.buffer('bias')!; }
  /**
   * Sets the quantized weight (qint8, quantized per channel along dim 0 or per tensor) and the float bias.
   * Mirrors `set_weight_bias`.
   * @throws TypeError when the weight is not qint8 or the bias not float32; RangeError for a wrong shape.
   */
  setWeightBias(weight: Tensor, bias: Tensor): void {
    unwrap(weight, 'weight'); unwrap(bias, 'bias');
    if (weight.dtype !== 'qint8') throw new TypeError(`weight must be a qint8 quantized tensor; got ${weight.dtype}`);
    if (bias.dtype !== 'float32') throw new TypeError(`bias must be float32; got ${bias.dtype}`);
    const w = this.weight(), b = this.bias();
    const same = (x: number[], y: number[]): boolean => x.length === y.length && x.every((d, i) => d === y[i]);
    if (!same(weight.shape, w.shape)) throw new RangeError(`weight must have shape [${w.shape}]; got [${weight.shape}]`);
    if (!same(bias.shape, b.shape)) throw new RangeError(`bias must have shape [${b.shape}]; got [${bias.shape}]`);
    this._native.ensureIdle('calling setWeightBias()');
    // copy_ of a quantized tensor takes its quantizer too; the layer packs the new weight on its next call
    const current = weight.qscheme() === w.qscheme() ? w : null;
    if (current) current.copy_(weight);
    else this._native.setBuffer('weight', weight.clone()._t);
    b.copy_(bias);
  }
}

/**
 * A quantized 2-D convolution: quint8 in, quint8 out, qint8 weights. Mirrors `torch.ao.nn.quantized.Conv2d`.
 * @throws TypeError for a wrong argument type; RangeError for sizes that are not positive or not divisible by groups.
 */
export class QuantizedConv2d extends QuantizedWeighted {
  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], opts: QuantizedConv2dOptions = {}) {
    const o = check.options(opts, 'QuantizedConv2d options', ['stride', 'padding', 'dilation', 'groups', 'scale', 'zeroPoint']);
    super(Layer.create(new.target === QuantizedConvReLU2d ? 'QuantizedConvReLU2d' : 'QuantizedConv2d', {
      inChannels: check.int(inChannels, 'inChannels', { min: 1 }), outChannels: check.int(outChannels, 'outChannels', { min: 1 }),
      kernelSize: check.intOrPair(kernelSize, 'kernelSize', { min: 1 }), stride: o.stride === undefined ? undefined : check.intOrPair(o.stride, 'stride', { min: 1 }),
      padding: o.padding === undefined ? undefined : check.intOrPair(o.padding, 'padding', { min: 0 }),
      dilation: o.dilation === undefined ? undefined : check.intOrPair(o.dilation, 'dilation', { min: 1 }),
      groups: check.opt.int(o.groups, 'groups'), ...outputOptions(o),
    }));
  }
  /** Mirrors `in_channels`. */
  get inChannels(): number { return this.config('inChannels'); }
  /** Mirrors `out_channels`. */
  get outChannels(): number { return this.config('outChannels'); }
}

/** A quantized convolution with its ReLU fused. Mirrors `torch.ao.nn.intrinsic.quantized.ConvReLU2d`. */
export class QuantizedConvReLU2d extends QuantizedConv2d {}

/**
 * A quantized fully connected layer. Mirrors `torch.ao.nn.quantized.Linear`.
 * @throws TypeError for a wrong argument type; RangeError for sizes that are not positive.
 */
export class QuantizedLinear extends QuantizedWeighted {
  constructor(inFeatures: number, outFeatures: number, opts: QuantizedOutput = {}) {
    const o = check.options(opts, 'QuantizedLinear options', ['scale', 'zeroPoint']);
    super(Layer.create(new.target === QuantizedLinearReLU ? 'QuantizedLinearReLU' : 'QuantizedLinear', {
      inFeatures: check.int(inFeatures, 'inFeatures', { min: 1 }), outFeatures: check.int(outFeatures, 'outFeatures', { min: 1 }),
      ...outputOptions(o),
    }));
  }
  /** Mirrors `in_features`. */
  get inFeatures(): number { return this.config('inFeatures'); }
  /** Mirrors `out_features`. */
  get outFeatures(): number { return this.config('outFeatures'); }
}

/** A quantized linear layer with its ReLU fused. Mirrors `torch.ao.nn.intrinsic.quantized.LinearReLU`. */
export class QuantizedLinearReLU extends QuantizedLinear {}

/**
 * float32 → quint8 with one scale and zero point (what calibration found for the model's input).
 * Mirrors `torch.ao.nn.quantized.Quantize`.
 * @throws RangeError for a scale that is not positive and finite.
 */
export class Quantize extends Layer {
  constructor(scale: number, zeroPoint: number) {
    super(Layer.create('Quantize', outputOptions({ scale, zeroPoint })));
  }
  /** @internal the input quantization calibration found */
  _setQParams(scale: number, zeroPoint: number): void {
    this.buffer('scale')!.fill_(scale);
    this.buffer('zero_point')!.fill_(zeroPoint);
  }
  /** [1] float32. Mirrors `scale`. */
  get scale(): Tensor { return this.buffer('scale')!; }
  /** [1] int64. Mirrors `zero_point`. */
  get zeroPoint(): Tensor { return this.buffer('zero_point')!; }
}

/**
 * Dropout in a quantized model: the identity in eval mode (a quantized model only runs in eval mode).
 * Mirrors `torch.ao.nn.quantized.Dropout`.
 * @throws RangeError for p outside [0, 1].
 */
export class QuantizedDropout extends Layer {
  constructor(p = 0.5, inplace = false) {
    super(Layer.create('QuantizedDropout', { p: check.number(p, 'p'), inplace: check.bool(inplace, 'inplace') }));
  }
  /** Mirrors `p`. */
  get p(): number { return this.config('p'); }
  /** Mirrors `inplace`. */
  get inplace(): boolean { return this.config('inplace'); }
}

/** quint8 → float32. Mirrors `torch.ao.nn.quantized.DeQuantize`. */
export class DeQuantize extends Layer {
  constructor() { super(Layer.create('DeQuantize')); }
}

/**
 * dequant(module(quant(x))): a model whose layers are quantized, taking and returning float32.
 * Mirrors `torch.ao.quantization.QuantWrapper`.
 * @throws TypeError when `module` is not a Module.
 */
export class QuantWrapper extends Module {
  constructor(module: Module, quant: Quantize = new Quantize(1, 0)) {
    super(native.createModule('QuantWrapper', {}));
    this._native.setChild('quant', unwrapModule(quant, 'quant'));
    this._native.setChild('dequant', unwrapModule(new DeQuantize(), 'dequant'));
    this._native.setChild('module', unwrapModule(module, 'module'));
  }
  /** The quantized model inside. Mirrors `QuantWrapper.module`. */
  get module(): Module { return this.getSubmodule('module'); }
  /** Mirrors `QuantWrapper.quant`. */
  get quant(): Quantize { return this.getSubmodule('quant') as Quantize; }
}

registerModuleClass('QuantizedConv2d', QuantizedConv2d);
registerModuleClass('QuantizedConvReLU2d', QuantizedConvReLU2d);
registerModuleClass('QuantizedLinear', QuantizedLinear);
registerModuleClass('QuantizedLinearReLU', QuantizedLinearReLU);
registerModuleClass('Quantize', Quantize);
registerModuleClass('DeQuantize', DeQuantize);
registerModuleClass('QuantizedDropout', QuantizedDropout);
registerModuleClass('QuantWrapper', QuantWrapper);
