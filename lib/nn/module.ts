// nn.Module: the JS view of a C++ module, and the base class of modules written in TypeScript.
// Native layers keep their whole tree in C++; a TS subclass gets a native node too (a JsModule), so it
// nests both ways with native containers, and its fields register like PyTorch's __setattr__ does.
import { inspect } from 'util';
import { native, NativeModule } from '../native';
import { DType, Device, checkDType, checkDevice, isDType } from '../torch/dtype';
import { MemoryFormat, Tensor, checkMemoryFormat, unwrap } from '../torch/tensor';
import * as check from '../check';
import { Parameter } from './parameter';
import { ForwardHook, ForwardPreHook, RemovableHandle, addHook, hasHooks, postHooks, preHooks } from './hooks';

/**
 * Parameter and buffer tensors by dotted name (`features.0.weight`): what `stateDict()` returns and `torch.save` writes.
 */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` did not match. Mirrors the `_IncompatibleKeys` PyTorch's `load_state_dict` returns. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

type ModuleClass = { prototype: Module };

// One JS object per C++ module, so model.classifier === model.classifier. Weak, so an unused view
// can be collected; a later lookup then makes a fresh one for the same C++ module. A TS-defined
// module is kept alive by its native node while that node is another module's child.
const views = new Map<number, WeakRef<Module>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (!views.get(id)?.deref()) views.delete(id);
});
const classes = new Map<string, ModuleClass>();

/** @internal each native layer class registers itself under its C++ type name */
export function registerModuleClass(typeName: string, cls: ModuleClass): void {
  classes.set(typeName, cls);
}

/** @internal the JS view of a native module (the existing one if alive) */
export function moduleView(handle: NativeModule): Module {
  const existing = views.get(handle.id())?.deref();
  if (existing) return existing;
  // A TS-defined module's object is its forward: without it there is nothing to call.
  if (handle.definedInJs()) throw new Error(`${handle.typeName()} is defined in JS and its object is gone`);
  // A layer whose class file was not loaded in this process still gets a working (untyped) view.
  const cls = classes.get(handle.typeName()) ?? Module;
  return (Object.create(cls.prototype) as Module)._adopt(handle);
}

/** @internal the native handle of a Module argument */
export function unwrapModule(m: unknown, what: string): NativeModule {
  if (!(m instanceof Module)) throw new TypeError(`${what} must be an nn.Module; got ${check.describe(m)}`);
  return m._native;
}

// What a TS-defined module registered: children, parameters and buffers, in assignment order.
interface Registered {
  children: Map<string, Module>;
  params: Map<string, Tensor>;
  buffers: Map<string, Tensor>;
  target: Module;
}

function isThenable(v: unknown): v is Promise<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

// torch.nn.modules.module._addindent
function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  return [lines[0], ...lines.slice(1).map((l) => ' '.repeat(spaces) + l)].join('\n');
}

// Native modules, and the modules below a TS module, are called through here when hooks are set on
// them: from a sync forward on this thread, or from the executor thread for forwardAsync/trainStep.
native.setModuleDispatcher((handle, input) => {
  const out = moduleView(handle)._call(new Tensor(input), false) as Tensor;
  return out._t;
});

/**
 * Base class of every layer and model. Mirrors `torch.nn.Module`.
 *
 * A native layer (Linear, Conv2d, VGG, …) is a view of a C++ module: the same C++ module always gives the
 * same JS object, and forward passes never cross back into JS between layers. Subclass it in TypeScript
 * to write your own module: fields assigned a Module, a Parameter or a buffer register as in PyTorch.
 *
 * Methods that change a module (setting children or parameters, `to`, `loadStateDict`, `zeroGrad`) throw
 * Error with code `ERR_TORCHVGG_MODULE_BUSY` while a `forwardAsync`/`trainStep` job is using it.
 * @example
 * ```ts
 * import { nn, torch } from 'torchvgg';
 * class TwoLayer extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 2);
 *   forward(x: torch.Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const net = new TwoLayer();
 * console.log(net.namedParameters().map(([n]) => n));   // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export class Module {
  /** @internal */
  declare _native: NativeModule;
  /** @internal set for modules defined in TypeScript */
  declare _js?: Registered;

  /**
   * A TS subclass calls super() with no argument: its fields then register as PyTorch's do
   * (`features = new nn.Sequential(...)`, `scale = new nn.Parameter(t)`), in assignment order.
   * @internal native layer classes pass the native module they created.
   */
  constructor(handle?: NativeModule) {
    if (handle !== undefined) return this._adopt(handle);
    const target = this as Module;
    const proxy = new Proxy(target, JS_MODULE_TRAPS);
    target._js = { children: new Map(), params: new Map(), buffers: new Map(), target };
    const name = new.target.name || 'Module';
    target._native = native.createJsModule(name, proxy);
    views.set(target._native.id(), new WeakRef(proxy));
    forget.register(proxy, target._native.id());
    return proxy;
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

  /** The class name PyTorch prints ("VGG", "Linear", or a TS subclass's name). */
  get typeName(): string { return this._native.typeName(); }

  /**
   * [sync] Runs the module on the calling thread, with its hooks (PyTorch's module(x)). A TS subclass
   * overrides it; an `async forward` works too when the module is called through forwardAsync().
   * Mirrors `torch.nn.Module.__call__` / `forward`.
   * @throws TypeError when `x` is not a Tensor; Error (or RangeError/TypeError) with PyTorch's message when a
   * layer rejects the input (wrong channel count, too small an image, …).
   */
  forward(x: Tensor): Tensor {
    return new Tensor(this._native.forward(unwrap(x, 'input')));
  }

  /**
   * [async] A native module runs on torchvgg's executor thread and the event loop stays free; in eval()
   * mode under inference mode (no autograd graph). A TS-defined module runs its `forward` on the calling
   * thread; an `async forward` can await its native children's forwardAsync there. Rejects with the
   * same error class and message as forward() throws.
   * torchvgg's own (Python has no async forward): use it in servers and anywhere the event loop must stay free.
   * @throws Rejects with what {@link Module.forward} throws.
   * @example
   * ```ts
   * const logits = await model.eval().forwardAsync(torch.randn(8, 3, 224, 224));
   * ```
   */
  async forwardAsync(x: Tensor): Promise<Tensor> {
    if (this._js) return this.forward(x);
    return new Tensor(await this._native.forwardAsync(unwrap(x, 'input')));
  }

  /** @internal pre-hooks, the forward itself, hooks; `allowAsync` lets a TS forward return a Promise */
  _call(x: Tensor, allowAsync: boolean): Tensor | Promise<Tensor> {
    const id = this._native.id();
    let input = x;
    for (const hook of preHooks(id)) {
      const r = hook(this, [input]);
      if (r !== undefined && r !== null) input = hookTensor(Array.isArray(r) ? r[0] : r, 'a forward pre-hook');
    }
    const after = (out: unknown): Tensor => {
      let output = hookTensor(out, `${this.typeName}.forward`);
      for (const hook of postHooks(id)) {
        const r = hook(this, [input], output);
        if (r !== undefined && r !== null) output = hookTensor(r, 'a forward hook');
      }
      return output;
    };
    const out = this._rawForward(input);
    if (!isThenable(out)) return after(out);
    if (!allowAsync) {
      throw new TypeError(`${this.typeName}.forward returned a Promise; a module with an async forward cannot run inside a native ` +
        'container or trainStep: call its forwardAsync from JS instead');
    }
    return out.then(after);
  }

  private _rawForward(x: Tensor): unknown {
    if (!this._js) return new Tensor(this._native.forwardRaw(unwrap(x, 'input')));
    const fn = Reflect.get(this._js.target, 'forward', this) as (x: Tensor) => unknown;
    if (fn === Module.prototype.forward) throw new Error(`Module [${this.typeName}] is missing the required "forward" function`);
    return fn.call(this, x);
  }

  /**
   * register_forward_hook: hook(module, input, output) runs after forward; its Tensor result replaces the output.
   * Mirrors `torch.nn.Module.register_forward_hook`.
   * @throws TypeError when `hook` is not a function.
   */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return addHook('post', this._native.id(), check.func<ForwardHook>(hook, 'hook'), (any) => this._hooksChanged(any));
  }

  /**
   * register_forward_pre_hook: hook(module, input) runs before forward; its Tensor result replaces the input.
   * Mirrors `torch.nn.Module.register_forward_pre_hook`.
   * @throws TypeError when `hook` is not a function.
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return addHook('pre', this._native.id(), check.func<ForwardPreHook>(hook, 'hook'), (any) => this._hooksChanged(any));
  }

  private _hooksChanged(any: boolean): void {
    // A native module without hooks keeps its forward entirely in C++. A TS module is always dispatched.
    if (!this._js) this._native.setHooked(any);
  }

  /** [name, module] of the direct children, in registration order. Mirrors `torch.nn.Module.named_children`. */
  namedChildren(): [string, Module][] {
    return this._native.namedChildren().map(([k, h]) => [k, moduleView(h)]);
  }
  /** The direct children. Mirrors `torch.nn.Module.children`. */
  children(): Module[] { return this.namedChildren().map(([, m]) => m); }

  /**
   * Pre-order, each module once, with dotted names ('' for this one), like named_modules().
   * Mirrors `torch.nn.Module.named_modules`.
   */
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
    walk(this, check.string(prefix, 'prefix'));
    return out;
  }
  /** This module and every descendant, pre-order. Mirrors `torch.nn.Module.modules`. */
  modules(): Module[] { return this.namedModules().map(([, m]) => m); }

  /**
   * [name, parameter] in PyTorch's order: 'features.0.weight', 'features.0.bias', ...
   * Mirrors `torch.nn.Module.named_parameters`.
   */
  namedParameters(): [string, Tensor][] { return this.namedTensors('ownParameters'); }
  /** Every parameter, in `namedParameters()` order (what an optimizer takes). Mirrors `torch.nn.Module.parameters`. */
  parameters(): Tensor[] { return this.namedParameters().map(([, t]) => t); }
  /** [name, buffer] (e.g. BatchNorm's running statistics), recursively. Mirrors `torch.nn.Module.named_buffers`. */
  namedBuffers(): [string, Tensor][] { return this.namedTensors('ownBuffers'); }
  /** Every buffer, recursively. Mirrors `torch.nn.Module.buffers`. */
  buffers(): Tensor[] { return this.namedBuffers().map(([, t]) => t); }

  /**
   * Module.get_submodule('classifier.6')
   * Mirrors `torch.nn.Module.get_submodule`.
   * @throws TypeError when `target` is not a string; Error when a part of the path names no child.
   */
  getSubmodule(target: string): Module {
    // `m` is a cursor that walks down the tree from here, not an alias kept for a closure.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let m: Module = this;
    for (const part of check.string(target, 'target') === '' ? [] : target.split('.')) {
      const next = m.namedChildren().find(([k]) => k === part);
      if (!next) throw new Error(`${m.typeName} has no attribute \`${part}\``);
      m = next[1];
    }
    return m;
  }

  /**
   * add_module(name, module): registers (or replaces) a child under `name`.
   * Mirrors `torch.nn.Module.add_module`.
   * @throws TypeError when `name` is not a string or `module` not a Module; Error with code `ERR_TORCHVGG_MODULE_BUSY`
   * while an async job uses this module.
   */
  addModule(name: string, module: Module): void {
    this._native.setChild(check.string(name, 'name'), unwrapModule(module, 'module'));
    this._js?.children.set(name, module);
  }
  /**
   * The same as {@link Module.addModule}. Mirrors `torch.nn.Module.register_module`.
   * @throws As {@link Module.addModule}.
   */
  registerModule(name: string, module: Module): void { this.addModule(name, module); }

  /**
   * register_parameter(name, param): a Parameter, or null to remove it.
   * Mirrors `torch.nn.Module.register_parameter`.
   * @throws TypeError when `name` is not a string or `param` neither a Tensor nor null; Error with code
   * `ERR_TORCHVGG_MODULE_BUSY` while an async job uses this module.
   */
  registerParameter(name: string, param: Tensor | null): void {
    check.string(name, 'name');
    if (param !== null && !(param instanceof Tensor)) throw new TypeError(`param must be an nn.Parameter or null; got ${check.describe(param)}`);
    this._native.setParameter(name, param === null ? null : param._t);
    if (this._js) {
      if (param === null) this._js.params.delete(name);
      else this._js.params.set(name, param);
    }
  }

  /**
   * register_buffer(name, tensor): a tensor saved in the state dict and moved by to(), but not trained.
   * Mirrors `torch.nn.Module.register_buffer`.
   * @throws TypeError when `name` is not a string or `tensor` neither a Tensor nor null; Error with code
   * `ERR_TORCHVGG_MODULE_BUSY` while an async job uses this module.
   */
  registerBuffer(name: string, tensor: Tensor | null): void {
    check.string(name, 'name');
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`tensor must be a Tensor or null; got ${check.describe(tensor)}`);
    this._native.setBuffer(name, tensor === null ? null : tensor._t);
    if (this._js) {
      if (tensor === null) this._js.buffers.delete(name);
      else this._js.buffers.set(name, tensor);
    }
  }

  /**
   * Parameters then buffers of each module, recursively: PyTorch's state_dict() order. Detached views.
   * Mirrors `torch.nn.Module.state_dict`.
   * @example
   * ```ts
   * torch.save(model.stateDict(), 'model.pth');   // Python's torch.load reads it
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.stateEntries()) out[name] = t.detach();
    return out;
  }

  /**
   * Copies each tensor of `stateDict` into the parameter or buffer of the same name, under no_grad.
   * Throws PyTorch's error text on a shape mismatch, and (with strict) on missing or unexpected keys.
   * Nothing is copied unless every tensor fits. Mirrors `torch.nn.Module.load_state_dict`.
   * @throws TypeError when `stateDict` is not an object of Tensors or an option is unknown; Error with PyTorch's
   * "Error(s) in loading state_dict" text for mis-shaped, missing or unexpected keys; Error with code
   * `ERR_TORCHVGG_MODULE_BUSY` while an async job uses this module.
   * @example
   * ```ts
   * model.loadStateDict(torch.load('vgg16-397923af.pth'));
   * ```
   */
  loadStateDict(stateDict: Record<string, unknown>, opts?: { strict?: boolean }): LoadResult {
    const { strict = true } = check.options(opts, 'loadStateDict options', ['strict']);
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`stateDict must be an object of Tensors; got ${check.describe(stateDict)}`);
    this._native.ensureIdle('calling loadStateDict()');
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
      if (!(source instanceof Tensor)) throw new TypeError(`stateDict['${name}'] must be a Tensor; got ${check.describe(source)}`);
      const [from, to] = [source.shape, target.shape];
      if (from.length !== to.length || from.some((d, i) => d !== to[i])) {
        errors.push(`size mismatch for ${name}: copying a param with shape [${from.join(', ')}] from checkpoint, ` +
          `the shape in current model is [${to.join(', ')}].`);
        continue;
      }
      // copy_ would quantize a float source with the target's old parameters (or refuse in libtorch's words).
      if (source.isQuantized !== target.isQuantized || (source.isQuantized && source.qscheme() !== target.qscheme())) {
        errors.push(`dtype mismatch for ${name}: copying a ${source.isQuantized ? `${source.dtype} ${source.qscheme()}` : source.dtype} tensor from checkpoint, ` +
          `the current model has ${target.isQuantized ? `${target.dtype} ${target.qscheme()}` : target.dtype} (a quantized checkpoint loads into models.quantize's model)`);
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

  /** Whether the module is in training mode. Mirrors `torch.nn.Module.training`. */
  get training(): boolean { return this._native.training(); }
  /**
   * Sets training mode on this module and every descendant (Dropout, BatchNorm follow it).
   * Mirrors `torch.nn.Module.train`.
   * @throws TypeError when `mode` is not a boolean.
   */
  train(mode = true): this { this._native.train(check.bool(mode, 'mode')); return this; }
  /**
   * Evaluation mode. On the CPU it also prepares convolution weights in the layout inference runs
   * fastest in (channels_last), for any module tree; to({ memoryFormat }) pins a layout instead.
   * Mirrors `torch.nn.Module.eval`.
   */
  eval(): this { return this.train(false); }

  /**
   * Sets requiresGrad on every parameter: model.features.requiresGrad_(false) freezes the features.
   * Mirrors `torch.nn.Module.requires_grad_`.
   * @throws TypeError when `flag` is not a boolean.
   */
  requiresGrad_(flag = true): this {
    this._native.requiresGrad_(check.bool(flag, 'requiresGrad'));
    return this;
  }

  /**
   * to('cuda'), to('float64'), to({ dtype, device, memoryFormat }): converts parameters and buffers in
   * place (dtype: floating-point ones only; memoryFormat: 4-D ones only). An explicit memoryFormat
   * (torch.channelsLast or torch.contiguousFormat) also fixes the layout eval() uses.
   * Mirrors `torch.nn.Module.to`.
   * @throws TypeError for an unknown dtype, device string or option; RangeError for a CUDA device that does not
   * exist; Error when CUDA is not available, or with code `ERR_TORCHVGG_MODULE_BUSY` while an async job uses it.
   */
  to(target: DType | Device | { dtype?: DType; device?: Device; memoryFormat?: MemoryFormat }): this {
    const o = typeof target === 'string'
      ? (isDType(target) ? { dtype: target } : { device: checkDevice(target, 'to() target') })
      : check.options(target, 'to() options', ['dtype', 'device', 'memoryFormat']);
    const format = o.memoryFormat === undefined ? null : checkMemoryFormat(o.memoryFormat);
    this._native.to(o.dtype === undefined ? null : checkDType(o.dtype), o.device === undefined ? null : checkDevice(o.device), format);
    return this;
  }
  /**
   * Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)).
   * Mirrors `torch.nn.Module.zero_grad`.
   * @throws Error with code `ERR_TORCHVGG_MODULE_BUSY` while an async job uses this module.
   */
  zeroGrad(): void {
    this._native.ensureIdle('calling zeroGrad()');
    for (const p of this.parameters()) p.grad = null;
  }
  /**
   * Casts floating-point parameters and buffers to float32. Mirrors `torch.nn.Module.float`.
   * @throws As {@link Module.to}.
   */
  float(): this { return this.to('float32'); }
  /**
   * Casts floating-point parameters and buffers to float64. Mirrors `torch.nn.Module.double`.
   * @throws As {@link Module.to}.
   */
  double(): this { return this.to('float64'); }
  /**
   * Moves parameters and buffers to a CUDA device. Mirrors `torch.nn.Module.cuda`.
   * @throws Error when CUDA is not available; RangeError for a device index that does not exist.
   */
  cuda(index = 0): this { return this.to(`cuda:${index}`); }
  /**
   * Moves parameters and buffers to the CPU. Mirrors `torch.nn.Module.cpu`.
   * @throws As {@link Module.to}.
   */
  cpu(): this { return this.to('cpu'); }

  /**
   * copy.deepcopy(module): a new module with copies of every parameter, buffer and child.
   * Mirrors Python's `copy.deepcopy` of a module.
   */
  deepcopy(): this { return moduleView(this._native.deepcopy()) as this; }

  /**
   * PyTorch's extra_repr(): what a module prints between its parentheses. Override it in a TS subclass.
   * Mirrors `torch.nn.Module.extra_repr`.
   */
  extraRepr(): string { return this._js ? '' : this._native.extraRepr(); }

  /**
   * PyTorch's repr, byte for byte.
   * Mirrors `torch.nn.Module.__repr__`: `String(model)` prints what Python's `print(model)` prints.
   */
  toString(): string {
    const extra = this.extraRepr();
    const lines = [...(extra ? extra.split('\n') : []),
      ...this.namedChildren().map(([key, child]) => `(${key}): ${addIndent(child.toString(), 2)}`)];
    const children = this._native.namedChildren().length;
    let body = '';
    if (lines.length === 1 && children === 0) body = lines[0];
    else if (lines.length) body = `\n  ${lines.join('\n  ')}\n`;
    return `${this.typeName}(${body})`;
  }
  /**
   * What `console.log(module)` prints: the same as `toString()`.
   * Mirrors Python's `repr(module)` for Node's util.inspect.
   */
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

function hookTensor(v: unknown, what: string): Tensor {
  if (!(v instanceof Tensor)) throw new TypeError(`${what} must return a Tensor; got ${check.describe(v)}`);
  return v;
}

// PyTorch's Module.__setattr__ for TS-defined modules: a Parameter, a Module or a registered buffer
// assigned to a field registers it natively; anything else is a plain property.
function assign(self: Module, js: Registered, key: string, value: unknown): boolean {
  if (value instanceof Parameter) {
    if (js.children.has(key)) self._native.removeChild(key);
    js.children.delete(key);
    self.registerParameter(key, value);
    return true;
  }
  if (value instanceof Module) {
    if (js.params.has(key)) self.registerParameter(key, null);
    self.addModule(key, value);
    return true;
  }
  if (js.params.has(key)) {
    if (value !== null) {
      throw new TypeError(`cannot assign ${check.describe(value)} as parameter '${key}' (nn.Parameter or null expected)`);
    }
    self.registerParameter(key, null);
    return true;
  }
  if (js.buffers.has(key)) {
    if (value !== null && !(value instanceof Tensor)) {
      throw new TypeError(`cannot assign ${check.describe(value)} as buffer '${key}' (Tensor or null expected)`);
    }
    self.registerBuffer(key, value);
    return true;
  }
  if (js.children.has(key)) {
    if (value !== null) throw new TypeError(`cannot assign ${check.describe(value)} as child module '${key}' (nn.Module or null expected)`);
    self._native.removeChild(key);
    js.children.delete(key);
    return true;
  }
  return false;
}

const JS_MODULE_TRAPS: ProxyHandler<Module> = {
  get(target, key, receiver) {
    const js = target._js;
    if (js && typeof key === 'string') {
      const hit = js.children.get(key) ?? js.params.get(key) ?? js.buffers.get(key);
      if (hit !== undefined) return hit;
      // With hooks set, calling forward runs them around the subclass's forward (PyTorch's __call__).
      if (key === 'forward' && target._native && hasHooks(target._native.id())) {
        return (x: Tensor) => (receiver as Module)._call(x, true);
      }
    }
    return Reflect.get(target, key, receiver);
  },
  set(target, key, value, receiver) {
    if (target._js && target._native && typeof key === 'string' && assign(receiver as Module, target._js, key, value)) return true;
    return Reflect.set(target, key, value, receiver);
  },
  defineProperty(target, key, desc) {
    // Class fields are defined, not set: `features = new nn.Sequential(...)` arrives here.
    if (target._js && target._native && typeof key === 'string' && 'value' in desc) {
      const proxy = views.get(target._native.id())?.deref();
      if (proxy && assign(proxy, target._js, key, desc.value)) return true;
    }
    return Reflect.defineProperty(target, key, desc);
  },
  deleteProperty(target, key) {
    if (target._js && typeof key === 'string') {
      const proxy = views.get(target._native.id())?.deref();
      if (proxy && (target._js.children.has(key) || target._js.params.has(key) || target._js.buffers.has(key))) {
        return assign(proxy, target._js, key, null);
      }
    }
    return Reflect.deleteProperty(target, key);
  },
  has(target, key) {
    if (target._js && typeof key === 'string' &&
      (target._js.children.has(key) || target._js.params.has(key) || target._js.buffers.has(key))) return true;
    return Reflect.has(target, key);
  },
};

check.refusePythonNames(Module.prototype, 'Module', [
  'stateDict', 'loadStateDict', 'namedParameters', 'namedBuffers', 'namedChildren', 'namedModules', 'zeroGrad',
  'requiresGrad_', 'registerBuffer', 'registerParameter', 'registerForwardHook', 'registerForwardPreHook',
  'addModule', 'getSubmodule', 'extraRepr', 'forwardAsync',
]);
