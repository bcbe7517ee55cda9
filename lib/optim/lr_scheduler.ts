// torch.optim.lr_scheduler: PyTorch 1.13's schedulers (chainable step() forms, closed forms for step(epoch)), their arguments and state dicts.
import { Tensor } from '../torch/tensor';
import * as check from '../check';
import { describe } from '../check';
import { intKeyed, withIntKeys } from '../serialization/int_keys';
import { Optimizer } from './optimizer';

const REQUIRED = Symbol('required');
type Spec = [name: string, dflt: unknown][];

/**
 * PyTorch's call forms: positional arguments (after the optimizer), then an optional trailing options
 * object; `undefined` takes the default. Returns every argument by name.
 */
function parseArgs(cls: string, spec: Spec, args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const plain = last !== null && typeof last === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(last));
  const positional = plain ? args.slice(0, -1) : args;
  const opts = plain ? check.options(last as Record<string, unknown>, `${cls} options`, spec.map(([n]) => n)) : {};
  if (positional.length > spec.length) {
    throw new TypeError(`${cls}() takes at most ${spec.length} arguments after the optimizer; got ${positional.length}`);
  }
  const out: Record<string, unknown> = {};
  spec.forEach(([name, dflt], i) => {
    const given = (opts as Record<string, unknown>)[name];
    if (positional[i] !== undefined && given !== undefined) throw new TypeError(`${cls}() got multiple values for argument '${name}'`);
    const v = positional[i] ?? given ?? dflt;
    if (v === REQUIRED) throw new TypeError(`${cls}() missing required argument '${name}'`);
    out[name] = v;
  });
  return out;
}

/** Python's '{:.4e}': 1.0000e-01. */
const sci = (x: number): string => x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');

/** A number, or one per param group (PyTorch's _format_param and min_lrs). */
function perGroup(v: unknown, name: string, n: number, b: check.IntBounds = {}): number[] {
  if (!Array.isArray(v)) return Array(n).fill(check.number(v, name, b));
  if (v.length !== n) throw new RangeError(`expected ${n} values for ${name}, got ${v.length}`);
  return check.numbers(v, name, b);
}

/** A deep copy of state dict data; int-keyed objects (MultiStepLR's Counter) stay int-keyed, and 'inf' (JSON's stand-in) reads as Infinity. */
function clone<T>(v: T): T {
  if (v === 'inf' || v === '-inf') return (v === 'inf' ? Infinity : -Infinity) as T;
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v === null || typeof v !== 'object') return v;
  const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return (intKeyed.has(v) || Object.keys(out).every((k) => /^-?\d+$/.test(k)) && Object.keys(out).length ? withIntKeys(out) : out) as T;
}

function checkOptimizer(optimizer: unknown): Optimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`optimizer must be an optim.Optimizer; got ${describe(optimizer)}`);
  return optimizer;
}

/** PyTorch's _LRScheduler: call step() once per epoch (or per batch), after the optimizer's step(). */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  lastEpoch: number;
  baseLrs: number[];
  verbose: boolean;
  protected stepCount = 0;
  protected lastLr: number[] = [];
  /** State dict keys (PyTorch's names) of the subclass's own fields, in PyTorch's order, and the member holding each. */
  protected fields: [py: string, js: string][] = [];

  constructor(optimizer: Optimizer, lastEpoch: unknown = -1, verbose: unknown = false) {
    this.optimizer = checkOptimizer(optimizer);
    this.lastEpoch = check.int(lastEpoch, 'lastEpoch', { min: -1 });
    this.verbose = check.bool(verbose, 'verbose');
    this.optimizer.paramGroups.forEach((g, i) => {
      if (this.lastEpoch === -1) {
        if (g.options.initial_lr === undefined) this.optimizer._setGroupOption(i, 'initial_lr', this.optimizer.getLr(i));
      } else if (g.options.initial_lr === undefined) {
        throw new Error(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      }
    });
    this.baseLrs = this.optimizer.paramGroups.map((g) => g.options.initial_lr as number);
  }

  /** @internal Subclasses call this last in their constructor (PyTorch's _initial_step). */
  _initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch (the chainable form); step(epoch) jumps to `epoch` with the closed form where there is one (deprecated in PyTorch). */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.computeLr();
    } else {
      this.lastEpoch = check.number(epoch, 'epoch');
      values = this.closedFormLr() ?? this.computeLr();
    }
    this.apply(values, epoch);
  }

  protected apply(values: number[], epoch?: number): void {
    values.forEach((lr, i) => {
      this.optimizer._setGroupOption(i, 'lr', lr);
      if (this.verbose) {
        console.log(epoch === undefined ? `Adjusting learning rate of group ${i} to ${sci(lr)}.`
          : `Epoch ${Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : epoch.toFixed(2)}: adjusting learning rate of group ${i} to ${sci(lr)}.`);
      }
    });
    this.lastLr = this.groupLrs();
  }

  /** The learning rates the last step() set, one per param group. */
  getLastLr(): number[] { return [...this.lastLr]; }

  /** PyTorch's state_dict(): every field but the optimizer, under PyTorch's names. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [py, js] of this.stateKeys()) out[py] = py === '_get_lr_called_within_step' ? false : clone((this as unknown as Record<string, unknown>)[js]);
    return out;
  }

  /** Loads a state dict from stateDict() or Python's scheduler.state_dict(). */
  loadStateDict(sd: Record<string, unknown>): void {
    const keys = this.stateKeys();
    check.options(sd, `${this.constructor.name} state dict`, keys.map(([py]) => py));
    for (const [py, js] of keys) {
      if (sd[py] !== undefined && py !== '_get_lr_called_within_step') (this as unknown as Record<string, unknown>)[js] = clone(sd[py]);
    }
  }

  protected stateKeys(): [string, string][] {
    return [...this.fields, ['base_lrs', 'baseLrs'], ['last_epoch', 'lastEpoch'], ['verbose', 'verbose'], ['_step_count', 'stepCount'],
      ['_get_lr_called_within_step', ''], ['_last_lr', 'lastLr']];
  }

  protected groupLrs(): number[] { return this.optimizer.paramGroups.map((_, i) => this.optimizer.getLr(i)); }
  /** PyTorch's get_lr(): the chainable form, from the groups' current lrs. */
  protected abstract computeLr(): number[];
  /** PyTorch's _get_closed_form_lr(), where the scheduler has one. */
  protected closedFormLr(): number[] | undefined { return undefined; }
}

