// torchvision.io: readImage/decodeImage to uint8 [C, H, W] tensors, encodePng/encodeJpeg, writePng/writeJpeg, readFile/writeFile — over sharp, off the main thread (Promises).
import { writeFile as fsWriteFile } from 'fs/promises';
import sharp from 'sharp';
import * as torch from '../torch/factories';
import { Tensor } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { decodeBytes, DecodeMode, IMAGE_LIMIT_KEYS, ImageLimits, imageLimits, readBounded } from '../transforms/image';
import { pilToTensor, toBuffer } from '../transforms/functional';

/**
 * How channels are converted when decoding: UNCHANGED keeps what the file stores (1 grey, 2 grey + alpha, 3 RGB,
 * 4 RGBA); the others convert. GRAY uses PIL's convert('L') luma (ITU-R 601-2) for every format (torchvision's depends
 * on the codec: libpng's weights differ), and GRAY_ALPHA / RGB_ALPHA always give 2 / 4 channels (alpha 255 when the
 * file has none; torchvision 0.14 returns a grey PNG without alpha unchanged).
 * Mirrors torchvision.io.ImageReadMode.
 */
export const ImageReadMode = Object.freeze({
  UNCHANGED: 'UNCHANGED', GRAY: 'GRAY', GRAY_ALPHA: 'GRAY_ALPHA', RGB: 'RGB', RGB_ALPHA: 'RGB_ALPHA',
} as const);
export type ImageReadMode = DecodeMode;
const MODES: readonly DecodeMode[] = Object.values(ImageReadMode);

export interface ReadImageOptions extends ImageLimits {
  /** Channel conversion (default 'UNCHANGED'). */
  mode?: ImageReadMode;
}

/** Bytes of an image from a Buffer, a Uint8Array or a 1-D uint8 tensor (what readFile returns). */
function bytesOf(input: unknown, name: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof Tensor) {
    if (input.dtype !== 'uint8' || input.dim() !== 1) {
      throw new TypeError(`${name} must be a 1-D uint8 tensor of encoded bytes; got ${input.dtype} of shape [${input.shape.join(', ')}]`);
    }
    return input.toTypedArray() as Uint8Array;
  }
  throw new TypeError(`${name} must be a Buffer, a Uint8Array or a 1-D uint8 tensor; got ${describe(input)}`);
}

function decodeOptions(options: unknown, who: string): { mode: DecodeMode; maxPixels: number; maxBytes: number } {
  const o = check.options(options as ReadImageOptions | undefined, `${who} options`, ['mode', ...IMAGE_LIMIT_KEYS]);
  const mode = o.mode === undefined ? 'UNCHANGED' : check.oneOf(o.mode, 'mode', MODES);
  return { mode, ...imageLimits(o) };
}

/**
 * Decodes a JPEG, PNG, WebP, TIFF or GIF (its bytes) into a uint8 tensor [C, H, W]. The decoding runs on sharp's
 * threads; the Promise settles on the main thread. An image of more than `maxPixels` pixels is refused from its
 * header, before any pixel is decoded.
 * Mirrors torchvision.io.decode_image.
 * @throws TypeError (the Promise rejects) for an input that is not bytes, or a bad option.
 * @throws Error (the Promise rejects) "cannot decode image <buffer>: ..." for a corrupt, truncated or unknown file, or too many pixels.
 */
export async function decodeImage(input: Buffer | Uint8Array | Tensor, options: ReadImageOptions = {}): Promise<Tensor> {
  const bytes = bytesOf(input, 'input');
  const { mode, maxPixels, maxBytes } = decodeOptions(options, 'decodeImage');
  if (bytes.length > maxBytes) throw new RangeError(`decodeImage: the input has ${bytes.length} bytes, more than maxBytes (${maxBytes})`);
  try {
    return pilToTensor(await decodeBytes(bytes, mode, maxPixels));
  } catch (e) {
    throw new Error(`cannot decode image <buffer>: ${(e as Error).message}`);
  }
}

/**
 * Reads and decodes an image file into a uint8 tensor [C, H, W] (a Promise). Only regular files of at most `maxBytes`
 * (default 128 MiB) are read; images of more than `maxPixels` are refused from their header.
 * Mirrors torchvision.io.read_image.
 * @throws TypeError (the Promise rejects) for a path that is not a string, or a bad option.
 * @throws Error (the Promise rejects) "cannot decode image <path>: ..." for a missing, non-regular, too large, corrupt or non-image file.
 */
