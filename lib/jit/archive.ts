// Checks a TorchScript archive before libtorch parses it. libtorch's reader trusts the zip structure and
// (built without CRC checks) the bytes of every record, and a corrupt record can crash its parser; so
// the central directory, every entry's bounds and name, and the CRC-32 of every record libtorch parses
// (data.pkl, constants.pkl, code/, version, ...) are checked here first. Only the tensor records
// (<folder>/data/N), which libtorch copies as raw bytes, are left unchecked.
import * as fs from 'fs';
import { fileError, openRegular, readToEnd } from '../serialization/read_file';
import { entryData, isZip, readZip } from '../serialization/zip';

/** Throws an Error naming `path` unless it is a structurally sound TorchScript archive. */
export function checkArchive(path: string): void {
  const { fd, size } = openRegular(path);
  try {
    check(fd, size, path);
  } catch (e) {
    throw (e as Error).message.startsWith(`${path}:`) ? e : fileError(path, e);
  } finally {
    fs.closeSync(fd);
  }
}

function check(fd: number, size: number, path: string): void {
  // A zero-filled buffer as long as the file, into which only the regions checked are read: its other
  // pages (the tensors, most of a large model) are never touched, so they cost no memory and no I/O.
  const buf = size === 0 ? readToEnd(fd, path) : Buffer.alloc(size);
  const load = (at: number, length: number): void => {
    const start = Math.max(0, at);
    const end = Math.min(buf.length, at + length);
    for (let done = start; done < end;) {
      const n = fs.readSync(fd, buf, done, end - done, done);
      if (n === 0) throw new Error(`${path}: the file shrank while being read`);
      done += n;
    }
  };
  if (size !== 0) load(0, 4);
  if (!isZip(buf)) throw new Error(`${path}: not a loadable TorchScript file: not a zip archive`);
  const entries = readZip(buf, path, { deflated: true, load: size === 0 ? undefined : load });
  const pkl = [...entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new Error(`${path}: not a loadable TorchScript file: no <folder>/data.pkl record`);
  const tensorRecord = new RegExp(`^${pkl.slice(0, -'data.pkl'.length).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}data/\\d+$`);
  for (const e of entries.values()) {
    if (tensorRecord.test(e.name)) continue;
    if (size !== 0) load(e.dataOffset, e.size);
    entryData(buf, e, path);
  }
}
