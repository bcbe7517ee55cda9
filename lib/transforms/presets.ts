// torchvision.transforms._presets.ImageClassification: the eval preset that each Weights' transforms() returns.
import { options, int, oneOf, describe } from '../check';
import { Compose, Resize, CenterCrop, ToTensor, Normalize, Interpolation } from './transforms';

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
}

const KEYS = ['cropSize', 'resizeSize', 'mean', 'std', 'interpolation'] as const;

/**
 * ImageClassification({ cropSize, resizeSize = 256, mean, std, interpolation = 'bilinear' }): resize the
 * shorter side, centre-crop, scale bytes to [0, 1] and normalise, as torchvision's preset does. It is a
 * Compose of the plain transforms, so it also runs in DataLoader worker threads.
 */
export class ImageClassification extends Compose {
  readonly cropSize: number;
  readonly resizeSize: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly interpolation: Interpolation;

  constructor(opts: ImageClassificationOptions) {
    if (opts === undefined) throw new TypeError('ImageClassification options must be an object with cropSize; got undefined');
    const o = options(opts, 'ImageClassification options', KEYS);
    const cropSize = int(o.cropSize, 'cropSize', { min: 1 });
    const resizeSize = int(o.resizeSize ?? 256, 'resizeSize', { min: 1 });
    const interpolation = oneOf(o.interpolation ?? 'bilinear', 'interpolation', ['nearest', 'bilinear', 'bicubic'] as const);
    const mean = numbers(o.mean ?? IMAGENET_MEAN, 'mean');
    const std = numbers(o.std ?? IMAGENET_STD, 'std');
    super([new Resize(resizeSize, { interpolation }), new CenterCrop(cropSize), new ToTensor(), new Normalize(mean, std)]);
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
