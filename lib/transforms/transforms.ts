// torchvision.transforms over sharp (libvips) for images and functional.ts for tensors: Resize, crops, flips, colour, rotation, blur, dtypes.
// Images travel between transforms as an `Image`: raw HWC uint8 pixels plus their size. sharp decodes (off
// the main thread); crops, flips and PIL-exact resampling are plain JS on those pixels. ToTensor turns an
// Image into a CHW float32 Tensor; Normalize works on that Tensor. The geometric and colour transforms
// also take image tensors [C, H, W] / [N, C, H, W] (uint8 or float), with torchvision's tensor arithmetic
// (antialiased resizing, as transforms.v2's default); a batch gets one random draw per call, as in torchvision.
// Transforms are callable objects: `await new Resize(256)(img)`, like torchvision's `Resize(256)(img)`.
import * as torch from '../torch/factories';
import { Tensor } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { currentGenerator } from '../data/random';
import { resample, Filter } from '../data/resample';
import { Image, MAX_IMAGE_PIXELS, readImage } from './image';
import * as F from './functional';
import { DType, DTYPES } from '../torch/dtype';

export { Image, readImage, MAX_IMAGE_PIXELS, MAX_IMAGE_BYTES } from './image';
export type { ImageLimits, ReadImageOptions } from './image';

export { seed, Generator } from '../data/random';

export type ImageInput = Image | string | Buffer;
/** What the geometric and colour transforms take: an image (or its file/bytes) or an image tensor [..., C, H, W]. */
export type ImageOrTensor = ImageInput | Tensor;

/** The call signatures of a transform that takes images and image tensors: a tensor gives a tensor, an image an Image. */
export interface ImageOrTensorTransform {
  (input: Tensor): Promise<Tensor>;
  (input: ImageInput): Promise<Image>;
  (input: ImageOrTensor): Promise<Image | Tensor>;
}

async function toImage(input: unknown, who: string): Promise<Image> {
  if (input instanceof Image) return input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) return readImage(input);
  throw new TypeError(`${who} expects an Image (or a file path / Buffer to decode); got ${describe(input)}`
    + (input instanceof Tensor ? ' — this tensor is already converted (for a uint8 image tensor use ConvertImageDtype or ToDtype)' : ''));
}

/** A plain description of a transform, so a worker thread can rebuild it. */
export interface TransformSpec { type: string; args: unknown[] }

// Callable instances: the base constructor returns a function whose prototype is the subclass's, so
// `new Resize(256)` can be called like torchvision's objects and still be an instanceof Resize.
// CI/CO type the call itself when it differs from forward()'s (never/never: the subclass declares overloads).
export interface Transform<I = unknown, O = unknown, CI = I, CO = O> { (input: CI): Promise<CO> }
export abstract class Transform<I = unknown, O = unknown, CI = I, CO = O> {
  declare private readonly args: unknown[];
  protected constructor(args: unknown[]) {
    const call = function (input: I): Promise<O> { return (call as unknown as Transform<I, O, CI, CO>).forward(input); };
    Object.setPrototypeOf(call, new.target.prototype);
    Object.defineProperty(call, 'args', { value: args });
    return call as unknown as Transform<I, O, CI, CO>;
  }
  abstract forward(input: I): Promise<O>;
  toJSON(): TransformSpec {
    return { type: this.constructor.name, args: this.args.map((a) => (a instanceof Transform ? a.toJSON() : a)) };
  }
}

type Step = Transform | ((input: any) => unknown);

/**
 * Applies transforms in order; plain (sync or async) functions may be mixed in. `CI`/`CO` optionally type the call
 * (`Compose<Image, Tensor>`); the default is unknown in, unknown out.
 * Mirrors torchvision.transforms.v2.Compose.
 * @throws TypeError when transforms is not an array of transforms or functions.
 */
