// What post-training static quantization computes: the observers' quantization parameters, with the
// arithmetic of torch.ao.quantization.observer (MinMaxObserver for activations, per-channel symmetric
// MinMax for weights), float32 where PyTorch computes in float32.
import { Tensor } from '../torch/tensor';
import { quantizePerChannel } from '../torch/quantized';
import { tensor } from '../torch/factories';

const F32_EPS = 2 ** -23; // torch.finfo(torch.float32).eps, the smallest scale observers return

/** The running min and max of everything one point of the model produced during calibration. */
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
