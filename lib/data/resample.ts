// Image resampling with PIL's arithmetic, so Resize and RandomResizedCrop give torchvision's pixels.
//
// Why not sharp's resize: measured against PIL on test/fixtures/images/landscape.png (200x150 RGB),
// libvips' 'linear' kernel is within 1/255 of PIL when shrinking smooth content, but when enlarging
// it is off by up to 155/255 at hard edges (it places output pixels differently). Networks are fed
// enlarged images all the time (Resize(224) of a 48-pixel image), so we follow PIL exactly instead:
// a separable convolution, horizontal pass first, coefficients rounded to 22-bit fixed point and each
// pass rounded to 8 bits — Pillow's libImaging/Resample.c, written from its description.

export type Filter = 'nearest' | 'bilinear' | 'bicubic';

const FILTERS: Record<Exclude<Filter, 'nearest'>, { support: number; fn: (x: number) => number }> = {
  bilinear: { support: 1, fn: (x) => { x = Math.abs(x); return x < 1 ? 1 - x : 0; } },
  bicubic: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
};

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

interface Coeffs { ksize: number; bounds: Int32Array; weights: Float64Array }

/** For each output index: the first input index, how many inputs, and their fixed-point weights. */
function coefficients(inSize: number, in0: number, in1: number, outSize: number, filter: Exclude<Filter, 'nearest'>): Coeffs {
  const { support: base, fn } = FILTERS[filter];
  const scale = (in1 - in0) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = base * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = fn((x + xmin - center + 0.5) / filterScale);
      weights[xx * ksize + x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? weights[xx * ksize + x] / total : weights[xx * ksize + x];
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

function clip8(v: number): number {
  if (v >= ONE * 256) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / ONE);
}

/**
 * Resamples HWC uint8 `src` (width × height × c) to outW × outH, reading the box [x0, y0, x1, y1) of
 * the source (PIL's `box` argument). Returns a new buffer.
 */
export function resample(src: Uint8Array, width: number, height: number, c: number, outW: number, outH: number,
  filter: Filter, box: [number, number, number, number] = [0, 0, width, height]): Uint8Array {
  if (filter === 'nearest') return nearest(src, width, c, outW, outH, box);
  const [x0, y0, x1, y1] = box;
  const needH = outW !== width || x0 !== 0 || x1 !== outW;
  const needV = outH !== height || y0 !== 0 || y1 !== outH;
  const h = coefficients(width, x0, x1, outW, filter);
  const v = coefficients(height, y0, y1, outH, filter);
  let img = src;
  let imgW = width;
  let rowOffset = 0;
  if (needH) {
    // Only the rows the vertical pass will read.
    const first = v.bounds[0];
    const last = v.bounds[outH * 2 - 2] + v.bounds[outH * 2 - 1];
    const tmp = new Uint8Array(outW * (last - first) * c);
    for (let y = first; y < last; y++) {
      for (let xx = 0; xx < outW; xx++) {
        const xmin = h.bounds[xx * 2];
        const n = h.bounds[xx * 2 + 1];
        const k = xx * h.ksize;
        for (let ch = 0; ch < c; ch++) {
          let ss = ONE / 2;
          for (let x = 0; x < n; x++) ss += src[(y * width + xmin + x) * c + ch] * h.weights[k + x];
          tmp[((y - first) * outW + xx) * c + ch] = clip8(ss);
        }
      }
    }
    img = tmp;
    imgW = outW;
    rowOffset = first;
  }
  if (!needV) return img === src ? src.slice() : img;
  const out = new Uint8Array(outW * outH * c);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = v.bounds[yy * 2] - rowOffset;
    const n = v.bounds[yy * 2 + 1];
    const k = yy * v.ksize;
    for (let xx = 0; xx < outW; xx++) {
      for (let ch = 0; ch < c; ch++) {
        let ss = ONE / 2;
        for (let y = 0; y < n; y++) ss += img[((ymin + y) * imgW + xx) * c + ch] * v.weights[k + y];
        out[(yy * outW + xx) * c + ch] = clip8(ss);
      }
    }
  }
  return out;
}

/** PIL's NEAREST: the source pixel under each output pixel's centre. */
function nearest(src: Uint8Array, width: number, c: number, outW: number, outH: number,
  [x0, y0, x1, y1]: [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(outW * outH * c);
  const sx = (x1 - x0) / outW;
  const sy = (y1 - y0) / outH;
  for (let yy = 0; yy < outH; yy++) {
    const y = Math.floor((yy + 0.5) * sy + y0);
    for (let xx = 0; xx < outW; xx++) {
      const x = Math.floor((xx + 0.5) * sx + x0);
      out.set(src.subarray((y * width + x) * c, (y * width + x + 1) * c), (yy * outW + xx) * c);
    }
  }
  return out;
}