export class Compose<CI = unknown, CO = unknown> extends Transform<unknown, unknown, CI, CO> {
  readonly transforms: Step[];
  constructor(transforms: Step[]) {
    if (!Array.isArray(transforms)) throw new TypeError(`transforms must be an array of transforms; got ${describe(transforms)}`);
    transforms.forEach((t, i) => {
      if (typeof t !== 'function') throw new TypeError(`transforms[${i}] must be a transform or a function; got ${describe(t)}`);
    });
    super([transforms]);
    this.transforms = [...transforms];
  }
  async forward(input: unknown): Promise<unknown> {
    let x = input;
    for (const t of this.transforms) x = await t(x);
    return x;
  }
  toJSON(): TransformSpec {
    return {
      type: 'Compose',
      args: [this.transforms.map((t, i) => {
        if (t instanceof Transform) return t.toJSON();
        throw new TypeError(`Compose: transforms[${i}] is a plain function, which cannot be sent to a worker thread; `
          + 'use numWorkers: 0, or only torchvgg transforms');
      })],
    };
  }
}

type Size = number | [number] | [number, number];
function sizeArg(size: unknown, who: string): number[] {
  if (typeof size === 'number') return [check.int(size, `${who} size`, { min: 1 })];
  if (!Array.isArray(size) || size.length < 1 || size.length > 2) {
    throw new TypeError(`${who} size must be a positive integer or [height, width]; got ${describe(size)}`);
  }
  return size.map((v, i) => check.int(v, `${who} size[${i}]`, { min: 1 }));
}

export type Interpolation = Filter;
const FILTERS: Filter[] = ['nearest', 'bilinear', 'bicubic'];

function filterArg(mode: unknown): Filter { return mode === undefined ? 'bilinear' : check.oneOf(mode, 'interpolation', FILTERS); }

// An output image is held by the same limit as a decoded one: Resize(224) of a 1 × 100,000 strip would
// otherwise ask for 5 billion pixels.
function checkOutputSize(width: number, height: number, who: string): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new RangeError(`${who}: the output would be ${width}x${height} = ${width * height} pixels, more than MAX_IMAGE_PIXELS (${MAX_IMAGE_PIXELS})`);
  }
}

/** `img` resampled to width × height with PIL's arithmetic (see data/resample.ts for why not sharp's). */
function resize(img: Image, width: number, height: number, filter: Filter, who = 'Resize'): Image {
  if (width === img.width && height === img.height) return img;
  checkOutputSize(width, height, who);
  return new Image(resample(img.data, img.width, img.height, img.channels, width, height, filter), width, height, img.channels);
}

/**
 * Resize(size, { interpolation = 'bilinear', maxSize, antialias = true }): an integer resizes the shorter side to `size`
 * keeping the aspect ratio (the longer side is truncated, as torchvision does); [h, w] is exact. Images are
 * resampled with PIL's arithmetic (always antialiased, as PIL is); tensors with torchvision's tensor resize,
 * antialiased unless `antialias: false`.
 * Mirrors torchvision.transforms.v2.Resize.
 * @throws TypeError for a bad size or option, and (when called) for an input that is neither an image nor an image tensor.
 * @throws RangeError when the output would exceed MAX_IMAGE_PIXELS.
 */
export interface Resize extends ImageOrTensorTransform {}
export class Resize extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly size: number[];
  readonly antialias: boolean;
  private readonly filter: Filter;
  private readonly maxSize?: number;
  constructor(size: Size, options: { interpolation?: Interpolation; maxSize?: number; antialias?: boolean } = {}) {
    super([size, options]);
    this.size = sizeArg(size, 'Resize');
    const o = check.options(options, 'Resize options', ['interpolation', 'maxSize', 'antialias']);
    this.filter = filterArg(o.interpolation);
    this.antialias = o.antialias === undefined ? true : check.bool(o.antialias, 'antialias');
    this.maxSize = o.maxSize === undefined ? undefined : check.int(o.maxSize, 'maxSize', { min: 1 });
    if (this.maxSize !== undefined && (this.size.length !== 1 || !(this.maxSize > this.size[0]))) {
      throw new RangeError(`Resize: maxSize (${this.maxSize}) needs an integer size smaller than it; got ${JSON.stringify(size)}`);
    }
  }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    if (input instanceof Tensor) return F.resize(input, this.size, { interpolation: this.filter, maxSize: this.maxSize, antialias: this.antialias });
    const img = await toImage(input, 'Resize');
    const [h, w] = outputSize(img.height, img.width, this.size, this.maxSize);
    return resize(img, w, h, this.filter);
  }
}

