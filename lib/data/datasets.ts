// Map-style datasets: ImageFolder (torchvision's), Subset and randomSplit (torch.utils.data's).
// A dataset is anything with `length` and `get(i) -> Promise<[input, label]>`; `classes` is optional.
// Built-in datasets describe themselves with toJSON() so DataLoader worker threads can rebuild them.
import * as fs from 'fs';
import * as path from 'path';
import * as check from '../check';
import { describe } from '../check';
import { readImage, Transform, TransformSpec, fromJSON as transformFromJSON } from '../transforms/transforms';
import { IMAGE_LIMIT_KEYS, ImageLimits, imageLimits } from '../transforms/image';
import { Generator, randomSeed } from './random';

/** A map-style dataset: `length` and an async `get(i)` giving [sample, label]. Mirrors `torch.utils.data.Dataset`. */
export interface Dataset<T = unknown> {
  readonly length: number;
  get(index: number): Promise<[T, number]>;
  readonly classes?: string[];
  /** A plain description a worker thread can rebuild the dataset from (see datasets.fromJSON). */
  toJSON?(): DatasetSpec;
}

/** The plain description of a dataset that a DataLoader worker thread rebuilds it from. */
export interface DatasetSpec { type: string; [key: string]: unknown }

// A dataset's transform takes whatever its items are: the item type is not known here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTransform = Transform<any, any> | ((x: any) => unknown);

/** A sample index of a dataset of `length` samples. */
export function checkIndex(index: unknown, length: number, who: string): number {
  return check.int(index, `${who} index`, { min: 0, max: length - 1 });
}

/**
 * The most samples a dataset may have: an epoch's sample order is a JS array of that many numbers, and
 * a larger `length` (1e300 from a bad count) would make it run out of memory rather than fail.
 */
export const MAX_SAMPLES = 2 ** 30;

/** A map-style dataset: anything with an integer `length` in [0, MAX_SAMPLES] and a get(i) method. */
export function checkDataset(v: unknown, name = 'dataset'): Dataset {
  const d = v as Dataset;
  if (!d || typeof d.get !== 'function' || !Number.isInteger(d.length)) throw new TypeError(`${name} must have a length and get(i); got ${describe(v)}`);
  check.int(d.length, `${name} length`, { min: 0, max: MAX_SAMPLES });
  return d;
}

export function transformJSON(t: AnyTransform | undefined, who: string): TransformSpec | null {
  if (t === undefined) return null;
  if (t instanceof Transform) return t.toJSON();
  throw new TypeError(`${who} is a plain function, which cannot be sent to a worker thread; use numWorkers: 0, or torchvgg transforms`);
}

/**
 * torchvision's IMG_EXTENSIONS. .bmp/.ppm/.pgm are listed (so samples match torchvision) but sharp cannot decode them.
 * Mirrors `torchvision.datasets.folder.IMG_EXTENSIONS`.
 */
export const IMG_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'];

/** Options of {@link ImageFolder}, torchvision's keyword arguments in camelCase, plus image size limits. */
export interface ImageFolderOptions extends ImageLimits {
  transform?: AnyTransform;
  targetTransform?: (label: number) => number;
}

/**
 * ImageFolder(root, { transform, targetTransform }): root/<class>/**\/<image>. Classes are the sorted
 * folder names; samples are walked like torchvision (folders sorted by path, files sorted in each), so
 * index i is the same file in Python. Images are decoded as RGB. An empty or unreadable folder throws
 * here; a corrupt image throws from get() with the file's path (it is not skipped: a silently smaller
 * dataset hides broken data). Links are followed, but each real folder is walked once per class (a link
 * to `.` does not loop); `maxPixels` and `maxBytes` bound each image as in readImage.
 * Mirrors `torchvision.datasets.ImageFolder`.
 * @throws (constructor) TypeError for a non-string root or an unknown or mistyped option; Error naming the folder
 * when it is missing, unreadable or holds no class folders with images.
 */
export class ImageFolder implements Dataset {
  readonly root: string;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  readonly samples: [string, number][];
  readonly transform?: AnyTransform;
  readonly targetTransform?: (label: number) => number;
  readonly limits: Required<ImageLimits>;

