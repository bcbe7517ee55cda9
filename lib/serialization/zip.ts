// A minimal ZIP reader and writer for torch.save's archives: stored (uncompressed) entries, which is all
// torch.save writes (TorchScript archives also deflate their code; readZip takes those on request). The
// reader validates every offset and size against the buffer and refuses duplicate names, so a hostile
// archive ends in an Error naming the file, never a read past the end or a silently shadowed record.
import * as fs from 'fs';
import * as zlib from 'zlib';

export interface ZipEntry {
  name: string;
  /** offset of the entry's data from the start of the buffer */
  dataOffset: number;
  /** bytes stored in the file */
  size: number;
  /** 0 stored, 8 deflated */
  method: number;
  /** bytes once inflated (= size when stored) */
  uncompressedSize: number;
  crc: number;
}

const STORED = 0;
const DEFLATED = 8;
// Deflated records are code and small pickles (kilobytes); a larger claim is a decompression bomb.
const MAX_INFLATED = 1 << 28;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

export function isZip(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
}

export interface ReadZipOptions {
  /** accept deflated entries (TorchScript's code) */
  deflated?: boolean;
  /**
   * Called before each region the reader looks at (the end records, the central directory, each local
   * header), for a caller that fills `buf` lazily from a file (see jit/archive.ts).
   */
  load?: (at: number, length: number) => void;
}

/** Reads the central directory of `buf`; `file` names the source in errors. */
export function readZip(buf: Uint8Array, file: string, { deflated = false, load = () => undefined }: ReadZipOptions = {}): Map<string, ZipEntry> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const fail = (what: string): never => { throw new Error(`${file}: malformed zip archive: ${what}`); };
  const u16 = (at: number): number => (at + 2 <= buf.length ? view.getUint16(at, true) : fail(`read past the end at byte ${at}`));
  const u32 = (at: number): number => (at + 4 <= buf.length ? view.getUint32(at, true) : fail(`read past the end at byte ${at}`));
  const u64 = (at: number): number => {
    const v = u32(at) + u32(at + 4) * 2 ** 32;
    return Number.isSafeInteger(v) ? v : fail(`64-bit field at byte ${at} is too large`);
  };

  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes; scan backwards.
  load(buf.length - 22 - 0xffff - 20, 22 + 0xffff + 20);
  let eocd = -1;
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--) {
    if (buf[at] === 0x50 && buf[at + 1] === 0x4b && u32(at) === EOCD) { eocd = at; break; }
  }
  if (eocd < 0) fail('no end of central directory record (truncated file?)');
  let count = u16(eocd + 10);
  let cdSize = u32(eocd + 12);
  let cdOffset = u32(eocd + 16);
  // torch.save always writes zip64 records; their values replace the 0xFFFF.. placeholders.
  if (eocd >= 20 && u32(eocd - 20) === ZIP64_LOCATOR) {
    const rec = u64(eocd - 20 + 8);
    load(rec, 56);
    if (rec + 56 > buf.length || u32(rec) !== ZIP64_EOCD) fail('bad zip64 end of central directory record');
    count = u64(rec + 32);
    cdSize = u64(rec + 40);
    cdOffset = u64(rec + 48);
  }
  if (cdOffset + cdSize > buf.length) fail(`central directory (${cdSize} bytes at ${cdOffset}) lies past the end of the file (${buf.length} bytes)`);
  // Each central entry takes at least 46 bytes, which bounds the count a hostile file can declare.
  if (count * 46 > cdSize) fail(`${count} entries cannot fit in a central directory of ${cdSize} bytes`);

  load(cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== CENTRAL) fail(`bad central directory entry ${i} at byte ${at}`);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let size = u32(at + 20);
    const usize = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    let local = u32(at + 42);
    if (at + 46 + nameLen + extraLen + commentLen > cdOffset + cdSize) fail(`central directory entry ${i} overruns the directory`);
    const name = Buffer.from(buf.buffer, buf.byteOffset + at + 46, nameLen).toString('utf8');
    // zip64 extra field (id 1): the 64-bit values, in order, of the fields that hold 0xFFFFFFFF.
    let usize64 = usize;
    for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen;) {
      const id = u16(x);
      const len = u16(x + 2);
      if (x + 4 + len > at + 46 + nameLen + extraLen) fail(`extra field of '${name}' overruns its entry`);
      if (id === 1) {
        let p = x + 4;
        const take = (): number => { if (p + 8 > x + 4 + len) fail(`short zip64 field in '${name}'`); const v = u64(p); p += 8; return v; };
        if (usize === MAX32) usize64 = take();
        if (size === MAX32) size = take();
        if (local === MAX32) local = take();
      }
      x += 4 + len;
    }
    if (method !== STORED && !(deflated && method === DEFLATED)) {
      fail(`entry '${name}' is compressed (method ${method}); torch.save writes stored entries only`);
    }
    if (method === STORED && usize64 !== size) fail(`entry '${name}' has different stored and original sizes`);
    if (entries.has(name)) fail(`two entries are named '${name}'`);
    load(local, 30);
    if (local + 30 <= buf.length) load(local + 30, u16(local + 26) + u16(local + 28));
    if (u32(local) !== LOCAL) fail(`entry '${name}' points to byte ${local}, where there is no local header`);
    const localName = local + 30;
    if (u16(local + 26) !== nameLen || localName + nameLen > buf.length ||
      Buffer.compare(buf.subarray(localName, localName + nameLen), buf.subarray(at + 46, at + 46 + nameLen)) !== 0) {
      fail(`entry '${name}' and its local header differ in name`);
    }
    const dataOffset = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataOffset + size > buf.length) fail(`entry '${name}' (${size} bytes at ${dataOffset}) lies past the end of the file (${buf.length} bytes)`);
    entries.set(name, { name, dataOffset, size, method, uncompressedSize: usize64, crc });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * The entry's bytes, inflated when deflated (never past its declared size), after checking its CRC-32:
 * an Error naming the file when they differ.
 */