export interface SchedulerOptions { lastEpoch?: number; verbose?: boolean }
export interface StepLROptions extends SchedulerOptions { stepSize: number; gamma?: number }

/** Multiplies each group's lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: Optimizer, stepSize: number, gamma?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, stepSize: number, options: Omit<StepLROptions, 'stepSize'>);
  constructor(optimizer: Optimizer, options: StepLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('StepLR', [['stepSize', REQUIRED], ['gamma', 0.1], ['lastEpoch', -1], ['verbose', false]], args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.stepSize = check.int(a.stepSize, 'stepSize', { min: 1 });
    this.gamma = check.number(a.gamma, 'gamma', { min: 0 });
    this.fields = [['step_size', 'stepSize'], ['gamma', 'gamma']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
  protected closedFormLr(): number[] { return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize)); }
}

export interface MultiStepLROptions extends SchedulerOptions { milestones: number[]; gamma?: number }

/** Multiplies each group's lr by gamma at each milestone epoch. */
export class MultiStepLR extends LRScheduler {
  /** PyTorch's Counter: milestone -> how many times it was given. */
  milestones: Record<number, number>;
  gamma: number;
  constructor(optimizer: Optimizer, milestones: number[], gamma?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, milestones: number[], options: Omit<MultiStepLROptions, 'milestones'>);
  constructor(optimizer: Optimizer, options: MultiStepLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('MultiStepLR', [['milestones', REQUIRED], ['gamma', 0.1], ['lastEpoch', -1], ['verbose', false]], args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.milestones = withIntKeys({});
    check.numbers(a.milestones, 'milestones').forEach((m, i) => {
      check.int(m, `milestones[${i}]`);
      this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    });
    this.gamma = check.number(a.gamma, 'gamma', { min: 0 });
    this.fields = [['milestones', 'milestones'], ['gamma', 'gamma']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    const n = this.milestones[this.lastEpoch];
    return this.groupLrs().map((lr) => (n === undefined ? lr : lr * this.gamma ** n));
  }
  protected closedFormLr(): number[] {
    let passed = 0;
    for (const [m, n] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) passed += n;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

export interface ExponentialLROptions extends SchedulerOptions { gamma: number }

/** Multiplies each group's lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: Optimizer, gamma: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, gamma: number, options: SchedulerOptions);
  constructor(optimizer: Optimizer, options: ExponentialLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('ExponentialLR', [['gamma', REQUIRED], ['lastEpoch', -1], ['verbose', false]], args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.gamma = check.number(a.gamma, 'gamma', { min: 0 });
    this.fields = [['gamma', 'gamma']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    return this.lastEpoch === 0 ? this.groupLrs() : this.groupLrs().map((lr) => lr * this.gamma);
  }
  protected closedFormLr(): number[] { return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch); }
}

export interface CosineAnnealingLROptions extends SchedulerOptions { tMax: number; etaMin?: number }

/** Cosine annealing from each group's initial lr down to etaMin over tMax epochs (and back up after, as PyTorch's recursion does). */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: Optimizer, tMax: number, etaMin?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, tMax: number, options: Omit<CosineAnnealingLROptions, 'tMax'>);
  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('CosineAnnealingLR', [['tMax', REQUIRED], ['etaMin', 0], ['lastEpoch', -1], ['verbose', false]], args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.tMax = check.int(a.tMax, 'tMax', { min: 1 });
    this.etaMin = check.number(a.etaMin, 'etaMin', { min: 0 });
    this.fields = [['T_max', 'tMax'], ['eta_min', 'etaMin']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    const { lastEpoch: e, tMax: t, etaMin: m } = this;
    if (e === 0) return this.groupLrs();
    if (this.stepCount === 1 && e > 0) return this.baseLrs.map((b) => m + ((b - m) * (1 + Math.cos((e * Math.PI) / t))) / 2);
    if (pyMod(e - 1 - t, 2 * t) === 0) return this.groupLrs().map((lr, i) => lr + ((this.baseLrs[i] - m) * (1 - Math.cos(Math.PI / t))) / 2);
    return this.groupLrs().map((lr) => ((1 + Math.cos((Math.PI * e) / t)) / (1 + Math.cos((Math.PI * (e - 1)) / t))) * (lr - m) + m);
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

/** Python's % (the result takes the divisor's sign). */
const pyMod = (a: number, b: number): number => ((a % b) + b) % b;

export interface CosineAnnealingWarmRestartsOptions extends SchedulerOptions { t0: number; tMult?: number; etaMin?: number }

/** SGDR: cosine annealing restarted every t0 epochs (the period multiplied by tMult after each restart); step(epoch) may take fractions. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tI: number;
  tMult: number;
  etaMin: number;
  tCur: number;
  constructor(optimizer: Optimizer, t0: number, tMult?: number, etaMin?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, t0: number, options: Omit<CosineAnnealingWarmRestartsOptions, 't0'>);
  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('CosineAnnealingWarmRestarts', [['t0', REQUIRED], ['tMult', 1], ['etaMin', 0], ['lastEpoch', -1], ['verbose', false]], args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.t0 = check.int(a.t0, 't0', { min: 1 });
    this.tI = this.t0;
    this.tMult = check.int(a.tMult, 'tMult', { min: 1 });
    this.etaMin = check.number(a.etaMin, 'etaMin', { min: 0 });
    this.tCur = this.lastEpoch;
    this.fields = [['T_0', 't0'], ['T_i', 'tI'], ['T_mult', 'tMult'], ['eta_min', 'etaMin'], ['T_cur', 'tCur']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  step(epoch?: number): void {
    let e = epoch === undefined && this.lastEpoch < 0 ? 0 : epoch;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      check.number(e, 'epoch', { min: 0 });
      if (e >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = pyMod(e, this.t0);
        } else {
          const n = Math.trunc(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = e - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    this.apply(this.computeLr(), epoch);
  }
}

export interface LinearLROptions extends SchedulerOptions { startFactor?: number; endFactor?: number; totalIters?: number }

/** Scales each group's lr linearly from startFactor to endFactor over totalIters epochs (a warm-up). */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: Optimizer, startFactor?: number, endFactor?: number, totalIters?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, options: LinearLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('LinearLR', [['startFactor', 1 / 3], ['endFactor', 1], ['totalIters', 5], ['lastEpoch', -1], ['verbose', false]], args);
    const factor = (v: unknown, name: string, what: string): number => {
      const x = check.number(v, name);
      if (x > 1 || x < 0) throw new RangeError(`${what} multiplicative factor expected to be between 0 and 1; got ${name} ${x}`);
      return x;
    };
    const startFactor = factor(a.startFactor, 'startFactor', 'Starting');
    const endFactor = factor(a.endFactor, 'endFactor', 'Ending');
    super(optimizer, a.lastEpoch, a.verbose);
    [this.startFactor, this.endFactor] = [startFactor, endFactor];
    this.totalIters = check.int(a.totalIters, 'totalIters', { min: 0 });
    this.fields = [['start_factor', 'startFactor'], ['end_factor', 'endFactor'], ['total_iters', 'totalIters']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.groupLrs().map((lr) => lr * s);
    if (e > n) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  protected closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

export type LrLambda = (epoch: number) => number;

/** LambdaLR's and MultiplicativeLR's arguments: lrLambda is one function for all groups or one per group. */
function parseLambdas(name: string, optimizer: Optimizer, args: unknown[]): { fns: LrLambda[]; lastEpoch: unknown; verbose: unknown } {
  const a = parseArgs(name, [['lrLambda', REQUIRED], ['lastEpoch', -1], ['verbose', false]], args);
  const n = checkOptimizer(optimizer).paramGroups.length;
  if (!Array.isArray(a.lrLambda)) return { fns: Array(n).fill(check.func<LrLambda>(a.lrLambda, 'lrLambda')), lastEpoch: a.lastEpoch, verbose: a.verbose };
  if (a.lrLambda.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${a.lrLambda.length}`);
  return { fns: a.lrLambda.map((f, i) => check.func<LrLambda>(f, `lrLambda[${i}]`)), lastEpoch: a.lastEpoch, verbose: a.verbose };
}

/** A state dict without its lr_lambdas entry (functions are never saved, so there is nothing to load). */
function withoutLambdas(sd: Record<string, unknown>): Record<string, unknown> {
  const { lr_lambdas: _ignored, ...rest } = sd ?? {};
  void _ignored;
  return rest;
}
export interface LambdaLROptions extends SchedulerOptions { lrLambda: LrLambda | LrLambda[] }

/** lr = initial lr * lrLambda(epoch), one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], options: SchedulerOptions);
  constructor(optimizer: Optimizer, options: LambdaLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseLambdas('LambdaLR', optimizer, args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.lrLambdas = a.fns;
    this._initialStep();
  }
  protected computeLr(): number[] { return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch)); }
  /** As PyTorch's: lr_lambdas is one null per group (functions are not saved). */
  stateDict(): Record<string, unknown> { return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) }; }
  loadStateDict(sd: Record<string, unknown>): void { super.loadStateDict(withoutLambdas(sd)); }
}

export interface MultiplicativeLROptions extends SchedulerOptions { lrLambda: LrLambda | LrLambda[] }

/**
 * Multiplies each group's lr by lrLambda(epoch) at every step after the first (one function for all groups or one per group).
 * Mirrors torch.optim.lr_scheduler.MultiplicativeLR.
 * @throws TypeError for a missing or non-function lrLambda; RangeError when the number of functions is not the number of groups.
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, lrLambda: LrLambda | LrLambda[], options: SchedulerOptions);
  constructor(optimizer: Optimizer, options: MultiplicativeLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseLambdas('MultiplicativeLR', optimizer, args);
    super(optimizer, a.lastEpoch, a.verbose);
    this.lrLambdas = a.fns;
    this._initialStep();
  }
  protected computeLr(): number[] {
    return this.lastEpoch > 0 ? this.groupLrs().map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch)) : this.groupLrs();
  }
  /** As PyTorch's: lr_lambdas is one null per group (functions are not saved). */
  stateDict(): Record<string, unknown> { return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) }; }
  loadStateDict(sd: Record<string, unknown>): void { super.loadStateDict(withoutLambdas(sd)); }
}

export interface ConstantLROptions extends SchedulerOptions { factor?: number; totalIters?: number }

/**
 * Multiplies each group's lr by `factor` (default 1/3) until epoch totalIters (default 5), then restores it.
 * Mirrors torch.optim.lr_scheduler.ConstantLR.
 * @throws RangeError when factor is not in [0, 1] or totalIters is negative; TypeError for a non-number.
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: Optimizer, factor?: number, totalIters?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, options: ConstantLROptions);
  constructor(optimizer: Optimizer, factor: number, options: Omit<ConstantLROptions, 'factor'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('ConstantLR', [['factor', 1 / 3], ['totalIters', 5], ['lastEpoch', -1], ['verbose', false]], args);
    const factor = check.number(a.factor, 'factor');
    if (factor > 1 || factor < 0) throw new RangeError(`Constant multiplicative factor expected to be between 0 and 1; got factor ${factor}`);
    const totalIters = check.int(a.totalIters, 'totalIters', { min: 0 });
    super(optimizer, a.lastEpoch, a.verbose);
    this.factor = factor;
    this.totalIters = totalIters;
    this.fields = [['factor', 'factor'], ['total_iters', 'totalIters']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    const e = this.lastEpoch;
    if (e === 0) return this.groupLrs().map((lr) => lr * this.factor);
    if (e !== this.totalIters) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1 / this.factor));
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

export interface PolynomialLROptions extends SchedulerOptions { totalIters?: number; power?: number }

/**
 * Decays each group's lr as (1 - epoch / totalIters) ** power over totalIters epochs (default 5, power 1), then holds it.
 * Mirrors torch.optim.lr_scheduler.PolynomialLR.
 * @throws RangeError when totalIters is not a positive integer; TypeError for a non-number power.
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: Optimizer, totalIters?: number, power?: number, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, options: PolynomialLROptions);
  constructor(optimizer: Optimizer, totalIters: number, options: Omit<PolynomialLROptions, 'totalIters'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('PolynomialLR', [['totalIters', 5], ['power', 1], ['lastEpoch', -1], ['verbose', false]], args);
    const totalIters = check.int(a.totalIters, 'totalIters', { min: 1 });
    const power = check.number(a.power, 'power');
    super(optimizer, a.lastEpoch, a.verbose);
    this.totalIters = totalIters;
    this.power = power;
    this.fields = [['total_iters', 'totalIters'], ['power', 'power']];
    this._initialStep();
  }
  protected computeLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    if (e === 0 || e > n) return this.groupLrs();
    const decay = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return this.groupLrs().map((lr) => lr * decay);
  }
  protected closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/**
 * Steps several schedulers of one optimizer together at every step() (their factors multiply).
 * Mirrors torch.optim.lr_scheduler.ChainedScheduler.
 * @throws TypeError when schedulers is not a non-empty array of lr schedulers; RangeError when they use different optimizers.
 */
export class ChainedScheduler extends LRScheduler {
  schedulers: LRScheduler[];
  constructor(schedulers: LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new TypeError(`schedulers must be a non-empty array of schedulers; got ${describe(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`schedulers[${i}] must be an lrScheduler (not ReduceLROnPlateau); got ${describe(s)}`);
      if (s.optimizer !== schedulers[0].optimizer) {
        throw new RangeError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    });
    super(schedulers[0].optimizer, -1, false);
    this.schedulers = [...schedulers];
    this.lastLr = this.groupLrs();
  }
  /** Steps every scheduler in order. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.groupLrs();
  }
  protected computeLr(): number[] { return this.groupLrs(); }
  protected stateKeys(): [string, string][] { return [['_last_lr', 'lastLr']]; }
  /** As PyTorch's: the wrapped schedulers' state dicts under _schedulers. */
  stateDict(): Record<string, unknown> { return { ...super.stateDict(), _schedulers: this.schedulers.map((s) => s.stateDict()) }; }
  loadStateDict(sd: Record<string, unknown>): void {
    const { _schedulers: inner, ...rest } = sd ?? {};
    super.loadStateDict(rest);
    if (Array.isArray(inner)) inner.forEach((s, i) => this.schedulers[i]?.loadStateDict(s as Record<string, unknown>));
  }
}

export interface CyclicLROptions extends SchedulerOptions {
  baseLr: number | number[]; maxLr: number | number[]; stepSizeUp?: number; stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range'; gamma?: number; scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations'; cycleMomentum?: boolean; baseMomentum?: number | number[]; maxMomentum?: number | number[];
}

/**
 * Cycles each group's lr between baseLr and maxLr (triangular, triangular2 or exp_range, or your scaleFn), and momentum
 * the other way between maxMomentum and baseMomentum: SGD's `momentum`, or Adam's/AdamW's `betas[0]` (as PyTorch 2 does;
 * PyTorch 1.13 refuses Adam with cycleMomentum). Call step() once per batch.
 * Mirrors torch.optim.lr_scheduler.CyclicLR.
 * @throws TypeError for a missing baseLr/maxLr, an unknown mode without scaleFn, or a bad option; RangeError for per-group lists
 *   of the wrong length, non-positive step sizes, or cycleMomentum with an optimizer that has no momentum.
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums?: number[];
  maxMomentums?: number[];
  useBeta1 = false;
  private readonly scaleFnCustom: ((x: number) => number) | null;
  constructor(optimizer: Optimizer, baseLr: number | number[], maxLr: number | number[], stepSizeUp?: number, stepSizeDown?: number | null,
    mode?: 'triangular' | 'triangular2' | 'exp_range', gamma?: number, scaleFn?: ((x: number) => number) | null, scaleMode?: 'cycle' | 'iterations',
    cycleMomentum?: boolean, baseMomentum?: number | number[], maxMomentum?: number | number[], lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, baseLr: number | number[], maxLr: number | number[], options: Omit<CyclicLROptions, 'baseLr' | 'maxLr'>);
  constructor(optimizer: Optimizer, options: CyclicLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('CyclicLR', [['baseLr', REQUIRED], ['maxLr', REQUIRED], ['stepSizeUp', 2000], ['stepSizeDown', null], ['mode', 'triangular'],
      ['gamma', 1], ['scaleFn', null], ['scaleMode', 'cycle'], ['cycleMomentum', true], ['baseMomentum', 0.8], ['maxMomentum', 0.9],
      ['lastEpoch', -1], ['verbose', false]], args);
    const opt = checkOptimizer(optimizer);
    const n = opt.paramGroups.length;
    const lastEpoch = check.int(a.lastEpoch, 'lastEpoch', { min: -1 });
    const baseLrs = perGroup(a.baseLr, 'baseLr', n, { min: 0 });
    const maxLrs = perGroup(a.maxLr, 'maxLr', n, { min: 0 });
    const up = check.number(a.stepSizeUp, 'stepSizeUp');
    const down = a.stepSizeDown == null ? up : check.number(a.stepSizeDown, 'stepSizeDown');
    if (!(up > 0) || !(down >= 0)) throw new RangeError(`stepSizeUp must be > 0 and stepSizeDown >= 0; got ${up} and ${down}`);
    const scaleFn = a.scaleFn == null ? null : check.func<(x: number) => number>(a.scaleFn, 'scaleFn');
    const mode = scaleFn ? check.string(a.mode, 'mode') : check.oneOf(a.mode, 'mode', ['triangular', 'triangular2', 'exp_range'] as const);
    const gamma = check.number(a.gamma, 'gamma');
    const scaleMode = scaleFn ? check.oneOf(a.scaleMode, 'scaleMode', ['cycle', 'iterations'] as const) : mode === 'exp_range' ? 'iterations' : 'cycle';
    const cycle = check.bool(a.cycleMomentum, 'cycleMomentum');
    if (lastEpoch === -1) baseLrs.forEach((lr, i) => opt._setGroupOption(i, 'lr', lr));
    const useBeta1 = 'betas' in opt.defaults;
    let baseMomentums: number[] | undefined;
    let maxMomentums: number[] | undefined;
    if (cycle) {
      if (!('momentum' in opt.defaults) && !useBeta1) throw new RangeError('optimizer must support momentum with `cycleMomentum` option enabled');
      const baseM = perGroup(a.baseMomentum, 'baseMomentum', n);
      maxMomentums = perGroup(a.maxMomentum, 'maxMomentum', n);
      if (useBeta1) {
        baseMomentums = baseM;
        if (lastEpoch === -1) maxMomentums.forEach((m, i) => setMomentum(opt, i, m, true));
      } else {
        // PyTorch 1.13: the groups start at baseMomentum, and base_momentums are read back from the groups.
        if (lastEpoch === -1) baseM.forEach((m, i) => setMomentum(opt, i, m, false));
        baseMomentums = opt.paramGroups.map((g) => g.options.momentum as number);
      }
    }
    super(opt, lastEpoch, a.verbose);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleFnCustom = scaleFn;
    this.scaleMode = scaleMode;
    this.cycleMomentum = cycle;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this.useBeta1 = cycle && useBeta1;
    this.fields = [['max_lrs', 'maxLrs'], ['total_size', 'totalSize'], ['step_ratio', 'stepRatio'], ['mode', 'mode'], ['gamma', 'gamma'],
      ['_scale_fn_custom', 'scaleFnState'], ['scale_mode', 'scaleMode'], ['cycle_momentum', 'cycleMomentum'],
      ...(cycle ? [['base_momentums', 'baseMomentums'], ['max_momentums', 'maxMomentums']] as [string, string][] : []),
      ...(this.useBeta1 ? [['use_beta1', 'useBeta1']] as [string, string][] : [])];
    this._initialStep();
    this.baseLrs = baseLrs;
  }
  /** @internal the state dict's _scale_fn_custom: a function is not saved (null), as a Python lambda cannot be. */
  get scaleFnState(): null { return null; }
  set scaleFnState(_v: null) { /* functions are not restored */ }
  /** The scale of cycle (or iteration) x: 1 for triangular, 1 / 2 ** (x - 1) for triangular2, gamma ** x for exp_range, or scaleFn's. */
  scaleFn(x: number): number {
    if (this.scaleFnCustom) return this.scaleFnCustom(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }
  protected computeLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1 + e / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : e);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * factor * scale);
    if (this.cycleMomentum && this.baseMomentums && this.maxMomentums) {
      this.maxMomentums.forEach((m, i) => {
        const height = (m - this.baseMomentums![i]) * factor;
        setMomentum(this.optimizer, i, m - height * scale, this.useBeta1);
      });
    }
    return lrs;
  }
}

export interface OneCycleLROptions extends SchedulerOptions {
  maxLr: number | number[]; totalSteps?: number | null; epochs?: number | null; stepsPerEpoch?: number | null; pctStart?: number;
  annealStrategy?: 'cos' | 'linear'; cycleMomentum?: boolean; baseMomentum?: number | number[]; maxMomentum?: number | number[];
  divFactor?: number; finalDivFactor?: number; threePhase?: boolean;
}
type Phase = { end_step: number; start_lr: string; end_lr: string; start_momentum: string; end_momentum: string };

/** The 1cycle policy: lr up from maxLr/divFactor to maxLr, then down to its /finalDivFactor, momentum the other way; step() once per batch. */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  schedulePhases: Phase[];
  cycleMomentum: boolean;
  useBeta1 = false;
  readonly annealStrategy: 'cos' | 'linear';
  constructor(optimizer: Optimizer, maxLr: number | number[], totalSteps?: number | null, epochs?: number | null, stepsPerEpoch?: number | null,
    pctStart?: number, annealStrategy?: 'cos' | 'linear', cycleMomentum?: boolean, baseMomentum?: number | number[],
    maxMomentum?: number | number[], divFactor?: number, finalDivFactor?: number, threePhase?: boolean, lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, maxLr: number | number[], options: Omit<OneCycleLROptions, 'maxLr'>);
  constructor(optimizer: Optimizer, options: OneCycleLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('OneCycleLR', [['maxLr', REQUIRED], ['totalSteps', null], ['epochs', null], ['stepsPerEpoch', null], ['pctStart', 0.3],
      ['annealStrategy', 'cos'], ['cycleMomentum', true], ['baseMomentum', 0.85], ['maxMomentum', 0.95], ['divFactor', 25],
      ['finalDivFactor', 1e4], ['threePhase', false], ['lastEpoch', -1], ['verbose', false]], args);
    const opt = checkOptimizer(optimizer);
    const n = opt.paramGroups.length;
    let total: number;
    if (a.totalSteps == null && a.epochs == null && a.stepsPerEpoch == null) {
      throw new TypeError('You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    } else if (a.totalSteps != null) {
      total = check.int(a.totalSteps, 'totalSteps', { min: 1 });
    } else {
      total = check.int(a.epochs, 'epochs', { min: 1 }) * check.int(a.stepsPerEpoch, 'stepsPerEpoch', { min: 1 });
    }
    const pct = check.number(a.pctStart, 'pctStart', { min: 0, max: 1 });
    const annealStrategy = check.oneOf(a.annealStrategy, 'annealStrategy', ['cos', 'linear'] as const);
    const three = check.bool(a.threePhase, 'threePhase');
    const divFactor = check.number(a.divFactor, 'divFactor');
    const finalDiv = check.number(a.finalDivFactor, 'finalDivFactor');
    const maxLrs = perGroup(a.maxLr, 'maxLr', n, { min: 0 });
    const cycle = check.bool(a.cycleMomentum, 'cycleMomentum');
    const lastEpoch = check.int(a.lastEpoch, 'lastEpoch', { min: -1 });
    if (lastEpoch === -1) {
      maxLrs.forEach((m, i) => {
        opt._setGroupOption(i, 'initial_lr', m / divFactor);
        opt._setGroupOption(i, 'max_lr', m);
        opt._setGroupOption(i, 'min_lr', m / divFactor / finalDiv);
      });
    }
    const useBeta1 = 'betas' in opt.defaults;
    if (cycle) {
      if (!('momentum' in opt.defaults) && !useBeta1) throw new RangeError('optimizer must support momentum with `cycleMomentum` option enabled');
      const maxM = perGroup(a.maxMomentum, 'maxMomentum', n);
      const baseM = perGroup(a.baseMomentum, 'baseMomentum', n);
      if (lastEpoch === -1) {
        maxM.forEach((m, i) => {
          setMomentum(opt, i, m, useBeta1);
          opt._setGroupOption(i, 'max_momentum', m);
          opt._setGroupOption(i, 'base_momentum', baseM[i]);
        });
      }
    }
    super(opt, lastEpoch, a.verbose);
    this.totalSteps = total;
    const phase = (end: number, s: string, e: string, sm: string, em: string): Phase => ({ end_step: end, start_lr: s, end_lr: e, start_momentum: sm, end_momentum: em });
    this.schedulePhases = three
      ? [phase(pct * total - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
        phase(2 * pct * total - 2, 'max_lr', 'initial_lr', 'base_momentum', 'max_momentum'),
        phase(total - 1, 'initial_lr', 'min_lr', 'max_momentum', 'max_momentum')]
      : [phase(pct * total - 1, 'initial_lr', 'max_lr', 'max_momentum', 'base_momentum'),
        phase(total - 1, 'max_lr', 'min_lr', 'base_momentum', 'max_momentum')];
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.fields = [['total_steps', 'totalSteps'], ['_schedule_phases', 'schedulePhases'], ['cycle_momentum', 'cycleMomentum'],
      ...(cycle ? [['use_beta1', 'useBeta1'] as [string, string]] : [])];
    this._initialStep();
  }
  private anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }
  protected computeLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return this.optimizer.paramGroups.map((g, gi) => {
      const o = g.options as Record<string, number>;
      let start = 0;
      for (const [i, p] of this.schedulePhases.entries()) {
        if (stepNum <= p.end_step || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - start) / (p.end_step - start);
          const lr = this.anneal(o[p.start_lr], o[p.end_lr], pct);
          if (this.cycleMomentum) setMomentum(this.optimizer, gi, this.anneal(o[p.start_momentum], o[p.end_momentum], pct), this.useBeta1);
          return lr;
        }
        start = p.end_step;
      }
      return NaN;
    });
  }
  /** PyTorch's state dict also holds anneal_func (a method, not data); a Python state dict's is ignored. */
  loadStateDict(sd: Record<string, unknown>): void {
    const { anneal_func: _ignored, ...rest } = sd ?? {};
    void _ignored;
    super.loadStateDict(rest);
  }
}

function setMomentum(opt: Optimizer, group: number, m: number, useBeta1: boolean): void {
  if (useBeta1) opt._setGroupOption(group, 'betas', [m, ...(opt.paramGroups[group].options.betas as number[]).slice(1)]);
  else opt._setGroupOption(group, 'momentum', m);
}

export interface SequentialLROptions extends SchedulerOptions { schedulers: LRScheduler[]; milestones: number[] }

/** Runs schedulers one after another, switching at each milestone epoch. */
export class SequentialLR extends LRScheduler {
  schedulers: LRScheduler[];
  milestones: number[];
  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[], lastEpoch?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[], options: SchedulerOptions);
  constructor(optimizer: Optimizer, options: SequentialLROptions);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('SequentialLR', [['schedulers', REQUIRED], ['milestones', REQUIRED], ['lastEpoch', -1], ['verbose', false]], args);
    if (!Array.isArray(a.schedulers) || a.schedulers.length === 0) throw new TypeError(`schedulers must be a non-empty array of schedulers; got ${describe(a.schedulers)}`);
    const schedulers = a.schedulers as LRScheduler[];
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`schedulers[${i}] must be an lrScheduler (not ReduceLROnPlateau); got ${describe(s)}`);
      if (s.optimizer !== optimizer) {
        throw new RangeError('Sequential Schedulers expects all schedulers to belong to the same optimizer, but '
          + `got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    const milestones = check.numbers(a.milestones, 'milestones').map((m, i) => check.int(m, `milestones[${i}]`));
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError('Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, '
        + `but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`);
    }
    super(optimizer, a.lastEpoch, a.verbose);
    this.schedulers = schedulers;
    this.milestones = milestones;
    this.lastEpoch += 1;
    this.optimizer.paramGroups.forEach((g, i) => this.optimizer._setGroupOption(i, 'lr', g.options.initial_lr as number));
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]._initialStep();
    this.lastLr = schedulers[0].getLastLr();
  }
  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right on sorted milestones
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }
  protected computeLr(): number[] { return this.groupLrs(); }
  protected stateKeys(): [string, string][] { return [['_milestones', 'milestones'], ['last_epoch', 'lastEpoch'], ['_last_lr', 'lastLr']]; }
  /** As PyTorch's: the wrapped schedulers' state dicts under _schedulers. */
  stateDict(): Record<string, unknown> { return { ...super.stateDict(), _schedulers: this.schedulers.map((s) => s.stateDict()) }; }
  loadStateDict(sd: Record<string, unknown>): void {
    const { _schedulers: inner, ...rest } = sd ?? {};
    super.loadStateDict(rest);
    if (Array.isArray(inner)) inner.forEach((s, i) => this.schedulers[i]?.loadStateDict(s as Record<string, unknown>));
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max'; factor?: number; patience?: number; threshold?: number; thresholdMode?: 'rel' | 'abs'; cooldown?: number;
  minLr?: number | number[]; eps?: number; verbose?: boolean;
}

/** Multiplies each group's lr by factor when the metric given to step(metric) has not improved for patience epochs. */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best: number;
  numBadEpochs = 0;
  modeWorse: number;
  eps: number;
  lastEpoch = 0;
  private lastLr: number[] | undefined;
  constructor(optimizer: Optimizer, mode?: 'min' | 'max', factor?: number, patience?: number, threshold?: number,
    thresholdMode?: 'rel' | 'abs', cooldown?: number, minLr?: number | number[], eps?: number, verbose?: boolean);
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions);
  constructor(optimizer: Optimizer, mode: 'min' | 'max', options: Omit<ReduceLROnPlateauOptions, 'mode'>);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const a = parseArgs('ReduceLROnPlateau', [['mode', 'min'], ['factor', 0.1], ['patience', 10], ['threshold', 1e-4], ['thresholdMode', 'rel'],
      ['cooldown', 0], ['minLr', 0], ['eps', 1e-8], ['verbose', false]], args);
    this.factor = check.number(a.factor, 'factor');
    if (this.factor >= 1) throw new RangeError(`Factor should be < 1.0.; got factor ${this.factor}`);
    this.optimizer = checkOptimizer(optimizer);
    this.minLrs = perGroup(a.minLr, 'minLr', this.optimizer.paramGroups.length, { min: 0 });
    this.patience = check.int(a.patience, 'patience', { min: 0 });
    this.verbose = check.bool(a.verbose, 'verbose');
    this.cooldown = check.int(a.cooldown, 'cooldown', { min: 0 });
    this.mode = check.oneOf(a.mode, 'mode', ['min', 'max'] as const);
    this.threshold = check.number(a.threshold, 'threshold');
    this.thresholdMode = check.oneOf(a.thresholdMode, 'thresholdMode', ['rel', 'abs'] as const);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
    this.eps = check.number(a.eps, 'eps', { min: 0 });
  }

  /** Call once per epoch with the validation metric (a number or a one-element Tensor). */
  step(metrics: number | Tensor, epoch?: number): void {
    // NaN and inf are taken, as Python's float(metrics): they are never an improvement.
    const current = metrics instanceof Tensor ? Number(metrics.item()) : typeof metrics === 'number' ? metrics : check.number(metrics, 'metrics');
    this.lastEpoch = epoch === undefined ? this.lastEpoch + 1 : check.number(epoch, 'epoch');
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((_, i) => {
        const old = this.optimizer.getLr(i);
        const lr = Math.max(old * this.factor, this.minLrs[i]);
        if (old - lr > this.eps) {
          this.optimizer._setGroupOption(i, 'lr', lr);
          if (this.verbose) console.log(`Epoch ${String(this.lastEpoch).padStart(5, '0')}: reducing learning rate of group ${i} to ${sci(lr)}.`);
        }
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((_, i) => this.optimizer.getLr(i));
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** The groups' lrs after the last step() (before any step: their current lrs). */
  getLastLr(): number[] { return this.lastLr ? [...this.lastLr] : this.optimizer.paramGroups.map((_, i) => this.optimizer.getLr(i)); }

  private static readonly KEYS: [string, string][] = [['factor', 'factor'], ['min_lrs', 'minLrs'], ['patience', 'patience'],
    ['verbose', 'verbose'], ['cooldown', 'cooldown'], ['cooldown_counter', 'cooldownCounter'], ['mode', 'mode'], ['threshold', 'threshold'],
    ['threshold_mode', 'thresholdMode'], ['best', 'best'], ['num_bad_epochs', 'numBadEpochs'], ['mode_worse', 'modeWorse'], ['eps', 'eps'],
    ['last_epoch', 'lastEpoch'], ['_last_lr', 'lastLr']];

  /** PyTorch's state_dict() (best and mode_worse may be ±Infinity, as Python's inf). */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [py, js] of ReduceLROnPlateau.KEYS) {
      const v = (this as unknown as Record<string, unknown>)[js];
      if (v !== undefined) out[py] = clone(v);
    }
    return out;
  }
  loadStateDict(sd: Record<string, unknown>): void {
    check.options(sd, 'ReduceLROnPlateau state dict', ReduceLROnPlateau.KEYS.map(([py]) => py));
    for (const [py, js] of ReduceLROnPlateau.KEYS) if (sd[py] !== undefined) (this as unknown as Record<string, unknown>)[js] = clone(sd[py]);
    this.mode = check.oneOf(this.mode, 'mode', ['min', 'max'] as const);
    this.thresholdMode = check.oneOf(this.thresholdMode, 'thresholdMode', ['rel', 'abs'] as const);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }
}

// scheduler.get_last_lr(), scheduler.state_dict(), …: a TypeError naming the camelCase member.
const SCHEDULER_MEMBERS = ['getLastLr', 'lastEpoch', 'stateDict', 'loadStateDict', 'baseLrs'];
check.refusePythonNames(LRScheduler.prototype, 'LRScheduler', SCHEDULER_MEMBERS);
check.refusePythonNames(ReduceLROnPlateau.prototype, 'ReduceLROnPlateau', [...SCHEDULER_MEMBERS, 'numBadEpochs', 'minLrs']);
