// torch.optim's optimizers: SGD, Adam, AdamW (update rules in native/optim.cc), param groups, and their state dicts in PyTorch's layout.
import { native, NativeOptimizer } from '../native';
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { withIntKeys } from '../serialization/int_keys';

type Kind = 'SGD' | 'Adam' | 'AdamW';
type GroupOptions = Record<string, number | boolean | number[] | null>;
/**
 * A parameter group: its parameters plus per-group options (lr, momentum, …). Mirrors an entry of `optimizer.param_groups`.
 */
export interface ParamGroup { params: Tensor[] | Iterable<Tensor> | Tensor; [option: string]: unknown }
/** What an optimizer takes: parameters, or parameter groups with their own options. */
export type Params = Tensor[] | ParamGroup[];

// Adam's `fused` default changed from False (1.13) to None (2.x): param_groups say what the PyTorch of
// the same libtorch says, so a state dict matches the Python beside it.
const FUSED_DEFAULT = Number(native.libtorchVersion.split('.')[0]) >= 2 ? null : false;
// Each optimizer's options in PyTorch 1.13's param_groups order, with its defaults.
const DEFAULTS: Record<Kind, GroupOptions> = {
  SGD: { lr: NaN, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false },
  Adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: FUSED_DEFAULT },
  AdamW: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, foreach: null, maximize: false, capturable: false },
};
// Keys schedulers add to param groups (PyTorch's initial_lr, OneCycleLR's max_lr, ...): kept in the group
// and its state dict, never sent to the native step.
export const SCHEDULER_KEYS = ['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'];
// Options are camelCase in JS; param groups keep PyTorch's keys (the state dict layout), and those keys
// are accepted as given too, since Python's state dicts carry them.
const PY_KEY: Record<string, string> = { weightDecay: 'weight_decay' };
const camelKey = (k: string): string => Object.keys(PY_KEY).find((c) => PY_KEY[c] === k) ?? k;
const pyKey = (k: string): string => PY_KEY[k] ?? k;

function toNative(o: GroupOptions): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'betas') { out.beta1 = (v as number[])[0]; out.beta2 = (v as number[])[1]; }
    else if (!SCHEDULER_KEYS.includes(k) && (typeof v === 'number' || typeof v === 'boolean')) out[k] = Number(v);
  }
  return out;
}

/**
 * Base class of the optimizers; each step runs in C++ over all parameters at once. Mirrors `torch.optim.Optimizer`.
 * @throws (constructors) TypeError when params are not Tensors or parameter groups, an option is unknown or
 * mistyped, or no lr is given; RangeError for an empty parameter list or an option out of range.
 */
export class Optimizer {
  /** @internal */
  readonly _native: NativeOptimizer;
  /** Like PyTorch's param_groups: params plus options; change `lr` through setLr or a scheduler. */
  readonly paramGroups: { params: Tensor[]; options: GroupOptions }[];

  /** PyTorch's optimizer.defaults: the constructor's options over the optimizer's defaults (SGD's lr may stay unset). */
  readonly defaults: GroupOptions;

  protected constructor(readonly kind: Kind, params: Params, options: Record<string, unknown>) {
    const defaults = this.options(DEFAULTS[kind], options, `${kind} options`);
    this.defaults = defaults;
    const groups = normalise(params);
    this.paramGroups = groups.map((g, i) => ({ params: g.params, options: this.options(defaults, g.rest, `params[${i}]`) }));
    for (const g of this.paramGroups) {
      if (Number.isNaN(g.options.lr)) {
        throw new TypeError(`${kind} needs a learning rate: parameter group didn't specify a value of required optimization parameter lr `
          + `(new optim.${kind}(params, { lr }), or an lr in every group)`);
      }
    }
    this._native = native.createOptimizer(kind, this.paramGroups.map((g) => ({
      params: g.params.map((p, i) => unwrap(p, `params[${i}]`)), options: toNative(g.options),
    })));
  }

