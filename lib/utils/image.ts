// torchvision.utils' image helpers: makeGrid (a batch tiled into one image tensor) and saveImage (the grid written as PNG/JPEG/WebP/TIFF through sharp).
import { extname } from 'path';
import { writeFile } from 'fs/promises';
import sharp from 'sharp';
import * as torch from '../torch/factories';
import { Tensor } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';

export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels of padding between and around the images (default 2). */
  padding?: number;
  /** Shift values to [0, 1] using valueRange, or the tensor's min and max (default false). */
  normalize?: boolean;
  /** [min, max] used by normalize (values are clamped to it first). */
  valueRange?: [number, number];
  /** Normalise each image by its own min and max (default false). */
  scaleEach?: boolean;
  /** Value of the padding pixels (default 0). */
  padValue?: number;
}
const GRID_KEYS = ['nrow', 'padding', 'normalize', 'valueRange', 'scaleEach', 'padValue'] as const;

type Pixels = Float32Array | Float64Array | Uint8Array;

/** The batch as [N, C, H, W] data, following torchvision's reshaping of 2-D, 3-D and 1-channel inputs. */
function batchOf(input: unknown): { data: Pixels; dtype: 'uint8' | 'float32' | 'float64'; n: number; c: number; h: number; w: number; device: string } {
  let t: Tensor;
  if (Array.isArray(input)) {
    if (input.length === 0) throw new TypeError('makeGrid: tensor must be a Tensor or a non-empty array of tensors; got an empty array');
    input.forEach((x, i) => { if (!(x instanceof Tensor)) throw new TypeError(`makeGrid: tensor[${i}] must be a Tensor; got ${describe(x)}`); });
    const shapes = new Set(input.map((x: Tensor) => x.shape.join(',')));
    if (shapes.size > 1) throw new RangeError(`makeGrid: every tensor of the list must have the same shape; got ${[...shapes].map((s) => `[${s}]`).join(', ')}`);
    t = torch.stack(input as Tensor[], 0);
  } else if (input instanceof Tensor) {
    t = input;
  } else {
    throw new TypeError(`makeGrid: tensor must be a Tensor or an array of tensors; got ${describe(input)}`);
  }
  const dtype = t.dtype;
  if (dtype !== 'uint8' && dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`makeGrid expects uint8, float32 or float64 images; got ${dtype}`);
  let shape = t.shape;
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length === 3) shape = [1, ...shape];
  if (shape.length !== 4 || shape.some((d) => d === 0)) {
    throw new RangeError(`makeGrid expects [H, W], [C, H, W] or [N, C, H, W] with no empty side; got shape [${t.shape.join(', ')}]`);
  }
  const device = String(t.device);
  let data = (device === 'cpu' ? t : t.to('cpu')).toTypedArray() as Pixels;
  const [n, , h, w] = shape;
  let c = shape[1];
  if (c === 1) {
    // One channel becomes three (torch.cat((t, t, t))), as torchvision does.
    const plane = h * w;
    const out = new (data.constructor as new (n: number) => Pixels)(n * 3 * plane);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out.set(data.subarray(i * plane, (i + 1) * plane), (i * 3 + k) * plane);
    data = out;
    c = 3;
  } else {
    data = data.slice();
  }
  return { data, dtype, n, c, h, w, device };
}

/** torchvision's norm_ip in the tensor's precision: clamp to [low, high], subtract low, divide by max(high - low, 1e-5). */
function normalizeRange(data: Pixels, from: number, to: number, range: [number, number] | undefined, f32: boolean): void {
  let low: number;
  let high: number;
  if (range) [low, high] = range;
  else {
    low = Infinity;
    high = -Infinity;
    for (let i = from; i < to; i++) { if (data[i] < low) low = data[i]; if (data[i] > high) high = data[i]; }
  }
  const r = f32 ? Math.fround : (x: number): number => x;
  const lo = r(low);
  const hi = r(high);
  const d = r(Math.max(high - low, 1e-5));
  for (let i = from; i < to; i++) {
    const v = data[i] < lo ? lo : data[i] > hi ? hi : data[i];
    data[i] = r(r(v - lo) / d);
  }
}

/**
 * Tiles a batch of images [N, C, H, W] (or an array of [C, H, W] tensors) into one image tensor [C, H', W'], `nrow`
 * per row with `padding` pixels of `padValue` between and around them; optionally normalised to [0, 1]. One-channel
 * images become three channels; a batch of one is returned without padding, as torchvision does.
 * Mirrors torchvision.utils.make_grid.
 * @throws TypeError for an input that is not a tensor (or array of them), a dtype other than uint8/float32/float64,
 *   normalize on uint8, or a bad option; RangeError for another shape or differently shaped tensors in the list.
 */
