// Post-training static quantization of a feed-forward model (PyTorch's eager mode: fuse, prepare,
// calibrate, convert) in one call. The float model is copied, never changed; Conv2d(+BatchNorm2d)(+ReLU)
// and Linear(+ReLU) become quantized layers, pooling, dropout and flatten run on quantized tensors as
// they are, and the whole is wrapped in a QuantWrapper (quantize the input, dequantize the output).
import { Module, StateDict, moduleView } from '../nn/module';
import { native } from '../native';
import { Conv2d } from '../nn/modules/conv';
import { Identity, Linear } from '../nn/modules/linear';
import { BatchNorm2d } from '../nn/modules/batchnorm';
import { Dropout } from '../nn/modules/dropout';
import { Sequential } from '../nn/modules/container';
import {
  DeQuantize, QuantWrapper, Quantize, QuantizedDropout, QuantizedConv2d, QuantizedConvReLU2d, QuantizedLinear, QuantizedLinearReLU,
} from '../nn/modules/quantized';
import { Tensor } from '../torch/tensor';
import { zeros } from '../torch/factories';
import { noGrad } from '../torch/autograd';
import { HistogramObserver, MinMaxObserver, quantizeWeight } from './observer';
import { QuantizedEngine, engine, setEngine, supportedEngines } from './engine';
import * as check from '../check';

/** What {@link quantize} takes. */
export interface QuantizeOptions {
  /**
   * Calibration batches: an iterable or async iterable (a DataLoader) of input tensors or of [input, target]
   * pairs, in the model's eval preprocessing. A few hundred images are enough.
   */
  calibration?: Iterable<unknown> | AsyncIterable<unknown>;
  /** Use at most this many calibration batches (default: all). */
  numBatches?: number;
  /**
   * The quantized engine the model is prepared for (torch.backends.quantized.engine); default: the current one.
   * 'fbgemm' and 'x86' quantize activations to 7 bits (reduce_range), as PyTorch's default qconfigs do.
   */
  backend?: QuantizedEngine;
  /**
   * Instead of calibrating: a state dict of such a quantized model (from torch.save of its stateDict(), here or in
   * Python), loaded into the quantized structure built from `model`.
   */
  stateDict?: StateDict | Record<string, unknown>;
  /**
   * Paths of trailing Linear/Conv2d layers that stay float32 (PyTorch: `qconfig = None` on them, with a DeQuantStub
   * before), e.g. `['classifier.6']` for VGG's last layer: its logits are then not rounded to 256 levels, which
   * decides near-ties between classes as the float model does. Each becomes `Sequential(DeQuantize(), the float
   * layer)`; no quantized layer may come after one. A state dict with such layers (keys `<path>.1.weight`) is read
   * with them whether or not this is given.
   */
  keepFloat?: string[];
  /**
   * How activation ranges are found: 'minmax' (default; PyTorch's default_qconfig, MinMaxObserver) or 'histogram'
   * (after a ReLU, the range top that minimises the squared quantization error over a histogram of the calibration
   * activations, as PyTorch's HistogramObserver of get_default_qconfig; MinMax where values go negative).
   */
  observer?: 'minmax' | 'histogram';
}

// Leaves that run on quantized tensors unchanged (copied as they are).
const PASS_THROUGH = new Set(['MaxPool2d', 'AdaptiveAvgPool2d', 'AvgPool2d', 'Dropout2d', 'Flatten', 'Identity', 'ReLU']);
// Containers whose forward calls their children in order (Sequential) or by name in a fixed order (VGG).
const CONTAINERS = new Set(['Sequential', 'VGG']);

/** One place whose output calibration observes, and the quantized layer that takes its parameters. */
interface Point { observe: Module; target: QuantizedConv2d | QuantizedLinear }