  /** `scanned`: the lists a worker thread receives, so both threads index the same files. */
  constructor(root: string, options: ImageFolderOptions = {}, scanned?: { samples: [string, number][]; classes: string[] }) {
    this.root = check.string(root, 'root');
    const o = check.options(options, 'ImageFolder options', ['transform', 'targetTransform', ...IMAGE_LIMIT_KEYS]);
    this.limits = imageLimits(o);
    this.transform = o.transform === undefined ? undefined : check.func(o.transform, 'transform');
    this.targetTransform = o.targetTransform === undefined ? undefined : check.func(o.targetTransform, 'targetTransform');
    this.classes = scanned?.classes ?? findClasses(root);
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    this.samples = scanned?.samples ?? makeSamples(root, this.classes);
  }

  /** The number of samples. Mirrors `len(dataset)`. */
  get length(): number { return this.samples.length; }
  /** The label of every sample, in order. Mirrors `ImageFolder.targets`. */
  get targets(): number[] { return this.samples.map((s) => s[1]); }

  /**
   * The sample at `index`: [transform(image), label]. Mirrors `ImageFolder.__getitem__`.
   * @throws Rejects with TypeError or RangeError for a bad index; Error naming the file for an image that cannot
   * be read or decoded, or exceeds the size limits; what the transform throws.
   */
  async get(index: number): Promise<[unknown, number]> {
    const [file, label] = this.samples[checkIndex(index, this.length, 'ImageFolder')];
    const img = await readImage(file, { mode: 'RGB', ...this.limits });
    return [this.transform ? await this.transform(img) : img, this.targetTransform ? this.targetTransform(label) : label];
  }

  /**
   * The description a DataLoader worker thread rebuilds this dataset from (see {@link fromJSON}). torchvgg's own.
   * @throws TypeError when targetTransform is set (a function cannot be sent to a worker thread).
   */
  toJSON(): DatasetSpec {
    if (this.targetTransform) throw new TypeError('ImageFolder: targetTransform is a function, which cannot be sent to a worker thread; use numWorkers: 0');
    return { type: 'ImageFolder', root: this.root, classes: this.classes, samples: this.samples, limits: this.limits,
      transform: transformJSON(this.transform, 'ImageFolder transform') };
  }
}

// dataset.class_to_idx, dataset.target_transform: a TypeError naming the camelCase member.
check.refusePythonNames(ImageFolder.prototype, 'ImageFolder', ['classToIdx', 'targetTransform']);

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new Error(`ImageFolder: cannot read folder ${dir}: ${(e as Error).message}`);
  }
}

// Dirents that are symlinks count as what they point to (torchvision follows links).
function isDir(dir: string, e: fs.Dirent): boolean {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try { return fs.statSync(path.join(dir, e.name)).isDirectory(); } catch { return false; }
}

// JS string order is UTF-16 code units; Python's is code points. They differ only past U+FFFF.
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function findClasses(root: string): string[] {
  const classes = readDir(root).filter((e) => isDir(root, e)).map((e) => e.name).sort(byString);
  if (classes.length === 0) throw new Error(`ImageFolder: couldn't find any class folder in ${root}`);
  return classes;
}

function realpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch (e) {
    throw new Error(`ImageFolder: cannot read folder ${dir}: ${(e as Error).message}`);
  }
}

