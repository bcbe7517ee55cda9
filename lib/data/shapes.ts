// datasets.Shapes: a labelled image dataset drawn on the fly, so fine-tuning needs nothing downloaded.
// Image i depends only on (seed, i): its own generator picks the colours, size, position and rotation,
// and sharp (librsvg) renders the SVG. Labels cycle through the classes, so every class is equally
// frequent. Shapes are large and clean on a smooth background so that the task is learnable at 32-48 px.
import sharp from 'sharp';
import * as check from '../check';
import { Image, Transform } from '../transforms/transforms';
import { Dataset, DatasetSpec, MAX_SAMPLES, checkIndex, transformJSON } from './datasets';
import { Generator, deriveSeed } from './random';

/**
 * The shape classes {@link Shapes} can draw.
 * torchvgg's own.
 */
export const SHAPES = ['circle', 'square', 'triangle', 'star', 'pentagon', 'hexagon', 'cross'] as const;
/** One of {@link SHAPES}. */
export type ShapeName = typeof SHAPES[number];

/** Options of {@link Shapes}. */
export interface ShapesOptions {
  classes?: ShapeName[];
  /** Image side in pixels (default 48). */
  size?: number;
  /** Number of images (default 1000). */
  count?: number;
  seed?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any transform of images, whatever it returns
  transform?: Transform<any, any> | ((img: Image) => unknown);
}

/** Outline points of a shape of circumradius 1 around the origin (the circle is drawn as a circle). */
function outline(shape: ShapeName): [number, number][] {
  const ring = (n: number, radius: (k: number) => number): [number, number][] =>
    Array.from({ length: n }, (_, k) => {
      const a = -Math.PI / 2 + (2 * Math.PI * k) / n;
      return [radius(k) * Math.cos(a), radius(k) * Math.sin(a)];
    });
  switch (shape) {
    case 'square': return ring(4, () => 1);
    case 'triangle': return ring(3, () => 1);
    case 'pentagon': return ring(5, () => 1);
    case 'hexagon': return ring(6, () => 1);
    case 'star': return ring(10, (k) => (k % 2 ? 0.42 : 1));
    case 'cross': {
      const w = 0.34;
      return [[-w, -1], [w, -1], [w, -w], [1, -w], [1, w], [w, w], [w, 1], [-w, 1], [-w, w], [-1, w], [-1, -w], [-w, -w]];
    }
    default: return [];
  }
}

const hsl = (h: number, s: number, l: number): string => `hsl(${h.toFixed(1)},${(s * 100).toFixed(1)}%,${(l * 100).toFixed(1)}%)`;

/** The SVG of one sample: a two-colour gradient background and one filled shape of contrasting lightness. */
export function shapeSVG(shape: ShapeName, size: number, g: Generator): string {
  const darkShape = g.random() < 0.5;
  const bgL = darkShape ? g.uniform(0.65, 0.88) : g.uniform(0.1, 0.32);
  const fgL = darkShape ? g.uniform(0.08, 0.32) : g.uniform(0.66, 0.92);
  const bgHue = g.uniform(0, 360);
  const bg1 = hsl(bgHue, g.uniform(0.2, 0.7), bgL);
  const bg2 = hsl(bgHue + g.uniform(-60, 60), g.uniform(0.2, 0.7), bgL + g.uniform(-0.08, 0.08));
  const fg = hsl(g.uniform(0, 360), g.uniform(0.5, 1), fgL);
  const angle = g.uniform(0, 360);
  const r = size * g.uniform(0.27, 0.42);
  const cx = g.uniform(r, size - r);
  const cy = g.uniform(r, size - r);
  const rot = g.uniform(0, 360);
  const body = shape === 'circle'
    ? `<circle cx="0" cy="0" r="${(r * 0.9).toFixed(2)}"/>`
    : `<polygon points="${outline(shape).map(([x, y]) => `${(x * r).toFixed(2)},${(y * r).toFixed(2)}`).join(' ')}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">`
    + `<defs><linearGradient id="bg" gradientTransform="rotate(${angle.toFixed(1)} 0.5 0.5)">`
    + `<stop offset="0" stop-color="${bg1}"/><stop offset="1" stop-color="${bg2}"/></linearGradient></defs>`
    + `<rect width="${size}" height="${size}" fill="url(#bg)"/>`
    + `<g fill="${fg}" transform="translate(${cx.toFixed(2)} ${cy.toFixed(2)}) rotate(${rot.toFixed(1)})">${body}</g></svg>`;
}

/**
 * Shapes({ classes = ['circle', 'square', 'triangle', 'star'], size = 48, count = 1000, seed = 0,
 * transform }): get(i) resolves to [Image (RGB, size × size), label] — or [transform(image), label].
 * torchvgg's own synthetic dataset (generated on the fly, no download), like `torchvision.datasets.FakeData` but learnable.
 * @throws (constructor) TypeError for unknown, repeated or missing class names, or a mistyped option; RangeError for
 * size outside [16, 1024] or count outside [1, 2^30].
 */
export class Shapes implements Dataset {
  readonly classes: ShapeName[];
  readonly size: number;
  readonly count: number;
  readonly seed: number;
  readonly transform?: ShapesOptions['transform'];

  constructor(options: ShapesOptions = {}) {
    const { classes = ['circle', 'square', 'triangle', 'star'], size = 48, count = 1000, seed = 0, transform } = check.options(options,
      'Shapes options', ['classes', 'size', 'count', 'seed', 'transform']);
    if (!Array.isArray(classes) || classes.length < 1 || new Set(classes).size !== classes.length
      || !classes.every((c) => (SHAPES as readonly string[]).includes(c))) {
      throw new TypeError(`classes must be distinct names from ${SHAPES.join(', ')}; got ${JSON.stringify(classes)}`);
    }
    this.classes = [...classes];
    this.size = check.int(size, 'size', { min: 16, max: 1024 });
    this.count = check.int(count, 'count', { min: 1, max: MAX_SAMPLES });
    this.seed = check.int(seed, 'seed');
    this.transform = transform === undefined ? undefined : check.func<NonNullable<ShapesOptions['transform']>>(transform, 'transform');
  }

  /** The number of samples. Mirrors `len(dataset)`. */
  get length(): number { return this.count; }

  /**
   * The label of sample i, without drawing it.
   * torchvgg's own.
   * @throws TypeError or RangeError for a bad index.
   */
  label(index: number): number { return checkIndex(index, this.count, 'Shapes') % this.classes.length; }

  /**
   * The sample at `index`: [transform(image), label], the same for the same seed. Mirrors `Dataset.__getitem__`.
   * @throws Rejects with TypeError or RangeError for a bad index; what the transform throws.
   */
  async get(index: number): Promise<[unknown, number]> {
    const label = this.label(index);
    const svg = shapeSVG(this.classes[label], this.size, new Generator(deriveSeed(this.seed, index)));
    const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const img = new Image(data, info.width, info.height, info.channels);
    return [this.transform ? await this.transform(img) : img, label];
  }

  /** The description a DataLoader worker thread rebuilds this dataset from. torchvgg's own. */
  toJSON(): DatasetSpec {
    return { type: 'Shapes', options: { classes: this.classes, size: this.size, count: this.count, seed: this.seed },
      transform: transformJSON(this.transform, 'Shapes transform') };
  }
}