/**
 * Quantizes a float model to int8 (post-training static quantization: per-channel symmetric qint8 weights,
 * quint8 activations with MinMax ranges found on the calibration batches; convolutions and linear layers
 * fused with the ReLU after them, batch norm folded in). Returns a new model, `QuantWrapper(quantized)`, which
 * takes and returns float32; its `stateDict()` is PyTorch's quantized layout (Python loads it into
 * `QuantWrapper(fused model)` after `prepare`/`convert`), and `quantize(model, { stateDict })` loads it back.
 * Mirrors PyTorch's eager-mode `torch.ao.quantization` flow (fuse_modules, prepare, calibrate, convert).
 * @throws TypeError for a model with a layer that cannot be quantized (its path is named), a model on CUDA, or a
 * wrong option; RangeError for an engine this libtorch lacks; Error when neither calibration nor stateDict is
 * given, or calibration saw no batch.
 * @example
 * ```ts
 * const loader = new DataLoader(valSet, { batchSize: 32 });
 * const int8 = await models.quantize(model, { calibration: loader, numBatches: 8 });
 * torch.save(int8.stateDict(), 'model-int8.pth');
 * ```
 */
export async function quantize(model: Module, opts: QuantizeOptions): Promise<QuantWrapper> {
  const o = check.options(opts, 'quantize options', ['calibration', 'numBatches', 'backend', 'stateDict', 'keepFloat', 'observer']);
  if (!(model instanceof Module)) throw new TypeError(`model must be an nn.Module; got ${check.describe(model)}`);
  if (o.backend !== undefined) setEngine(o.backend);
  if (!o.stateDict && !o.calibration) throw new Error('quantize needs calibration batches (calibration) or a quantized state dict (stateDict)');
  const numBatches = o.numBatches === undefined ? Infinity : check.int(o.numBatches, 'numBatches', { min: 1 });
  const keep = keepFloatOption(o.keepFloat);
  if (o.stateDict) for (const k of keptInStateDict(model, o.stateDict)) keep.add(k);
  const { wrapper, points } = build(model, keep);
  if (o.stateDict) {
    loadQuantizedStateDict(wrapper, o.stateDict);
    return wrapper;
  }
  // Calibration observes the float model itself (as PyTorch's prepare does), in eval mode and without
  // autograd; its hooks and training mode are restored afterwards, whatever happens.
  const input = new MinMaxObserver();
  if (o.observer !== undefined) check.oneOf(o.observer, 'observer', ['minmax', 'histogram']);
  const observers = points.map(() => (o.observer === 'histogram' ? new HistogramObserver() : new MinMaxObserver()));
  const hooks = points.map((p, i) => p.observe.registerForwardHook((_m, _in, out) => { observers[i].observe(out); }));
  const wasTraining = model.training;
  model.eval();
  let seen = 0;
  try {
    for await (const batch of o.calibration as AsyncIterable<unknown>) {
      const x = batch instanceof Tensor ? batch : Array.isArray(batch) && batch[0] instanceof Tensor ? batch[0] : null;
      if (!x) throw new TypeError(`calibration batch ${seen} must be a Tensor or an [input, target] pair; got ${check.describe(batch)}`);
      input.observe(x);
      (await noGrad(() => model.forwardAsync(x))).dispose();
      if (++seen >= numBatches) break;
    }
  } finally {
    hooks.forEach((h) => h.remove());
    model.train(wasTraining);
  }
  if (!seen) throw new Error('quantize: the calibration data gave no batch');
  const reduce = reduceRange();
  const q = input.qparams(reduce);
  wrapper.quant._setQParams(q.scale, q.zeroPoint);
  points.forEach((p, i) => {
    const { scale, zeroPoint } = observers[i].qparams(reduce);
    p.target._setOutputQParams(scale, zeroPoint);
  });
  return wrapper;
}

/**
 * The quantized structure of `model` with placeholder activation ranges (what calibration or a state dict
 * fills in), beside the float copy calibration runs. Synchronous: a quantized checkpoint loads without
 * calibrating. torchvgg's own.
 * @throws As {@link quantize}.
 */
export function quantizedFromStateDict(model: Module, stateDict: StateDict | Record<string, unknown>): QuantWrapper {
  const { wrapper } = build(model, keptInStateDict(model, stateDict));
  loadQuantizedStateDict(wrapper, stateDict);
  return wrapper;
}

