// torch.backends: what the CPU offers (model, instruction sets, cores) and what libtorch's kernels can use.
import * as fs from 'fs';
import * as os from 'os';
import { native } from '../native';
import * as check from '../check';

/** ATen's kernel level, as PyTorch 2.x's `torch.backends.cpu.get_cpu_capability()` names it. */
export type AtenCapability = 'DEFAULT' | 'AVX2' | 'AVX512' | (string & {});

/** What the addon's `cpuCapability()` reports about the libtorch it was built against. */
export interface LibtorchCapability {
  /** the kernel level ATen dispatches to on this CPU (ATEN_CPU_CAPABILITY can lower it) */
  aten: AtenCapability;
  /** built with oneDNN (MKL-DNN): `torch.backends.mkldnn.is_available()` */
  mkldnn: boolean;
  /** built with Intel MKL: `torch.backends.mkl.is_available()` */
  mkl: boolean;
  /** built with OpenMP: `torch.backends.openmp.is_available()` */
  openmp: boolean;
  /** oneDNN accepts bfloat16 on this CPU (natively or by its own emulation); null when the addon does not say */
  mkldnnBf16: boolean | null;
  /** eval() hands runs of convolutions to oneDNN's own primitives (built where libdnnl-dev was found); null when the addon does not say */
  onednnRuns: boolean | null;
  /**
   * Linear layers of 1M weights and more, at inference, may run on oneDNN's sgemm (each layer times it against
   * libtorch's BLAS on its first call in each power-of-two range of batch sizes and keeps the faster;
   * TORCHVGG_FAST_LINEAR=0 switches it off); null when the addon does not say.
   */
  fastLinear: boolean | null;
  /**
   * Whether libtorch's CPU blocks of 32 MB and more ask the kernel for transparent huge pages ('madvise'),
   * or not ('off': TORCHVGG_HUGEPAGES=0 or no such advice on this system); null when the addon does not say.
   * The kernel's own setting is {@link CpuCapability.transparentHugePages}.
   */
  hugePages: 'madvise' | 'off' | null;
}

/** The instruction sets that decide which kernels are fast: /proc/cpuinfo's names. */
export interface CpuFlags {
  avx2: boolean;
  avx512f: boolean;
  avx512bw: boolean;
  avx512vl: boolean;
  avx512_vnni: boolean;
  avx512_bf16: boolean;
  amx_bf16: boolean;
  amx_int8: boolean;
  amx_tile: boolean;
  /** AVX-VNNI (the VEX-coded int8 dot product of CPUs without AVX-512) */
  avx_vnni: boolean;
  fma: boolean;
  f16c: boolean;
}

/** `torch.backends.cpu.capability()`: the machine as found, for choosing a fast path and for labelling figures. */
export interface CpuCapability {
  /** 'x64', 'arm64', ... (Node's os.arch()) */
  arch: string;
  /** the CPU's model name ('unknown' where it cannot be read) */
  model: string;
  /** 'GenuineIntel', 'AuthenticAMD', an ARM implementer code, or 'unknown' */
  vendor: string;
  /** the file `flags` came from ('/proc/cpuinfo', or TORCHVGG_CPUINFO's), or 'unknown' (then every flag is false) */
  source: string;
  flags: CpuFlags;
  /** every flag /proc/cpuinfo lists (x86 `flags`, ARM `Features`), sorted; empty where unknown */
  allFlags: string[];
  cores: { physical: number; logical: number };
  /** what libtorch's kernels can use, from the addon; null when the addon predates `cpuCapability()` */
  libtorch: LibtorchCapability | null;
  /** the CPU has bfloat16 arithmetic (x86: AVX-512 BF16 or AMX-BF16; ARM: BF16); elsewhere bf16 is emulated */
  nativeBf16: boolean;
  /** the CPU has an int8 dot product (x86: AVX-512 VNNI, AVX-VNNI or AMX-INT8; ARM: dotprod or i8mm) */
  nativeInt8: boolean;
  /** the kernel's transparent huge page mode ('always', 'madvise', 'never'), or 'unknown' where it cannot be read */
  transparentHugePages: string;
}

const FLAG_NAMES: (keyof CpuFlags)[] = ['avx2', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16',
  'amx_bf16', 'amx_int8', 'amx_tile', 'avx_vnni', 'fma', 'f16c'];