export function entryData(buf: Uint8Array, e: ZipEntry, file: string): Uint8Array {
  let data = buf.subarray(e.dataOffset, e.dataOffset + e.size);
  if (e.method === DEFLATED) {
    if (e.uncompressedSize > MAX_INFLATED) {
      throw new Error(`${file}: malformed zip archive: entry '${e.name}' would inflate to ${e.uncompressedSize} bytes (at most ${MAX_INFLATED} are read)`);
    }
    try {
      data = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize) });
    } catch (err) {
      throw new Error(`${file}: malformed zip archive: entry '${e.name}' does not inflate to its ${e.uncompressedSize} bytes (${(err as Error).message})`);
    }
    if (data.length !== e.uncompressedSize) throw new Error(`${file}: malformed zip archive: entry '${e.name}' inflates to ${data.length} bytes, not ${e.uncompressedSize}`);
  }
  if (crc32(data) !== e.crc) throw new Error(`${file}: malformed zip archive: entry '${e.name}' fails its CRC-32 check (a corrupt file)`);
  return data;
}

// zlib.crc32 exists from Node 20.15 / 22.2; older Nodes use the table below.
let crcTable: Uint32Array | undefined;
export function crc32(data: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data);
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Writes a stored-only archive to a file, one entry at a time (no second copy of the data in memory).
 * Like PyTorch's writer, each entry's data starts at a multiple of 64 bytes, so a reader can map tensors
 * straight from it; the padding goes in the local header's extra field.
 */
export class ZipWriter {
  private offset = 0;
  private central: Buffer[] = [];
  private count = 0;

  constructor(private readonly fd: number) {}