export function makeGrid(tensor: Tensor | Tensor[], options: MakeGridOptions = {}): Tensor {
  const o = check.options(options, 'makeGrid options', GRID_KEYS);
  const nrow = check.int(o.nrow ?? 8, 'nrow', { min: 1 });
  const padding = check.int(o.padding ?? 2, 'padding', { min: 0 });
  const normalize = o.normalize === undefined ? false : check.bool(o.normalize, 'normalize');
  const scaleEach = o.scaleEach === undefined ? false : check.bool(o.scaleEach, 'scaleEach');
  const padValue = check.number(o.padValue ?? 0, 'padValue');
  let range: [number, number] | undefined;
  if (o.valueRange !== undefined && o.valueRange !== null) {
    const [lo, hi] = check.numbers(o.valueRange, 'valueRange', { length: 2 });
    range = [lo, hi];
  }
  const b = batchOf(tensor);
  const { data, dtype, n, c, h, w } = b;
  if (normalize) {
    if (dtype === 'uint8') throw new TypeError('makeGrid: normalize needs a float tensor; got uint8 (use transforms.ConvertImageDtype() first)');
    const f32 = dtype === 'float32';
    const each = c * h * w;
    if (scaleEach) for (let i = 0; i < n; i++) normalizeRange(data, i * each, (i + 1) * each, range, f32);
    else normalizeRange(data, 0, data.length, range, f32);
  }
  const make = (arr: Pixels, shape: number[]): Tensor => {
    const t = torch.frombuffer(arr, { dtype }).reshape(shape);
    return b.device === 'cpu' ? t : t.to(b.device);
  };
  if (n === 1) return make(data, [c, h, w]);
  const xmaps = Math.min(nrow, n);
  const ymaps = Math.ceil(n / xmaps);
  const cellH = h + padding;
  const cellW = w + padding;
  const gh = cellH * ymaps + padding;
  const gw = cellW * xmaps + padding;
  const grid = new (data.constructor as new (n: number) => Pixels)(c * gh * gw);
  grid.fill(dtype === 'uint8' ? Math.trunc(padValue) & 255 : padValue);
  let k = 0;
  for (let y = 0; y < ymaps && k < n; y++) {
    for (let x = 0; x < xmaps && k < n; x++, k++) {
      for (let ch = 0; ch < c; ch++) {
        for (let row = 0; row < h; row++) {
          const src = ((k * c + ch) * h + row) * w;
          grid.set(data.subarray(src, src + w), (ch * gh + y * cellH + padding + row) * gw + x * cellW + padding);
        }
      }
    }
  }
  return make(grid, [c, gh, gw]);
}

export interface SaveImageOptions extends MakeGridOptions {
  /** 'png', 'jpeg', 'webp' or 'tiff' (default: from the file's extension). */
  format?: 'png' | 'jpeg' | 'webp' | 'tiff';
}
const FORMATS: Record<string, 'png' | 'jpeg' | 'webp' | 'tiff'> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp', '.tif': 'tiff', '.tiff': 'tiff' };

/**
 * Writes a batch (or one image) as an image file (a Promise): makeGrid(tensor, options), then float values in [0, 1]
 * are scaled to bytes as torchvision does (x * 255 + 0.5, clamped, truncated); a uint8 grid is written as is (torchvision
 * would multiply it by 255 too, wrapping around). The format comes from the extension or `format`.
 * Mirrors torchvision.utils.save_image.
 * @throws TypeError / RangeError as makeGrid, and for a path that is not a string or an unknown extension without `format`;
 *   the Promise rejects when the file cannot be written.
 */
export async function saveImage(tensor: Tensor | Tensor[], path: string, options: SaveImageOptions = {}): Promise<void> {
  check.string(path, 'path');
  const { format: fmt, ...gridOptions } = check.options(options, 'saveImage options', [...GRID_KEYS, 'format']);
  const format = fmt !== undefined ? check.oneOf(fmt, 'format', ['png', 'jpeg', 'webp', 'tiff'] as const) : FORMATS[extname(path).toLowerCase()];
  if (!format) throw new TypeError(`saveImage: cannot tell the format from '${extname(path) || path}'; give { format: 'png' | 'jpeg' | 'webp' | 'tiff' }`);
  const grid = makeGrid(tensor, gridOptions);
  const [c, h, w] = grid.shape;
  const src = grid.toTypedArray() as Pixels;
  const plane = h * w;
  const bytes = Buffer.alloc(src.length);
  const isByte = grid.dtype === 'uint8';
  const f = grid.dtype === 'float32' ? Math.fround : (x: number): number => x;
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < c; k++) {
      let v = src[k * plane + i];
      if (!isByte) {
        v = f(f(v * 255) + 0.5);
        v = Number.isNaN(v) ? 0 : v < 0 ? 0 : v > 255 ? 255 : Math.trunc(v);
      }
      bytes[i * c + k] = v;
    }
  }
  if (c < 1 || c > 4) throw new RangeError(`saveImage: the grid has ${c} channels; an image file holds 1 to 4`);
  // JPEG at PIL's default quality (75), as save_image writes it.
  const out = await sharp(bytes, { raw: { width: w, height: h, channels: c as 1 | 2 | 3 | 4 } }).toFormat(format, format === 'jpeg' ? { quality: 75 } : {}).toBuffer();
  await writeFile(path, out);
}
