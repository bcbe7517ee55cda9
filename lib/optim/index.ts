// torch.optim: SGD, Adam, AdamW (update rules in native/optim.cc), their state dicts in PyTorch's layout,
// learning-rate schedulers, and an async training step that runs entirely on the executor thread.
import { native, NativeOptimizer } from '../native';
import { Tensor, describe, unwrap } from '../torch/tensor';
import { Module, unwrapModule } from '../nn/module';
import { withIntKeys } from '../serialization/int_keys';

type Kind = 'SGD' | 'Adam' | 'AdamW';
type GroupOptions = Record<string, number | boolean | number[] | null>;
export interface ParamGroup { params: Tensor[]; [option: string]: unknown }
export type Params = Tensor[] | ParamGroup[];

// Each optimizer's options in PyTorch 1.13's param_groups order, with its defaults.
const DEFAULTS: Record<Kind, GroupOptions> = {
  SGD: { lr: NaN, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false },
  Adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false },
  AdamW: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 1e-2, amsgrad: false, foreach: null, maximize: false, capturable: false },
};
// camelCase options accepted from JS -> PyTorch's keys.
const ALIASES: Record<string, string> = { weightDecay: 'weight_decay' };

function toNative(o: GroupOptions): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'betas') { out.beta1 = (v as number[])[0]; out.beta2 = (v as number[])[1]; }
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = Number(v);
  }
  return out;
}

export class Optimizer {
  /** @internal */
  readonly _native: NativeOptimizer;
  /** Like PyTorch's param_groups: params plus options; change `lr` through setLr or a scheduler. */
  readonly paramGroups: { params: Tensor[]; options: GroupOptions }[];

  protected constructor(readonly kind: Kind, params: Params, options: Record<string, unknown>) {
    const defaults = this.options(DEFAULTS[kind], options, 'options');
    const groups = normalise(params);
    this.paramGroups = groups.map((g, i) => ({ params: g.params, options: this.options(defaults, g.rest, `params[${i}]`) }));
    for (const g of this.paramGroups) {
      if (Number.isNaN(g.options.lr)) throw new TypeError(`${kind} needs a learning rate: new optim.${kind}(params, { lr })`);
    }
    this._native = native.createOptimizer(kind, this.paramGroups.map((g) => ({
      params: g.params.map((p, i) => unwrap(p, `params[${i}]`)), options: toNative(g.options),
    })));
  }

  /** Updates every parameter that has a gradient. */
  step(): void { this._native.step(); }
  /** Drops the gradients (PyTorch's default set_to_none=True), or zeroes them in place. */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void { this._native.zeroGrad(setToNone); }

  getLr(group = 0): number { return this._native.getOption(group, 'lr'); }
  setLr(lr: number, group = 0): void {
    if (typeof lr !== 'number' || !(lr >= 0)) throw new RangeError(`lr must be a non-negative number; got ${lr}`);
    this._native.setOption(group, 'lr', lr);
    this.paramGroups[group].options.lr = lr;
  }

  /** PyTorch's layout: { state: { 0: { momentum_buffer } | { step, exp_avg, exp_avg_sq } }, param_groups }. */
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

