// torchvision.transforms.functional on tensors ([..., C, H, W], uint8 or float): resize (antialiased), crops, flips, colour, rotation, blur, dtype conversion.
//
// The kernels work on the tensor's data as a typed array (one copy out, one copy in) and follow
// torchvision 0.14's tensor arithmetic: float32 where torchvision computes in float32 (Math.fround
// stands in for each float32 operation), a uint8 image converted to float and rounded back where
// torchvision does so, truncated where torchvision's `.to(uint8)` truncates. Images (`T.Image`) are
// taken as a uint8 [C, H, W] tensor would be, so the same transform works on both.
import * as torch from '../torch/factories';
import { Tensor } from '../torch/tensor';
import { callOp } from '../torch/ops';
import * as check from '../check';
import { describe } from '../check';
import { Image, MAX_IMAGE_PIXELS } from './image';

/** The dtypes an image tensor may have: bytes in [0, 255] or floats in [0, 1]. */
export type ImageDType = 'uint8' | 'float32' | 'float64';
type Pixels = Uint8Array | Float32Array | Float64Array;
const IMAGE_DTYPES: readonly ImageDType[] = ['uint8', 'float32', 'float64'];
const F32 = Math.fround;

/** @internal A batch of n images of c × h × w, contiguous CHW planes, with the leading shape to restore. */
export interface Planes { data: Pixels; n: number; c: number; h: number; w: number; dtype: ImageDType; lead: number[]; device: string }

function alloc(dtype: ImageDType, length: number): Pixels {
  return dtype === 'uint8' ? new Uint8Array(length) : dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

function checkPixels(w: number, h: number, who: string): void {
  if (w * h > MAX_IMAGE_PIXELS) {
    throw new RangeError(`${who}: the output would be ${w}x${h} = ${w * h} pixels, more than MAX_IMAGE_PIXELS (${MAX_IMAGE_PIXELS})`);
  }
}

/**
 * Checks that `input` is an image tensor: [..., C, H, W] with at least 3 dimensions, uint8/float32/float64, no empty side.
 * @throws TypeError for another value or dtype; RangeError for another shape.
 */
export function checkImageTensor(input: unknown, who: string): asserts input is Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`${who} expects a Tensor [..., C, H, W] or an Image; got ${describe(input)}`);
  const shape = input.shape;
  if (shape.length < 3 || shape.slice(-3).some((d) => d === 0)) {
    throw new RangeError(`${who} expects a tensor [C, H, W] or [N, C, H, W] with no empty side; got shape [${shape.join(', ')}]`);
  }
  if (!IMAGE_DTYPES.includes(input.dtype as ImageDType)) {
    throw new TypeError(`${who} expects a uint8, float32 or float64 image tensor; got ${input.dtype}`);
  }
}

/** @internal The planes of an image tensor [..., C, H, W] (or of an Image, as uint8 [C, H, W]). */
export function planes(input: unknown, who: string): Planes {
  if (input instanceof Image) {
    const { width: w, height: h, channels: c, data } = input;
    const out = new Uint8Array(data.length);
    const plane = w * h;
    for (let i = 0; i < plane; i++) for (let k = 0; k < c; k++) out[k * plane + i] = data[i * c + k];
    return { data: out, n: 1, c, h, w, dtype: 'uint8', lead: [], device: 'cpu' };
  }
  checkImageTensor(input, who);
  const shape = input.shape;
  const dtype = input.dtype;
  const [c, h, w] = shape.slice(-3);
  const lead = shape.slice(0, -3);
  const device = String(input.device);
  const data = (device === 'cpu' ? input : input.to('cpu')).toTypedArray() as Pixels;
  return { data, n: lead.reduce((a, b) => a * b, 1), c, h, w, dtype: dtype as ImageDType, lead, device };
}

/** @internal The tensor (or, when the input was an Image, the Image) holding `data` shaped like `p` with a new c/h/w/dtype. */
export function output(p: Planes, data: Pixels, c: number, h: number, w: number, asImage: boolean): Tensor | Image {
  if (asImage) {
    if (!(data instanceof Uint8Array)) throw new TypeError('internal: an Image result must be uint8');
    const plane = w * h;
    const out = new Uint8Array(data.length);
    for (let i = 0; i < plane; i++) for (let k = 0; k < c; k++) out[i * c + k] = data[k * plane + i];
    return new Image(out, w, h, c);
  }
  const dtype: ImageDType = data instanceof Uint8Array ? 'uint8' : data instanceof Float32Array ? 'float32' : 'float64';
  const t = torch.frombuffer(data, { dtype }).reshape([...p.lead, c, h, w]);
  return p.device === 'cpu' ? t : t.to(p.device);
}

