// torch.backends.cpu: the CPU's model, instruction sets and cores as /proc/cpuinfo gives them, and what
// libtorch's kernels use, checked against Python's PyTorch (the same libtorch) where the addon reports it.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch } = require('..');
const { PYTHON, skip } = require('./helpers');

const FLAGS = ['avx2', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_bf16', 'amx_int8', 'amx_tile',
  'avx_vnni', 'fma', 'f16c'];
const hasCpuinfo = process.platform === 'linux' && fs.existsSync('/proc/cpuinfo');
const addonHasCapability = torch.backends.cpu.capability().libtorch !== null;
const ROOT = path.join(__dirname, '..');

/** capability() as a fresh process reports it when TORCHVGG_CPUINFO names a file holding `text`. */
function capabilityOf(text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-cpuinfo-'));
  try {
    const file = path.join(dir, 'cpuinfo');
    fs.writeFileSync(file, text);
    const r = spawnSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(ROOT)}).torch.backends.cpu.capability()))`],
      { env: { ...process.env, TORCHVGG_CPUINFO: file }, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.strictEqual(c.source, file);
    return c;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Two sockets, two hyperthreads per core: 8 logical, 4 physical; AVX2 but no AVX-512.
function intelText() {
  const blocks = [];
  let n = 0;
  for (const socket of [0, 1]) {
    for (const core of [0, 1]) {
      for (let ht = 0; ht < 2; ht++) {
        blocks.push([`processor\t: ${n++}`, 'vendor_id\t: GenuineIntel', 'model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
          `physical id\t: ${socket}`, `core id\t\t: ${core}`, 'flags\t\t: fpu sse sse2 avx avx2 fma f16c bmi2'].join('\n'));
      }
    }
  }
  return `${blocks.join('\n\n')}\n`;
}

// A real CPU with AMX: the flags line of the 16-core Intel Xeon (Sapphire Rapids) that hosts this project's
// GPU machine, from its /proc/cpuinfo (2026-11-28); PyTorch 2.11 there reports CPU capability AVX512.
const XEON_AMX_FLAGS = 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht '
  + 'syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid tsc_known_freq pni '
  + 'pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand '
  + 'hypervisor lahf_lm abm 3dnowprefetch cpuid_fault ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 '
  + 'avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni '
  + 'avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx_vnni avx512_bf16 wbnoinvd arat avx512vbmi umip pku ospke '
  + 'avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid bus_lock_detect cldemote '
  + 'movdiri movdir64b fsrm md_clear serialize tsxldtrk ibt amx_bf16 avx512_fp16 amx_tile amx_int8 flush_l1d '
  + 'arch_capabilities';

/** Python's answer, on the libtorch the addon links: capability, mkldnn, mkl, openmp. */
function pythonCapability(env = {}) {
  const r = spawnSync(PYTHON, ['-c', `
import json, re, torch
m = re.search(r"CPU capability usage: ([A-Z0-9 ]+)", torch.__config__.show())
cap = m.group(1).strip() if m else None
print(json.dumps({"version": torch.__version__, "aten": "DEFAULT" if cap == "NO AVX" else cap,
  "mkldnn": torch.backends.mkldnn.is_available(), "mkl": torch.backends.mkl.is_available(),
  "openmp": torch.backends.openmp.is_available()}))
`], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || '').trim().split('\n').pop() };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function nodeCapability(env) {
  const r = spawnSync(process.execPath, ['-e', `const { torch } = require(${JSON.stringify(path.join(__dirname, '..'))});
    console.log(JSON.stringify(torch.backends.cpu.capability().libtorch))`], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

describe('torch.backends.cpu', () => {
  it('reports the model, vendor, every named flag as a boolean, and the cores', () => {
    const c = torch.backends.cpu.capability();
    assert.strictEqual(typeof c.model, 'string');
    assert.ok(c.model.length > 0);
    assert.strictEqual(typeof c.vendor, 'string');
    assert.deepStrictEqual(Object.keys(c.flags).sort(), [...FLAGS].sort());
    for (const f of FLAGS) assert.strictEqual(typeof c.flags[f], 'boolean', f);
    assert.ok(Number.isInteger(c.cores.physical) && c.cores.physical >= 1);
    assert.ok(c.cores.physical <= c.cores.logical, `${c.cores.physical} physical > ${c.cores.logical} logical`);
    assert.strictEqual(c.cores.logical, os.cpus().length);
    assert.strictEqual(typeof c.nativeBf16, 'boolean');
    assert.strictEqual(typeof c.nativeInt8, 'boolean');
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.flags), 'the answer is frozen: it is shared by every caller');
    assert.strictEqual(torch.backends.cpu.capability(), c, 'read once');
  });

  it('agrees with /proc/cpuinfo on the model and every flag', function () {
    if (!hasCpuinfo) skip(this, 'no /proc/cpuinfo on this platform');
    const text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const line = (name) => text.split('\n').find((l) => l.startsWith(name))?.split(':').slice(1).join(':').trim();
    const flags = new Set((line('flags') ?? line('Features') ?? '').split(/\s+/).filter(Boolean));
    const c = torch.backends.cpu.capability();
    assert.strictEqual(c.source, '/proc/cpuinfo');
    for (const f of FLAGS) assert.strictEqual(c.flags[f], flags.has(f), `flag ${f}`);
    assert.deepStrictEqual(c.allFlags, [...flags].sort());
    if (line('model name')) assert.strictEqual(c.model, line('model name').replace(/\s+/g, ' '));
    assert.strictEqual(c.cores.logical, text.split('\n').filter((l) => /^processor\s*:/.test(l)).length);
    if (process.arch === 'x64') {
      assert.strictEqual(c.vendor, line('vendor_id'));
      assert.strictEqual(c.nativeBf16, flags.has('avx512_bf16') || flags.has('amx_bf16'));
      assert.strictEqual(c.nativeInt8, flags.has('avx512_vnni') || flags.has('avx_vnni') || flags.has('amx_int8'));
    }
  });

  it('counts physical cores from (physical id, core id) and leaves out flags the CPU lacks (AVX2 Xeon, 2 sockets, HT)', function () {
    this.timeout(30000);
    const c = capabilityOf(intelText());
    assert.deepStrictEqual(c.cores, { physical: 4, logical: 8 });
    assert.strictEqual(c.vendor, 'GenuineIntel');
    assert.strictEqual(c.model, 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz');
    assert.deepStrictEqual(FLAGS.filter((f) => c.flags[f]), ['avx2', 'fma', 'f16c']);
    if (process.arch === 'x64') assert.deepStrictEqual([c.nativeBf16, c.nativeInt8], [false, false]);
  });

  it('reads a Xeon with AMX: every AVX-512 and AMX flag, native bf16 and int8; Cascade Lake: int8 only', function () {
    this.timeout(30000);
    const xeon = (flags, n) => Array.from({ length: n }, (_, i) => [`processor\t: ${i}`, 'vendor_id\t: GenuineIntel',
      'model name\t: Intel(R) Xeon(R) Processor', 'physical id\t: 0', `core id\t\t: ${i}`, `flags\t\t: ${flags}`].join('\n')).join('\n\n');
    const amx = capabilityOf(xeon(XEON_AMX_FLAGS, 16));
    assert.deepStrictEqual(amx.cores, { physical: 16, logical: 16 });
    assert.deepStrictEqual(FLAGS.filter((f) => !amx.flags[f]), []);
    const cascade = capabilityOf(xeon('fpu sse sse2 avx avx2 fma f16c avx512f avx512dq avx512bw avx512vl avx512_vnni', 4));
    assert.deepStrictEqual(FLAGS.filter((f) => cascade.flags[f]), ['avx2', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'fma', 'f16c']);
    if (process.arch === 'x64') {
      assert.deepStrictEqual([amx.nativeBf16, amx.nativeInt8], [true, true]);
      assert.deepStrictEqual([cascade.nativeBf16, cascade.nativeInt8], [false, true]);
    }
  });

  it('reads an ARM /proc/cpuinfo (Features, no core ids) and an empty one without throwing', function () {
    this.timeout(30000);
    const arm = [0, 1, 2].map((n) => `processor\t: ${n}\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd asimddp bf16 i8mm\n`
      + 'CPU implementer\t: 0x41\nCPU part\t: 0xd40').join('\n\n');
    const c = capabilityOf(arm);
    assert.deepStrictEqual(c.cores, { physical: 3, logical: 3 });
    assert.strictEqual(c.vendor, 'ARM implementer 0x41');
    assert.ok(c.allFlags.includes('bf16') && c.allFlags.includes('i8mm'));
    assert.ok(FLAGS.every((f) => c.flags[f] === false));
    if (process.arch === 'arm64') assert.deepStrictEqual([c.nativeBf16, c.nativeInt8], [true, true]);
    const empty = capabilityOf('');
    assert.strictEqual(empty.vendor, 'unknown');
    assert.ok(FLAGS.every((f) => empty.flags[f] === false));
    assert.strictEqual(empty.cores.logical, os.cpus().length, 'no processor entries: the cores Node sees');
  });
});

describe('torch.backends: what libtorch can use', () => {
  if (!addonHasCapability) {
    it('says libtorch is unknown, and getCpuCapability() says to rebuild, while the addon lacks cpuCapability()', () => {
      assert.strictEqual(torch.backends.cpu.capability().libtorch, null);
      assert.throws(() => torch.backends.cpu.getCpuCapability(), /cpuCapability\(\).*npm run build/);
      assert.throws(() => torch.backends.mkldnn.isAvailable(), /npm run build/);
    });
    it('agrees with Python on the capability, oneDNN, MKL and OpenMP', function () {
      skip(this, 'build/Release/torchvgg.node predates the native cpuCapability() (rebuild: npm run build)');
    });
    return;
  }

  it('reports aten, mkldnn, mkl and openmp, each also through its own PyTorch-named call', () => {
    const lib = torch.backends.cpu.capability().libtorch;
    assert.ok(['DEFAULT', 'AVX2', 'AVX512', 'VSX', 'ZVECTOR', 'Z VECTOR', 'NO AVX'].includes(lib.aten), lib.aten);
    for (const k of ['mkldnn', 'mkl', 'openmp']) assert.strictEqual(typeof lib[k], 'boolean', k);
    assert.strictEqual(torch.backends.cpu.getCpuCapability(), lib.aten);
    assert.strictEqual(torch.backends.mkldnn.isAvailable(), lib.mkldnn);
    assert.strictEqual(torch.backends.mkl.isAvailable(), lib.mkl);
    assert.strictEqual(torch.backends.openmp.isAvailable(), lib.openmp);
    const c = torch.backends.cpu.capability();
    if (lib.aten === 'AVX512') assert.ok(c.flags.avx512f, 'AVX512 kernels on a CPU without AVX-512F');
    if (lib.aten === 'AVX2') assert.ok(c.flags.avx2 && c.flags.fma, 'AVX2 kernels on a CPU without AVX2/FMA');
  });

  it('says whether oneDNN takes bf16 here (mkldnnBf16), and it does where the CPU has native bf16', () => {
    const c = torch.backends.cpu.capability();
    assert.strictEqual(typeof c.libtorch.mkldnnBf16, 'boolean', 'the addon\'s cpuCapability() gives no mkldnnBf16');
    if (c.nativeBf16 && c.libtorch.mkldnn) assert.ok(c.libtorch.mkldnnBf16, 'oneDNN refuses bf16 on a CPU with native bf16');
  });

  describe('against Python PyTorch on the same libtorch', () => {
    let py;
    before(function () {
      this.timeout(60000);
      py = pythonCapability();
      if (py.error) skip(this, `the Python oracle ${PYTHON} cannot report: ${py.error}`);
      if (!py.version.startsWith(torch.version.libtorch)) {
        skip(this, `Python's torch ${py.version} is not the addon's libtorch ${torch.version.libtorch}: their kernels may differ`);
      }
    });

    it('agrees on the capability, oneDNN, MKL and OpenMP', function () {
      const lib = torch.backends.cpu.capability().libtorch;
      if (!py.aten) skip(this, `torch ${py.version} prints no "CPU capability usage" line`);
      assert.deepStrictEqual({ aten: lib.aten, mkldnn: lib.mkldnn, mkl: lib.mkl, openmp: lib.openmp },
        { aten: py.aten, mkldnn: py.mkldnn, mkl: py.mkl, openmp: py.openmp });
    });

    it('follows ATEN_CPU_CAPABILITY=default as Python does', function () {
      this.timeout(60000);
      const env = { ATEN_CPU_CAPABILITY: 'default' };
      const pyDefault = pythonCapability(env);
      if (!pyDefault.aten) skip(this, `torch ${py.version} prints no "CPU capability usage" line`);
      assert.strictEqual(pyDefault.aten, 'DEFAULT');
      assert.strictEqual(nodeCapability(env).aten, pyDefault.aten);
    });

    it('follows ATEN_CPU_CAPABILITY=avx512 as Python does, on a CPU with AVX-512', function () {
      this.timeout(60000);
      const f = torch.backends.cpu.capability().flags;
      if (!(f.avx512f && f.avx512bw && f.avx512vl)) skip(this, 'this CPU has no AVX-512 (F, BW, VL)');
      const env = { ATEN_CPU_CAPABILITY: 'avx512' };
      const pyAvx512 = pythonCapability(env);
      if (!pyAvx512.aten) skip(this, `torch ${py.version} prints no "CPU capability usage" line`);
      assert.strictEqual(nodeCapability(env).aten, pyAvx512.aten);
    });
  });
});