  /**
   * Updates every parameter that has a gradient.
   * Mirrors `torch.optim.Optimizer.step`.
   * @throws Error with code `ERR_TORCHVGG_MODULE_BUSY` while an async job trains the same parameters.
   */
  step(): void { this._native.step(); }
  /**
   * Drops the gradients (PyTorch's default set_to_none=True), or zeroes them in place.
   * Mirrors `torch.optim.Optimizer.zero_grad`.
   * @throws TypeError for an unknown option or a non-boolean setToNone.
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const { setToNone = true } = check.options(opts, 'zeroGrad options', ['setToNone']);
    this._native.zeroGrad(check.bool(setToNone, 'setToNone'));
  }

  /**
   * The learning rate of a parameter group. Mirrors reading `optimizer.param_groups[group]['lr']`.
   * @throws TypeError when group is not an integer; RangeError for a group that does not exist.
   */
  getLr(group = 0): number { return this._native.getOption(this.group(group), 'lr'); }
  /**
   * Sets the learning rate of a parameter group. Mirrors `optimizer.param_groups[group]['lr'] = lr`.
   * @throws TypeError for a non-number lr or non-integer group; RangeError for a negative lr or a missing group.
   */
  setLr(lr: number, group = 0): void {
    const g = this.group(group);
    this._native.setOption(g, 'lr', check.number(lr, 'lr', { min: 0 }));
    this.paramGroups[g].options.lr = lr;
  }

  /** @internal What schedulers change: a group option (lr, momentum, betas, initial_lr, ...), unchecked, as PyTorch's group[key] = v. */
  _setGroupOption(group: number, key: string, value: number | number[]): void {
    this.paramGroups[group].options[key] = value;
    for (const [k, v] of Object.entries(toNative({ [key]: value }))) this._native.setOption(group, k, v);
  }

  private group(i: unknown): number { return check.int(i, 'group', { min: 0, max: this.paramGroups.length - 1 }); }

  /**
   * PyTorch's layout: { state: { 0: { momentum_buffer } | { step, exp_avg, exp_avg_sq } }, param_groups }.
   * Mirrors `torch.optim.Optimizer.state_dict`.
   */
  stateDict(): { state: Record<number, Record<string, Tensor | null>>; param_groups: Record<string, unknown>[] } {
    const state: Record<number, Record<string, Tensor | null>> = withIntKeys({});
    this._native.state().forEach((s, i) => {
      const entry: Record<string, Tensor | null> = {};
      for (const [k, t] of Object.entries(s)) entry[k] = new Tensor(t).detach();
      if (this.kind === 'SGD') state[i] = { momentum_buffer: entry.momentum_buffer ?? null };
      else if (Object.keys(entry).length) state[i] = entry;
    });
    let index = 0;
    const groups = this.paramGroups.map((g) => ({ ...g.options, params: g.params.map(() => index++) }));
    return { state, param_groups: groups };
  }

  /**
   * Loads a state dict from stateDict() or from Python's optimizer.state_dict() (via torch.load).
   * Mirrors `torch.optim.Optimizer.load_state_dict`.
   * @throws TypeError when sd is not { state, param_groups } or a state entry is not a Tensor; Error when its groups
   * do not match this optimizer's; RangeError for a state tensor whose shape does not fit its parameter.
   */
  loadStateDict(sd: { state?: Record<string, unknown>; param_groups?: Record<string, unknown>[] }): void {
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.param_groups) || sd.state === null || typeof sd.state !== 'object') {
      throw new TypeError(`stateDict must be an optimizer state dict { state, param_groups }; got ${describe(sd)}`);
    }
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new Error('loaded state dict has a different number of parameter groups');
    }
    sd.param_groups.forEach((g, i) => {
      const n = Array.isArray(g.params) ? g.params.length : -1;
      if (n !== this.paramGroups[i].params.length) {
        throw new Error("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
    });
    const ids = sd.param_groups.flatMap((g) => g.params as unknown[]);
    ids.forEach((id, index) => {
      const s = (sd.state as Record<string, unknown>)[String(id)];
      if (s === undefined || s === null) return;
      const tensors: Record<string, ReturnType<typeof unwrap>> = {};
      for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
        if (v instanceof Tensor) tensors[k] = unwrap(v, `state[${String(id)}].${k}`);
        else if (v !== null) throw new TypeError(`state[${String(id)}].${k} must be a Tensor or null; got ${describe(v)}`);
      }
      this._native.setState(index, tensors);
    });
    sd.param_groups.forEach((g, i) => {
      const { params: _ignored, ...rest } = g;
      void _ignored;
      const options = this.options(this.paramGroups[i].options, rest, `param_groups[${i}]`, true);
      this.paramGroups[i].options = options;
      for (const [k, v] of Object.entries(toNative(options))) this._native.setOption(i, k, v);
    });
  }

  private options(base: GroupOptions, given: Record<string, unknown>, what: string, loading = false): GroupOptions {
    const defaults: GroupOptions = { ...DEFAULTS[this.kind] };
    if (loading) for (const k of SCHEDULER_KEYS) defaults[k] = 0; // a checkpoint saved with a scheduler carries these
    // PyTorch's spelling of a key (weight_decay) counts as its camelCase one; any other key must be known.
    const named = given !== null && typeof given === 'object' && !Array.isArray(given)
      ? Object.fromEntries(Object.entries(given).map(([k, v]) => [camelKey(k), v])) : given;
    const camel = check.options(named, what, Object.keys(defaults).map(camelKey)) as Record<string, unknown>;
    const out: GroupOptions = { ...base };
    for (const [key, value] of Object.entries(camel)) {
      const k = pyKey(key);
      if (k === 'betas') {
        const betas = check.numbers(value, 'betas', { length: 2, min: 0 });
        betas.forEach((x, i) => { if (x >= 1) throw new RangeError(`betas[${i}] must be a number in [0, 1); got ${x}`); });
        out.betas = betas;
      } else if (typeof defaults[k] === 'boolean') {
        out[k] = check.bool(value, key);
      } else if (defaults[k] === null) {
        out[k] = value === null ? null : check.bool(value, key);
      } else {
        out[k] = check.number(value, key, { min: 0 });
      }
    }
    if (this.kind === 'SGD' && out.nesterov && (!(Number(out.momentum) > 0) || Number(out.dampening) !== 0)) {
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    }
    return out;
  }
}

