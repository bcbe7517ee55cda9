// nn.Conv2d (torch/nn/modules/conv.py).
import { Tensor } from '../../torch/tensor';
import * as check from '../../check';
import { registerModuleClass } from '../module';
import { Layer } from './layer';

export type IntOrPair = check.IntOrPair;

export interface Conv2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
  bias?: boolean;
}

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
  get inChannels(): number { return this.config('inChannels'); }
  get outChannels(): number { return this.config('outChannels'); }
  get kernelSize(): [number, number] { return this.config('kernelSize'); }
  get stride(): [number, number] { return this.config('stride'); }
  get padding(): [number, number] | string { return this.config('padding'); }
  get dilation(): [number, number] { return this.config('dilation'); }
  get groups(): number { return this.config('groups'); }
  get weight(): Tensor { return this.param('weight')!; }
  get bias(): Tensor | null { return this.param('bias'); }
}

registerModuleClass('Conv2d', Conv2d);
