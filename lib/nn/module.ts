// nn.Module: the JS view of a C++ module. The tree itself lives in C++; this class walks it the way
// torch.nn.Module does (named_modules, named_parameters, state_dict, load_state_dict).
import { inspect } from 'util';
import { native, NativeModule } from '../native';
import { DType, Device, checkDType, checkDevice, isDType } from '../torch/dtype';
import { MemoryFormat, Tensor, checkMemoryFormat, describe, unwrap } from '../torch/tensor';

export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

type ModuleClass = { prototype: Module };

// One JS object per C++ module, so model.classifier === model.classifier. Weak, so an unused view
// can be collected; a later lookup then makes a fresh one for the same C++ module.
const views = new Map<number, WeakRef<Module>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (!views.get(id)?.deref()) views.delete(id);
});
const classes = new Map<string, ModuleClass>();

/** @internal each layer class registers itself under its C++ type name */
export function registerModuleClass(typeName: string, cls: ModuleClass): void {
  classes.set(typeName, cls);
}

/** @internal the JS view of a native module (existing one if alive) */
export function moduleView(handle: NativeModule): Module {
  const existing = views.get(handle.id())?.deref();
  if (existing) return existing;
  const cls = classes.get(handle.typeName()) ?? Module;
  return (Object.create(cls.prototype) as Module)._adopt(handle);
}

/** @internal the native handle of a Module argument */
export function unwrapModule(m: unknown, what: string): NativeModule {
  if (!(m instanceof Module)) throw new TypeError(`${what} must be an nn.Module; got ${describe(m)}`);
  return m._native;
}

export class Module {
  /** @internal */
  declare _native: NativeModule;

  /** @internal subclasses pass the native module they created */
  constructor(handle: NativeModule) {
    return this._adopt(handle);
  }

  /** @internal */
  _adopt(handle: NativeModule): this {
    this._native = handle;
    const self = this._view();
    views.set(handle.id(), new WeakRef(self));
    forget.register(self, handle.id());
    return self;
  }

  /** @internal the object handed to users (Sequential returns an indexing Proxy) */
  protected _view(): this { return this; }

  /** The class name PyTorch prints ("VGG", "Linear"). */
  get typeName(): string { return this._native.typeName(); }

  /** [sync] Runs the module on the calling thread. */
  forward(x: Tensor): Tensor {
    return new Tensor(this._native.forward(unwrap(x, 'input')));
  }

  /**
   * [async] Runs the module on torchvgg's executor thread; the event loop stays free. In eval() mode the
   * pass runs under inference mode (no autograd graph), so the result cannot be used for backward().
   */
  async forwardAsync(x: Tensor): Promise<Tensor> {
    return new Tensor(await this._native.forwardAsync(unwrap(x, 'input')));
  }

  namedChildren(): [string, Module][] {
    return this._native.namedChildren().map(([k, h]) => [k, moduleView(h)]);
  }
  children(): Module[] { return this.namedChildren().map(([, m]) => m); }

  /** Pre-order, each module once, with dotted names ('' for this one), like named_modules(). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<number>();
    const walk = (m: Module, name: string): void => {
      const id = m._native.id();
      if (seen.has(id)) return;
      seen.add(id);
      out.push([name, m]);
      for (const [k, child] of m.namedChildren()) walk(child, name ? `${name}.${k}` : k);
    };
    walk(this, prefix);
    return out;
  }
  modules(): Module[] { return this.namedModules().map(([, m]) => m); }

  /** [name, parameter] in PyTorch's order: 'features.0.weight', 'features.0.bias', ... */
  namedParameters(): [string, Tensor][] { return this.namedTensors('ownParameters'); }
  parameters(): Tensor[] { return this.namedParameters().map(([, t]) => t); }
  namedBuffers(): [string, Tensor][] { return this.namedTensors('ownBuffers'); }
  buffers(): Tensor[] { return this.namedBuffers().map(([, t]) => t); }

  /** Module.get_submodule('classifier.6') */
  getSubmodule(target: string): Module {
    let m: Module = this;
    for (const part of target === '' ? [] : target.split('.')) {
      const next = m.namedChildren().find(([k]) => k === part);
      if (!next) throw new Error(`${m.typeName} has no attribute \`${part}\``);
      m = next[1];
    }
    return m;
  }