/** /proc/cpuinfo's text -> the fields capability() reports. */
function parseCpuinfo(text: string): Pick<CpuCapability, 'model' | 'vendor' | 'flags' | 'allFlags'> & { physical: number; logical: number } {
  const blocks = text.split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const field = (block: string, name: string): string | undefined => {
    const m = block.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'));
    return m ? m[1].trim() : undefined;
  };
  const first = blocks[0] ?? text;
  const flagText = field(first, 'flags') ?? field(first, 'Features') ?? '';
  const all = new Set(flagText.split(/\s+/).filter(Boolean));
  const flags = Object.fromEntries(FLAG_NAMES.map((f) => [f, all.has(f)])) as unknown as CpuFlags;
  // Physical cores: distinct (physical id, core id) pairs where the kernel lists them (x86); else one per processor.
  const listed = blocks.every((b) => field(b, 'core id') !== undefined);
  const physical = listed ? new Set(blocks.map((b) => `${field(b, 'physical id') ?? 0}/${field(b, 'core id')}`)).size : blocks.length;
  return {
    model: field(first, 'model name') ?? field(first, 'Model') ?? field(first, 'Hardware') ?? 'unknown',
    vendor: field(first, 'vendor_id') ?? (field(first, 'CPU implementer') ? `ARM implementer ${field(first, 'CPU implementer')}` : 'unknown'),
    flags,
    allFlags: [...all].sort(),
    logical: blocks.length,
    physical,
  };
}

/**
 * Whether the CPU has native bf16 and int8 dot-product instructions, from /proc/cpuinfo's flag names (x86
 * `flags` or ARM `Features`).
 */
function nativeSupport(allFlags: Iterable<string>, arch: string): { nativeBf16: boolean; nativeInt8: boolean } {
  const all = new Set(allFlags);
  if (arch === 'arm64') return { nativeBf16: all.has('bf16'), nativeInt8: all.has('asimddp') || all.has('i8mm') };
  return {
    nativeBf16: all.has('avx512_bf16') || all.has('amx_bf16'),
    nativeInt8: all.has('avx512_vnni') || all.has('avx_vnni') || all.has('amx_int8'),
  };
}

type AddonWithCapability = { cpuCapability?: () => Partial<Record<keyof LibtorchCapability, unknown>> };

function libtorchCapability(): LibtorchCapability | null {
  const addon = native as unknown as AddonWithCapability;
  if (typeof addon.cpuCapability !== 'function') return null;
  const r = addon.cpuCapability();
  let aten = String(r.aten);
  // libtorch 1.13's show_config() prints the DEFAULT level as "NO AVX" (the addon reads it from there).
  if (aten === 'NO AVX' || aten === 'NO') aten = 'DEFAULT';
  return Object.freeze({
    aten, mkldnn: r.mkldnn === true, mkl: r.mkl === true, openmp: r.openmp === true,
    mkldnnBf16: typeof r.mkldnnBf16 === 'boolean' ? r.mkldnnBf16 : null,
    onednnRuns: typeof r.onednnRuns === 'boolean' ? r.onednnRuns : null,
    fastLinear: typeof r.fastLinear === 'boolean' ? r.fastLinear : null,
    hugePages: r.hugePages === 'madvise' || r.hugePages === 'off' ? r.hugePages : null,
  });
}

/** The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise] never"). */
function transparentHugePageMode(): string {
  try {
    const text = fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    return /\[(\w+)\]/.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown'; // not Linux, or a sandbox that hides /sys
  }
}

let cached: CpuCapability | undefined;

function compute(): CpuCapability {
  const logicalFallback = os.cpus().length || 1;
  let text: string | null = null;
  // TORCHVGG_CPUINFO names a file in /proc/cpuinfo's format to read instead (a container that hides /proc,
  // and the tests, which feed it other CPUs).
  const file = process.env.TORCHVGG_CPUINFO || '/proc/cpuinfo';
  if (process.platform === 'linux' || process.env.TORCHVGG_CPUINFO) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = null; // a sandbox without /proc: report unknown rather than throw
    }
  }
  const parsed = text === null ? null : parseCpuinfo(text);
  const flags = parsed?.flags ?? (Object.fromEntries(FLAG_NAMES.map((f) => [f, false])) as unknown as CpuFlags);
  const { nativeBf16, nativeInt8 } = nativeSupport(parsed?.allFlags ?? [], process.arch);
  const model = parsed && parsed.model !== 'unknown' ? parsed.model : (os.cpus()[0]?.model.trim() || 'unknown');
  return Object.freeze({
    arch: process.arch,
    model: model.replace(/\s+/g, ' '),
    vendor: parsed?.vendor ?? 'unknown',
    source: parsed ? file : 'unknown',
    flags: Object.freeze(flags),
    allFlags: Object.freeze(parsed?.allFlags ?? []) as string[],
    cores: Object.freeze({
      physical: parsed && parsed.physical > 0 ? parsed.physical : logicalFallback,
      logical: parsed && parsed.logical > 0 ? parsed.logical : logicalFallback,
    }),
    libtorch: libtorchCapability(),
    nativeBf16,
    nativeInt8,
    transparentHugePages: transparentHugePageMode(),
  });
}

