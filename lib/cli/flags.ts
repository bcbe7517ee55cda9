// Command-line flags: parsing `--key value` / `--key=value`, and typed, bounded reads whose errors name the flag and say what is valid.
import * as fs from 'fs';
import * as path from 'path';
import { closest } from '../check';

export type Flags = Record<string, string | boolean>;

/**
 * Splits argv into the command, its flags and the other arguments. `known` lists each command's flags
 * (an unknown one is an error naming the closest); `switches` take no value. A flag given twice is an error.
 */
export function parseArgs(argv: string[], known: Record<string, string[]>, switches: ReadonlySet<string>): { command: string; flags: Flags; rest: string[] } {
  const [command = 'help', ...args] = argv;
  const flags: Flags = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { rest.push(a); continue; }
    const eq = a.indexOf('=');
    const key = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (known[command] && !known[command].includes(key)) {
      const hint = closest(key, known[command]);
      throw new Error(`${command} has no flag --${key}${hint ? `; did you mean --${hint}?` : ''} (see torchvgg help)`);
    }
    if (Object.prototype.hasOwnProperty.call(flags, key)) throw new Error(`--${key} is given twice`);
    if (eq >= 0) flags[key] = a.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--') && !switches.has(key)) flags[key] = args[++i];
    else flags[key] = true;
  }
  return { command, flags, rest };
}

/** A flag's string value, `fallback` when absent; an error when given without a value. */
export function str(flags: Flags, key: string, fallback?: string): string | undefined {
  const v = flags[key];
  if (v === undefined) return fallback;
  if (v === true || v === '') throw new Error(`--${key} needs a value`);
  return v as string;
}

export function required(flags: Flags, key: string, what: string): string {
  const v = str(flags, key);
  if (v === undefined) throw new Error(`--${key} ${what} is required`);
  return v;
}

export interface Range { min: number; max: number; integer?: boolean; maxExclusive?: boolean }

/** A number flag within [min, max] (or [min, max) with maxExclusive); integer unless integer: false. */
export function num(flags: Flags, key: string, fallback: number, { min, max, integer = true, maxExclusive = false }: Range): number {
  const raw = str(flags, key);
  if (raw === undefined) return fallback;
  const v = raw.trim() === '' ? NaN : Number(raw);
  const inRange = v >= min && (maxExclusive ? v < max : v <= max);
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)) || !inRange) {
    throw new Error(`--${key} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}${maxExclusive ? ')' : ']'}; got ${raw}`);
  }
  return v;
}

/** One of `values`; the error lists them all (and the closest, when one is close). */
export function choice<T extends string>(flags: Flags, key: string, fallback: T, values: readonly T[]): T {
  const v = str(flags, key, fallback) as string;
  if (!values.includes(v as T)) {
    const hint = closest(v, values);
    throw new Error(`--${key} must be one of ${values.join(', ')}; got ${v}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  return v as T;
}

/**
 * Checks, before any work, that `file` can be written, by opening it for appending (which changes
 * nothing in an existing file) and removing it again if it did not exist. access() would not do: it
 * says yes to root everywhere, /proc and read-only mounts included.
 */
export function checkWritable(key: string, file: string): void {
  let st: fs.Stats | undefined;
  try { st = fs.statSync(file); } catch { st = undefined; }
  if (st && !st.isFile()) throw new Error(`--${key} ${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; give a file name`);
  let fd: number;
  try {
    fd = fs.openSync(file, 'a');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const dir = path.dirname(path.resolve(file));
    const why = err.code === 'ENOENT' ? (fs.existsSync(dir) ? `no file can be created in ${dir}` : `its folder ${dir} does not exist`)
      : err.code === 'ENOTDIR' ? `${dir} is not a folder` : err.message.replace(/, open .*$/, '');
    throw new Error(`--${key} ${file} cannot be written: ${why}`);
  }
  fs.closeSync(fd);
  if (!st) fs.unlinkSync(file);
}