/** torchvision's _compute_resized_output_size. */
function outputSize(h: number, w: number, size: number[], maxSize?: number): [number, number] {
  if (size.length === 2) return [size[0], size[1]];
  const [short, long] = w <= h ? [w, h] : [h, w];
  let [newShort, newLong] = [size[0], Math.trunc((size[0] * long) / short)];
  if (maxSize !== undefined && newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/** Python's round(): halves go to the even neighbour, which decides odd centre crops. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Copies a window of `img`; parts outside the image are 0, as torchvision's padding gives. */
function crop(img: Image, top: number, left: number, height: number, width: number): Image {
  checkOutputSize(width, height, 'crop');
  const c = img.channels;
  const out = new Uint8Array(width * height * c);
  const x0 = Math.max(0, left);
  const x1 = Math.min(img.width, left + width);
  for (let y = Math.max(0, top); y < Math.min(img.height, top + height); y++) {
    if (x1 <= x0) break;
    const src = (y * img.width + x0) * c;
    out.set(img.data.subarray(src, src + (x1 - x0) * c), ((y - top) * width + (x0 - left)) * c);
  }
  return new Image(out, width, height, c);
}

/**
 * CenterCrop(size): the centre window; pads with 0 when the image is smaller, like torchvision.
 * Mirrors torchvision.transforms.v2.CenterCrop.
 * @throws TypeError for a bad size, and (when called) for an input that is neither an image nor an image tensor.
 */
export interface CenterCrop extends ImageOrTensorTransform {}
export class CenterCrop extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly size: number[];
  constructor(size: Size) {
    super([size]);
    const s = sizeArg(size, 'CenterCrop');
    this.size = s.length === 1 ? [s[0], s[0]] : s;
  }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    if (input instanceof Tensor) return F.centerCrop(input, this.size);
    const img = await toImage(input, 'CenterCrop');
    const [ch, cw] = this.size;
    // torchvision pads first (left/top get the floor half), then crops from the padded image.
    const padTop = ch > img.height ? Math.floor((ch - img.height) / 2) : 0;
    const padLeft = cw > img.width ? Math.floor((cw - img.width) / 2) : 0;
    const h = Math.max(img.height, ch);
    const w = Math.max(img.width, cw);
    const top = roundHalfEven((h - ch) / 2) - padTop;
    const left = roundHalfEven((w - cw) / 2) - padLeft;
    return crop(img, top, left, ch, cw);
  }
}

/**
 * RandomResizedCrop(size, { scale = [0.08, 1], ratio = [3/4, 4/3], interpolation, antialias = true }): torchvision's
 * get_params (10 tries, then a centre crop), drawing from the seedable generator (transforms.seed, or
 * the DataLoader's per-sample one), not from torch's. A tensor batch gets one crop for all its images.
 * Mirrors torchvision.transforms.v2.RandomResizedCrop.
 * @throws TypeError / RangeError for bad arguments, and (when called) for an input that is neither an image nor an image tensor.
 */
