// The one place that loads the addon. Every other file talks to C++ through the types below.
// Methods marked [async] run on the addon's executor thread and return Promises.
import * as fs from 'fs';
import * as path from 'path';
import { applyGradMode, bindGradSetter } from './torch/grad_state';
import { NativeTensor, TensorOps, bindTensorOps } from './native_tensor';

export { NativeTensor };

/** The names native/tensor/op_table.cc knows. */
export type UnaryOpName = 'relu' | 'exp' | 'log' | 'neg' | 'abs' | 'sqrt' | 'sigmoid' | 'tanh' | 'sign' | 'floor' | 'ceil'
  | 'round' | 'trunc' | 'frac' | 'sin' | 'cos' | 'logical_not' | 'isnan' | 'isinf' | 'isfinite';
export type BinaryOpName = 'add' | 'sub' | 'mul' | 'div' | 'matmul' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'maximum'
  | 'minimum' | 'logical_and' | 'logical_or' | 'logical_xor';
/** What native/tensor/op_call.cc takes and gives back. */
export type OpArg = NativeTensor | number | boolean | number[] | string | null | undefined;
export type OpResult = NativeTensor | NativeTensor[] | number | boolean;
/** One index of x[...]: an integer, null (None), '...', a tensor (int64 indices or a bool mask), a boolean, or [start, stop, step]. */
export type NativeIndex = number | null | '...' | boolean | NativeTensor | [number | null, number | null, number | null];

/** native/nn/module_wrap.h: a C++ module. Changes throw a BusyError (code ERR_TORCHVGG_MODULE_BUSY) while async work uses it. */
export interface NativeModule {
  typeName(): string;
  id(): number;
  /** whether this is the native node of a TS-defined module */
  definedInJs(): boolean;
  extraRepr(): string;
  /** constructor arguments under their JS names */
  config(): Record<string, unknown>;
  namedChildren(): [string, NativeModule][];
  ownParameters(): [string, NativeTensor][];
  ownBuffers(): [string, NativeTensor][];
  training(): boolean;
  train(mode: boolean): void;
  /** [sync] with hooks */
  forward(x: NativeTensor): NativeTensor;
  /** [sync] without this module's own hooks: what the hook dispatcher calls */
  forwardRaw(x: NativeTensor): NativeTensor;
  /** [async] runs on the executor thread; under InferenceMode when the module is in eval mode */
  forwardAsync(x: NativeTensor): Promise<NativeTensor>;
  setChild(key: string, child: NativeModule): void;
  removeChild(key: string): boolean;
  eraseChildAt(pos: number): void;
  insertChildAt(pos: number, child: NativeModule): void;
  replaceChildAt(pos: number, child: NativeModule): void;
  setParameter(name: string, t: NativeTensor | null): void;
  setBuffer(name: string, t: NativeTensor | null): void;
  requiresGrad_(flag: boolean): void;
  /** BusyError naming `action` while async work uses this module or one below it */
  ensureIdle(action: string): void;
  to(dtype: string | null, device: string | null, memoryFormat: string | null): void;
  /** route calls through the module dispatcher (forward hooks are set) or not */
  setHooked(on: boolean): void;
  deepcopy(): NativeModule;
}

export interface NativeOptimizer {
  step(): void;
  zeroGrad(setToNone: boolean): void;
  getOption(group: number, key: string): number;
  setOption(group: number, key: string, value: number): void;
  /** per parameter index: the defined state tensors (momentum_buffer, step, exp_avg, ...) */
  state(): Record<string, NativeTensor>[];
  setState(index: number, state: Record<string, NativeTensor>): void;
}

export interface NativeScriptModule {
  forward(inputs: NativeTensor[]): unknown;
  /** [async] runs on the executor thread */
  forwardAsync(inputs: NativeTensor[]): Promise<unknown>;
  namedParameters(): [string, NativeTensor][];
  namedBuffers(): [string, NativeTensor][];
  namedChildren(): [string, NativeScriptModule][];
  training(): boolean;
  train(mode: boolean): void;
  to(dtype: string | null, device: string | null): void;
}