// The quantized structure beside the float modules whose outputs calibration observes. Weights are read,
// never changed: the float model stays as it was.
function build(model: Module, keep: Set<string>): { wrapper: QuantWrapper; points: Point[] } {
  for (const p of model.parameters()) {
    if (p.device !== 'cpu') throw new TypeError('quantize: the model must be on the CPU (quantized kernels are CPU-only)');
  }
  const points: Point[] = [];
  const kept: Kept = { keep, found: new Set(), pointsBefore: -1 };
  const converted = noGrad(() => convert(model, model.typeName, '', points, kept));
  const missing = [...keep].filter((k) => !kept.found.has(k));
  if (missing.length) throw new TypeError(`quantize: keepFloat names ${missing.join(', ')}, which the model does not have as a Linear or Conv2d`);
  if (kept.pointsBefore >= 0 && points.length > kept.pointsBefore) {
    throw new TypeError(`quantize: keepFloat may only name trailing layers; quantized layers come after ${[...keep].join(', ')}`);
  }
  // eval(): dropout must be off in the int8 model whatever mode the float model was built in
  return { wrapper: new QuantWrapper(converted, new Quantize(1, 0)).eval(), points };
}

/** The float layers a conversion keeps: the paths asked for, those met, and how many quantized layers came before the first. */
interface Kept { keep: Set<string>; found: Set<string>; pointsBefore: number }

function keepFloatOption(v: unknown): Set<string> {
  if (v === undefined) return new Set();
  if (!Array.isArray(v) || !v.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new TypeError(`keepFloat must be an array of module paths such as 'classifier.6'; got ${check.describe(v)}`);
  }
  return new Set(v as string[]);
}

/**
 * For a state-dict key of a layer kept in float (`<path>.1.weight` or `.bias` behind its DeQuantize, not quantized):
 * `<path>` and the parameter's name; else null. torchvgg's own (the layout keepFloat writes).
 */
export function keptFloatKey(key: string, value: unknown): { path: string; param: string } | null {
  const m = /^(.+)\.1\.(weight|bias)$/.exec(key);
  return m && value instanceof Tensor && !value.isQuantized ? { path: m[1], param: m[2] } : null;
}

// Layers a quantized state dict holds in float, where `model` has a Linear or Conv2d at that path.
function keptInStateDict(model: Module, sd: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  if (sd === null || typeof sd !== 'object') return out;
  for (const [k, v] of Object.entries(sd)) {
    const kept = k.startsWith('module.') ? keptFloatKey(k.slice('module.'.length), v) : null;
    if (!kept || kept.param !== 'weight') continue;
    let layer: Module | null = null;
    try { layer = model.getSubmodule(kept.path); } catch { layer = null; }
    if (layer instanceof Linear || layer instanceof Conv2d) out.add(kept.path);
  }
  return out;
}

// `Sequential(DeQuantize(), a float copy of layer)`, its parameters frozen: the int8 model is for inference.
function floatTail(layer: Module): Module {
  const copy = layer.deepcopy();
  for (const p of copy.parameters()) p.requiresGrad_(false);
  return new Sequential(new DeQuantize(), copy);
}

