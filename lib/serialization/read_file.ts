// Reads a whole file for the loaders, with an error that names the file and says what it is when it
// cannot be read: a missing file, a directory, a symlink loop, a device or FIFO; files that report a
// size of 0 but have content (those under /proc) are read to their end.
import * as fs from 'fs';
import { constants as bufferConstants } from 'buffer';

// O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused once fstat says what it is); it
// changes nothing for regular files.
const FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

const WHY: Record<string, string> = {
  ENOENT: 'no such file', ELOOP: 'too many levels of symbolic links (a symlink loop?)', EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file', ENOTDIR: 'a component of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
};

/** The Error for a failed open/read of `path`: '<path>: no such file', '<path>: is a directory, ...'. */
export function fileError(path: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  return new Error(`${path}: ${(code && WHY[code]) || `cannot read: ${(e as Error).message}`}`);
}

/** Opens `path` for reading and returns its descriptor and size, refusing anything but a regular file. */
export function openRegular(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(path, FLAGS);
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const st = fs.fstatSync(fd);
    refuseIrregular(path, st);
    return { fd, size: st.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** The async form of openRegular. */
export async function openRegularAsync(path: string): Promise<{ fh: fs.promises.FileHandle; size: number }> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(path, FLAGS);
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const st = await fh.stat();
    refuseIrregular(path, st);
    return { fh, size: st.size };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

function refuseIrregular(path: string, st: fs.Stats): void {
  if (st.isDirectory()) throw new Error(`${path}: is a directory, not a file`);
  if (st.isFile()) {
    // Node.js before 22 holds at most 4 GiB in one buffer; the loaders read (or map) a file into one.
    if (st.size > bufferConstants.MAX_LENGTH) {
      throw new Error(`${path}: is ${st.size} bytes, more than this Node.js holds in one buffer ` +
        `(${bufferConstants.MAX_LENGTH}); Node.js 22 or later reads it`);
    }
    return;
  }
  const what = st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device'
    : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'not a regular file';
  throw new Error(`${path}: is ${what}, not a regular file`);
}

/** Reads a file whose size is unknown (it reports 0, like those under /proc) up to its end, or `max` bytes. */
export function readToEnd(fd: number, path: string, max = 1 << 30): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(1 << 16);
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > max) throw new Error(`${path}: reports a size of 0 but holds more than ${max} bytes`);
  }
}

/** The async form of readToEnd. */
export async function readToEndAsync(fh: fs.promises.FileHandle, path: string, max = 1 << 30): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(1 << 16);
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > max) throw new Error(`${path}: reports a size of 0 but holds more than ${max} bytes`);
  }
}

/** Reads `path` whole (the sync loaders that need no alignment: safetensors, TorchScript's check). */
export function readWhole(path: string): Buffer {
  const { fd, size } = openRegular(path);
  try {
    if (size === 0) return readToEnd(fd, path);
    const buf = Buffer.allocUnsafeSlow(size);
    for (let done = 0; done < size;) {
      const n = fs.readSync(fd, buf, done, Math.min(size - done, 1 << 30), done);
      if (n === 0) throw new Error(`${path}: the file shrank while being read`);
      done += n;
    }
    return buf;
  } catch (e) {
    throw (e as Error).message.startsWith(`${path}:`) ? e : fileError(path, e);
  } finally {
    fs.closeSync(fd);
  }
}
