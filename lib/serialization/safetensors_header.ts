// The safetensors header, read by a parser that accepts exactly its schema and nothing deeper: a flat
// JSON object of name -> { dtype, shape, data_offsets } plus an optional "__metadata__" of
// string -> string. Nothing is nested further, nothing generic is built, and the number of entries is
// capped, so a hostile header costs at most its own length in time and a bounded amount of memory.

export interface HeaderEntry { name: string; dtype: string; shape: number[]; begin: number; end: number }
export interface Header { entries: HeaderEntry[]; metadata: Record<string, string> }

const MAX_RANK = 64;
const SPACE = new Set([' ', '\t', '\n', '\r']);

/** Parses `text` (the header's JSON); `fail` throws an Error naming the file. */
export function parseHeader(text: string, maxEntries: number, fail: (what: string) => never): Header {
  let i = 0;
  const bad = (expected: string): never =>
    fail(`header: expected ${expected} at character ${i}${i < text.length ? ` (found ${JSON.stringify(text[i])})` : ' (end of header)'}`);
  const ws = (): void => { while (i < text.length && SPACE.has(text[i])) i++; };
  const take = (ch: string): boolean => {
    ws();
    if (text[i] !== ch) return false;
    i++;
    return true;
  };
  const expect = (ch: string): void => { if (!take(ch)) bad(`'${ch}'`); };
  const str = (): string => {
    ws();
    if (text[i] !== '"') bad('a string');
    const start = i++;
    let escaped = false;
    for (; i < text.length && text[i] !== '"'; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20) bad('no control character in a string');
      if (c === 0x5c) { escaped = true; i++; }
    }
    if (i >= text.length) bad('the end of a string');
    i++;
    const raw = text.slice(start, i);
    if (!escaped) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return bad('a valid string escape');
    }
  };
  const uint = (): number => {
    ws();
    const start = i;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    const n = Number(text.slice(start, i));
    if (i === start || (text[start] === '0' && i - start > 1) || !Number.isSafeInteger(n)) { i = start; bad('a non-negative integer'); }
    return n;
  };
  const uints = (max: number): number[] => {
    expect('[');
    const out: number[] = [];
    if (take(']')) return out;
    do {
      if (out.length === max) bad(`at most ${max} integers`);
      out.push(uint());
    } while (take(','));
    expect(']');
    return out;
  };
  // Calls `field` for each "key": of an object, which must consume the value.
  const object = (field: (key: string) => void): void => {
    expect('{');
    if (take('}')) return;
    do {
      const key = str();
      expect(':');
      field(key);
    } while (take(','));
    expect('}');
  };

  const entries: HeaderEntry[] = [];
  const metadata: Record<string, string> = {};
  const names = new Set<string>();
  let count = 0;
  const counted = (): void => { if (++count > maxEntries) fail(`header has more than ${maxEntries} entries (the maxEntries limit)`); };
  object((name) => {
    if (names.has(name)) fail(`header names '${name}' twice`);
    names.add(name);
    counted();
    if (name === '__metadata__') {
      ws();
      if (text.startsWith('null', i)) { i += 4; return; }
      object((k) => {
        counted();
        // defineProperty: a key such as '__proto__' stays plain data.
        Object.defineProperty(metadata, k, { value: str(), enumerable: true, writable: true, configurable: true });
      });
      return;
    }
    let dtype: string | undefined;
    let shape: number[] | undefined;
    let offsets: number[] | undefined;
    object((k) => {
      if (k === 'dtype' && dtype === undefined) dtype = str();
      else if (k === 'shape' && shape === undefined) shape = uints(MAX_RANK);
      else if (k === 'data_offsets' && offsets === undefined) offsets = uints(2);
      else fail(`tensor '${name}' has an unexpected or repeated field '${k}'`);
    });
    if (dtype === undefined || shape === undefined || offsets === undefined) fail(`tensor '${name}' needs dtype, shape and data_offsets`);
    if (offsets.length !== 2 || offsets[0] > offsets[1]) fail(`tensor '${name}' has bad data_offsets`);
    entries.push({ name, dtype, shape, begin: offsets[0], end: offsets[1] });
  });
  ws();
  if (i !== text.length) bad('the end of the header');
  return { entries, metadata };
}
