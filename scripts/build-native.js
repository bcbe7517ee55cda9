#!/usr/bin/env node
// Builds the addon with CMake through cmake-js (Node-API mode: nothing is downloaded) into
// build/cmake, then places it where node-gyp-build looks: build/Release/torchvgg.node.
// --if-needed: do nothing when that file is newer than every native source.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

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

function main() {
  if (process.argv.includes('--if-needed') && upToDate()) return;
  const prebuilt = path.join(root, 'prebuilds');
  if (process.argv.includes('--if-needed') && fs.existsSync(prebuilt) && !fs.existsSync(path.join(root, 'native'))) return;
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const jobs = String(Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
  console.error('torchvgg: building the native addon (cmake-js, libtorch) ...');
  const res = spawnSync(process.execPath, [cmakeJs, 'compile', '-O', 'build/cmake', '--parallel', jobs], {
    cwd: root,
    stdio: process.env.TORCHVGG_VERBOSE_BUILD ? 'inherit' : 'pipe',
    env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs },
  });
  if (res.status !== 0) {
    if (res.stdout) process.stderr.write(res.stdout);
    if (res.stderr) process.stderr.write(res.stderr);
    console.error('torchvgg: the native build failed. libtorch must be findable: set LIBTORCH to a libtorch root, '
      + 'or LIBTORCH_USE_PYTORCH=1 to use Python\'s torch, or install Debian\'s libtorch-dev.');
    process.exit(res.status || 1);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Copy then rename: a process that has the old addon loaded keeps its (unlinked) file intact.
  const fresh = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(path.join(root, 'build', 'cmake', 'Release', 'torchvgg.node'), fresh);
  fs.renameSync(fresh, target);
}

main();