function needLibtorch(what: string): LibtorchCapability {
  const lib = cpu.capability().libtorch;
  if (lib === null) {
    throw new Error(`${what} needs the addon's cpuCapability(), which this build of build/Release/torchvgg.node `
      + 'lacks: rebuild it with `npm run build`');
  }
  return lib;
}

/** torch.backends.cpu */
export const cpu = {
  /**
   * The CPU as found: model, vendor, instruction sets, cores, and what libtorch's kernels can use.
   * Read once (from /proc/cpuinfo on Linux, or the file TORCHVGG_CPUINFO names; elsewhere model from
   * os.cpus(), vendor 'unknown' and every flag false) and frozen. No PyTorch equivalent in one call: it gathers `torch.backends.cpu.get_cpu_capability()`,
   * `torch.backends.mkldnn.is_available()`, `torch.backends.mkl.is_available()` and the CPU's flags.
   * Never throws; `libtorch` is null when the addon predates `cpuCapability()`.
   */
  capability(): CpuCapability {
    cached ??= compute();
    return cached;
  },
  /**
   * The kernel level ATen uses on this CPU: 'DEFAULT', 'AVX2' or 'AVX512' (x86). PyTorch 2.x:
   * `torch.backends.cpu.get_cpu_capability()`. libtorch 1.13 picks AVX2 on AVX-512 CPUs unless
   * `ATEN_CPU_CAPABILITY=avx512` is set; the environment variable can also lower it.
   * @throws Error when the addon lacks `cpuCapability()` (an older build: `npm run build`).
   */
  getCpuCapability(): AtenCapability {
    return needLibtorch('torch.backends.cpu.getCpuCapability()').aten;
  },
};

/** torch.backends.mkldnn */
export const mkldnn = {
  /**
   * Whether libtorch was built with oneDNN (MKL-DNN). PyTorch: `torch.backends.mkldnn.is_available()`.
   * @throws Error when the addon lacks `cpuCapability()` (an older build: `npm run build`).
   */
  isAvailable(): boolean {
    return needLibtorch('torch.backends.mkldnn.isAvailable()').mkldnn;
  },
};

/** torch.backends.mkl */
export const mkl = {
  /**
   * Whether libtorch was built with Intel MKL. PyTorch: `torch.backends.mkl.is_available()`.
   * @throws Error when the addon lacks `cpuCapability()` (an older build: `npm run build`).
   */
  isAvailable(): boolean {
    return needLibtorch('torch.backends.mkl.isAvailable()').mkl;
  },
};

/** torch.backends.openmp */
export const openmp = {
  /**
   * Whether libtorch was built with OpenMP. PyTorch: `torch.backends.openmp.is_available()`.
   * @throws Error when the addon lacks `cpuCapability()` (an older build: `npm run build`).
   */
  isAvailable(): boolean {
    return needLibtorch('torch.backends.openmp.isAvailable()').openmp;
  },
};

/** A quantized engine. Mirrors the values of `torch.backends.quantized.engine`. */
export type QuantizedEngine = 'x86' | 'fbgemm' | 'onednn' | 'qnnpack';

/** torch.backends.quantized: which of libtorch's quantized engines runs quantized layers. */
export const quantized = {
  /** The engine quantized layers run on (and pack their weights for). Mirrors `torch.backends.quantized.engine`. */
  get engine(): QuantizedEngine | 'none' { return native.quantizedEngine() as QuantizedEngine | 'none'; },
  /**
   * Mirrors setting `torch.backends.quantized.engine`.
   * @throws TypeError when not a string; RangeError for an engine this libtorch lacks (the message lists those it has).
   */
  set engine(name: QuantizedEngine | 'none') { native.setQuantizedEngine(check.string(name, 'engine')); },
  /** The engines this libtorch was built with. Mirrors `torch.backends.quantized.supported_engines` (without 'none'). */
  get supportedEngines(): QuantizedEngine[] { return native.supportedQuantizedEngines() as QuantizedEngine[]; },
};
