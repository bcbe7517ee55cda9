// Decoded images: the Image class, and readImage with its limits (regular files only, a file size cap, a pixel cap checked from the header).
import { open } from 'fs/promises';
import { constants } from 'fs';
import sharp from 'sharp';
import * as check from '../check';
import { describe } from '../check';

/** Decoded pixels: `data` is height × width × channels bytes (HWC, rows top to bottom). */
export class Image {
  constructor(readonly data: Uint8Array, readonly width: number, readonly height: number, readonly channels: number) {
    for (const [v, n] of [[width, 'width'], [height, 'height'], [channels, 'channels']] as const) check.int(v, n, { min: 1 });
    if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
      throw new RangeError(`Image data must be a Uint8Array of width*height*channels = ${width * height * channels} bytes; `
        + `got ${data instanceof Uint8Array ? data.length + ' bytes' : describe(data)}`);
    }
  }
  /** [channels, height, width], like torchvision's get_dimensions. */
  get shape(): number[] { return [this.channels, this.height, this.width]; }
}

/**
 * The most pixels an image may have: PIL refuses more than 2 × Image.MAX_IMAGE_PIXELS (89,478,485) as a
 * decompression bomb, and so do we (sharp's own default, 268 megapixels, is looser). Checked from the
 * header, before any pixel is decoded.
 */
export const MAX_IMAGE_PIXELS = 2 * 89_478_485;
/** The largest image file read: 128 MiB. */
export const MAX_IMAGE_BYTES = 128 * 2 ** 20;

export interface ImageLimits {
  /** Refuse images with more pixels than this (default MAX_IMAGE_PIXELS, 178,956,970). */
  maxPixels?: number;
  /** Refuse image files larger than this many bytes (default MAX_IMAGE_BYTES, 128 MiB). */
  maxBytes?: number;
}
export const IMAGE_LIMIT_KEYS = ['maxPixels', 'maxBytes'] as const;

export interface ReadImageOptions extends ImageLimits {
  mode?: 'RGB';
}

/** The limits of an options object, checked, with the defaults filled in. */
export function imageLimits(o: ImageLimits): Required<ImageLimits> {
  return {
    maxPixels: o.maxPixels === undefined ? MAX_IMAGE_PIXELS : check.int(o.maxPixels, 'maxPixels', { min: 1, max: Number.MAX_SAFE_INTEGER }),
    maxBytes: o.maxBytes === undefined ? MAX_IMAGE_BYTES : check.int(o.maxBytes, 'maxBytes', { min: 1, max: 2 ** 31 - 1 }),
  };
}

function kind(s: import('fs').Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  return 'something other than a regular file';
}

/**
 * @internal Reads a regular file of at most maxBytes. O_NONBLOCK so that opening a FIFO does not wait for a
 * writer; the size is checked before reading and again while reading (files under /proc report 0).
 */
export async function readBounded(file: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`is ${kind(st)}, not an image file`);
    const tooBig = (): Error => new Error(`the file is larger than maxBytes (${maxBytes} bytes)`);
    if (st.size > maxBytes) throw tooBig();
    let buf = Buffer.allocUnsafe(Math.min(Math.max(st.size + 1, 1 << 16), maxBytes + 1));
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > maxBytes) throw tooBig();
        buf = Buffer.concat([buf], Math.min(2 * buf.length, maxBytes + 1));
      }
      const { bytesRead } = await fh.read(buf, total, buf.length - total, null);
      if (bytesRead === 0) return buf.subarray(0, total);
      total += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Decodes a JPEG, PNG, WebP, TIFF or GIF file (or its bytes). Channels are kept as stored (1 for grey,
 * 4 with alpha), like PIL's Image.open; `{ mode: 'RGB' }` converts like PIL's convert('RGB'), which is
 * what ImageFolder's loader does. EXIF orientation is ignored, as in PIL. Only regular files are read,
 * up to `maxBytes`; an image of more than `maxPixels` pixels is refused from its header. Errors name the file.
 */
export async function readImage(input: string | Buffer, options: ReadImageOptions = {}): Promise<Image> {
  const name = typeof input === 'string' ? input : '<buffer>';
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) {
    throw new TypeError(`input must be a file path or a Buffer; got ${describe(input)}`);
  }
  const o = check.options(options, 'readImage options', ['mode', ...IMAGE_LIMIT_KEYS]);
  if (o.mode !== undefined) check.oneOf(o.mode, 'mode', ['RGB']);
  const { maxPixels, maxBytes } = imageLimits(o);
  try {
    const bytes = typeof input === 'string' ? await readBounded(input, maxBytes) : input;
    return await decodeBytes(bytes, o.mode === 'RGB' ? 'RGB' : 'UNCHANGED', maxPixels);
  } catch (e) {
    throw new Error(`cannot decode image ${name}: ${(e as Error).message}`);
  }
}

/** How decoded channels are converted: torchvision.io.ImageReadMode's names. */
export type DecodeMode = 'UNCHANGED' | 'GRAY' | 'GRAY_ALPHA' | 'RGB' | 'RGB_ALPHA';

/**
 * @internal Decodes image bytes with sharp, refusing more than maxPixels from the header before any pixel is decoded.
 * UNCHANGED keeps the stored channels (grey stays grey); the other modes convert.
 */
export async function decodeBytes(bytes: Uint8Array, mode: DecodeMode, maxPixels: number): Promise<Image> {
  // The header alone (no pixel is decoded) says how big the image is; the decoder keeps the limit too.
  const meta = await sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata();
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > maxPixels) {
    throw new Error(`${meta.width}x${meta.height} is ${pixels} pixels, more than maxPixels (${maxPixels}): `
      + 'refusing a possible decompression bomb');
  }
  let p = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels });
  // Grey + alpha kept as stored (PIL's 'LA'): libvips' b-w output drops alpha, so it is taken from RGBA below.
  const greyAlpha = mode === 'UNCHANGED' && meta.channels === 2;
  const grey = mode === 'GRAY' || mode === 'GRAY_ALPHA' || greyAlpha;
  if (mode === 'RGB') p = p.removeAlpha().toColourspace('srgb');
  else if (mode === 'RGB_ALPHA' || grey) p = p.toColourspace('srgb').ensureAlpha();
  // sharp's output is sRGB by default; keep grey images grey, as PIL's 'L' mode is.
  else if ((meta.channels ?? 3) === 1) p = p.toColourspace('b-w');
  const { data, info } = await p.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (!grey) return new Image(data, info.width, info.height, info.channels);
  // Grey from RGBA with PIL's convert('L') arithmetic (ITU-R 601-2 luma, 16-bit fixed point); a grey source stays exact.
  const n = info.width * info.height;
  const c = mode === 'GRAY' ? 1 : 2; // GRAY_ALPHA, or UNCHANGED grey + alpha
  const out = new Uint8Array(n * c);
  for (let i = 0; i < n; i++) {
    const j = i * 4;
    out[i * c] = (data[j] * 19595 + data[j + 1] * 38470 + data[j + 2] * 7471 + 0x8000) >>> 16;
    if (c === 2) out[i * 2 + 1] = data[j + 3];
  }
  return new Image(out, info.width, info.height, c);
}
