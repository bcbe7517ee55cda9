#!/usr/bin/env node
// Builds the addon with CMake through cmake-js (Node-API mode: nothing is downloaded) into
// build/cmake, then places it where node-gyp-build looks: build/Release/torchvgg.node.
// --if-needed (the package's install script): do nothing when that file is newer than every native
// source, or when a prebuild fits the libtorch on this machine and loads (scripts/prebuild-select.js);
// otherwise build, after checking that CMake can find libtorch (else the one message saying how to fix it).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const select = require('./prebuild-select');

const root = path.resolve(__dirname, '..');
const target = path.join(root, 'build', 'Release', 'torchvgg.node');

// Newest modification time of CMakeLists.txt and everything under native/ (its folders included).
function newestSource() {
  let newest = fs.statSync(path.join(root, 'CMakeLists.txt')).mtimeMs;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      newest = Math.max(newest, fs.statSync(p).mtimeMs);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(path.join(root, 'native'));
  return newest;
}

function upToDate() {
  if (!fs.existsSync(target)) return false;
  return fs.statSync(target).mtimeMs >= newestSource();
}

// A prebuild that fits the libtorch here and loads, asked in a child process so this one stays clean.
// Returns its file name or null. In a git checkout a prebuild older than the native sources is stale and
// ignored; an installed package's files all have the unpacking's times, in no useful order.
function fittingPrebuild() {
  const dir = select.prebuildDir(root);
  const checkout = fs.existsSync(path.join(root, '.git'));
  const sources = checkout ? newestSource() : 0;
  const files = select.prebuildFiles(dir).filter((f) => fs.statSync(path.join(dir, f)).mtimeMs >= sources);
  if (!files.length) return null;
  const code = 'const r = require(process.argv[1]).loadAddon(process.argv[2], { prebuildsOnly: true }); '
    + 'process.stdout.write(require("path").basename(r.file))';
  const res = spawnSync(process.execPath, ['-e', code, path.join(__dirname, 'prebuild-select.js'), root],
    { encoding: 'utf8', timeout: 120000 });
  return res.status === 0 && res.stdout ? res.stdout : null;
}

// LIBTORCH is the one place CMake will look when it is set: check it first, so that a wrong LIBTORCH fails
// at once with the one message instead of after CMake's own. (Other places are CMake's to search.)
function libtorchRootProblem() {
  const dir = process.env.LIBTORCH;
  if (!dir) return null;
  return ['share/cmake/Torch', 'lib/cmake/Torch'].some((d) => fs.existsSync(path.join(dir, d, 'TorchConfig.cmake')))
    ? null : `LIBTORCH=${dir} holds no libtorch (no share/cmake/Torch/TorchConfig.cmake)`;
}

function noAddon(why) {
  let found = { found: [], looked: [] };
  try { found = select.findLibtorch(); } catch { /* the message still says how to fix it */ }
  console.error(select.noAddonMessage({
    headline: why,
    tried: [`${target} (a source build): not built`, `a prebuild in ${select.prebuildDir(root)} that fits: none`],
    found: found.found, looked: found.looked,
  }));
  process.exit(1);
}

function main() {
  const ifNeeded = process.argv.includes('--if-needed');
  if (ifNeeded && upToDate()) return;
  if (ifNeeded) {
    const prebuild = fittingPrebuild();
    if (prebuild) {
      console.error(`torchvgg: using the prebuild ${prebuild} (it fits the libtorch on this machine); nothing to build`);
      return;
    }
  }
  const problem = libtorchRootProblem();
  if (problem) noAddon(`cannot build it: ${problem}`);
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const jobs = String(Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
  console.error('torchvgg: building the native addon (cmake-js, libtorch) ...');
  const compile = (unity) => spawnSync(process.execPath, [cmakeJs, 'compile', '-O', 'build/cmake', '--parallel', jobs,
    `--CDTORCHVGG_UNITY=${unity ? 'ON' : 'OFF'}`, `--CDTORCHVGG_JOBS=${jobs}`], {
    cwd: root,
    stdio: process.env.TORCHVGG_VERBOSE_BUILD ? 'inherit' : 'pipe',
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs },
  });
  // One unit per job (CMakeLists.txt) is ~5x faster from scratch; TORCHVGG_UNITY=0 builds file by file.
  const unity = process.env.TORCHVGG_UNITY !== '0';
  let res = compile(unity);
  if (res.status !== 0 && unity) {
    // Files compiled together share a scope: two that define the same internal name collide. Say so (a
    // developer should rename it) and still give the user an addon, built file by file.
    console.error('torchvgg: the one-unit-per-job build failed; building file by file instead (slower). '
      + 'If this is a checkout you changed, look for a name defined in two native files:');
    process.stderr.write(String(res.stderr || res.stdout || '').split('\n').filter((l) => /error/.test(l)).slice(0, 5).join('\n') + '\n');
    res = compile(false);
  }
  if (res.status !== 0) {
    if (res.stdout) process.stderr.write(res.stdout);
    if (res.stderr) process.stderr.write(res.stderr);
    noAddon('the CMake build failed, its output is above');
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Copy then rename: a process that has the old addon loaded keeps its (unlinked) file intact.
  const fresh = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(path.join(root, 'build', 'cmake', 'Release', 'torchvgg.node'), fresh);
  fs.renameSync(fresh, target);
  // Installed as a dependency: the CMake tree (objects, the precompiled header: hundreds of MB) is not
  // needed again; a clone keeps it for incremental builds.
  if (ifNeeded && root.split(path.sep).includes('node_modules')) fs.rmSync(path.join(root, 'build', 'cmake'), { recursive: true, force: true });
}

main();
