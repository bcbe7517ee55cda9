// Grad mode and autocast, PyTorch's context managers as functions that run a callback.
// Grad mode follows the async context (grad_state.ts): `torch.noGrad(async () => ...)` covers every op
// inside, across awaits, and nothing outside; async calls (forwardAsync, trainStep) capture it when
// they are queued. Autocast applies to the synchronous part of `fn`.
import { native } from '../native';
import { DType, checkDType } from './dtype';
import * as check from '../check';
import { enterGrad, gradEnabled, runWithGrad, setGradMode } from './grad_state';

function scoped<T>(enter: () => () => void, fn: () => T): T {
  const exit = enter();
  try {
    return fn();
  } finally {
    exit();
  }
}

/**
 * torch.no_grad(): runs fn without recording autograd — an async fn across all its awaits. Without a
 * function it returns a disposable: `using _ = torch.noGrad()` scopes the rest of the block.
 * Mirrors `torch.no_grad`.
 * @throws TypeError when `fn` is given and is not a function; whatever `fn` throws.
 * @example
 * ```ts
 * const logits = torch.noGrad(() => model.forward(x));
 * ```
 */
export function noGrad(): { [Symbol.dispose](): void };
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | { [Symbol.dispose](): void } {
  if (fn === undefined) return enterGrad(false);
  return runWithGrad(false, check.func(fn, 'fn'));
}
/**
 * torch.enable_grad(): runs fn with autograd on (inside a noGrad); without a function, a disposable.
 * Mirrors `torch.enable_grad`.
 * @throws TypeError when `fn` is given and is not a function; whatever `fn` throws.
 */
export function enableGrad(): { [Symbol.dispose](): void };
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | { [Symbol.dispose](): void } {
  if (fn === undefined) return enterGrad(true);
  return runWithGrad(true, check.func(fn, 'fn'));
}
/**
 * torch.inference_mode(): runs fn with no autograd and no version counting, the fastest way to run a
 * model synchronously. Tensors made inside are inference tensors: they cannot be used for backward()
 * later (forwardAsync in eval() mode runs like this too).
 * Mirrors `torch.inference_mode`.
 * @throws TypeError when `fn` is not a function; whatever `fn` throws.
 */
export function inferenceMode<T>(fn: () => T): T {
  return native.inferenceMode(check.func(fn, 'fn'));
}
/** Whether autograd records operations in the calling context. Mirrors `torch.is_grad_enabled`. */
export function isGradEnabled(): boolean { return gradEnabled(); }
/**
 * torch.set_grad_enabled(mode): sets the mode of the calling context; with fn, runs fn in that mode.
 * Mirrors `torch.set_grad_enabled`.
 * @throws TypeError when `mode` is not a boolean or `fn` not a function; whatever `fn` throws.
 */
export function setGradEnabled(mode: boolean): void;
export function setGradEnabled<T>(mode: boolean, fn: () => T): T;
export function setGradEnabled<T>(mode: boolean, fn?: () => T): T | void {
  check.bool(mode, 'mode');
  if (fn !== undefined) return runWithGrad(mode, check.func(fn, 'fn'));
  setGradMode(mode);
}

/**
 * torch.autocast(deviceType, { dtype }, fn): runs fn with libtorch's autocast on, so convolutions and
 * matrix products compute in `dtype` (default bfloat16 on 'cpu', float16 on 'cuda').
 * Mirrors `torch.autocast`.
 * @throws TypeError for a deviceType other than 'cpu'/'cuda', an unknown option or dtype, or a non-function `fn`;
 * whatever `fn` throws.
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
