// Grad mode and autocast, PyTorch's context managers as functions that run a callback.
// Both are per-thread in libtorch. The setting applies to the synchronous part of `fn`; async calls
// started inside it (forwardAsync, trainStep) capture it when they are queued, so
// `torch.noGrad(() => model.forwardAsync(x))` runs without autograd on the executor thread too.
import { native } from '../native';
import { DType, checkDType } from './dtype';
import * as check from '../check';

function scoped<T>(enter: () => () => void, fn: () => T): T {
  const exit = enter();
  try {
    return fn();
  } finally {
    exit();
  }
}

function gradMode(enabled: boolean): () => () => void {
  return () => {
    const before = native.isGradEnabled();
    native.setGradEnabled(enabled);
    return () => native.setGradEnabled(before);
  };
}

/** torch.no_grad(): runs fn without recording autograd. */
export function noGrad<T>(fn: () => T): T { return scoped(gradMode(false), check.func(fn, 'fn')); }
/** torch.enable_grad(): runs fn with autograd on (inside a noGrad). */
export function enableGrad<T>(fn: () => T): T { return scoped(gradMode(true), check.func(fn, 'fn')); }
/**
 * torch.inference_mode(): runs fn with no autograd and no version counting, the fastest way to run a
 * model synchronously. Tensors made inside are inference tensors: they cannot be used for backward()
 * later (forwardAsync in eval() mode runs like this too).
 */
export function inferenceMode<T>(fn: () => T): T {
  return native.inferenceMode(check.func(fn, 'fn'));
}
export function isGradEnabled(): boolean { return native.isGradEnabled(); }
export function setGradEnabled(enabled: boolean): void { native.setGradEnabled(check.bool(enabled, 'enabled')); }

/**
 * torch.autocast(deviceType, { dtype }, fn): runs fn with libtorch's autocast on, so convolutions and
 * matrix products compute in `dtype` (default bfloat16 on 'cpu', float16 on 'cuda').
 */
export function autocast<T>(deviceType: 'cpu' | 'cuda', opts: { dtype?: DType; enabled?: boolean }, fn: () => T): T {
  check.oneOf(deviceType, 'deviceType', ['cpu', 'cuda']);
  const o = check.options(opts, 'autocast options', ['dtype', 'enabled']);
  const dtype = checkDType(o.dtype ?? (deviceType === 'cpu' ? 'bfloat16' : 'float16'));
  const enabled = o.enabled === undefined ? true : check.bool(o.enabled, 'enabled');
  check.func(fn, 'fn');
  return scoped(() => {
    const [wasOn, wasDtype] = native.setAutocast(deviceType, enabled, dtype);
    return () => { native.setAutocast(deviceType, wasOn, wasDtype); };
  }, fn);
}