  /** Parameters then buffers of each module, recursively: PyTorch's state_dict() order. Detached views. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.stateEntries()) out[name] = t.detach();
    return out;
  }

  /**
   * Copies each tensor of `stateDict` into the parameter or buffer of the same name, under no_grad.
   * Throws PyTorch's error text on a shape mismatch, and (with strict) on missing or unexpected keys.
   */
  loadStateDict(stateDict: Record<string, unknown>, { strict = true }: { strict?: boolean } = {}): LoadResult {
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError('stateDict must be an object of Tensors');
    const expected = this.stateEntries();
    const names = new Set(expected.map(([n]) => n));
    const errors: string[] = [];
    const missingKeys: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [name, target] of expected) {
      if (!(name in stateDict)) {
        // BatchNorm's counter is absent from checkpoints older than PyTorch 0.4.1; PyTorch fills it in.
        if (!name.endsWith('.num_batches_tracked') && name !== 'num_batches_tracked') missingKeys.push(name);
        continue;
      }
      const source = stateDict[name];
      if (!(source instanceof Tensor)) throw new TypeError(`stateDict['${name}'] must be a Tensor; got ${describe(source)}`);
      const [from, to] = [source.shape, target.shape];
      if (from.length !== to.length || from.some((d, i) => d !== to[i])) {
        errors.push(`size mismatch for ${name}: copying a param with shape [${from.join(', ')}] from checkpoint, ` +
          `the shape in current model is [${to.join(', ')}].`);
        continue;
      }
      copies.push([target, source]);
    }
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !names.has(k));
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    }
    // Nothing is copied unless everything fits, so a failed load leaves the model as it was.
    if (errors.length) throw new Error(`Error(s) in loading state_dict for ${this.typeName}:\n\t${errors.join('\n\t')}`);
    for (const [target, source] of copies) target.copy_(source);
    return { missingKeys, unexpectedKeys };
  }

  get training(): boolean { return this._native.training(); }
  /** Sets training mode on this module and every descendant (Dropout, BatchNorm follow it). */
  train(mode = true): this { this._native.train(Boolean(mode)); return this; }
  eval(): this { return this.train(false); }

  /** Sets requiresGrad on every parameter: model.features.requiresGrad_(false) freezes the features. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /**
   * to('cuda'), to('float64'), to({ dtype, device, memoryFormat }): converts parameters and buffers in
   * place (dtype: floating-point ones only; memoryFormat: 4-D ones only, e.g. torch.channelsLast).
   */
  to(target: DType | Device | { dtype?: DType; device?: Device; memoryFormat?: MemoryFormat }): this {
    const o = typeof target === 'string'
      ? (isDType(target) ? { dtype: target } : { device: checkDevice(target, 'to() target') })
      : target;
    if (o === null || typeof o !== 'object') throw new TypeError('to() takes a dtype, a device or { dtype, device }');
    const format = 'memoryFormat' in o && o.memoryFormat !== undefined ? checkMemoryFormat(o.memoryFormat) : null;
    this._native.to(o.dtype === undefined ? null : checkDType(o.dtype), o.device === undefined ? null : checkDevice(o.device), format);
    return this;
  }
  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }
  float(): this { return this.to('float32'); }
  double(): this { return this.to('float64'); }
  cuda(index = 0): this { return this.to(`cuda:${index}`); }
  cpu(): this { return this.to('cpu'); }

  /** PyTorch's repr, byte for byte. */
  toString(): string { return this._native.repr(); }
  [inspect.custom](): string { return this.toString(); }

  private namedTensors(kind: 'ownParameters' | 'ownBuffers'): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m._native[kind]()) out.push([prefix ? `${prefix}.${name}` : name, new Tensor(t)]);
    }
    return out;
  }

  // state_dict walks _modules without de-duplication; parameters come before buffers per module.
  private stateEntries(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const kind of ['ownParameters', 'ownBuffers'] as const) {
      for (const [name, t] of this._native[kind]()) out.push([prefix + name, new Tensor(t)]);
    }
    for (const [key, child] of this.namedChildren()) out.push(...child.stateEntries(`${prefix}${key}.`));
    return out;
  }
}

