// torch.jit.load: TorchScript modules (files from torch.jit.save / torch.jit.trace(...).save), run by
// libtorch's TorchScript interpreter. Unlike pickled Python modules, TorchScript needs no Python: its code
// is TorchScript's own restricted language, interpreted by libtorch, not Python code. It is still code:
// load only TorchScript files you trust (the archive is checked first, see archive.ts).
/**
 * torch.jit: load and run TorchScript files without Python. Mirrors `torch.jit`.
 * @module
 */
import { checkArchive } from './archive';
import { inspect } from 'util';
import { native, NativeTensor } from '../native';
import type { NativeScriptModule } from '../native';
import { DType, Device, checkDType, checkDevice, isDType } from '../torch/dtype';
import { Tensor, unwrap } from '../torch/tensor';
import * as check from '../check';


/** What a TorchScript forward returns: a Tensor, a number, null, or (for tuples and lists) an array of them. */
export type ScriptOutput = Tensor | number | null | ScriptOutput[];

function output(v: unknown): ScriptOutput {
  if (Array.isArray(v)) return v.map(output);
  if (v instanceof NativeTensor) return new Tensor(v);
  return v as number | null;
}

/**
 * A TorchScript module, run by libtorch's TorchScript interpreter (no Python). Mirrors `torch.jit.ScriptModule`.
 * Load one with {@link load}; it is code, so load only files you trust.
 * @example
 * ```ts
 * const m = torch.jit.load('traced_vgg16.pt').eval();
 * const out = await m.forwardAsync(torch.randn(1, 3, 224, 224));
 * ```
 */
export class ScriptModule {
  /** @internal */
  readonly _native: NativeScriptModule;

  /** @internal use torch.jit.load() */
  constructor(handle: NativeScriptModule) { this._native = handle; }

  /**
   * [sync] Runs forward; returns a Tensor, or an array for tuple outputs.
   * Mirrors `torch.jit.ScriptModule.forward`.
   * @throws TypeError when an input is not a Tensor; Error with TorchScript's message when the module's code fails.
   */
  forward(...inputs: Tensor[]): ScriptOutput {
    return output(this._native.forward(inputs.map((t, i) => unwrap(t, `input ${i}`))));
  }

  /**
   * [async] Runs forward on torchvgg's executor thread (inference mode in eval()).
   * torchvgg's own async form of forward.
   * @throws Rejects with what {@link ScriptModule.forward} throws.
   */
  async forwardAsync(...inputs: Tensor[]): Promise<ScriptOutput> {
    return output(await this._native.forwardAsync(inputs.map((t, i) => unwrap(t, `input ${i}`))));
  }

  /** Mirrors `torch.jit.ScriptModule.named_parameters`. */
  namedParameters(): [string, Tensor][] { return this._native.namedParameters().map(([n, t]) => [n, new Tensor(t)]); }
  /** Mirrors `torch.jit.ScriptModule.parameters`. */
  parameters(): Tensor[] { return this.namedParameters().map(([, t]) => t); }
  /** Mirrors `torch.jit.ScriptModule.named_buffers`. */
  namedBuffers(): [string, Tensor][] { return this._native.namedBuffers().map(([n, t]) => [n, new Tensor(t)]); }
  /** Mirrors `torch.jit.ScriptModule.named_children`. */
  namedChildren(): [string, ScriptModule][] {
    return this._native.namedChildren().map(([n, m]) => [n, new ScriptModule(m)]);
  }
  /** Mirrors `torch.jit.ScriptModule.children`. */
  children(): ScriptModule[] { return this.namedChildren().map(([, m]) => m); }

  /**
   * Parameters and buffers by name (detached), for loading into an nn.Module.
   * Mirrors `torch.jit.ScriptModule.state_dict`.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [n, t] of [...this.namedParameters(), ...this.namedBuffers()]) out[n] = t.detach();
    return out;
  }

  /** Mirrors `torch.jit.ScriptModule.training`. */
  get training(): boolean { return this._native.training(); }
  /**
   * Mirrors `torch.jit.ScriptModule.train`.
   * @throws TypeError when `mode` is not a boolean.
   */
  train(mode = true): this { this._native.train(check.bool(mode, 'mode')); return this; }
  /** Mirrors `torch.jit.ScriptModule.eval`. */
  eval(): this { return this.train(false); }
  /**
   * Mirrors `torch.jit.ScriptModule.to`.
   * @throws TypeError for an unknown dtype, device or option; Error when CUDA is not available.
   */
  to(target: DType | Device | { dtype?: DType; device?: Device }): this {
    const o = typeof target === 'string'
      ? (isDType(target) ? { dtype: target } : { device: checkDevice(target, 'to() target') })
      : check.options(target, 'to() options', ['dtype', 'device']);
    this._native.to(o.dtype === undefined ? null : checkDType(o.dtype), o.device === undefined ? null : checkDevice(o.device));
    return this;
  }

  /**
   * Prints as PyTorch prints a loaded module: `RecursiveScriptModule(original_name=…)`.
   * Mirrors `repr(script_module)`.
   */
  toString(): string { return `RecursiveScriptModule(original_name=${this.constructor.name})`; }
  /**
   * What `console.log` prints: the same as toString().
   * Mirrors Python's `repr` for Node's util.inspect.
   */
  [inspect.custom](): string { return this.toString(); }
}

/**
 * torch.jit.load(path, { mapLocation }): a TorchScript archive, its tensors placed on mapLocation.
 * Mirrors `torch.jit.load`.
 * @throws TypeError when path is not a string or an option is unknown; Error naming the file when it is missing,
 * not a TorchScript archive, or its code does not compile.
 */
export function load(path: string, opts: { mapLocation?: Device } = {}): ScriptModule {
  check.string(path, 'path');
  const o = check.options(opts, 'torch.jit.load options', ['mapLocation']);
  const device = o.mapLocation === undefined ? null : checkDevice(o.mapLocation, 'mapLocation');
  checkArchive(path);
  try {
    return new ScriptModule(native.jitLoad(path, device));
  } catch (e) {
    // libtorch's own errors (a compile error in the archive's code) name the file too.
    if (e instanceof Error && !e.message.startsWith(`${path}:`)) e.message = `${path}: not a loadable TorchScript file: ${e.message}`;
    throw e;
  }
}

// module.named_parameters(), module.state_dict(), …: a TypeError naming the camelCase member.
check.refusePythonNames(ScriptModule.prototype, 'ScriptModule', [
  'forwardAsync', 'namedParameters', 'namedBuffers', 'namedChildren', 'stateDict',
]);