export interface RandomResizedCrop extends ImageOrTensorTransform {}
export class RandomResizedCrop extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly size: number[];
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly antialias: boolean;
  private readonly filter: Filter;
  constructor(size: Size, options: { scale?: [number, number]; ratio?: [number, number]; interpolation?: Interpolation; antialias?: boolean } = {}) {
    super([size, options]);
    const s = sizeArg(size, 'RandomResizedCrop');
    this.size = s.length === 1 ? [s[0], s[0]] : s;
    const o = check.options(options, 'RandomResizedCrop options', ['scale', 'ratio', 'interpolation', 'antialias']);
    this.antialias = o.antialias === undefined ? true : check.bool(o.antialias, 'antialias');
    const range = (v: unknown, n: string): [number, number] => {
      const [lo, hi] = check.numbers(v, n, { length: 2, min: 0 });
      if (!(lo > 0 && lo <= hi)) throw new RangeError(`${n} must be [min, max] with 0 < min <= max; got [${lo}, ${hi}]`);
      return [lo, hi];
    };
    this.scale = range(o.scale ?? [0.08, 1], 'scale');
    this.ratio = range(o.ratio ?? [3 / 4, 4 / 3], 'ratio');
    this.filter = filterArg(o.interpolation);
  }
  /** [top, left, height, width] of the crop, as torchvision's get_params returns (i, j, h, w). */
  getParams(height: number, width: number): [number, number, number, number] {
    check.int(height, 'height', { min: 1 });
    check.int(width, 'width', { min: 1 });
    const g = currentGenerator();
    const area = height * width;
    const [lr0, lr1] = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let i = 0; i < 10; i++) {
      const target = area * g.uniform(this.scale[0], this.scale[1]);
      const aspect = Math.exp(g.uniform(lr0, lr1));
      const w = Math.round(Math.sqrt(target * aspect));
      const h = Math.round(Math.sqrt(target / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        return [g.randint(0, height - h + 1), g.randint(0, width - w + 1), h, w];
      }
    }
    const inRatio = width / height;
    let [w, h] = [width, height];
    if (inRatio < this.ratio[0]) h = roundHalfEven(w / this.ratio[0]);
    else if (inRatio > this.ratio[1]) w = roundHalfEven(h * this.ratio[1]);
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    if (input instanceof Tensor) {
      const [hh, ww] = input.shape.slice(-2);
      F.checkImageTensor(input, 'RandomResizedCrop');
      const [top, left, h, w] = this.getParams(hh, ww);
      return F.resizedCrop(input, top, left, h, w, this.size, { interpolation: this.filter, antialias: this.antialias });
    }
    const img = await toImage(input, 'RandomResizedCrop');
    const [top, left, h, w] = this.getParams(img.height, img.width);
    return resize(crop(img, top, left, h, w), this.size[1], this.size[0], this.filter, 'RandomResizedCrop');
  }
}

/**
 * RandomHorizontalFlip(p = 0.5): mirrors left-right with probability p (a tensor batch is flipped as a whole).
 * Mirrors torchvision.transforms.v2.RandomHorizontalFlip.
 * @throws RangeError when p is not in [0, 1]; (when called) TypeError for an input that is neither an image nor an image tensor.
 */
export interface RandomHorizontalFlip extends ImageOrTensorTransform {}
export class RandomHorizontalFlip extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly p: number;
  constructor(p = 0.5) {
    super([p]);
    this.p = check.number(p, 'p', { min: 0, max: 1 });
  }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    if (input instanceof Tensor) {
      F.checkImageTensor(input, 'RandomHorizontalFlip');
      return currentGenerator().random() < this.p ? F.hflip(input) : input;
    }
    const img = await toImage(input, 'RandomHorizontalFlip');
    if (!(currentGenerator().random() < this.p)) return img;
    const { width, height, channels: c } = img;
    const out = new Uint8Array(img.data.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const src = (y * width + x) * c;
        out.set(img.data.subarray(src, src + c), (y * width + width - 1 - x) * c);
      }
    }
    return new Image(out, width, height, c);
  }
}