export interface Binding {
  /** native/tensor/tensor.cc: what lib/native_tensor.ts's NativeTensor calls */
  tensorOps: TensorOps;
  NativeModule: Function;
  fromTypedArray(data: ArrayBufferView, shape: number[], dtype: string | null, device: string | null,
    requiresGrad: boolean): NativeTensor;
  frombuffer(buffer: ArrayBuffer, byteOffset: number, count: number, dtype: string): NativeTensor;
  factory(kind: 'zeros' | 'ones' | 'empty' | 'rand' | 'randn', shape: number[], dtype: string | null,
    device: string | null, requiresGrad: boolean): NativeTensor;
  arange(start: number, end: number, step: number, dtype: string | null, device: string | null): NativeTensor;
  manualSeed(seed: number): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cudaDeviceCount(): number;
  cudaSynchronize(device: number): void;
  supportedQuantizedEngines(): string[];
  quantizedEngine(): string;
  setQuantizedEngine(name: string): void;
  cpuCapability(): { aten: string; mkldnn: boolean; mkl: boolean; openmp: boolean; mkldnnBf16: boolean; onednnRuns: boolean; fastLinear: boolean; hugePages: string; config: string };
  /** an op of native/tensor/op_call.cc by name: args[0] is the tensor; TypeError for an unknown op or argument */
  callOp(name: string, args: OpArg[]): OpResult;
  /** Python's self[...] */
  index(self: NativeTensor, indices: NativeIndex[]): NativeTensor;
  /** Python's self[...] = value, in place; returns self */
  indexPut_(self: NativeTensor, indices: NativeIndex[], value: NativeTensor | number | boolean): NativeTensor;
  /** the C++ layer registry (native/nn/registry.cc); options left undefined take the layer's defaults */
  createModule(type: string, options: Record<string, unknown>): NativeModule;
  /** the native node of a TS-defined module `self` */
  createJsModule(typeName: string, self: object): NativeModule;
  /** fn(module, input) -> output: how hooked and TS-defined modules are called from C++ */
  setModuleDispatcher(fn: (module: NativeModule, input: NativeTensor) => NativeTensor): void;
  /** async jobs submitted and not yet settled */
  executorPending(): number;
  stack(tensors: NativeTensor[], dim: number): NativeTensor;
  cat(tensors: NativeTensor[], dim: number): NativeTensor;
  setGradEnabled(enabled: boolean): void;
  isGradEnabled(): boolean;
  /** calls fn with c10::InferenceMode held */
  inferenceMode<T>(fn: () => T): T;
  crossEntropy(input: NativeTensor, target: NativeTensor, weight: NativeTensor | null, reduction: string,
    ignoreIndex: number, labelSmoothing: number): NativeTensor;
  dropout(input: NativeTensor, p: number, training: boolean): NativeTensor;
  adaptiveAvgPool2d(input: NativeTensor, outputSize: [number, number]): NativeTensor;
  /** returns the previous [enabled, dtype] for that device type */
  setAutocast(deviceType: string, enabled: boolean, dtype: string): [boolean, string];
  NativeOptimizer: Function;
  createOptimizer(kind: 'SGD' | 'Adam' | 'AdamW', groups: { params: NativeTensor[]; options: Record<string, number> }[]): NativeOptimizer;
  /** [async] zero_grad, forward, cross-entropy, backward, step on the executor thread -> [loss, correct] */
  trainStep(module: NativeModule, optimizer: NativeOptimizer, input: NativeTensor, target: NativeTensor,
    weight: NativeTensor | null, labelSmoothing: number): Promise<[number, number]>;
  /** torch::jit::load; throws an Error naming the file when it cannot be parsed */
  jitLoad(path: string, device: string | null): NativeScriptModule;
  libtorchVersion: string;
  /** what the addon was compiled against: the C++ ABI and whether its libtorch had CUDA */
  libtorchBuild: { cxx11abi: boolean; cuda: boolean };
}

// The addon: TORCHVGG_ADDON names a build of it (npm run test:asan loads the sanitizer build this way);
// otherwise build/Release/torchvgg.node (a source build), else the prebuild tagged with the libtorch found
// on this machine (scripts/prebuild-select.js, shared with the install step). Nothing usable: one Error
// (code ERR_TORCHVGG_NO_ADDON) saying what was looked for and how to fix it.
function loadAddon(): Binding {
  const override = process.env.TORCHVGG_ADDON;
  if (override) {
    const file = path.resolve(override);
    if (!fs.existsSync(file)) {
      throw Object.assign(new Error(`torchvgg: TORCHVGG_ADDON=${override} names no file (${file}). Unset it to use `
        + 'the addon the package built or ships, or point it at a built torchvgg.node.'), { code: 'ERR_TORCHVGG_NO_ADDON' });
    }
    return require(file) as Binding;
  }
  const select = require(path.join(__dirname, '..', 'scripts', 'prebuild-select.js')) as {
    loadAddon(root: string): { binding: Binding; file: string };
  };
  return select.loadAddon(path.join(__dirname, '..')).binding;
}
export const native: Binding = loadAddon();

// Every native call first applies the caller's grad mode (lib/torch/grad_state.ts), so torch.noGrad
// holds across awaits. The raw setter and getter stay unwrapped.
bindGradSetter(native.setGradEnabled.bind(native), native.isGradEnabled());
const RAW = new Set(['setGradEnabled', 'isGradEnabled', 'setModuleDispatcher', 'release', 'releaseMany', 'setTensorClass']);
function wrapFunctions(target: Record<string, unknown>): void {
  for (const name of Object.getOwnPropertyNames(target)) {
    const f = Object.getOwnPropertyDescriptor(target, name)?.value;
    if (typeof f !== 'function' || RAW.has(name) || name === 'constructor' || /^Native[A-Z]/.test(name)) continue;
    // Fixed arity instead of rest arguments: this wrapper is on every tensor op's path. No binding
    // takes more than six arguments; missing ones arrive as undefined, as they would anyway.
    target[name] = function (this: unknown, a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown): unknown {
      applyGradMode();
      return f.call(this, a, b, c, d, e, g);
    };
  }
}
wrapFunctions(native as unknown as Record<string, unknown>);
wrapFunctions(native.tensorOps as unknown as Record<string, unknown>);
bindTensorOps(native.tensorOps);
for (const cls of [native.NativeModule, native.NativeOptimizer, (native as unknown as { NativeScriptModule: Function }).NativeScriptModule]) {
  if (cls) wrapFunctions(cls.prototype as Record<string, unknown>);
}