// Every folder under `top` (itself included) with its entries, each real folder once: a link to a
// folder already seen (`.`, a parent, a sibling) is not walked again, so no link can make this loop
// or grow exponentially. Real subfolders are walked before links, so a folder reachable both ways keeps
// its real path, and a dataset without links lists exactly what torchvision lists.
function walkOnce(top: string): [string, fs.Dirent[]][] {
  const seen = new Set<string>();
  const out: [string, fs.Dirent[]][] = [];
  const folders = [top];
  const links: string[] = [];
  while (folders.length || links.length) {
    const dir = (folders.length ? folders.pop() : links.shift()) as string;
    const real = realpath(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    const entries = readDir(dir).sort((a, b) => byString(a.name, b.name));
    out.push([dir, entries]);
    for (const e of entries) {
      if (e.isDirectory()) folders.push(path.join(dir, e.name));
      else if (isDir(dir, e)) links.push(path.join(dir, e.name));
    }
  }
  return out;
}

function makeSamples(root: string, classes: string[]): [string, number][] {
  const samples: [string, number][] = [];
  const empty: string[] = [];
  classes.forEach((cls, label) => {
    // torchvision sorts os.walk's (folder, dirs, files) tuples, i.e. every folder by its full path.
    const folders = walkOnce(path.join(root, cls)).sort((a, b) => byString(a[0], b[0]));
    const before = samples.length;
    for (const [dir, entries] of folders) {
      for (const e of entries) {
        if (isDir(dir, e)) continue;
        if (IMG_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) samples.push([path.join(dir, e.name), label]);
      }
    }
    if (samples.length === before) empty.push(path.join(root, cls));
  });
  if (empty.length) {
    throw new Error(`ImageFolder: found no valid image in ${empty.join(', ')}. Supported extensions are: ${IMG_EXTENSIONS.join(', ')}`);
  }
  return samples;
}

/**
 * Subset(dataset, indices): the samples of `dataset` at `indices`, in that order.
 * Mirrors `torch.utils.data.Subset`.
 * @throws (constructor) TypeError when dataset is not a dataset or indices not an array of integers; RangeError for an
 * index outside the dataset.
 */
export class Subset<T = unknown> implements Dataset<T> {
  readonly indices: number[];
  constructor(readonly dataset: Dataset<T>, indices: number[]) {
    checkDataset(dataset);
    if (!Array.isArray(indices)) throw new TypeError(`indices must be an array of integers; got ${describe(indices)}`);
    indices.forEach((i) => checkIndex(i, dataset.length, 'Subset'));
    this.indices = [...indices];
  }
  /** The number of samples. Mirrors `len(subset)`. */
  get length(): number { return this.indices.length; }
  /** The underlying dataset's class names. */
  get classes(): string[] | undefined { return this.dataset.classes; }
  /**
   * The sample at `indices[index]` of the underlying dataset. Mirrors `Subset.__getitem__`.
   * @throws TypeError or RangeError for a bad index; what the dataset's get() throws.
   */
  get(index: number): Promise<[T, number]> { return this.dataset.get(this.indices[checkIndex(index, this.length, 'Subset')]); }
  /**
   * The description a DataLoader worker thread rebuilds this subset from. torchvgg's own.
   * @throws TypeError when the underlying dataset has no toJSON().
   */
  toJSON(): DatasetSpec {
    if (typeof this.dataset.toJSON !== 'function') {
      throw new TypeError(`Subset: its dataset (${describe(this.dataset)}) has no toJSON(), so it cannot be sent to a worker thread; use numWorkers: 0`);
    }
    return { type: 'Subset', dataset: this.dataset.toJSON(), indices: this.indices };
  }
}

/**
 * randomSplit(dataset, lengths, seed?): non-overlapping Subsets. `lengths` are counts summing to the
 * dataset's length, or fractions summing to 1 (the remainder goes one by one to the first parts, as
 * in PyTorch). The same seed gives the same split.
 * Mirrors `torch.utils.data.random_split`.
 * @throws TypeError when dataset is not a dataset or lengths not an array of numbers; RangeError when lengths do not
 * add up to the dataset's length (or to 1).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], seed?: number): Subset<T>[] {
  const n = checkDataset(dataset).length;
  check.numbers(lengths, 'lengths', { min: 0 });
  if (seed !== undefined) check.int(seed, 'seed');
  let counts = lengths;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    counts = lengths.map((f) => Math.floor(n * f));
    const rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rest; i++) counts[i % counts.length] += 1;
  } else if (total !== n || !lengths.every(Number.isInteger)) {
    throw new RangeError(`randomSplit: the lengths ${JSON.stringify(lengths)} must sum to the dataset's length (${n}) or be fractions summing to 1`);
  }
  const perm = new Generator(seed ?? randomSeed()).randperm(n);
  let start = 0;
  return counts.map((c) => new Subset(dataset, perm.slice(start, (start += c))));
}

/**
 * Rebuilds a dataset from toJSON()'s description (DataLoader worker threads use this).
 * @throws TypeError for a spec of an unknown type.
 * torchvgg's own (the inverse of a dataset's toJSON()).
 */
export function fromJSON(spec: DatasetSpec): Dataset {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const transform = (s: unknown): Transform<any, any> | undefined => (s ? transformFromJSON(s as TransformSpec) : undefined);
  switch (spec?.type) {
    case 'ImageFolder':
      return new ImageFolder(spec.root as string, { transform: transform(spec.transform), ...(spec.limits as ImageLimits) },
        { classes: spec.classes as string[], samples: spec.samples as [string, number][] });
    case 'Subset':
      return new Subset(fromJSON(spec.dataset as DatasetSpec), spec.indices as number[]);
    case 'Shapes': {
      // Required lazily: shapes.ts imports this module.
      const { Shapes } = require('./shapes') as typeof import('./shapes');
      return new Shapes({ ...(spec.options as object), transform: transform(spec.transform) });
    }
    default:
      throw new TypeError(`unknown dataset type ${JSON.stringify(spec?.type)}`);
  }
}