function normalise(params: Params): { params: Tensor[]; rest: Record<string, unknown> }[] {
  if (!Array.isArray(params) && !(params && typeof (params as Iterable<Tensor>)[Symbol.iterator] === 'function')) {
    throw new TypeError(`params must be an array of Tensors or of parameter groups; got ${describe(params)}`);
  }
  const list = [...(params as Iterable<Tensor | ParamGroup>)];
  if (list.length === 0) throw new RangeError('optimizer got an empty parameter list');
  const groups = list.every((p) => p instanceof Tensor) ? [{ params: list }] : list as ParamGroup[];
  return groups.map((g, i) => {
    const iterable = (v: unknown): boolean => v instanceof Tensor || (v !== null && typeof v === 'object' && Symbol.iterator in v);
    if (g instanceof Tensor || !g || typeof g !== 'object' || !iterable(g.params)) {
      throw new TypeError(`params[${i}] must be a Tensor, or a group { params: Tensor[], ...options }; got ${describe(g)}`);
    }
    // As PyTorch: a group's params may be one Tensor or any iterable of them.
    const ps = g.params instanceof Tensor ? [g.params] : [...g.params as Iterable<unknown>];
    ps.forEach((p, j) => {
      if (!(p instanceof Tensor)) throw new TypeError(`params[${i}].params[${j}] must be a Tensor; got ${describe(p)}`);
    });
    const { params: _ignored, ...rest } = g;
    void _ignored;
    return { params: ps as Tensor[], rest };
  });
}

/** Options of {@link SGD}, PyTorch's keyword arguments in camelCase. */
export interface SGDOptions { lr?: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean; maximize?: boolean }
/** Options of {@link Adam} and {@link AdamW}, PyTorch's keyword arguments in camelCase. */
export interface AdamOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; maximize?: boolean }

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay. Mirrors `torch.optim.SGD`.
 * @throws TypeError when params are not Tensors or parameter groups, an option is unknown or mistyped, or no lr is given; RangeError for an empty parameter list or an option out of range.
 * @example
 * ```ts
 * const optimizer = new optim.SGD(model.classifier.parameters(), { lr: 0.001, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer {
  /** `options.lr` may be left out when every group has its own lr (PyTorch's lr=required). */
  constructor(params: Params, options: SGDOptions = {}) { super('SGD', params, options as unknown as Record<string, unknown>); }
}
/**
 * Adam, optionally AMSGrad. Mirrors `torch.optim.Adam`.
 * @throws TypeError when params are not Tensors or parameter groups, an option is unknown or mistyped, or no lr is given; RangeError for an empty parameter list or an option out of range.
 */
export class Adam extends Optimizer {
  constructor(params: Params, options: AdamOptions = {}) { super('Adam', params, options as unknown as Record<string, unknown>); }
}
/**
 * Adam with decoupled weight decay. Mirrors `torch.optim.AdamW`.
 * @throws TypeError when params are not Tensors or parameter groups, an option is unknown or mistyped, or no lr is given; RangeError for an empty parameter list or an option out of range.
 */
export class AdamW extends Optimizer {
  constructor(params: Params, options: AdamOptions = {}) { super('AdamW', params, options as unknown as Record<string, unknown>); }
}

// optimizer.zero_grad(), optimizer.state_dict(), …: a TypeError naming the camelCase member.
check.refusePythonNames(Optimizer.prototype, 'Optimizer', ['zeroGrad', 'stateDict', 'loadStateDict', 'paramGroups', 'getLr', 'setLr']);
