'use strict';
// Which build of the addon fits the libtorch on this machine. A prebuild's file name carries the
// libtorch it was built against: torchvgg.libtorch-<version>.<cpu|cu<XY>|cuda>.<cxx11abi|precxx11abi>[.<libc>].node.
// Shared by lib/native.ts (load), scripts/build-native.js (install: skip the build when a prebuild fits)
// and scripts/prebuild.js (names a build). Plain Node, no dependencies beyond node-gyp-build: it runs at
// install time, before dist/ or devDependencies may exist.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const FIX = [
  'To fix it, make libtorch findable and build the addon against it:',
  '  LIBTORCH=/path/to/libtorch npm rebuild torchvgg     (an unpacked libtorch from pytorch.org)',
  '  LIBTORCH_USE_PYTORCH=1 npm rebuild torchvgg         (the torch of your python3)',
  '  sudo apt-get install libtorch-dev && npm rebuild torchvgg   (Debian/Ubuntu)',
];

/** 'cpu', 'cu118' (CUDA 11.8) or 'cuda' (a CUDA libtorch whose CUDA version is unknown). */
function deviceTag(cudaVersion) {
  if (!cudaVersion) return 'cpu';
  const m = /^(\d+)\.(\d+)/.exec(String(cudaVersion));
  return m ? `cu${m[1]}${m[2]}` : 'cuda';
}

/** '2.1.0+cu118' -> { version: '2.1.0', local: 'cu118' } */
function splitVersion(v) {
  const m = /^(\d+\.\d+\.\d+)(?:[^+]*)(?:\+(.*))?$/.exec(String(v || '').trim());
  return m ? { version: m[1], local: m[2] || null } : null;
}

/** The tag of a libtorch description { version, device, abi }. */
function libtorchTag(lt) {
  return `libtorch-${lt.version}.${lt.device}.${lt.abi === 'precxx11' ? 'precxx11abi' : 'cxx11abi'}`;
}

/** The file name `npm run prebuild` gives a build against that libtorch. */
function prebuildFileName(lt, libc = 'glibc') {
  return `torchvgg.${libtorchTag(lt)}${libc ? `.${libc}` : ''}.node`;
}

/** Parses a prebuild's file name; null for a file that does not carry a libtorch tag. */
function parsePrebuildName(file) {
  const m = /^torchvgg\.libtorch-(\d+\.\d+\.\d+)\.(cpu|cu\d+|cuda)\.(cxx11abi|precxx11abi)((?:\.[A-Za-z0-9_-]+)*)\.node$/.exec(file);
  if (!m) return null;
  const rest = m[4] ? m[4].slice(1).split('.') : [];
  const libc = rest.find((t) => t === 'glibc' || t === 'musl') || null;
  return { file, version: m[1], device: m[2], abi: m[3] === 'precxx11abi' ? 'precxx11' : 'cxx11', libc };
}

function describe(lt) {
  const device = lt.device === 'cpu' ? 'CPU' : lt.device === 'cuda' ? 'CUDA' : `CUDA ${lt.device.slice(2, -1)}.${lt.device.slice(-1)}`;
  const abi = lt.abi === 'precxx11' ? 'pre-C++11 ABI' : lt.abi === 'cxx11' ? 'C++11 ABI' : 'ABI unknown';
  return `libtorch ${lt.version} (${device}, ${abi})`;
}

/** Whether a prebuild (parsed name) fits a libtorch found on this machine. Unknown facts (abi null, device
 * 'cuda': CUDA of an unknown version, on either side) accept any value of their kind: the load checks the rest. */
function fits(prebuild, lt, libc = currentLibc()) {
  if (!prebuild || !lt) return false;
  if (prebuild.version !== lt.version) return false;
  const anyCuda = (a, b) => a === 'cuda' && b !== 'cpu';
  if (prebuild.device !== lt.device && !anyCuda(lt.device, prebuild.device) && !anyCuda(prebuild.device, lt.device)) return false;
  if (lt.abi && prebuild.abi !== lt.abi) return false;
  if (prebuild.libc && libc && prebuild.libc !== libc) return false;
  return true;
}