/** ToTensor(): an Image -> float32 Tensor [C, H, W] with values in [0, 1] (byte / 255, as torchvision). */
export class ToTensor extends Transform<ImageInput, Tensor> {
  constructor() { super([]); }
  async forward(input: ImageInput): Promise<Tensor> {
    const img = await toImage(input, 'ToTensor');
    const { width, height, channels: c, data } = img;
    const plane = width * height;
    const out = new Float32Array(plane * c);
    for (let i = 0; i < plane; i++) {
      for (let k = 0; k < c; k++) out[k * plane + i] = data[i * c + k] / 255;
    }
    return torch.frombuffer(out, { dtype: 'float32' }).reshape([c, height, width]);
  }
}

/**
 * Normalize(mean, std): (x - mean[c]) / std[c] per channel of a [..., C, H, W] float tensor.
 * Mirrors torchvision.transforms.v2.Normalize.
 * @throws TypeError for empty or non-numeric mean/std; RangeError for a 0 in std; (when called) TypeError for a non-float
 *   tensor, RangeError when mean/std do not match the channels.
 */
export class Normalize extends Transform<Tensor, Tensor> {
  readonly mean: number[];
  readonly std: number[];
  private readonly meanT: Tensor;
  private readonly stdT: Tensor;
  constructor(mean: number[], std: number[]) {
    super([mean, std]);
    for (const [v, n] of [[mean, 'mean'], [std, 'std']] as const) {
      if (check.numbers(v, n).length < 1) throw new TypeError(`${n} must hold one number per channel; got an empty array`);
    }
    if (std.some((s) => s === 0)) throw new RangeError(`std must not contain 0 (division by zero); got ${JSON.stringify(std)}`);
    this.mean = [...mean];
    this.std = [...std];
    this.meanT = torch.tensor(Float32Array.from(mean)).reshape([-1, 1, 1]);
    this.stdT = torch.tensor(Float32Array.from(std)).reshape([-1, 1, 1]);
  }
  async forward(input: Tensor): Promise<Tensor> {
    if (!(input instanceof Tensor)) {
      throw new TypeError(`Normalize expects a Tensor; got ${describe(input)}${(input as unknown) instanceof Image ? ' — put ToTensor() before it' : ''}`);
    }
    const shape = input.shape;
    const c = shape[shape.length - 3];
    if (shape.length < 3 || (input.dtype !== 'float32' && input.dtype !== 'float64')) {
      throw new TypeError(`Normalize expects a float tensor [..., C, H, W]; got ${input.dtype} of shape [${shape.join(', ')}]`);
    }
    for (const [v, n] of [[this.mean, 'mean'], [this.std, 'std']] as const) {
      if (v.length !== 1 && v.length !== c) throw new RangeError(`Normalize: ${n} has ${v.length} values but the tensor has ${c} channels`);
    }
    return input.sub(this.meanT).div(this.stdT);
  }
}

/**
 * RandomVerticalFlip(p = 0.5): mirrors top-bottom with probability p (a tensor batch is flipped as a whole).
 * Mirrors torchvision.transforms.v2.RandomVerticalFlip.
 * @throws RangeError when p is not in [0, 1]; (when called) TypeError for an input that is neither an image nor an image tensor.
 */
export interface RandomVerticalFlip extends ImageOrTensorTransform {}
export class RandomVerticalFlip extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly p: number;
  constructor(p = 0.5) {
    super([p]);
    this.p = check.number(p, 'p', { min: 0, max: 1 });
  }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    const x = input instanceof Tensor ? input : await toImage(input, 'RandomVerticalFlip');
    if (x instanceof Tensor) F.checkImageTensor(x, 'RandomVerticalFlip');
    return currentGenerator().random() < this.p ? F.vflip(x) : x;
  }
}

