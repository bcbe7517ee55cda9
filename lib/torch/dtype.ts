// dtypes are strings, as PyTorch's names without the "torch." prefix; devices are 'cpu', 'cuda' or 'cuda:N'.
import * as check from '../check';
/** An element type, PyTorch's name without the `torch.` prefix. Mirrors `torch.dtype`. */
export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool'
  // quantized tensors only (torch/quantized.ts): no factory accepts these
  | 'qint8' | 'quint8' | 'qint32';

export const DTYPES: readonly DType[] = [
  'float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool',
];

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && (DTYPES as readonly string[]).includes(v);
}

export function checkDType(v: unknown, what = 'dtype'): DType {
  return check.oneOf(v, what, DTYPES);
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

/** A device name: 'cpu', 'cuda' or 'cuda:N'. Mirrors `torch.device`. */
export type Device = string; // 'cpu', 'cuda', 'cuda:0'

export function checkDevice(v: unknown, what = 'device'): Device {
  if (typeof v !== 'string' || !/^(cpu|cuda(:\d+)?|meta)$/.test(v)) {
    throw new TypeError(`${what} must be 'cpu', 'cuda' or 'cuda:N'; got ${check.describe(v)}`);
  }
  return v;
}