export async function readImage(path: string, options: ReadImageOptions = {}): Promise<Tensor> {
  check.string(path, 'path');
  const { mode, maxPixels, maxBytes } = decodeOptions(options, 'readImage');
  try {
    return pilToTensor(await decodeBytes(await readBounded(path, maxBytes), mode, maxPixels));
  } catch (e) {
    throw new Error(`cannot decode image ${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads a file's bytes into a 1-D uint8 tensor (a Promise), at most `maxBytes` (default 128 MiB), regular files only.
 * Mirrors torchvision.io.read_file.
 * @throws TypeError for a path that is not a string; Error (rejects) naming the file when it cannot be read.
 */
export async function readFile(path: string, options: { maxBytes?: number } = {}): Promise<Tensor> {
  check.string(path, 'path');
  const o = check.options(options, 'readFile options', ['maxBytes']);
  const { maxBytes } = imageLimits({ maxBytes: o.maxBytes });
  let bytes: Buffer;
  try {
    bytes = await readBounded(path, maxBytes);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  return torch.frombuffer(Uint8Array.from(bytes), { dtype: 'uint8' });
}

/**
 * Writes a 1-D uint8 tensor's bytes to a file (a Promise).
 * Mirrors torchvision.io.write_file.
 * @throws TypeError for a path that is not a string or data that is not a 1-D uint8 tensor.
 */
export async function writeFile(path: string, data: Tensor): Promise<void> {
  check.string(path, 'path');
  await fsWriteFile(path, bytesOf(data, 'data'));
}

/** A uint8 [C, H, W] tensor with an allowed channel count, as sharp's raw input. */
function rawImage(input: unknown, who: string, channels: number[]): { data: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4 } {
  if (!(input instanceof Tensor)) throw new TypeError(`${who} expects a uint8 tensor [C, H, W]; got ${describe(input)}`);
  if (input.dtype !== 'uint8') throw new TypeError(`${who} expects a uint8 tensor [C, H, W]; got ${input.dtype} (use transforms.ConvertImageDtype('uint8') first)`);
  const shape = input.shape;
  if (shape.length !== 3 || !channels.includes(shape[0]) || shape[1] < 1 || shape[2] < 1) {
    throw new RangeError(`${who} expects a uint8 tensor [C, H, W] with C in {${channels.join(', ')}} and no empty side; got shape [${shape.join(', ')}]`);
  }
  const r = toBuffer(input);
  return { ...r, channels: r.channels as 1 | 2 | 3 | 4 };
}

/** sharp over raw pixels; 1 and 2 channels are written as grey (+ alpha), not expanded to RGB. */
function rawPipeline({ data, ...raw }: ReturnType<typeof rawImage>): sharp.Sharp {
  const p = sharp(data, { raw });
  return raw.channels <= 2 ? p.toColourspace('b-w') : p;
}

/**
 * Encodes a uint8 tensor [C, H, W] (1 to 4 channels) as PNG bytes (a Promise of a Buffer), losslessly.
 * Mirrors torchvision.io.encode_png.
 * @throws TypeError for a non-uint8 tensor or another value; RangeError for another shape or compressionLevel outside 0..9.
 */
export async function encodePng(input: Tensor, options: { compressionLevel?: number } = {}): Promise<Buffer> {
  const o = check.options(options, 'encodePng options', ['compressionLevel']);
  const compressionLevel = check.int(o.compressionLevel ?? 6, 'compressionLevel', { min: 0, max: 9 });
  return rawPipeline(rawImage(input, 'encodePng', [1, 2, 3, 4])).png({ compressionLevel }).toBuffer();
}

/**
 * Encodes a uint8 tensor [C, H, W] (1 or 3 channels) as JPEG bytes (a Promise of a Buffer) at `quality` 1..100 (default 75).
 * Mirrors torchvision.io.encode_jpeg.
 * @throws TypeError for a non-uint8 tensor or another value; RangeError for another shape or a quality outside 1..100.
 */
export async function encodeJpeg(input: Tensor, options: { quality?: number } = {}): Promise<Buffer> {
  const o = check.options(options, 'encodeJpeg options', ['quality']);
  const quality = check.int(o.quality ?? 75, 'quality', { min: 1, max: 100 });
  return rawPipeline(rawImage(input, 'encodeJpeg', [1, 3])).jpeg({ quality }).toBuffer();
}

/**
 * Encodes a uint8 tensor [C, H, W] as PNG and writes it to `path` (a Promise).
 * Mirrors torchvision.io.write_png.
 * @throws as encodePng, and TypeError for a path that is not a string; rejects when the file cannot be written.
 */
export async function writePng(input: Tensor, path: string, options: { compressionLevel?: number } = {}): Promise<void> {
  check.string(path, 'path');
  await fsWriteFile(path, await encodePng(input, options));
}

/**
 * Encodes a uint8 tensor [C, H, W] as JPEG and writes it to `path` (a Promise).
 * Mirrors torchvision.io.write_jpeg.
 * @throws as encodeJpeg, and TypeError for a path that is not a string; rejects when the file cannot be written.
 */
export async function writeJpeg(input: Tensor, path: string, options: { quality?: number } = {}): Promise<void> {
  check.string(path, 'path');
  await fsWriteFile(path, await encodeJpeg(input, options));
}