type Jitter = number | [number, number];
/** torchvision's ColorJitter._check_input: a number v gives [center - v, center + v]; a range must lie in bounds; no change gives null. */
function jitterRange(v: unknown, name: string, center: number, lo: number, hi: number, clipFirstOnZero: boolean): [number, number] | null {
  let r: [number, number];
  if (typeof v === 'number') {
    check.number(v, name, { min: 0 });
    r = [center - v, center + v];
    if (clipFirstOnZero) r[0] = Math.max(r[0], 0);
    if (!clipFirstOnZero && v > hi) throw new RangeError(`${name} must be in [0, ${hi}]; got ${v}`);
  } else {
    const [a, b] = check.numbers(v, name, { length: 2 });
    if (!(lo <= a && a <= b && b <= hi)) throw new RangeError(`${name} values should be between [${lo}, ${hi}] with min <= max; got [${a}, ${b}]`);
    r = [a, b];
  }
  return r[0] === center && r[1] === center ? null : r;
}

export interface ColorJitterOptions { brightness?: Jitter; contrast?: Jitter; saturation?: Jitter; hue?: Jitter }

/**
 * ColorJitter(brightness = 0, contrast = 0, saturation = 0, hue = 0) — or one options object: each a number v (a factor
 * drawn from [max(0, 1 - v), 1 + v]; for hue from [-v, v], v <= 0.5) or a [min, max] range. The four adjustments run
 * in a random order with random factors, one draw per call (a batch shares it). Images are adjusted with the tensor
 * arithmetic, as a uint8 tensor would be.
 * Mirrors torchvision.transforms.v2.ColorJitter.
 * @throws TypeError / RangeError for a bad factor or range; (when called) TypeError for an input that is not an image or image tensor,
 *   RangeError for one with other than 1 or 3 channels.
 */
export interface ColorJitter extends ImageOrTensorTransform {}
export class ColorJitter extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly brightness: [number, number] | null;
  readonly contrast: [number, number] | null;
  readonly saturation: [number, number] | null;
  readonly hue: [number, number] | null;
  constructor(options?: ColorJitterOptions);
  constructor(brightness?: Jitter, contrast?: Jitter, saturation?: Jitter, hue?: Jitter);
  constructor(...args: unknown[]) {
    super(args);
    const first = args[0];
    const o: Record<string, unknown> = first !== null && typeof first === 'object' && !Array.isArray(first)
      ? check.options(first as Record<string, unknown>, 'ColorJitter options', ['brightness', 'contrast', 'saturation', 'hue'])
      : { brightness: args[0], contrast: args[1], saturation: args[2], hue: args[3] };
    if (args.length > 4) throw new TypeError(`ColorJitter takes at most 4 arguments; got ${args.length}`);
    this.brightness = jitterRange(o.brightness ?? 0, 'brightness', 1, 0, Infinity, true);
    this.contrast = jitterRange(o.contrast ?? 0, 'contrast', 1, 0, Infinity, true);
    this.saturation = jitterRange(o.saturation ?? 0, 'saturation', 1, 0, Infinity, true);
    this.hue = jitterRange(o.hue ?? 0, 'hue', 0, -0.5, 0.5, false);
  }
  /** [order of the four adjustments (0 brightness, 1 contrast, 2 saturation, 3 hue), and each factor or null], as torchvision's get_params. */
  getParams(): [number[], number | null, number | null, number | null, number | null] {
    const g = currentGenerator();
    const order = g.randperm(4);
    const draw = (r: [number, number] | null): number | null => (r === null ? null : g.uniform(r[0], r[1]));
    return [order, draw(this.brightness), draw(this.contrast), draw(this.saturation), draw(this.hue)];
  }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    let x: Tensor | Image = input instanceof Tensor ? input : await toImage(input, 'ColorJitter');
    if (x instanceof Tensor) F.checkImageTensor(x, 'ColorJitter');
    const [order, b, c, s, h] = this.getParams();
    for (const i of order) {
      if (i === 0 && b !== null) x = F.adjustBrightness(x, b);
      else if (i === 1 && c !== null) x = F.adjustContrast(x, c);
      else if (i === 2 && s !== null) x = F.adjustSaturation(x, s);
      else if (i === 3 && h !== null) x = F.adjustHue(x, h);
    }
    return x;
  }
}

