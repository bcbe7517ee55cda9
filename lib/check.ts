// Argument checks for every public function (sharp's lib/is.js is the model): each message names the
// parameter, what was expected and what was received, and each kind of check is written once here.

/** A short description of a received value for error messages: 'null', 'a string ("abc")', 'Tensor'. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return v.constructor?.name ?? 'an object';
}

export interface IntBounds { min?: number; max?: number }

/** An integer within [min, max]: TypeError when not an integer, RangeError when out of bounds. */
export function int(v: unknown, name: string, { min = -Infinity, max = Infinity }: IntBounds = {}): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${name} must be an integer; got ${describe(v)}`);
  if (v < min || v > max) throw new RangeError(`${name} must be an integer${bounds(min, max)}; got ${v}`);
  return v;
}

/** A finite number within [min, max]. */
export function number(v: unknown, name: string, { min = -Infinity, max = Infinity }: IntBounds = {}): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${name} must be a number; got ${describe(v)}`);
  if (!Number.isFinite(v) || v < min || v > max) throw new RangeError(`${name} must be a finite number${bounds(min, max)}; got ${v}`);
  return v;
}

function bounds(min: number, max: number): string {
  if (min > -Infinity && max < Infinity) return ` in [${min}, ${max}]`;
  if (min > -Infinity) return ` >= ${min}`;
  if (max < Infinity) return ` <= ${max}`;
  return '';
}

/** An array of finite numbers within [min, max], of a given length when `length` is set. */
export function numbers(v: unknown, name: string, { length, ...b }: IntBounds & { length?: number } = {}): number[] {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
    throw new TypeError(`${name} must be an array of ${length === undefined ? '' : `${length} `}numbers; got ${describe(v)}`);
  }
  return v.map((x, i) => number(x, `${name}[${i}]`, b));
}

export function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean; got ${describe(v)}`);
  return v;
}

export function string(v: unknown, name: string): string {
  if (typeof v !== 'string') throw new TypeError(`${name} must be a string; got ${describe(v)}`);
  return v;
}

/** One of a fixed set of values. */
/** One of a fixed set of values; a string close to one of them ('torch.float32', 'Bilinear') gets a hint. */
export function oneOf<T extends string | number | boolean | null>(v: unknown, name: string, values: readonly T[]): T {
  if (!values.includes(v as T)) {
    const strings = values.filter((x): x is T & string => typeof x === 'string');
    const hint = typeof v === 'string' ? closest(v.replace(/^torch\./, ''), strings) : undefined;
    throw new TypeError(`${name} must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}; got ${describe(v)}`
      + (hint ? `; did you mean '${hint}'?` : ''));
  }
  return v as T;
}

export function func<T extends (...args: never[]) => unknown>(v: unknown, name: string): T {
  if (typeof v !== 'function') throw new TypeError(`${name} must be a function; got ${describe(v)}`);
  return v as T;
}

export type IntOrPair = number | [number, number];

/** An integer or a pair of integers (PyTorch's _pair arguments: kernel_size=3 or (3, 5)). */
export function intOrPair(v: unknown, name: string, b: IntBounds = {}): IntOrPair {
  if (Array.isArray(v) && v.length === 2) return [int(v[0], `${name}[0]`, b), int(v[1], `${name}[1]`, b)];
  if (typeof v === 'number') return int(v, name, b);
  throw new TypeError(`${name} must be an integer or a pair of integers; got ${describe(v)}`);
}

// Names people type from Python habit, mapped to ours where the camelCase form is not the answer.
const PYTHON_SPELLINGS: Record<string, string> = { pretrained: 'weights', num_workers: 'numWorkers' };

function camel(s: string): string { return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()); }

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The valid name closest to `given` (its camelCase form, a known Python spelling, or the nearest by edit distance). */
export function closest(given: string, valid: readonly string[]): string | undefined {
  const direct = [PYTHON_SPELLINGS[given], camel(given)].find((c) => c !== undefined && valid.includes(c));
  if (direct) return direct;
  const lower = given.toLowerCase().replace(/_/g, '');
  const byCase = valid.find((k) => k.toLowerCase() === lower);
  if (byCase) return byCase;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of valid) {
    const dist = distance(given.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return bestD <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined;
}

/**
 * An options object (or undefined) whose keys are all in `valid`. An unknown key is a TypeError naming
 * the closest valid key, so Python spellings (batch_size, pretrained) never pass silently.
 */
export function options<T extends object>(v: T | undefined, name: string, valid: readonly string[]): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${name} must be an object; got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (valid.includes(key)) continue;
    const hint = closest(key, valid);
    throw new TypeError(`${name} has no option '${key}'${hint ? `; did you mean '${hint}'?` : ''} (valid: ${valid.join(', ')})`);
  }
  return v;
}

/**
 * Makes the snake_case spelling of each camelCase member of `proto` (state_dict, requires_grad, …) throw
 * a TypeError naming the camelCase one, on read and on write, instead of reading undefined or setting a
 * property nobody reads.
 */
export function refusePythonNames(proto: object, className: string, members: readonly string[]): void {
  for (const member of members) {
    const snake = member.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snake === member || Object.prototype.hasOwnProperty.call(proto, snake)) continue;
    const fail = (): never => { throw new TypeError(`${className}.${snake} is spelled ${member} in torchvgg`); };
    Object.defineProperty(proto, snake, { get: fail, set: fail, configurable: true, enumerable: false });
  }
}

/**
 * The same checks for an optional argument: undefined or null passes through as undefined, so the
 * default that applies (PyTorch's, kept in the C++ layer) is not restated here.
 */
export const opt = {
  bool: (v: unknown, name: string): boolean | undefined => (v === undefined || v === null ? undefined : bool(v, name)),
  int: (v: unknown, name: string, b?: IntBounds): number | undefined => (v === undefined || v === null ? undefined : int(v, name, b)),
  number: (v: unknown, name: string, b?: IntBounds): number | undefined => (v === undefined || v === null ? undefined : number(v, name, b)),
  intOrPair: (v: unknown, name: string, b?: IntBounds): IntOrPair | undefined => (v === undefined || v === null ? undefined : intOrPair(v, name, b)),
};

/** Whether an ArrayBuffer can change its length (ES2024 resizable; the lib typings may predate it). */
export function isResizable(ab: ArrayBuffer): boolean {
  return (ab as { resizable?: boolean }).resizable === true;
}
