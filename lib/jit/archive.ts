// Checks a TorchScript archive before libtorch parses it. libtorch's reader trusts the zip structure and
// (built without CRC checks) the bytes of every record, and a corrupt record can crash its parser; so
// the central directory, every entry's bounds and name, and the CRC-32 of every record libtorch parses
// (data.pkl, constants.pkl, code/, version, ...) are checked here first. Only the tensor records
// (<folder>/data/N), which libtorch copies as raw bytes, are left unchecked.
import { readWhole } from '../serialization/read_file';
import { entryData, isZip, readZip } from '../serialization/zip';

/** Throws an Error naming `path` unless it is a structurally sound TorchScript archive. */
export function checkArchive(path: string): void {
  const buf = readWhole(path);
  if (!isZip(buf)) throw new Error(`${path}: not a loadable TorchScript file: not a zip archive`);
  const entries = readZip(buf, path, { deflated: true });
  const pkl = [...entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new Error(`${path}: not a loadable TorchScript file: no <folder>/data.pkl record`);
  const tensorRecord = new RegExp(`^${pkl.slice(0, -'data.pkl'.length).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}data/\\d+$`);
  for (const e of entries.values()) {
    if (!tensorRecord.test(e.name)) entryData(buf, e, path);
  }
}