/**
 * RandomRotation(degrees, { interpolation = 'nearest', expand = false, center, fill = 0 }): rotates by an angle drawn
 * from [-degrees, degrees] (or a [min, max] range), counter-clockwise, about the centre (or `center`, [x, y]); outside
 * pixels get `fill`; `expand: true` enlarges the output to hold the whole rotated image. Images are rotated with the
 * tensor arithmetic.
 * Mirrors torchvision.transforms.v2.RandomRotation.
 * @throws TypeError / RangeError for bad arguments; (when called) TypeError for an input that is not an image or image tensor.
 */
export interface RandomRotation extends ImageOrTensorTransform {}
export class RandomRotation extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly degrees: [number, number];
  private readonly opts: F.RotateOptions;
  constructor(degrees: number | [number, number], options: { interpolation?: 'nearest' | 'bilinear'; expand?: boolean; center?: [number, number]; fill?: number | number[] } = {}) {
    super([degrees, options]);
    if (typeof degrees === 'number') {
      const d = check.number(degrees, 'degrees', { min: 0 });
      this.degrees = [-d, d];
    } else {
      const [a, b] = check.numbers(degrees, 'degrees', { length: 2 });
      if (!(a <= b)) throw new RangeError(`degrees must be [min, max] with min <= max; got [${a}, ${b}]`);
      this.degrees = [a, b];
    }
    const o = check.options(options, 'RandomRotation options', ['interpolation', 'expand', 'center', 'fill']);
    F.rotate(new Image(new Uint8Array(3), 1, 1, 3), 0, o); // checks the options now, not at the first call
    this.opts = o;
  }
  /** The angle of the next call, as torchvision's get_params. */
  getParams(): number { return currentGenerator().uniform(this.degrees[0], this.degrees[1]); }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    const x = input instanceof Tensor ? input : await toImage(input, 'RandomRotation');
    if (x instanceof Tensor) F.checkImageTensor(x, 'RandomRotation');
    return F.rotate(x, this.getParams(), this.opts);
  }
}

/**
 * GaussianBlur(kernelSize, sigma = [0.1, 2.0]): blurs with a Gaussian of odd `kernelSize` (or [x, y]) and a sigma drawn
 * from the range (or a fixed number), reflecting at the borders. Images are blurred with the tensor arithmetic.
 * Mirrors torchvision.transforms.v2.GaussianBlur.
 * @throws TypeError / RangeError for an even or non-positive kernel size or a non-positive sigma; (when called) as
 *   functional.gaussianBlur.
 */
export interface GaussianBlur extends ImageOrTensorTransform {}
export class GaussianBlur extends Transform<ImageOrTensor, Image | Tensor, never, never> {
  readonly kernelSize: [number, number];
  readonly sigma: [number, number];
  constructor(kernelSize: number | [number, number], sigma: number | [number, number] = [0.1, 2.0]) {
    super([kernelSize, sigma]);
    const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : check.numbers(kernelSize, 'kernelSize', { length: 2 });
    ks.forEach((k, i) => {
      check.int(k, `kernelSize[${i}]`, { min: 1 });
      if (k % 2 === 0) throw new RangeError(`kernelSize should have odd and positive integers; got ${JSON.stringify(kernelSize)}`);
    });
    this.kernelSize = [ks[0], ks[1]];
    const sg = typeof sigma === 'number' ? [check.number(sigma, 'sigma'), sigma] : check.numbers(sigma, 'sigma', { length: 2 });
    if (!(sg[0] > 0 && sg[0] <= sg[1])) throw new RangeError(`sigma must be a positive number or [min, max] with 0 < min <= max; got ${JSON.stringify(sigma)}`);
    this.sigma = [sg[0], sg[1]];
  }
  /** The sigma of the next call, as torchvision's get_params. */
  getParams(): number { return currentGenerator().uniform(this.sigma[0], this.sigma[1]); }
  async forward(input: Tensor): Promise<Tensor>;
  async forward(input: ImageInput): Promise<Image>;
  async forward(input: ImageOrTensor): Promise<Image | Tensor> {
    const x = input instanceof Tensor ? input : await toImage(input, 'GaussianBlur');
    if (x instanceof Tensor) F.checkImageTensor(x, 'GaussianBlur');
    const s = this.getParams();
    return F.gaussianBlur(x, this.kernelSize, [s, s]);
  }
}

