#!/usr/bin/env node
// `npm run prebuild`: builds the addon with prebuildify (Node-API; `node-gyp rebuild` through binding.gyp,
// which runs the one CMake build), then names it after the libtorch it was built against, read from the
// build itself (build/cmake: the C++ ABI flag and TORCHVGG_CUDA that CMake gave the compiler, CUDA's
// version; the built addon's libtorchVersion):
//   prebuilds/linux-x64/torchvgg.libtorch-1.13.0.cpu.cxx11abi.glibc.node
// lib/native.ts and the install step pick a prebuild by that name (scripts/prebuild-select.js).
//   --from-build   no compile: tag the existing build/Release/torchvgg.node (scripts/test-pack.js uses it)
//   --out DIR      where prebuilds/ goes (default: the package root)
// Needs a compiler, CMake, libtorch and (for node-gyp) Python: a maintainer's step, not a user's.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const select = require('./prebuild-select');

const root = path.resolve(__dirname, '..');

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : null;
}

function fail(msg) {
  console.error(`torchvgg prebuild: ${msg}`);
  process.exit(1);
}

// Every build file CMake wrote under dir (Ninja's build.ninja or Makefiles' flags.make).
function buildFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'build.ninja' || e.name === 'flags.make') out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** What libtorch the build in cmakeDir used, and the libtorch version the addon reports. */
function buildFacts(cmakeDir, addon) {
  const flags = buildFiles(cmakeDir).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  if (!flags) fail(`no CMake build in ${cmakeDir}: build the addon first (npm run build:native)`);
  const abiFlag = /-D_GLIBCXX_USE_CXX11_ABI=([01])/.exec(flags);
  // No flag: libtorch did not ask for one, so the compiler's default (the C++11 ABI since GCC 5) was used.
  const abi = abiFlag && abiFlag[1] === '0' ? 'precxx11' : 'cxx11';
  const cache = fs.readFileSync(path.join(cmakeDir, 'CMakeCache.txt'), 'utf8');
  let device = 'cpu';
  if (/TORCHVGG_CUDA=1/.test(flags)) {
    const cuda = /^(?:CUDA_VERSION|CUDA_VERSION_STRING|CUDAToolkit_VERSION)(?::\w+)?=(\d+\.\d+)/m.exec(cache);
    device = select.deviceTag(cuda ? cuda[1] : null);
    if (device === 'cpu') device = 'cuda';
  }
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(require(process.argv[1]).libtorchVersion)', addon],
    { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) fail(`cannot load ${addon} to read its libtorch version:\n${r.stderr}`);
  const v = select.splitVersion(r.stdout);
  if (!v) fail(`${addon} reports an unreadable libtorch version: ${r.stdout}`);
  // CMake's view of the version must agree with the headers the addon was compiled with.
  const torchDir = (/^Torch_DIR:PATH=(.*)$/m.exec(cache) || [])[1];
  const cfg = torchDir && fs.existsSync(path.join(torchDir, 'TorchConfigVersion.cmake'))
    ? /set\(PACKAGE_VERSION "([^"]+)"\)/.exec(fs.readFileSync(path.join(torchDir, 'TorchConfigVersion.cmake'), 'utf8')) : null;
  if (cfg && select.splitVersion(cfg[1]).version !== v.version) {
    fail(`the addon reports libtorch ${v.version} but CMake found ${cfg[1]} in ${torchDir}: rebuild it`);
  }
  return { version: v.version, device, abi, torchDir };
}

function libc() {
  return fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

// Places `addon` as a tagged prebuild under outRoot; returns its path.
function place(addon, facts, outRoot, strip) {
  const dir = path.join(outRoot, 'prebuilds', `${os.platform()}-${os.arch()}`);
  fs.mkdirSync(dir, { recursive: true });
  const dest = path.join(dir, select.prebuildFileName(facts, libc()));
  const tmp = `${dest}.${process.pid}.tmp`;
  fs.copyFileSync(addon, tmp);
  if (strip && os.platform() === 'linux') spawnSync('strip', ['--strip-unneeded', tmp], { stdio: 'ignore' });
  fs.renameSync(tmp, dest);
  return dest;
}

// npm's own node-gyp (npm run puts it on PATH; a plain `node scripts/prebuild.js` may not have it there).
function nodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try { candidates.unshift(require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] })); } catch { /* not installed locally */ }
  return candidates.find((c) => fs.existsSync(c)) || 'node-gyp';
}

function main() {
  const outRoot = path.resolve(arg('--out') || root);
  const cmakeDir = path.join(root, 'build', 'cmake');
  const built = path.join(root, 'build', 'Release', 'torchvgg.node');
  if (process.argv.includes('--from-build')) {
    if (!fs.existsSync(built)) fail(`${built} is missing: build the addon first (npm run build:native)`);
    const facts = buildFacts(cmakeDir, built);
    console.log(place(built, facts, outRoot, true));
    return;
  }
  // node-gyp needs Node's headers only to configure (binding.gyp compiles nothing itself); use the
  // installed ones so nothing is downloaded.
  const headers = path.join(path.dirname(process.execPath), '..', 'include', 'node');
  if (!process.env.npm_config_nodedir && fs.existsSync(path.join(headers, 'common.gypi'))) {
    process.env.npm_config_nodedir = path.resolve(headers, '..', '..');
  }
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-prebuild-'));
  const prebuildify = require('prebuildify');
  prebuildify({
    cwd: root, out: staging, napi: true, strip: true, name: 'torchvgg', nodeGyp: nodeGyp(),
    targets: [{ runtime: 'node', target: process.versions.node }],
  }, (err) => {
    if (err) fail(err.message || String(err));
    const dir = path.join(staging, 'prebuilds', `${os.platform()}-${os.arch()}`);
    const made = fs.readdirSync(dir).filter((f) => f.endsWith('.node'));
    if (made.length !== 1) fail(`prebuildify left ${made.length} builds in ${dir}`);
    // prebuildify moved build/Release/torchvgg.node into staging; the facts come from build/cmake.
    const file = path.join(dir, made[0]);
    const dest = place(file, buildFacts(cmakeDir, file), outRoot, false);
    fs.rmSync(staging, { recursive: true, force: true });
    console.log(dest);
  });
}

if (require.main === module) main();
module.exports = { buildFacts };