  add(name: string, data: Uint8Array): void {
    const nameBytes = Buffer.from(name, 'utf8');
    const big = this.offset >= MAX32 || data.length >= MAX32;
    const headerLen = 30 + nameBytes.length;
    // The extra field holds a zip64 record when needed, then padding (id 'FB', as PyTorch's writer does).
    const zip64Len = big ? 20 : 0;
    const pad = (64 - ((this.offset + headerLen + zip64Len + 4) % 64)) % 64;
    const extraLen = zip64Len + 4 + pad;
    const crc = crc32(data);
    const local = Buffer.alloc(headerLen + extraLen);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(big ? 45 : 20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(big ? MAX32 : data.length, 18);
    local.writeUInt32LE(big ? MAX32 : data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(extraLen, 28);
    nameBytes.copy(local, 30);
    let x = headerLen;
    if (big) {
      local.writeUInt16LE(1, x); local.writeUInt16LE(16, x + 2);
      local.writeBigUInt64LE(BigInt(data.length), x + 4); local.writeBigUInt64LE(BigInt(data.length), x + 12);
      x += 20;
    }
    local.writeUInt16LE(0x4246, x); local.writeUInt16LE(pad, x + 2);

    const cExtra = big ? 28 : 0;
    const c = Buffer.alloc(46 + nameBytes.length + cExtra);
    c.writeUInt32LE(CENTRAL, 0);
    c.writeUInt16LE(big ? 45 : 20, 4); // version made by
    c.writeUInt16LE(big ? 45 : 20, 6);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(big ? MAX32 : data.length, 20);
    c.writeUInt32LE(big ? MAX32 : data.length, 24);
    c.writeUInt16LE(nameBytes.length, 28);
    c.writeUInt16LE(cExtra, 30);
    c.writeUInt32LE(big ? MAX32 : this.offset, 42);
    nameBytes.copy(c, 46);
    if (big) {
      const e = 46 + nameBytes.length;
      c.writeUInt16LE(1, e); c.writeUInt16LE(24, e + 2);
      c.writeBigUInt64LE(BigInt(data.length), e + 4); c.writeBigUInt64LE(BigInt(data.length), e + 12);
      c.writeBigUInt64LE(BigInt(this.offset), e + 20);
    }
    this.central.push(c);
    this.count++;
    this.write(local);
    this.write(data);
  }

  /** Writes the central directory and the (zip64) end records. */
  finish(): void {
    const cdOffset = this.offset;
    for (const c of this.central) this.write(c);
    const cdSize = this.offset - cdOffset;
    // Always write zip64 end records, as PyTorch does; the classic record then holds placeholders
    // only where a value does not fit.
    const z = Buffer.alloc(56 + 20);
    z.writeUInt32LE(ZIP64_EOCD, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(45, 12); z.writeUInt16LE(45, 14);
    z.writeBigUInt64LE(BigInt(this.count), 24);
    z.writeBigUInt64LE(BigInt(this.count), 32);
    z.writeBigUInt64LE(BigInt(cdSize), 40);
    z.writeBigUInt64LE(BigInt(cdOffset), 48);
    z.writeUInt32LE(ZIP64_LOCATOR, 56);
    z.writeBigUInt64LE(BigInt(this.offset), 64);
    z.writeUInt32LE(1, 72);
    const e = Buffer.alloc(22);
    e.writeUInt32LE(EOCD, 0);
    e.writeUInt16LE(Math.min(this.count, 0xffff), 8);
    e.writeUInt16LE(Math.min(this.count, 0xffff), 10);
    e.writeUInt32LE(Math.min(cdSize, MAX32), 12);
    e.writeUInt32LE(Math.min(cdOffset, MAX32), 16);
    this.write(z);
    this.write(e);
  }

  private write(data: Uint8Array): void {
    for (let done = 0; done < data.length;) done += fs.writeSync(this.fd, data, done, Math.min(data.length - done, 1 << 30));
    this.offset += data.length;
  }
}