/**
 * ToDtype(dtype, { scale = false }): casts a tensor; with `scale`, converts between an image's value ranges (uint8
 * [0, 255] ↔ float [0, 1]) as convertImageDtype does. An Image becomes a uint8 [C, H, W] tensor first.
 * Mirrors torchvision.transforms.v2.ToDtype.
 * @throws TypeError for an unknown dtype (with scale: one of 'uint8', 'float32', 'float64'); (when called) for an input
 *   that is neither an image nor a tensor.
 */
export class ToDtype extends Transform<ImageOrTensor, Tensor> {
  readonly dtype: DType;
  readonly scale: boolean;
  constructor(dtype: DType, options: { scale?: boolean } = {}) {
    super([dtype, options]);
    const o = check.options(options, 'ToDtype options', ['scale']);
    this.scale = o.scale === undefined ? false : check.bool(o.scale, 'scale');
    this.dtype = this.scale ? check.oneOf(dtype, 'dtype', ['uint8', 'float32', 'float64'] as const) : check.oneOf(dtype, 'dtype', DTYPES);
  }
  async forward(input: ImageOrTensor): Promise<Tensor> {
    const x = input instanceof Tensor ? input : F.pilToTensor(await toImage(input, 'ToDtype'));
    if (this.scale) return F.convertImageDtype(x, this.dtype as F.ImageDType);
    return x.to(this.dtype);
  }
}

/**
 * ConvertImageDtype(dtype = 'float32'): ToDtype(dtype, { scale: true }) — uint8 → float divides by 255.
 * Mirrors torchvision.transforms.ConvertImageDtype.
 * @throws TypeError for a dtype other than 'uint8', 'float32', 'float64'.
 */
export class ConvertImageDtype extends Transform<ImageOrTensor, Tensor> {
  readonly dtype: F.ImageDType;
  constructor(dtype: F.ImageDType = 'float32') {
    super([dtype]);
    this.dtype = check.oneOf(dtype, 'dtype', ['uint8', 'float32', 'float64'] as const);
  }
  async forward(input: ImageOrTensor): Promise<Tensor> {
    return F.convertImageDtype(input instanceof Tensor ? input : await toImage(input, 'ConvertImageDtype'), this.dtype);
  }
}

/**
 * PILToTensor(): an Image → uint8 tensor [C, H, W], no scaling.
 * Mirrors torchvision.transforms.PILToTensor (v2.PILToTensor).
 * @throws TypeError (when called) for an input that is not an image, a path or a Buffer.
 */
export class PILToTensor extends Transform<ImageInput, Tensor> {
  constructor() { super([]); }
  async forward(input: ImageInput): Promise<Tensor> { return F.pilToTensor(await toImage(input, 'PILToTensor')); }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const REGISTRY: Record<string, new (...args: any[]) => Transform<any, any>> = {
  Compose, Resize, CenterCrop, RandomResizedCrop, RandomHorizontalFlip, ToTensor, Normalize,
  RandomVerticalFlip, ColorJitter, RandomRotation, GaussianBlur, ToDtype, ConvertImageDtype, PILToTensor,
};

/** Rebuilds a transform from toJSON()'s description (used by DataLoader worker threads). */
export function fromJSON(spec: TransformSpec): Transform<any, any> {
  const Ctor = REGISTRY[spec?.type];
  if (!Ctor) throw new TypeError(`unknown transform ${JSON.stringify(spec?.type)}`);
  const args = spec.type === 'Compose' ? [(spec.args[0] as TransformSpec[]).map(fromJSON)] : spec.args;
  return new Ctor(...args);
}