  /** Loads a state dict from stateDict() or from Python's optimizer.state_dict() (via torch.load). */
  loadStateDict(sd: { state?: Record<string, unknown>; param_groups?: Record<string, unknown>[] }): void {
    if (!sd || typeof sd !== 'object' || !Array.isArray(sd.param_groups) || typeof sd.state !== 'object') {
      throw new TypeError('optimizer state dict must be { state, param_groups }');
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
      const options = this.options(this.paramGroups[i].options, rest, `param_groups[${i}]`);
      this.paramGroups[i].options = options;
      for (const [k, v] of Object.entries(toNative(options))) this._native.setOption(i, k, v);
    });
  }

  private options(base: GroupOptions, given: Record<string, unknown>, what: string): GroupOptions {
    if (given === null || typeof given !== 'object') throw new TypeError(`${what} must be an object`);
    const out: GroupOptions = { ...base };
    for (const [key, value] of Object.entries(given)) {
      const k = ALIASES[key] ?? key;
      if (!(k in DEFAULTS[this.kind])) throw new TypeError(`${this.kind} has no option '${key}'`);
      if (k === 'betas') {
        if (!Array.isArray(value) || value.length !== 2 || !value.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
          throw new RangeError(`betas must be two numbers in [0, 1); got ${JSON.stringify(value)}`);
        }
        out.betas = [value[0], value[1]];
      } else if (typeof base[k] === 'boolean' || typeof DEFAULTS[this.kind][k] === 'boolean') {
        out[k] = Boolean(value);
      } else if (value === null || typeof DEFAULTS[this.kind][k] === 'object') {
        out[k] = value as null;
      } else {
        if (typeof value !== 'number' || !(value >= 0)) throw new RangeError(`${key} must be a non-negative number; got ${String(value)}`);
        out[k] = value;
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
  const groups = list.every((p) => p instanceof Tensor) ? [{ params: list as Tensor[] }] : list as ParamGroup[];
  return groups.map((g, i) => {
    if (g instanceof Tensor || !g || typeof g !== 'object' || !Array.isArray(g.params)) {
      throw new TypeError(`params[${i}] must be a Tensor, or a group { params: Tensor[], ...options }`);
    }
    g.params.forEach((p, j) => {
      if (!(p instanceof Tensor)) throw new TypeError(`params[${i}].params[${j}] is not a Tensor; got ${describe(p)}`);
    });
    const { params: ps, ...rest } = g;
    return { params: ps, rest };
  });
}

export interface SGDOptions { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean; maximize?: boolean }
export interface AdamOptions { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; maximize?: boolean }

export class SGD extends Optimizer {
  constructor(params: Params, options: SGDOptions) { super('SGD', params, { ...options }); }
}
export class Adam extends Optimizer {
  constructor(params: Params, options: AdamOptions = {}) { super('Adam', params, { ...options }); }
}
export class AdamW extends Optimizer {
  constructor(params: Params, options: AdamOptions = {}) { super('AdamW', params, { ...options }); }
}

/** A learning-rate scheduler: call step() once per epoch, after the optimizer's steps. */
export abstract class LRScheduler {
  lastEpoch = 0;
  protected readonly baseLrs: number[];
  constructor(protected readonly optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError('a scheduler needs an optim.Optimizer');
    this.baseLrs = optimizer.paramGroups.map((_, i) => optimizer.getLr(i));
  }
  step(): void {
    this.lastEpoch++;
    this.baseLrs.forEach((base, i) => this.optimizer.setLr(this.lrAt(base, this.lastEpoch), i));
  }
  getLastLr(): number[] { return this.optimizer.paramGroups.map((_, i) => this.optimizer.getLr(i)); }
  protected abstract lrAt(base: number, epoch: number): number;
}

/** lr = base * gamma^floor(epoch / stepSize) */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new RangeError('stepSize must be a positive integer');
  }
  protected lrAt(base: number, epoch: number): number { return base * this.gamma ** Math.floor(epoch / this.stepSize); }
}

/** lr = etaMin + (base - etaMin) * (1 + cos(pi * epoch / tMax)) / 2, PyTorch's closed form. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: Optimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax > 0)) throw new RangeError('tMax must be positive');
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

export const lrScheduler = { StepLR, CosineAnnealingLR };

export interface TrainStepOptions {
  model: Module;
  optimizer: Optimizer;
  input: Tensor;
  target: Tensor;
  /** CrossEntropyLoss options */
  weight?: Tensor | null;
  labelSmoothing?: number;
}

/**
 * [async] One training step on the executor thread: zeroGrad, forward, cross-entropy, backward, step.
 * Resolves with the batch loss and the number of correct predictions; the event loop stays free.
 */
export async function trainStep(o: TrainStepOptions): Promise<{ loss: number; correct: number }> {
  if (!o || typeof o !== 'object') throw new TypeError('trainStep takes { model, optimizer, input, target }');
  if (!(o.optimizer instanceof Optimizer)) throw new TypeError(`optimizer must be an optim.Optimizer; got ${describe(o.optimizer)}`);
  const target = unwrap(o.target, 'target');
  if (o.target.dtype !== 'int64') throw new TypeError(`target must hold int64 class indices; got ${o.target.dtype}`);
  const smoothing = o.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || smoothing < 0 || smoothing > 1) throw new RangeError('labelSmoothing must be in [0, 1]');
  const [loss, correct] = await native.trainStep(unwrapModule(o.model, 'model'), o.optimizer._native,
    unwrap(o.input, 'input'), target, o.weight == null ? null : unwrap(o.weight, 'weight'), smoothing);
  return { loss, correct };
}