/** Applies `fn` to the planes of a tensor or an Image and returns the same kind. */
function apply<T extends Tensor | Image>(input: T, who: string, fn: (p: Planes) => [Pixels, number, number, number]): T {
  const p = planes(input, who);
  const [data, c, h, w] = fn(p);
  return output(p, data, c, h, w, input instanceof Image) as T;
}

/** Rounds float results back to uint8 as torchvision's _cast_squeeze_out does (round half to even, then cast). */
function roundToByte(x: number): number {
  let r = Math.round(x); // halves go up; Python's round takes them to the even neighbour
  if (r - x === 0.5 && (r & 1) !== 0) r -= 1;
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

// ---------------------------------------------------------------------------------------------------
// Resize

export type ResizeInterpolation = 'nearest' | 'bilinear' | 'bicubic';

/** torchvision's _compute_resized_output_size: [height, width]. */
export function resizedOutputSize(h: number, w: number, size: number[], maxSize?: number): [number, number] {
  if (size.length === 2) return [size[0], size[1]];
  const [short, long] = w <= h ? [w, h] : [h, w];
  let [newShort, newLong] = [size[0], Math.trunc((size[0] * long) / short)];
  if (maxSize !== undefined && newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/** @internal Resizes planes to oh × ow (torchvision's tensor resize). */
export function resizePlanes(p: Planes, oh: number, ow: number, interpolation: ResizeInterpolation, antialias: boolean): Pixels {
  if (oh === p.h && ow === p.w) return p.data;
  // libtorch's interpolate (its antialiased _upsample_*_aa kernels when asked), on float data as torchvision casts it.
  const f = p.dtype === 'uint8' ? 'float32' : p.dtype;
  const smooth = interpolation !== 'nearest';
  let t = torch.frombuffer(p.dtype === 'uint8' ? Float32Array.from(p.data) : p.data, { dtype: f }).reshape([p.n, p.c, p.h, p.w]);
  t = callOp('interpolate', t, [oh, ow], undefined, interpolation, smooth ? false : undefined, smooth && antialias ? true : undefined) as Tensor;
  const r = t.toTypedArray() as Float32Array | Float64Array;
  if (p.dtype !== 'uint8') return r;
  const out = new Uint8Array(r.length);
  for (let i = 0; i < r.length; i++) out[i] = roundToByte(r[i]);
  return out;
}

function sizeList(size: unknown, who: string): number[] {
  if (typeof size === 'number') return [check.int(size, `${who} size`, { min: 1 })];
  if (!Array.isArray(size) || size.length < 1 || size.length > 2) {
    throw new TypeError(`${who} size must be a positive integer or [height, width]; got ${describe(size)}`);
  }
  return size.map((v, i) => check.int(v, `${who} size[${i}]`, { min: 1 }));
}

export interface ResizeOptions { interpolation?: ResizeInterpolation; maxSize?: number; antialias?: boolean }

/**
 * Resizes an image tensor: an integer `size` sets the shorter side (keeping the aspect ratio), [h, w] is exact.
 * Bilinear and bicubic are antialiased by default, as torchvision.transforms.v2's default `antialias=True`.
 * Mirrors torchvision.transforms.v2.functional.resize (on tensors).
 * @throws TypeError when the input is not a uint8/float tensor [..., C, H, W], or an option has the wrong type.
 * @throws RangeError when the output would have more than MAX_IMAGE_PIXELS pixels.
 */
export function resize<T extends Tensor | Image>(input: T, size: number | number[], options: ResizeOptions = {}): T {
  const s = sizeList(size, 'resize');
  const o = check.options(options, 'resize options', ['interpolation', 'maxSize', 'antialias']);
  const interpolation = check.oneOf(o.interpolation ?? 'bilinear', 'interpolation', ['nearest', 'bilinear', 'bicubic'] as const);
  const antialias = o.antialias === undefined ? true : check.bool(o.antialias, 'antialias');
  const maxSize = check.opt.int(o.maxSize, 'maxSize', { min: 1 });
  return apply(input, 'resize', (p) => {
    const [oh, ow] = resizedOutputSize(p.h, p.w, s, maxSize);
    checkPixels(ow, oh, 'resize');
    return [resizePlanes(p, oh, ow, interpolation, antialias), p.c, oh, ow];
  });
}

// ---------------------------------------------------------------------------------------------------
// Crops and flips

/** @internal A window of the planes; parts outside are 0 (torchvision pads with zeros). */
export function cropPlanes(p: Planes, top: number, left: number, height: number, width: number): Pixels {
  checkPixels(width, height, 'crop');
  const { data, n, c, h, w } = p;
  const out = alloc(p.dtype, n * c * height * width);
  const x0 = Math.max(0, left);
  const x1 = Math.min(w, left + width);
  if (x1 <= x0) return out;
  for (let q = 0; q < n * c; q++) {
    for (let y = Math.max(0, top); y < Math.min(h, top + height); y++) {
      const src = q * h * w + y * w;
      out.set(data.subarray(src + x0, src + x1), q * height * width + (y - top) * width + (x0 - left));
    }
  }
  return out;
}

/**
 * The window [top, top + height) × [left, left + width); parts outside the image are 0.
 * Mirrors torchvision.transforms.v2.functional.crop.
 * @throws TypeError when the input is not an image tensor or an argument is not an integer.
 */
export function crop<T extends Tensor | Image>(input: T, top: number, left: number, height: number, width: number): T {
  check.int(top, 'top');
  check.int(left, 'left');
  check.int(height, 'height', { min: 1 });
  check.int(width, 'width', { min: 1 });
  return apply(input, 'crop', (p) => [cropPlanes(p, top, left, height, width), p.c, height, width]);
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** [top, left] of torchvision's centre crop (after its zero padding when the image is smaller). */
export function centerCropBox(h: number, w: number, ch: number, cw: number): [number, number] {
  const padTop = ch > h ? Math.floor((ch - h) / 2) : 0;
  const padLeft = cw > w ? Math.floor((cw - w) / 2) : 0;
  return [roundHalfEven((Math.max(h, ch) - ch) / 2) - padTop, roundHalfEven((Math.max(w, cw) - cw) / 2) - padLeft];
}

/**
 * The centre window of `size` (an integer for a square, or [h, w]); pads with 0 when the image is smaller.
 * Mirrors torchvision.transforms.v2.functional.center_crop.
 * @throws TypeError when the input is not an image tensor or size is not a positive integer (pair).
 */
export function centerCrop<T extends Tensor | Image>(input: T, size: number | number[]): T {
  const s = sizeList(size, 'centerCrop');
  const [ch, cw] = s.length === 1 ? [s[0], s[0]] : s;
  return apply(input, 'centerCrop', (p) => {
    const [top, left] = centerCropBox(p.h, p.w, ch, cw);
    return [cropPlanes(p, top, left, ch, cw), p.c, ch, cw];
  });
}

/**
 * Crops, then resizes to `size` (antialiased by default).
 * Mirrors torchvision.transforms.v2.functional.resized_crop.
 * @throws TypeError / RangeError as crop and resize do.
 */
export function resizedCrop<T extends Tensor | Image>(input: T, top: number, left: number, height: number, width: number,
  size: number | number[], options: Omit<ResizeOptions, 'maxSize'> = {}): T {
  const cropped = crop(input, top, left, height, width);
  const s = sizeList(size, 'resizedCrop');
  return resize(cropped, s.length === 1 ? [s[0], s[0]] : s, check.options(options, 'resizedCrop options', ['interpolation', 'antialias']));
}

/** @internal Mirrors every row of the planes. */
export function hflipPlanes(p: Planes): Pixels {
  const { data, w } = p;
  const out = alloc(p.dtype, data.length);
  for (let row = 0; row < data.length; row += w) for (let x = 0; x < w; x++) out[row + w - 1 - x] = data[row + x];
  return out;
}

/**
 * Mirrors left-right. Mirrors torchvision.transforms.v2.functional.horizontal_flip.
 * @throws TypeError when the input is not an image tensor or an Image.
 */
export function hflip<T extends Tensor | Image>(input: T): T {
  return apply(input, 'hflip', (p) => [hflipPlanes(p), p.c, p.h, p.w]);
}

/**
 * Mirrors top-bottom. Mirrors torchvision.transforms.v2.functional.vertical_flip.
 * @throws TypeError when the input is not an image tensor or an Image.
 */
export function vflip<T extends Tensor | Image>(input: T): T {
  return apply(input, 'vflip', (p) => {
    const { data, h, w } = p;
    const out = alloc(p.dtype, data.length);
    for (let q = 0; q < p.n * p.c; q++) {
      for (let y = 0; y < h; y++) out.set(data.subarray((q * h + y) * w, (q * h + y + 1) * w), (q * h + h - 1 - y) * w);
    }
    return [out, p.c, h, w];
  });
}

// ---------------------------------------------------------------------------------------------------
// Colour (torchvision's float32 arithmetic; uint8 results truncated as its `.to(uint8)` does)

function checkColourChannels(p: Planes, who: string): void {
  if (p.c !== 1 && p.c !== 3) throw new RangeError(`${who} expects 1 or 3 channels; got ${p.c}`);
}

const bound = (p: Planes): number => (p.dtype === 'uint8' ? 255 : 1);

/** torchvision's _blend(img1, img2, ratio) for one value, in float32, clamped and cast back. */
function blendValue(x: number, y: number, r: number, oneMinus: number, max: number, isByte: boolean, isF32: boolean): number {
  let v = isF32 || isByte ? F32(F32(r * x) + F32(oneMinus * y)) : r * x + (1 - r) * y;
  v = v < 0 ? 0 : v > max ? max : v;
  return isByte ? Math.trunc(v) : v;
}

/** Grey values of one image (rgb_to_grayscale: 0.2989 R + 0.587 G + 0.114 B, cast to the image's dtype). */
function greyOf(p: Planes, img: number): Float64Array {
  const { data, h, w } = p;
  const plane = h * w;
  const out = new Float64Array(plane);
  const base = img * 3 * plane;
  const isByte = p.dtype === 'uint8';
  const exact = p.dtype === 'float64';
  const [wr, wg, wb] = exact ? [0.2989, 0.587, 0.114] : [F32(0.2989), F32(0.587), F32(0.114)];
  for (let i = 0; i < plane; i++) {
    const r = data[base + i];
    const g = data[base + plane + i];
    const b = data[base + 2 * plane + i];
    const v = exact ? wr * r + wg * g + wb * b : F32(F32(F32(wr * r) + F32(wg * g)) + F32(wb * b));
    out[i] = isByte ? Math.trunc(v) : v;
  }
  return out;
}

function blendPlanes(p: Planes, factor: number, other: (img: number) => Float64Array | number): Pixels {
  const { data, n, c, h, w } = p;
  const plane = h * w;
  const out = alloc(p.dtype, data.length);
  const isByte = p.dtype === 'uint8';
  const isF32 = p.dtype === 'float32';
  const r = isByte || isF32 ? F32(factor) : factor;
  const oneMinus = isByte || isF32 ? F32(1 - factor) : 1 - factor;
  const max = bound(p);
  for (let img = 0; img < n; img++) {
    const o = other(img);
    for (let k = 0; k < c; k++) {
      const base = (img * c + k) * plane;
      if (typeof o === 'number') {
        for (let i = 0; i < plane; i++) out[base + i] = blendValue(data[base + i], o, r, oneMinus, max, isByte, isF32);
      } else {
        for (let i = 0; i < plane; i++) out[base + i] = blendValue(data[base + i], o[i], r, oneMinus, max, isByte, isF32);
      }
    }
  }
  return out;
}

function factorArg(v: unknown, name: string): number { return check.number(v, name, { min: 0 }); }

/**
 * Multiplies pixel values by `brightnessFactor` (0 gives black, 1 the original), clamped to the dtype's range.
 * Mirrors torchvision.transforms.v2.functional.adjust_brightness.
 * @throws TypeError when the input is not an image tensor; RangeError when the factor is negative.
 */
export function adjustBrightness<T extends Tensor | Image>(input: T, brightnessFactor: number): T {
  const f = factorArg(brightnessFactor, 'brightnessFactor');
  return apply(input, 'adjustBrightness', (p) => {
    checkColourChannels(p, 'adjustBrightness');
    return [blendPlanes(p, f, () => 0), p.c, p.h, p.w];
  });
}

/**
 * Blends each image with the mean of its grey version (0 gives solid grey, 1 the original).
 * Mirrors torchvision.transforms.v2.functional.adjust_contrast.
 * @throws TypeError when the input is not an image tensor; RangeError when the factor is negative or C is not 1 or 3.
 */
export function adjustContrast<T extends Tensor | Image>(input: T, contrastFactor: number): T {
  const f = factorArg(contrastFactor, 'contrastFactor');
  return apply(input, 'adjustContrast', (p) => {
    checkColourChannels(p, 'adjustContrast');
    const plane = p.h * p.w;
    return [blendPlanes(p, f, (img) => {
      let sum = 0;
      if (p.c === 3) {
        const g = greyOf(p, img);
        for (let i = 0; i < plane; i++) sum += g[i];
      } else {
        for (let i = 0; i < plane; i++) sum += p.data[img * plane + i];
      }
      return p.dtype === 'float64' ? sum / plane : F32(sum / plane);
    }), p.c, p.h, p.w];
  });
}

/**
 * Blends each image with its grey version (0 gives grey, 1 the original); 1-channel images are returned unchanged.
 * Mirrors torchvision.transforms.v2.functional.adjust_saturation.
 * @throws TypeError when the input is not an image tensor; RangeError when the factor is negative or C is not 1 or 3.
 */
export function adjustSaturation<T extends Tensor | Image>(input: T, saturationFactor: number): T {
  const f = factorArg(saturationFactor, 'saturationFactor');
  return apply(input, 'adjustSaturation', (p) => {
    checkColourChannels(p, 'adjustSaturation');
    if (p.c === 1) return [p.data, p.c, p.h, p.w];
    return [blendPlanes(p, f, (img) => greyOf(p, img)), p.c, p.h, p.w];
  });
}

/**
 * Shifts the hue by `hueFactor` (in [-0.5, 0.5], a fraction of the colour circle) through HSV; 1-channel images are unchanged.
 * Mirrors torchvision.transforms.v2.functional.adjust_hue.
 * @throws TypeError when the input is not an image tensor; RangeError when hueFactor is outside [-0.5, 0.5] or C is not 1 or 3.
 */
export function adjustHue<T extends Tensor | Image>(input: T, hueFactor: number): T {
  const hue = check.number(hueFactor, 'hueFactor', { min: -0.5, max: 0.5 });
  return apply(input, 'adjustHue', (p) => {
    checkColourChannels(p, 'adjustHue');
    if (p.c === 1) return [p.data, p.c, p.h, p.w];
    const { data, n, h, w } = p;
    const plane = h * w;
    const out = alloc(p.dtype, data.length);
    const isByte = p.dtype === 'uint8';
    // float32 throughout (float64 images compute in double), as torchvision's _rgb2hsv/_hsv2rgb.
    const f: (x: number) => number = p.dtype === 'float64' ? (x) => x : F32;
    const hf = f(hue);
    const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
    for (let img = 0; img < n; img++) {
      const base = img * 3 * plane;
      for (let i = 0; i < plane; i++) {
        let r = data[base + i];
        let g = data[base + plane + i];
        let b = data[base + 2 * plane + i];
        if (isByte) { r = f(r / 255); g = f(g / 255); b = f(b / 255); }
        const maxc = Math.max(r, g, b);
        const minc = Math.min(r, g, b);
        const eq = maxc === minc;
        const cr = f(maxc - minc);
        const s = f(cr / (eq ? 1 : maxc));
        const div = eq ? 1 : cr;
        const rc = f(f(maxc - r) / div);
        const gc = f(f(maxc - g) / div);
        const bc = f(f(maxc - b) / div);
        let hh: number;
        if (maxc === r) hh = f(bc - gc);
        else if (maxc === g) hh = f(f(2 + rc) - bc);
        else hh = f(f(4 + gc) - rc);
        hh = f(f(hh / 6) + 1) % 1;
        hh = f(hh + hf);
        hh = f(hh - Math.floor(hh)); // Python's % 1.0 (torch.remainder)
        const v = maxc;
        const h6 = f(hh * 6);
        const fi = Math.floor(h6);
        const fr = f(h6 - fi);
        const pp = clamp01(f(v * f(1 - s)));
        const qq = clamp01(f(v * f(1 - f(s * fr))));
        const tt = clamp01(f(v * f(1 - f(s * f(1 - fr)))));
        let ro: number;
        let go: number;
        let bo: number;
        switch (((fi % 6) + 6) % 6) {
          case 0: ro = v; go = tt; bo = pp; break;
          case 1: ro = qq; go = v; bo = pp; break;
          case 2: ro = pp; go = v; bo = tt; break;
          case 3: ro = pp; go = qq; bo = v; break;
          case 4: ro = tt; go = pp; bo = v; break;
          default: ro = v; go = pp; bo = qq;
        }
        if (isByte) {
          out[base + i] = Math.trunc(f(ro * 255));
          out[base + plane + i] = Math.trunc(f(go * 255));
          out[base + 2 * plane + i] = Math.trunc(f(bo * 255));
        } else {
          out[base + i] = ro;
          out[base + plane + i] = go;
          out[base + 2 * plane + i] = bo;
        }
      }
    }
    return [out, 3, h, w];
  });
}

// ---------------------------------------------------------------------------------------------------
// Rotation (torchvision's inverse affine grid, sampled as grid_sample with zero padding, then filled)

export interface RotateOptions { interpolation?: 'nearest' | 'bilinear'; expand?: boolean; center?: [number, number]; fill?: number | number[] }

/**
 * Rotates by `angle` degrees counter-clockwise about the centre (or `center`, [x, y] in pixels), keeping the size
 * (or, with `expand`, enlarging the output to hold the whole rotated image); pixels from outside get `fill` (default 0).
 * Mirrors torchvision.transforms.v2.functional.rotate.
 * @throws TypeError when the input is not an image tensor or an option has the wrong type; RangeError when fill has the wrong length.
 */
export function rotate<T extends Tensor | Image>(input: T, angle: number, options: RotateOptions = {}): T {
  const a = check.number(angle, 'angle');
  const o = check.options(options, 'rotate options', ['interpolation', 'expand', 'center', 'fill']);
  const interpolation = check.oneOf(o.interpolation ?? 'nearest', 'interpolation', ['nearest', 'bilinear'] as const);
  const expand = o.expand === undefined ? false : check.bool(o.expand, 'expand');
  const center = o.center === undefined ? undefined : check.numbers(o.center, 'center', { length: 2 });
  const fill = o.fill === undefined ? 0 : typeof o.fill === 'number' ? check.number(o.fill, 'fill') : check.numbers(o.fill, 'fill');
  return apply(input, 'rotate', (p) => rotatePlanes(p, a, interpolation, center, fill, expand));
}

/** torchvision's _compute_affine_output_size (float32, precision cut to 1e-4 before ceil/floor): [width, height]. */
function expandedSize(m: number[], w: number, h: number): [number, number] {
  const t = m.map(F32);
  const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
  const size: number[] = [];
  for (const [d, half] of [[0, 0.5 * w], [1, 0.5 * h]]) {
    const v = pts.map(([x, y]) => F32(F32(F32(x * t[3 * d]) + F32(y * t[3 * d + 1])) + t[3 * d + 2]));
    const tol = F32(1e-4);
    const cut = (x: number): number => F32(Math.trunc(F32(F32(x + half) / tol)) * tol);
    size.push(Math.ceil(cut(Math.max(...v))) - Math.floor(cut(Math.min(...v))));
  }
  return [size[0], size[1]];
}

function rotatePlanes(p: Planes, angle: number, mode: 'nearest' | 'bilinear', center: number[] | undefined, fill: number | number[],
  expand: boolean): [Pixels, number, number, number] {
  const { data, n, c, h, w } = p;
  const fills = Array.isArray(fill) ? fill : Array(c).fill(fill);
  if (fills.length !== 1 && fills.length !== c) throw new RangeError(`rotate: fill has ${fills.length} values but the image has ${c} channels`);
  const fillOf = (k: number): number => (fills.length === 1 ? fills[0] : fills[k]);
  // _get_inverse_affine_matrix(center_f, -angle, [0, 0], 1, [0, 0]) with center_f relative to the image centre.
  const [cx, cy] = center === undefined ? [0, 0] : [center[0] - w * 0.5, center[1] - h * 0.5];
  const rot = (-angle * Math.PI) / 180;
  const m = [Math.cos(rot), Math.sin(rot), 0, -Math.sin(rot), Math.cos(rot), 0];
  m[2] += m[0] * -cx + m[1] * -cy + cx;
  m[5] += m[3] * -cx + m[4] * -cy + cy;
  // The grid in float32 (torchvision builds it in the image's float dtype, float32 for uint8).
  const f: (x: number) => number = p.dtype === 'float64' ? (x) => x : F32;
  const theta = [m[0], m[1], m[2]].map((v) => f(f(v) / f(0.5 * w))).concat([m[3], m[4], m[5]].map((v) => f(f(v) / f(0.5 * h))));
  const [ow, oh] = expand ? expandedSize(m, w, h) : [w, h];
  checkPixels(ow, oh, 'rotate');
  const out = alloc(p.dtype, n * c * oh * ow);
  const isByte = p.dtype === 'uint8';
  const plane = h * w;
  const oplane = oh * ow;
  for (let i = 0; i < oh; i++) {
    const y = f(-oh * 0.5 + 0.5 + i);
    for (let j = 0; j < ow; j++) {
      const x = f(-ow * 0.5 + 0.5 + j);
      const gx = f(f(f(x * theta[0]) + f(y * theta[1])) + theta[2]);
      const gy = f(f(f(x * theta[3]) + f(y * theta[4])) + theta[5]);
      const ix = f(f(f(f(gx + 1) * w) - 1) / 2);
      const iy = f(f(f(f(gy + 1) * h) - 1) / 2);
      if (mode === 'nearest') {
        const sx = roundHalfEven(ix);
        const sy = roundHalfEven(iy);
        const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
        for (let q = 0; q < n * c; q++) {
          out[q * oplane + i * ow + j] = inside ? data[q * plane + sy * w + sx] : (isByte ? roundToByte(fillOf(q % c)) : fillOf(q % c));
        }
      } else {
        const x0 = Math.floor(ix);
        const y0 = Math.floor(iy);
        const wx1 = f(ix - x0);
        const wy1 = f(iy - y0);
        const wx0 = f(1 - wx1);
        const wy0 = f(1 - wy1);
        const taps: [number, number][] = [];
        let mask = 0;
        for (const [yy, wy] of [[y0, wy0], [y0 + 1, wy1]]) {
          for (const [xx, wx] of [[x0, wx0], [x0 + 1, wx1]]) {
            if (xx >= 0 && xx < w && yy >= 0 && yy < h) {
              const wt = f(wx * wy);
              taps.push([yy * w + xx, wt]);
              mask = f(mask + wt);
            }
          }
        }
        for (let q = 0; q < n * c; q++) {
          let v = 0;
          for (const [idx, wt] of taps) v = f(v + f(wt * data[q * plane + idx]));
          const fl = fillOf(q % c);
          const r = f(f(v * mask) + f(f(1 - mask) * fl));
          out[q * oplane + i * ow + j] = isByte ? roundToByte(r) : r;
        }
      }
    }
  }
  return [out, c, oh, ow];
}

// ---------------------------------------------------------------------------------------------------
// Gaussian blur

/** torchvision's _get_gaussian_kernel1d in the kernel's precision (float32, or float64 for float64 images). */
function gaussianKernel(size: number, sigma: number, f: (x: number) => number): number[] {
  const half = (size - 1) * 0.5;
  const pdf: number[] = [];
  let sum = 0;
  for (let i = 0; i < size; i++) {
    // torch.linspace(-half, half, size): start + i * step, the upper half computed from the end
    const step = size === 1 ? 0 : f((2 * half) / (size - 1));
    const x = i < size / 2 ? f(-half + i * step) : f(half - (size - 1 - i) * step);
    const v = f(Math.exp(f(-0.5 * f(f(x / f(sigma)) ** 2))));
    pdf.push(v);
    sum = f(sum + v);
  }
  return pdf.map((v) => f(v / sum));
}

/**
 * Blurs with a Gaussian kernel of `kernelSize` ([x, y] or one odd integer) and `sigma` ([x, y] or one number; default from the size),
 * reflecting at the borders. Runs as libtorch's reflect pad and depthwise conv2d, as torchvision does (so on the tensor's device).
 * Mirrors torchvision.transforms.v2.functional.gaussian_blur.
 * @throws TypeError when the input is not an image tensor; RangeError when a kernel size is not odd and positive,
 *   a sigma is not positive, or the kernel's half is not smaller than the image.
 */
export function gaussianBlur<T extends Tensor | Image>(input: T, kernelSize: number | [number, number], sigma?: number | [number, number]): T {
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : check.numbers(kernelSize, 'kernelSize', { length: 2 });
  ks.forEach((k, i) => {
    check.int(k, `kernelSize[${i}]`, { min: 1 });
    if (k % 2 === 0) throw new RangeError(`kernelSize should have odd and positive integers; got ${JSON.stringify(kernelSize)}`);
  });
  let sg: number[];
  if (sigma === undefined) sg = ks.map((k) => k * 0.15 + 0.35); // torchvision's default
  else sg = typeof sigma === 'number' ? [sigma, sigma] : check.numbers(sigma, 'sigma', { length: 2 });
  sg.forEach((v, i) => {
    if (!(check.number(v, `sigma[${i}]`) > 0)) throw new RangeError(`sigma should have positive values; got ${JSON.stringify(sigma)}`);
  });
  if (input instanceof Image) {
    const t = blurTensor(pilToTensor(input), ks, sg);
    const p = planes(t, 'gaussianBlur');
    return output(p, p.data, p.c, p.h, p.w, true) as T;
  }
  checkImageTensor(input, 'gaussianBlur');
  return blurTensor(input, ks, sg) as T;
}

function blurTensor(t: Tensor, ks: number[], sigma: number[]): Tensor {
  const shape = t.shape;
  const [c, h, w] = shape.slice(-3);
  const [rx, ry] = [Math.floor(ks[0] / 2), Math.floor(ks[1] / 2)];
  if (rx >= w || ry >= h) {
    throw new RangeError(`gaussianBlur: padding size should be less than the corresponding input dimension; kernel [${ks.join(', ')}] on a ${w}x${h} image`);
  }
  const kdtype = t.dtype === 'float64' ? 'float64' : 'float32';
  const f: (x: number) => number = kdtype === 'float64' ? (x) => x : F32;
  const kx = gaussianKernel(ks[0], sigma[0], f);
  const ky = gaussianKernel(ks[1], sigma[1], f);
  const k2 = kdtype === 'float64' ? new Float64Array(c * ks[0] * ks[1]) : new Float32Array(c * ks[0] * ks[1]);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < ks[1]; i++) for (let j = 0; j < ks[0]; j++) k2[(ch * ks[1] + i) * ks[0] + j] = f(ky[i] * kx[j]);
  }
  const device = String(t.device);
  let weight = torch.frombuffer(k2, { dtype: kdtype }).reshape([c, 1, ks[1], ks[0]]);
  if (device !== 'cpu') weight = weight.to(device);
  let x = t.reshape([-1, c, h, w]);
  if (t.dtype === 'uint8') x = x.to('float32');
  x = callOp('pad', x, [rx, rx, ry, ry], 'reflect') as Tensor;
  x = callOp('conv2d', x, weight, null, [1, 1], [0, 0], [1, 1], c) as Tensor;
  if (t.dtype === 'uint8') x = x.round().clamp(0, 255).to('uint8');
  return x.reshape(shape);
}

/**
 * (x - mean[c]) / std[c] per channel of a float image tensor [..., C, H, W] (one value broadcasts to every channel).
 * Mirrors torchvision.transforms.v2.functional.normalize.
 * @throws TypeError for a non-float tensor or non-numeric mean/std; RangeError when mean/std do not match the channels
 *   or std holds a 0.
 */
export function normalize(input: Tensor, mean: number[], std: number[]): Tensor {
  checkImageTensor(input, 'normalize');
  if (input.dtype === 'uint8') throw new TypeError('normalize expects a float tensor; got uint8 (use convertImageDtype first)');
  const c = input.shape[input.dim() - 3];
  for (const [v, n] of [[mean, 'mean'], [std, 'std']] as const) {
    const values = check.numbers(v, n);
    if (values.length !== 1 && values.length !== c) throw new RangeError(`normalize: ${n} has ${values.length} values but the tensor has ${c} channels`);
  }
  if (std.some((x) => x === 0)) throw new RangeError(`std must not contain 0 (division by zero); got ${JSON.stringify(std)}`);
  const asTensor = (v: number[]): Tensor => {
    const t = torch.tensor(input.dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v)).reshape([-1, 1, 1]);
    return String(input.device) === 'cpu' ? t : t.to(input.device);
  };
  return input.sub(asTensor(mean)).div(asTensor(std));
}

// ---------------------------------------------------------------------------------------------------
// Dtypes

/**
 * Converts an image tensor's dtype, scaling values between the ranges: uint8 → float divides by 255; float → uint8
 * multiplies by 255.999 and truncates (values are clamped to [0, 1] first); float → float only casts.
 * An Image becomes a uint8 [C, H, W] tensor first.
 * Mirrors torchvision.transforms.v2.functional.to_dtype(scale=True) (convert_image_dtype).
 * @throws TypeError when the input is not an image tensor or dtype is not 'uint8', 'float32' or 'float64'.
 */
export function convertImageDtype(input: Tensor | Image, dtype: ImageDType = 'float32'): Tensor {
  const to = check.oneOf(dtype, 'dtype', IMAGE_DTYPES);
  const p = planes(input, 'convertImageDtype');
  if (p.dtype === to) return output(p, p.data, p.c, p.h, p.w, false) as Tensor;
  const out = alloc(to, p.data.length);
  const src = p.data;
  if (p.dtype === 'uint8') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] / 255;
  } else if (to === 'uint8') {
    const scale = F32(255 + 1 - 1e-3);
    for (let i = 0; i < src.length; i++) {
      const v = src[i] < 0 ? 0 : src[i] > 1 ? 1 : src[i];
      out[i] = Math.trunc(p.dtype === 'float32' ? F32(v * scale) : v * (255 + 1 - 1e-3));
    }
  } else {
    out.set(src);
  }
  return output(p, out, p.c, p.h, p.w, false) as Tensor;
}

