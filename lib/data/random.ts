// Seedable randomness for data loading. Math.random cannot be seeded, and torch's generator lives in
// C++ where a worker thread's draws would not line up with the main thread's; so data code draws from
// this small JS generator instead. Same seed -> same numbers on every thread and machine.
import { AsyncLocalStorage } from 'async_hooks';
import { randomBytes } from 'crypto';
import * as check from '../check';

/**
 * sfc32 seeded through splitmix32: fast, 32-bit state words, good enough statistics for augmentation.
 * Mirrors `torch.Generator` (the algorithm differs, so streams do not match PyTorch's).
 * @throws (constructor) TypeError when the seed is not a number.
 */
export class Generator {
  private a = 0; private b = 0; private c = 0; private d = 0;

  constructor(seed?: number) { this.manualSeed(seed ?? randomSeed()); }

  /**
   * Mirrors `torch.Generator.manual_seed`.
   * @throws TypeError when seed is not a number.
   */
  manualSeed(seed: number): this {
    check.number(seed, 'seed');
    // Split into two 32-bit halves so seeds above 2^32 still differ.
    let s = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b9);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    [this.a, this.b, this.c, this.d] = [next(), next(), next(), next()];
    for (let i = 0; i < 12; i++) this.uint32();
    return this;
  }

  /**
   * A uniform 32-bit unsigned integer.
   * Mirrors the raw draw of `torch.Generator` (a different algorithm).
   */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /**
   * Uniform in [0, 1).
   * Mirrors `torch.rand(1, generator=g)`.
   */
  random(): number { return this.uint32() / 2 ** 32; }
  /**
   * Uniform in [low, high).
   * Mirrors `torch.empty(1).uniform_(low, high, generator=g)`.
   */
  uniform(low: number, high: number): number { return low + (high - low) * this.random(); }
  /**
   * Integer uniform in [low, high), like torch.randint.
   * Mirrors `torch.randint(low, high, (1,), generator=g)`.
   */
  randint(low: number, high: number): number { return low + Math.floor(this.random() * (high - low)); }
  /**
   * A permutation of 0..n-1 (Fisher-Yates).
   * Mirrors `torch.randperm(n, generator=g)`.
   */
  randperm(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(0, i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

export function randomSeed(): number { return randomBytes(4).readUInt32LE(0); }

/** A seed derived from a base seed and an index: independent streams for each sample. */
export function deriveSeed(base: number, index: number): number {
  let h = Math.imul((base >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (index >>> 0), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}

// The generator random transforms draw from. DataLoader runs each sample inside `withGenerator`, so a
// sample's augmentation depends only on (epoch seed, index) — not on which thread or in which order
// concurrent samples finish. Outside a DataLoader the module-level generator (transforms.seed) is used.
const current = new AsyncLocalStorage<Generator>();
let fallback = new Generator();

export function withGenerator<T>(g: Generator, fn: () => T): T { return current.run(g, fn); }
export function currentGenerator(): Generator { return current.getStore() ?? fallback; }
/**
 * Seeds the generator used by random transforms outside a DataLoader.
 * Mirrors `torch.manual_seed` for the random transforms (torchvision's transforms draw from torch's generator).
 * @throws TypeError when n is not a number.
 */
export function seed(n: number): void { fallback = new Generator(n); }