// The quantized copy of `m` (a container or a leaf), registering what calibration must observe.
function convert(m: Module, path: string, rel: string, points: Point[], kept: Kept): Module {
  const type = m.typeName;
  if (!CONTAINERS.has(type)) {
    if (PASS_THROUGH.has(type)) return m.deepcopy(); // no weights: a fresh copy of the layer
    if (type === 'Dropout') return new QuantizedDropout((m as Dropout).p, (m as Dropout).inplace);
    throw new TypeError(`quantize: ${path} is a ${type}, which cannot be quantized here (quantizable: Conv2d, Linear, ` +
      `BatchNorm2d after a Conv2d, Dropout, and ${[...PASS_THROUGH].join(', ')}, inside Sequential or VGG)`);
  }
  // A fresh container of the same type (VGG's own layers are allocated, never initialised or touched,
  // and replaced below), so the float weights are not copied once more.
  const out = moduleView(native.createModule(type, m._native.config()));
  const children = m.namedChildren();
  for (let i = 0; i < children.length; i++) {
    const [key, child] = children[i];
    const at = `${path}.${key}`;
    const relAt = rel ? `${rel}.${key}` : key;
    const next = (k: number): Module | undefined => (type === 'Sequential' ? children[i + k]?.[1] : undefined);
    if (kept.keep.has(relAt) && (child instanceof Linear || child instanceof Conv2d)) {
      kept.found.add(relAt);
      if (kept.pointsBefore < 0) kept.pointsBefore = points.length;
      out._native.setChild(key, floatTail(child)._native);
    } else if (child instanceof Conv2d) {
      const bn = next(1) instanceof BatchNorm2d ? next(1) as BatchNorm2d : undefined;
      const relu = next(bn ? 2 : 1)?.typeName === 'ReLU' ? next(bn ? 2 : 1) : undefined;
      const q = quantizedConv(child, bn, relu !== undefined, at);
      points.push({ observe: relu ?? bn ?? child, target: q });
      out._native.setChild(key, q._native);
      const fused = (bn ? 1 : 0) + (relu ? 1 : 0);
      for (let k = 1; k <= fused; k++) out._native.setChild(children[i + k][0], new Identity()._native);
      i += fused;
    } else if (child instanceof Linear) {
      const relu = next(1)?.typeName === 'ReLU' ? next(1) : undefined;
      const q = new (relu ? QuantizedLinearReLU : QuantizedLinear)(child.inFeatures, child.outFeatures);
      q.setWeightBias(quantizeWeight(child.weight), child.bias?.detach().clone() ?? zeros([child.outFeatures]));
      points.push({ observe: relu ?? child, target: q });
      out._native.setChild(key, q._native);
      if (relu) { out._native.setChild(children[i + 1][0], new Identity()._native); i++; }
    } else if (child instanceof BatchNorm2d) {
      throw new TypeError(`quantize: ${at} is a BatchNorm2d that does not follow a Conv2d, so it cannot be folded`);
    } else {
      out._native.setChild(key, convert(child, at, relAt, points, kept)._native);
    }
  }
  return out;
}

// Conv2d (with the batch norm after it folded into its weight and bias, as fuse_conv_bn_eval does).
function quantizedConv(conv: Conv2d, bn: BatchNorm2d | undefined, relu: boolean, path: string): QuantizedConv2d {
  if (typeof conv.padding === 'string') throw new TypeError(`quantize: ${path} uses padding='${conv.padding}', which quantized convolutions do not take`);
  let w = conv.weight.detach(), b = conv.bias?.detach() ?? zeros([conv.outChannels]);
  if (bn) {
    const mean = bn.runningMean, variance = bn.runningVar;
    if (!mean || !variance) throw new TypeError(`quantize: ${path}'s batch norm has no running statistics to fold`);
    const gamma = bn.weight?.detach() ?? zeros([bn.numFeatures]).add(1);
    const beta = bn.bias?.detach() ?? zeros([bn.numFeatures]);
    const factor = gamma.div(variance.add(bn.eps).sqrt());
    w = w.mul(factor.reshape([-1, 1, 1, 1]));
    b = b.sub(mean).mul(factor).add(beta);
  }
  const q = new (relu ? QuantizedConvReLU2d : QuantizedConv2d)(conv.inChannels, conv.outChannels, conv.kernelSize, {
    stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups,
  });
  q.setWeightBias(quantizeWeight(w), b.contiguous().clone());
  return q;
}

function reduceRange(): boolean {
  const e = engine();
  return e === 'fbgemm' || e === 'x86';
}

/**
 * Python's quantized Linear saves its weight and bias as one tuple under `_packed_params._packed_params`
 * (with `_packed_params.dtype`; state-dict version 3, and version 2 as `_packed_params.weight`/`.bias`);
 * torchvgg's layout is the one Python reads without version metadata (`weight`, `bias`). All load.
 */
function loadQuantizedStateDict(wrapper: QuantWrapper, sd: Record<string, unknown>): void {
  if (sd === null || typeof sd !== 'object') throw new TypeError(`stateDict must be an object; got ${check.describe(sd)}`);
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sd)) {
    if (k.endsWith('._packed_params.dtype')) continue;
    if (k.endsWith('._packed_params._packed_params') && Array.isArray(v) && v.length === 2) {
      const prefix = k.slice(0, -'_packed_params._packed_params'.length);
      flat[`${prefix}weight`] = v[0];
      flat[`${prefix}bias`] = v[1];
    } else if (/\._packed_params\.(weight|bias)$/.test(k)) {
      flat[k.replace('._packed_params.', '.')] = v;
    } else {
      flat[k] = v;
    }
  }
  wrapper.loadStateDict(flat);
}

export { engine, setEngine, supportedEngines };
