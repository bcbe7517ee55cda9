// Argument checks shared by the layer constructors; messages name the parameter and what was received.

export type IntOrPair = number | [number, number];

export function int(v: unknown, what: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new TypeError(`${what} must be an integer >= ${min}; got ${String(v)}`);
  }
  return v;
}

export function intOrPair(v: unknown, what: string, min = 0): IntOrPair {
  if (Array.isArray(v) && v.length === 2) return [int(v[0], `${what}[0]`, min), int(v[1], `${what}[1]`, min)];
  if (typeof v === 'number') return int(v, what, min);
  throw new TypeError(`${what} must be an integer or a pair of integers; got ${JSON.stringify(v)}`);
}

export function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${what} must be a finite number; got ${String(v)}`);
  return v;
}

export function options<T extends object>(v: T | undefined, what: string): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${what} options must be an object`);
  return v;
}
