// What post-training static quantization computes: the observers' quantization parameters, with the
// arithmetic of torch.ao.quantization.observer (MinMaxObserver for activations, per-channel symmetric
// MinMax for weights), float32 where PyTorch computes in float32.
import { Tensor } from '../torch/tensor';
import { quantizePerChannel } from '../torch/quantized';
import { ones, tensor, zeros } from '../torch/factories';

const F32_EPS = 2 ** -23; // torch.finfo(torch.float32).eps, the smallest scale observers return

/**
 * The running min and max of everything one point of the model produced during calibration, and the quint8
 * parameters they give. Mirrors `torch.ao.quantization.MinMaxObserver` (observe = forward, qparams =
 * calculate_qparams).
 * @throws Error from qparams() when it saw no finite values.
 */
export class MinMaxObserver {
  min = Infinity;
  max = -Infinity;
  batches = 0;

  observe(x: Tensor): void {
    const t = x.detach();
    this.min = Math.min(this.min, t.amin().item() as number);
    this.max = Math.max(this.max, t.amax().item() as number);
    this.batches++;
  }

  /**
   * quint8 affine parameters (MinMaxObserver._calculate_qparams): the range always includes 0; with
   * reduceRange (FBGEMM/x86, whose int8 kernels could overflow on full-range input) 7 bits instead of 8.
   */
  qparams(reduceRange: boolean): { scale: number; zeroPoint: number } {
    if (!this.batches || !Number.isFinite(this.min) || !Number.isFinite(this.max)) {
      throw new Error('an observer saw no finite values (calibration data empty, or NaN/Infinity in the model)');
    }
    const qmin = 0, qmax = reduceRange ? 127 : 255;
    const lo = Math.fround(Math.min(this.min, 0)), hi = Math.fround(Math.max(this.max, 0));
    const scale = Math.max(Math.fround(Math.fround(hi - lo) / (qmax - qmin)), F32_EPS);
    const zeroPoint = Math.min(qmax, Math.max(qmin, qmin - roundHalfEven(lo / scale)));
    return { scale: Math.fround(scale), zeroPoint };
  }
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A float weight as qint8, one symmetric scale per output channel (default_per_channel_weight_observer):
 * scale = max|w| / 127.5 per channel, zero point 0.
 */
export function quantizeWeight(w: Tensor): Tensor {
  const flat = w.detach().reshape([w.shape[0], -1]);
  const absMax = flat.amax(1).maximum(flat.amin(1).neg()).clamp(0);
  const scales = absMax.div(127.5).clamp(F32_EPS).to('float64');
  return quantizePerChannel(w.detach().contiguous(), scales, tensor(new Array<number>(w.shape[0]).fill(0), { dtype: 'int64' }), 0, 'qint8');
}

const HISTOGRAM_BINS = 2048;

/**
 * MinMax ranges, and for a non-negative activation (after a ReLU) also a 2048-bin histogram of everything it
 * produced, from which qparams() picks the top of the range that minimises the squared quantization error
 * (rounding inside the range, clipping above it), as PyTorch's HistogramObserver does for such ranges; ranges
 * with negative values keep MinMax. Outliers then stop stretching the range of every other value.
 * Mirrors `torch.ao.quantization.HistogramObserver` in purpose (its search also moves the bottom of the range;
 * here the bottom of a non-negative range stays 0).
 * @throws Error from qparams() when it saw no finite values.
 */
export class HistogramObserver extends MinMaxObserver {
  private counts = new Float64Array(HISTOGRAM_BINS);
  private top = 0; // the histogram spans [0, top]

  observe(x: Tensor): void {
    super.observe(x);
    if (this.min < 0 || !(this.max > 0) || !Number.isFinite(this.max)) return;
    if (this.max > this.top) this.rebin(this.max);
    const t = x.detach().flatten();
    const idx = t.mul(HISTOGRAM_BINS / this.top).clamp_(0, HISTOGRAM_BINS - 1).to('int64'); // truncation floors: all >= 0
    // One count per value from a single expanded 1 (no tensor of ones as large as the activation).
    const add = zeros([HISTOGRAM_BINS], { dtype: 'float64' }).scatterAdd(0, idx, ones([1], { dtype: 'float64' }).expand([idx.numel()]));
    const a = add.toTypedArray() as Float64Array;
    for (let i = 0; i < HISTOGRAM_BINS; i++) this.counts[i] += a[i];
  }

  // The counts so far moved into bins over [0, top]: each old bin's count goes to the new bin holding its centre.
  private rebin(top: number): void {
    if (this.top > 0) {
      const old = this.counts;
      this.counts = new Float64Array(HISTOGRAM_BINS);
      for (let i = 0; i < HISTOGRAM_BINS; i++) {
        if (!old[i]) continue;
        const centre = ((i + 0.5) * this.top) / HISTOGRAM_BINS;
        this.counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((centre * HISTOGRAM_BINS) / top))] += old[i];
      }
    }
    this.top = top;
  }

  qparams(reduceRange: boolean): { scale: number; zeroPoint: number } {
    if (this.min < 0 || !(this.top > 0)) return super.qparams(reduceRange);
    const levels = reduceRange ? 127 : 255;
    const width = this.top / HISTOGRAM_BINS;
    let best = Infinity;
    let bestTop = this.max;
    for (let k = 0; k <= 200; k++) {
      const hi = this.max * (0.2 + (0.8 * k) / 200);
      const step = hi / levels;
      let err = 0;
      for (let i = 0; i < HISTOGRAM_BINS; i++) {
        const c = this.counts[i];
        if (!c) continue;
        const v = (i + 0.5) * width;
        const d = v - Math.min(levels, Math.round(v / step)) * step;
        err += c * d * d;
      }
      if (err < best) { best = err; bestTop = hi; }
    }
    const max = this.max;
    this.max = bestTop;
    try {
      return super.qparams(reduceRange);
    } finally {
      this.max = max;
    }
  }
}