/** The prebuilds in `files` that fit any of the libtorch builds in `found`, best first (exact CUDA tag first). */
function pickPrebuilds(files, found, libc = currentLibc()) {
  const out = [];
  for (const lt of found) {
    for (const f of files) {
      const p = parsePrebuildName(f);
      if (fits(p, lt, libc) && !out.some((o) => o.file === f)) out.push({ ...p, libtorch: lt, exact: p.device === lt.device });
    }
  }
  return out.sort((a, b) => Number(b.exact) - Number(a.exact));
}

function currentLibc() {
  return process.env.LIBC || (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
}

function read(file) {
  try { return fs.readFileSync(file, 'utf8'); } catch { return null; }
}

// The C++ ABI a TorchConfig.cmake demands (TORCH_CXX_FLAGS), or null when it does not say.
function abiFromTorchConfig(file) {
  const m = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(read(file) || '');
  return m ? (m[1] === '1' ? 'cxx11' : 'precxx11') : null;
}

function versionFromCmake(dir) {
  const m = /set\(PACKAGE_VERSION "([^"]+)"\)/.exec(read(path.join(dir, 'TorchConfigVersion.cmake')) || '');
  return m ? splitVersion(m[1]) : null;
}

function versionFromHeader(includeDir) {
  const h = read(path.join(includeDir, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h')) || '';
  const n = (k) => (new RegExp(`#define TORCH_VERSION_${k} (\\d+)`).exec(h) || [])[1];
  return n('MAJOR') ? { version: `${n('MAJOR')}.${n('MINOR')}.${n('PATCH')}`, local: null } : null;
}

function cudaFromLib(libDir, local) {
  if (local && /^cu\d+$/.test(local)) return local;
  if (local === 'cpu') return 'cpu';
  const names = safeReaddir(libDir);
  if (!names.some((n) => /^libtorch_cuda\.so/.test(n))) return 'cpu';
  const rt = names.map((n) => /^libcudart(?:-[0-9a-f]+)?\.so\.(\d+\.\d+)/.exec(n)).find(Boolean);
  return rt ? deviceTag(rt[1]) : 'cuda';
}

function safeReaddir(dir) {
  try { return fs.readdirSync(dir); } catch { return []; }
}

/** The libtorch in an unpacked libtorch folder (LIBTORCH), or null with why. */
function describeRoot(root) {
  const lib = path.join(root, 'lib');
  if (!safeReaddir(lib).some((n) => /^libtorch\.so/.test(n))) return { lt: null, why: `LIBTORCH=${root}: no ${path.join(lib, 'libtorch.so')}` };
  const cmakeDir = path.join(root, 'share', 'cmake', 'Torch');
  const v = splitVersion((read(path.join(root, 'build-version')) || '').split('\n')[0])
    || versionFromHeader(path.join(root, 'include')) || versionFromCmake(cmakeDir);
  if (!v) return { lt: null, why: `LIBTORCH=${root}: its version is unknown (no build-version, torch/version.h or TorchConfigVersion.cmake)` };
  return { lt: { version: v.version, device: cudaFromLib(lib, v.local), abi: abiFromTorchConfig(path.join(cmakeDir, 'TorchConfig.cmake')), where: lib, via: 'LIBTORCH' } };
}

// Python's torch (LIBTORCH_USE_PYTORCH=1): asks python3 once.
function describePython(env) {
  const py = env.PYTHON || 'python3';
  const code = 'import json, os, torch; print(json.dumps({"v": torch.__version__, "cuda": torch.version.cuda, '
    + '"abi": bool(torch._C._GLIBCXX_USE_CXX11_ABI), "lib": os.path.join(os.path.dirname(torch.__file__), "lib")}))';
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8', timeout: 60000, env });
  if (r.status !== 0) return { lt: null, why: `LIBTORCH_USE_PYTORCH=1: \`${py} -c "import torch"\` failed${r.error ? ` (${r.error.code || r.error.message})` : ''}` };
  try {
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    const v = splitVersion(o.v);
    return { lt: { version: v.version, device: deviceTag(o.cuda), abi: o.abi ? 'cxx11' : 'precxx11', where: o.lib, via: 'LIBTORCH_USE_PYTORCH=1' } };
  } catch {
    return { lt: null, why: `LIBTORCH_USE_PYTORCH=1: could not read torch's version from ${py}` };
  }
}

function systemLibDirs(env) {
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[os.arch()];
  const dirs = (env.LD_LIBRARY_PATH || '').split(':').filter(Boolean);
  dirs.push('/usr/local/lib');
  if (multiarch) dirs.push(`/usr/lib/${multiarch}`);
  dirs.push('/usr/lib64', '/usr/lib');
  return [...new Set(dirs)];
}

/** A libtorch in a library folder (the system's, LD_LIBRARY_PATH), or null. */
function describeLibDir(dir) {
  const names = safeReaddir(dir);
  if (!names.some((n) => /^libtorch\.so/.test(n))) return null;
  // Debian names the file with the full version: libtorch.so.1.13.0.
  const full = names.map((n) => /^libtorch\.so\.(\d+\.\d+\.\d+)$/.exec(n)).find(Boolean);
  const v = full ? { version: full[1], local: null }
    : versionFromCmake(path.join(dir, 'cmake', 'Torch'))
    || versionFromHeader(path.join(dir, '..', 'include')) || versionFromHeader('/usr/include');
  if (!v) return null;
  return { version: v.version, device: cudaFromLib(dir, v.local), abi: abiFromTorchConfig(path.join(dir, 'cmake', 'Torch', 'TorchConfig.cmake')), where: dir, via: 'system' };
}

/** Where libtorch is on this machine, searched like the build searches it: LIBTORCH alone when set,
 * LIBTORCH_USE_PYTORCH=1 alone when set, else the system's library folders.
 * -> { found: [{ version, device, abi, where, via }], looked: [what was searched and why nothing fit] } */
function findLibtorch(env = process.env) {
  if (env.LIBTORCH) {
    const { lt, why } = describeRoot(path.resolve(env.LIBTORCH));
    return { found: lt ? [lt] : [], looked: lt ? [`LIBTORCH=${env.LIBTORCH}`] : [why] };
  }
  if (env.LIBTORCH_USE_PYTORCH === '1') {
    const { lt, why } = describePython(env);
    return { found: lt ? [lt] : [], looked: lt ? ['LIBTORCH_USE_PYTORCH=1'] : [why] };
  }
  const dirs = systemLibDirs(env);
  const found = dirs.map(describeLibDir).filter(Boolean);
  return { found, looked: [`libtorch.so in ${dirs.join(', ')}`] };
}

/** The folder of prebuilds for this platform and arch, chosen with node-gyp-build's own rules. */
function prebuildDir(root) {
  const ngb = require('node-gyp-build');
  const base = path.join(root, 'prebuilds');
  const tuple = safeReaddir(base).map(ngb.parseTuple).filter(ngb.matchTuple(os.platform(), os.arch())).sort(ngb.compareTuples)[0];
  return tuple ? path.join(base, tuple.name) : path.join(base, `${os.platform()}-${os.arch()}`);
}

/** The prebuild files in `dir` that node-gyp-build would accept for this Node (runtime, napi, libc tags). */
function prebuildFiles(dir) {
  const ngb = require('node-gyp-build');
  const ok = ngb.matchTags('node', process.versions.modules);
  return safeReaddir(dir).filter((f) => { const t = ngb.parseTags(f); return t && ok(t); }).sort();
}

function firstLine(err) {
  return String((err && err.message) || err).split('\n')[0];
}

/** The one message for "no build of the addon fits": what was looked for, what libtorch was found, how to fix it. */
function noAddonMessage(r) {
  const lines = [`torchvgg: no build of the native addon fits the libtorch on this machine${r.headline ? ` (${r.headline})` : ''}.`, 'Looked for:'];
  for (const t of r.tried) lines.push(`  - ${t}`);
  lines.push(r.found.length ? `libtorch found: ${r.found.map((lt) => `${describe(lt)} at ${lt.where} [${lt.via}]`).join('; ')}`
    : `libtorch found: none (searched ${r.looked.join('; ')})`);
  return [...lines, ...FIX].join('\n');
}

/**
 * Loads the addon: build/Release/torchvgg.node (a source build) if present, else the prebuild that fits
 * the libtorch found here, checking after the load that its libtorchVersion is the tagged one.
 * Throws one Error (code ERR_TORCHVGG_NO_ADDON) saying what was looked for and how to fix it.
 * opts.prebuildsOnly: skip build/Release (the install step asks whether a prebuild is enough).
 */
/** What the addon says it was compiled against (ABI, CUDA) where that contradicts the prebuild's tag; null when it agrees. */
function buildMismatch(build, p) {
  if (!build) return null; // an addon from before libtorchBuild existed: the version check stands alone
  if (build.cxx11abi !== (p.abi === 'cxx11')) return `was compiled with the ${build.cxx11abi ? 'C++11' : 'pre-C++11'} ABI, not the tagged one`;
  if (build.cuda !== (p.device !== 'cpu')) return `was compiled against a ${build.cuda ? 'CUDA' : 'CPU-only'} libtorch, not the tagged one`;
  return null;
}

function loadAddon(root, opts = {}) {
  const env = opts.env || process.env;
  const load = opts.require || require;
  const tried = [];
  if (!opts.prebuildsOnly) {
    const built = path.join(root, 'build', 'Release', 'torchvgg.node');
    if (fs.existsSync(built)) {
      try {
        return { binding: load(built), file: built };
      } catch (err) {
        tried.push(`${built} (a source build): failed to load: ${firstLine(err)}`);
      }
    } else {
      tried.push(`${built} (a source build): not there`);
    }
  }
  const dir = prebuildDir(root);
  const files = prebuildFiles(dir);
  const { found, looked } = findLibtorch(env);
  const picks = pickPrebuilds(files, found);
  for (const p of picks) {
    const file = path.join(dir, p.file);
    try {
      const binding = load(file);
      const got = splitVersion(binding.libtorchVersion);
      const mismatch = buildMismatch(binding.libtorchBuild, p);
      if (got && got.version === p.version && !mismatch) return { binding, file, prebuild: p };
      tried.push(`${file}: loaded, but ${mismatch || `reports libtorch ${binding.libtorchVersion}, not ${p.version}`}`);
    } catch (err) {
      tried.push(`${file}: fits ${describe(p.libtorch)} but failed to load: ${firstLine(err)}`);
    }
  }
  const unfit = files.filter((f) => !picks.some((p) => p.file === f));
  if (!files.length) tried.push(`prebuilds in ${dir}: none`);
  else if (unfit.length) tried.push(`prebuilds in ${dir}: ${unfit.map((f) => { const p = parsePrebuildName(f); return p ? `${f} (${describe(p)})` : `${f} (no libtorch tag)`; }).join(', ')}: none fits`);
  const err = new Error(noAddonMessage({ tried, found, looked, headline: opts.headline }));
  err.code = 'ERR_TORCHVGG_NO_ADDON';
  throw err;
}

module.exports = {
  FIX, deviceTag, splitVersion, libtorchTag, prebuildFileName, parsePrebuildName, describe, fits, pickPrebuilds,
  findLibtorch, describeRoot, describeLibDir, prebuildDir, prebuildFiles, noAddonMessage, loadAddon, abiFromTorchConfig, buildMismatch,
};
