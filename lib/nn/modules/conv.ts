// nn.Conv2d (torch/nn/modules/conv.py).
import { Tensor } from '../../torch/tensor';
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

export type IntOrPair = check.IntOrPair;

/** Options of {@link Conv2d}, PyTorch's keyword arguments in camelCase. */
export interface Conv2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
}

/**
 * 2-D convolution over [N, C, H, W] input. Mirrors `torch.nn.Conv2d`.
 * @throws TypeError for a wrong argument type or an unknown option (a padding string other than 'same'/'valid'
 * included); RangeError for sizes below 1 (padding below 0) or channels not divisible by groups;
 * RangeError for padding 'same' with a stride other than 1.
 * @example
 * ```ts
 * const conv = new nn.Conv2d(3, 64, 3, { padding: 1 });
 * const y = conv.forward(torch.randn(1, 3, 32, 32));   // [1, 64, 32, 32]
 * ```
 */
export class Conv2d extends Layer {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrPair, opts?: Conv2dOptions) {
    const o = check.options(opts, 'Conv2d options', ['stride', 'padding', 'dilation', 'groups', 'bias']);
    const padding = typeof o.padding === 'string' ? check.oneOf(o.padding, 'padding', ['same', 'valid']) : check.opt.intOrPair(o.padding, 'padding', { min: 0 });
    super(Layer.create('Conv2d', {
      inChannels: check.int(inChannels, 'inChannels', { min: 1 }), outChannels: check.int(outChannels, 'outChannels', { min: 1 }),
      kernelSize: check.intOrPair(kernelSize, 'kernelSize', { min: 1 }), stride: check.opt.intOrPair(o.stride, 'stride', { min: 1 }), padding,
      dilation: check.opt.intOrPair(o.dilation, 'dilation', { min: 1 }), groups: check.opt.int(o.groups, 'groups', { min: 1 }),
      bias: check.opt.bool(o.bias, 'bias'),
    }));
  }
  /** Mirrors `in_channels`. */
  get inChannels(): number { return this.config('inChannels'); }
  /** Mirrors `out_channels`. */
  get outChannels(): number { return this.config('outChannels'); }
  /** Mirrors `kernel_size`. */
  get kernelSize(): [number, number] { return this.config('kernelSize'); }
  /** Mirrors `stride`. */
  get stride(): [number, number] { return this.config('stride'); }
  /** Mirrors `padding` ([h, w], or 'same'/'valid'). */
  get padding(): [number, number] | string { return this.config('padding'); }
  /** Mirrors `dilation`. */
  get dilation(): [number, number] { return this.config('dilation'); }
  /** Mirrors `groups`. */
  get groups(): number { return this.config('groups'); }
  /** The kernel, [outChannels, inChannels / groups, kH, kW]. Mirrors `weight`. */
  get weight(): Tensor { return this.param('weight')!; }
  /** [outChannels], or null with `bias: false`. Mirrors `bias`. */
  get bias(): Tensor | null { return this.param('bias'); }
}

registerModuleClass('Conv2d', Conv2d);
