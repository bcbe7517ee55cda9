// torchvision.transforms._presets.ImageClassification: the eval preset that each Weights' transforms() returns.
import { options, int, oneOf, bool, describe } from '../check';
import { Compose, Resize, CenterCrop, ConvertImageDtype, Normalize, Interpolation } from './transforms';
import type { Tensor } from '../torch/tensor';

export const IMAGENET_MEAN: readonly number[] = Object.freeze([0.485, 0.456, 0.406]);
export const IMAGENET_STD: readonly number[] = Object.freeze([0.229, 0.224, 0.225]);

export interface ImageClassificationOptions {
  /** Side of the centre crop (required, e.g. 224). */
  cropSize: number;
  /** Shorter side after resizing, before the crop (default 256). */
  resizeSize?: number;
  /** Per-channel mean (default ImageNet's). */
  mean?: readonly number[];
  /** Per-channel standard deviation (default ImageNet's). */
  std?: readonly number[];
  /** Resampling filter (default 'bilinear'). */
  interpolation?: Interpolation;
  /**
   * Antialias when resizing a tensor (default true, as torchvision 0.15+'s preset and transforms.v2; torchvision 0.14
   * resized tensors without it). Images are always resampled as PIL does, antialiased.
   */
  antialias?: boolean;
}

const KEYS = ['cropSize', 'resizeSize', 'mean', 'std', 'interpolation', 'antialias'] as const;

/**
 * ImageClassification({ cropSize, resizeSize = 256, mean, std, interpolation = 'bilinear', antialias = true }): resize the
 * shorter side, centre-crop, scale to float [0, 1] and normalise, as torchvision's preset does — on an image, or on
 * an image tensor [C, H, W] / batch [N, C, H, W] (uint8, or float already in [0, 1]). It is a Compose of the plain
 * transforms (Resize, CenterCrop, ConvertImageDtype, Normalize), so it also runs in DataLoader worker threads.
 * Mirrors torchvision.transforms._presets.ImageClassification.
 * @throws TypeError for a missing cropSize or a bad option; (when called) for an input that is not an image or image tensor.
 */
export class ImageClassification extends Compose<unknown, Tensor> {
  readonly cropSize: number;
  readonly resizeSize: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly interpolation: Interpolation;
  readonly antialias: boolean;

  constructor(opts: ImageClassificationOptions) {
    if (opts === undefined) throw new TypeError('ImageClassification options must be an object with cropSize; got undefined');
    const o = options(opts, 'ImageClassification options', KEYS);
    const cropSize = int(o.cropSize, 'cropSize', { min: 1 });
    const resizeSize = int(o.resizeSize ?? 256, 'resizeSize', { min: 1 });
    const interpolation = oneOf(o.interpolation ?? 'bilinear', 'interpolation', ['nearest', 'bilinear', 'bicubic'] as const);
    const mean = numbers(o.mean ?? IMAGENET_MEAN, 'mean');
    const std = numbers(o.std ?? IMAGENET_STD, 'std');
    const antialias = o.antialias === undefined ? true : bool(o.antialias, 'antialias');
    super([new Resize(resizeSize, { interpolation, antialias }), new CenterCrop(cropSize), new ConvertImageDtype('float32'), new Normalize(mean, std)]);
    this.antialias = antialias;
    this.cropSize = cropSize;
    this.resizeSize = resizeSize;
    this.mean = Object.freeze(mean);
    this.std = Object.freeze(std);
    this.interpolation = interpolation;
  }

  /** torchvision's repr of the preset. */
  toString(): string {
    const list = (v: readonly number[]): string => `[${v.join(', ')}]`;
    return `ImageClassification(\n    crop_size=[${this.cropSize}]\n    resize_size=[${this.resizeSize}]\n`
      + `    mean=${list(this.mean)}\n    std=${list(this.std)}\n    interpolation=InterpolationMode.${this.interpolation.toUpperCase()}\n)`;
  }
}

function numbers(v: unknown, name: string): number[] {
  if (!Array.isArray(v) || v.length < 1 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new TypeError(`${name} must be an array of finite numbers, one per channel; got ${describe(v)}`);
  }
  return [...v];
}
