// torch.nn.utils: gradient clipping (clipGradNorm_, clipGradValue_) and cloneStateDict, the copy.deepcopy(model.state_dict()) idiom.
import { Tensor } from '../torch/tensor';
import { tensor } from '../torch/factories';
import { noGrad } from '../torch/autograd';
import * as check from '../check';
import { describe } from '../check';
import { intKeyed, withIntKeys } from '../serialization/int_keys';

function gradsOf(parameters: Tensor | Iterable<Tensor>, fn: string): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters]
    : parameters !== null && typeof parameters === 'object' && Symbol.iterator in parameters ? [...parameters] : undefined;
  if (!list) throw new TypeError(`${fn}: parameters must be a Tensor or an iterable of Tensors; got ${describe(parameters)}`);
  list.forEach((p, i) => { if (!(p instanceof Tensor)) throw new TypeError(`${fn}: parameters[${i}] must be a Tensor; got ${describe(p)}`); });
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** The p-norm of one gradient, in its dtype's precision, as torch.norm(g, p) gives it. */
function norm(g: Tensor, p: number, round: (x: number) => number): number {
  if (p === 2) return Number(g.mul(g).sum().sqrt().item());
  if (p === 1) return Number(g.abs().sum().item());
  return round(pNorm(Array.from(g.toTypedArray() as ArrayLike<number>), p));
}

function pNorm(xs: number[], p: number): number {
  if (p === Infinity) return xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (p === -Infinity) return xs.reduce((m, x) => Math.min(m, Math.abs(x)), Infinity);
  if (p === 0) return xs.filter((x) => x !== 0).length;
  return xs.reduce((s, x) => s + Math.abs(x) ** p, 0) ** (1 / p);
}

/** Options of {@link clipGradNorm_}, PyTorch's keyword arguments in camelCase. */
export interface ClipGradNormOptions { normType?: number | 'inf' | '-inf'; errorIfNonfinite?: boolean }

/**
 * PyTorch's clip_grad_norm_: the norm of all gradients together (as one vector); when it exceeds maxNorm,
 * every gradient is scaled in place by maxNorm / (norm + 1e-6). Returns the total norm, a 0-d tensor.
 * Mirrors `torch.nn.utils.clip_grad_norm_`.
 * @throws TypeError when parameters are not Tensors or an argument has the wrong type; RangeError for a non-finite
 * maxNorm; Error when errorIfNonfinite is set and the total norm is NaN or infinite.
 * @example
 * ```ts
 * loss.backward();
 * nn.utils.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, normType?: number | 'inf' | '-inf', errorIfNonfinite?: boolean): Tensor;
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions): Tensor;
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, ...rest: unknown[]): Tensor {
  const last = rest[0];
  // The cast picks check.options' type argument (without it `o` is a plain object), so it is not redundant.
  const o = last !== null && typeof last === 'object'
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    ? check.options(last as ClipGradNormOptions, 'clipGradNorm_ options', ['normType', 'errorIfNonfinite'])
    : { normType: rest[0] as ClipGradNormOptions['normType'], errorIfNonfinite: rest[1] as boolean | undefined };
  const max = check.number(maxNorm, 'maxNorm');
  const p = o.normType === 'inf' || o.normType === Infinity ? Infinity
    : o.normType === '-inf' || o.normType === -Infinity ? -Infinity : check.number(o.normType ?? 2, 'normType');
  const strict = check.bool(o.errorIfNonfinite ?? false, 'errorIfNonfinite');
  const grads = gradsOf(parameters, 'clipGradNorm_');
  if (grads.length === 0) return tensor(0);
  const dtype = grads[0].dtype;
  const round = dtype === 'float64' ? (x: number) => x : Math.fround;
  return noGrad(() => {
    const norms = grads.map((g) => norm(g.detach(), p, round));
    const total = norms.length === 1 && Number.isFinite(p) ? norms[0] : round(pNorm(norms, p));
    if (strict && !Number.isFinite(total)) {
      throw new Error(`The total norm of order ${p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. `
        + 'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`');
    }
    // As PyTorch's tensor arithmetic: max_norm / (total + 1e-6) in the gradients' dtype, clamped to 1.
    const coef = Math.min(round(round(1 / round(total + 1e-6)) * round(max)), 1);
    for (const g of grads) g.copy_(g.mul(Number.isNaN(coef) ? NaN : coef));
    return tensor(total, { dtype });
  });
}

/**
 * PyTorch's clip_grad_value_: clamps every gradient into [-clipValue, clipValue], in place.
 * Mirrors `torch.nn.utils.clip_grad_value_`.
 * @throws TypeError when parameters are not Tensors or clipValue is not a number; RangeError when it is not finite.
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const c = check.number(clipValue, 'clipValue');
  noGrad(() => {
    for (const g of gradsOf(parameters, 'clipGradValue_')) {
      const values = g.toTypedArray() as Float32Array | Float64Array;
      values.forEach((x, i) => { values[i] = x > c ? c : x < -c ? -c : x; }); // NaN stays NaN, as clamp_ leaves it
      g.copy_(tensor(values, { dtype: g.dtype }).reshape(g.shape));
    }
  });
}

/**
 * Python's copy.deepcopy(model.state_dict()) in one call: every tensor cloned (its own storage, detached),
 * plain objects and arrays copied, other values kept. Works on optimizer state dicts too (int keys kept).
 * torchvgg's own (Python writes `copy.deepcopy(model.state_dict())`).
 */
export function cloneStateDict<T>(sd: T): T {
  if (sd instanceof Tensor) return sd.detach().clone() as T;
  if (Array.isArray(sd)) return sd.map((v) => cloneStateDict(v)) as T;
  if (sd !== null && typeof sd === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(sd))) {
    const out = Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, cloneStateDict(v)]));
    return (intKeyed.has(sd) ? withIntKeys(out) : out) as T;
  }
  return sd;
}