/**
 * An Image as a uint8 tensor [C, H, W] (a copy; no scaling).
 * Mirrors torchvision.transforms.v2.functional.pil_to_tensor.
 * @throws TypeError when the input is not an Image.
 */
export function pilToTensor(input: Image): Tensor {
  if (!(input instanceof Image)) throw new TypeError(`pilToTensor expects an Image; got ${describe(input)}`);
  const p = planes(input, 'pilToTensor');
  return output(p, p.data, p.c, p.h, p.w, false) as Tensor;
}

/**
 * A [C, H, W] image tensor (1 to 4 channels) as an Image of bytes: uint8 is taken as is, float in [0, 1] is scaled by 255
 * (mul(255).byte(), after clamping, as torchvision's ToPILImage does). The Image's `data` is raw HWC RGB(A)/grey, which
 * sharp encodes directly: `sharp(img.data, { raw: { width, height, channels } })`.
 * Mirrors torchvision.transforms.v2.functional.to_pil_image.
 * @throws TypeError when the input is not a uint8/float tensor; RangeError when it is not [C, H, W] with 1 to 4 channels.
 */
export function toImage(input: Tensor): Image {
  if (!(input instanceof Tensor)) throw new TypeError(`toImage expects a Tensor [C, H, W]; got ${describe(input)}`);
  const shape = input.shape;
  const t = shape.length === 2 ? input.reshape([1, ...shape]) : input;
  if (t.dim() !== 3 || t.shape[0] < 1 || t.shape[0] > 4) {
    throw new RangeError(`toImage expects a tensor [C, H, W] with 1 to 4 channels (or [H, W]); got shape [${shape.join(', ')}]`);
  }
  const p = planes(t, 'toImage');
  let bytes: Uint8Array;
  if (p.dtype === 'uint8') bytes = p.data as Uint8Array;
  else {
    bytes = new Uint8Array(p.data.length);
    for (let i = 0; i < p.data.length; i++) {
      const v = p.data[i] * 255;
      bytes[i] = Number.isNaN(v) ? 0 : v < 0 ? 0 : v > 255 ? 255 : Math.trunc(v);
    }
  }
  return output(p, bytes, p.c, p.h, p.w, true) as Image;
}

/**
 * A [C, H, W] tensor's pixels as a Buffer of raw interleaved bytes (HWC), with its width, height and channels —
 * what `sharp(data, { raw })` takes.
 * @throws as toImage.
 */
export function toBuffer(input: Tensor): { data: Buffer; width: number; height: number; channels: number } {
  const img = toImage(input);
  return { data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), width: img.width, height: img.height, channels: img.channels };
}
