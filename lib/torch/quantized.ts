// Quantized tensors (torch.quantize_per_tensor, torch.quantize_per_channel, Tensor.int_repr, ...): what
// a quantized model's state dict holds. Nothing else makes them; every other op sees them as libtorch
// does (most refuse them with PyTorch's message).
import { Tensor, unwrap } from './tensor';
import { callOp } from './ops';
import * as check from '../check';

/** A quantized element type. Mirrors `torch.qint8`, `torch.quint8`, `torch.qint32`. */
export type QuantizedDType = 'qint8' | 'quint8' | 'qint32';
export const QUANTIZED_DTYPES: readonly QuantizedDType[] = ['qint8', 'quint8', 'qint32'];

/** How a quantized tensor maps integers to reals. Mirrors `torch.qscheme`. */
export type QScheme = 'per_tensor_affine' | 'per_channel_affine' | 'per_tensor_symmetric' | 'per_channel_symmetric'
  | 'per_channel_affine_float_qparams';
// c10::QScheme's order
const QSCHEMES: readonly QScheme[] = ['per_tensor_affine', 'per_channel_affine', 'per_tensor_symmetric',
  'per_channel_symmetric', 'per_channel_affine_float_qparams'];

declare module './tensor' {
  interface Tensor {
    /** Whether this is a quantized tensor. Mirrors `torch.Tensor.is_quantized`. */
    readonly isQuantized: boolean;
    /**
     * The stored integers (int8, uint8 or int32) of a quantized tensor. Mirrors `torch.Tensor.int_repr`.
     * @throws TypeError when the tensor is not quantized.
     */
    intRepr(): Tensor;
    /** The float32 values a quantized tensor stands for (itself when not quantized). Mirrors `torch.Tensor.dequantize`. */
    dequantize(): Tensor;
    /**
     * The quantization scheme. Mirrors `torch.Tensor.qscheme`.
     * @throws TypeError when the tensor is not quantized.
     */
    qscheme(): QScheme;
    /**
     * Scale of a per-tensor quantized tensor. Mirrors `torch.Tensor.q_scale`.
     * @throws TypeError when the tensor is not quantized per tensor.
     */
    qScale(): number;
    /**
     * Zero point of a per-tensor quantized tensor. Mirrors `torch.Tensor.q_zero_point`.
     * @throws TypeError when the tensor is not quantized per tensor.
     */
    qZeroPoint(): number;
    /**
     * Scales of a per-channel quantized tensor (float64). Mirrors `torch.Tensor.q_per_channel_scales`.
     * @throws TypeError when the tensor is not quantized per channel.
     */
    qPerChannelScales(): Tensor;
    /**
     * Zero points of a per-channel quantized tensor (int64). Mirrors `torch.Tensor.q_per_channel_zero_points`.
     * @throws TypeError when the tensor is not quantized per channel.
     */
    qPerChannelZeroPoints(): Tensor;
    /**
     * The dimension a per-channel quantized tensor is quantized along. Mirrors `torch.Tensor.q_per_channel_axis`.
     * @throws TypeError when the tensor is not quantized per channel.
     */
    qPerChannelAxis(): number;
  }
}

const proto = Tensor.prototype as unknown as Record<string, unknown>;
Object.defineProperty(proto, 'isQuantized', {
  get(this: Tensor) { return callOp('is_quantized', this) as boolean; }, configurable: true, enumerable: false,
});
const methods: Record<string, (this: Tensor) => unknown> = {
  intRepr() { return callOp('int_repr', this); },
  dequantize() { return callOp('dequantize', this); },
  qscheme() { return QSCHEMES[callOp('qscheme', this) as number]; },
  qScale() { return callOp('q_scale', this); },
  qZeroPoint() { return callOp('q_zero_point', this); },
  qPerChannelScales() { return callOp('q_per_channel_scales', this); },
  qPerChannelZeroPoints() { return callOp('q_per_channel_zero_points', this); },
  qPerChannelAxis() { return callOp('q_per_channel_axis', this); },
};
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

const qdtype = (v: unknown): QuantizedDType => check.oneOf(v, 'dtype', QUANTIZED_DTYPES);
const positive = (v: unknown, what: string): number => {
  const x = check.number(v, what);
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`${what} must be a positive finite number; got ${x}`);
  return x;
};

/**
 * Quantizes a float tensor with one scale and zero point: q = clamp(round(x / scale) + zeroPoint).
 * Mirrors `torch.quantize_per_tensor`.
 * @throws TypeError for a non-float or already quantized input or an unknown dtype; RangeError for a scale that
 * is not positive and finite.
 */
export function quantizePerTensor(input: Tensor, scale: number, zeroPoint: number, dtype: QuantizedDType): Tensor {
  unwrap(input, 'input');
  return callOp('quantize_per_tensor', input, positive(scale, 'scale'), check.int(zeroPoint, 'zeroPoint'), qdtype(dtype)) as Tensor;
}

/**
 * Quantizes a float tensor with one scale and zero point per slice along `axis`.
 * Mirrors `torch.quantize_per_channel`.
 * @throws TypeError for a non-float or quantized input, non-tensor scales or zero points, or an unknown dtype;
 * RangeError when the scales do not match the size of `axis` or are not positive.
 */
export function quantizePerChannel(input: Tensor, scales: Tensor, zeroPoints: Tensor, axis: number, dtype: QuantizedDType): Tensor {
  unwrap(input, 'input'); unwrap(scales, 'scales'); unwrap(zeroPoints, 'zeroPoints');
  return callOp('quantize_per_channel', input, scales, zeroPoints, check.int(axis, 'axis', { min: 0 }), qdtype(dtype)) as Tensor;
}

/**
 * A per-tensor quantized tensor from its stored integers (int8 → qint8, uint8 → quint8, int32 → qint32).
 * Mirrors `torch._make_per_tensor_quantized_tensor`.
 * @throws TypeError for a non-integer input; RangeError for a bad scale.
 */
export function makePerTensorQuantizedTensor(intRepr: Tensor, scale: number, zeroPoint: number): Tensor {
  unwrap(intRepr, 'intRepr');
  return callOp('_make_per_tensor_quantized_tensor', intRepr, positive(scale, 'scale'), check.int(zeroPoint, 'zeroPoint')) as Tensor;
}

/**
 * A per-channel quantized tensor from its stored integers. Mirrors `torch._make_per_channel_quantized_tensor`.
 * @throws TypeError for a non-integer input; RangeError when scales or zero points do not fit `axis`.
 */
export function makePerChannelQuantizedTensor(intRepr: Tensor, scales: Tensor, zeroPoints: Tensor, axis: number): Tensor {
  unwrap(intRepr, 'intRepr'); unwrap(scales, 'scales'); unwrap(zeroPoints, 'zeroPoints');
  return callOp('_make_per_channel_quantized_tensor', intRepr, scales, zeroPoints, check.int(axis, 'axis', { min: 0 })) as Tensor;
}
