#!/usr/bin/env node
// `npm run test:asan`: builds the addon with AddressSanitizer and UBSan into build-asan/, then runs the
// hostile-input and fuzz tests against it (node itself is not instrumented: the runtimes are preloaded).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const addon = path.join(root, 'build-asan', 'Release', 'torchvgg.node');
const TESTS = ['test/hostile-native.test.js', 'test/tensor.test.js', 'test/hostile-files.test.js', 'test/layers.test.js', 'test/concurrency.test.js',
  'test/hooks.test.js', 'test/fuzz.test.js'].filter((f) => fs.existsSync(path.join(root, f)));

function runtime(name) {
  const r = spawnSync('g++', [`-print-file-name=${name}`], { encoding: 'utf8' });
  const file = r.stdout.trim();
  if (r.status !== 0 || !path.isAbsolute(file)) throw new Error(`cannot find ${name} (install g++ with its sanitizer runtimes)`);
  return file;
}

function main() {
  if (!process.argv.includes('--no-build')) {
    const jobs = String(os.availableParallelism ? os.availableParallelism() : os.cpus().length);
    console.error('test:asan: building the addon with -fsanitize=address,undefined into build-asan/ ...');
    const b = spawnSync(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '-O', 'build-asan/cmake',
      '--CDTORCHVGG_SANITIZE=ON', '--parallel', jobs], { cwd: root, stdio: 'inherit', env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: jobs } });
    if (b.status !== 0) process.exit(b.status || 1);
    fs.mkdirSync(path.dirname(addon), { recursive: true });
    fs.copyFileSync(path.join(root, 'build-asan', 'cmake', 'Release', 'torchvgg.node'), addon);
  }
  const env = {
    ...process.env,
    TORCHVGG_ADDON: addon,
    LD_PRELOAD: [runtime('libasan.so'), runtime('libubsan.so')].join(':'),
    // Leaks: V8 and libtorch keep process-lifetime allocations; what matters here is memory errors.
    ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0:allocator_may_return_null=1',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  };
  console.error(`test:asan: ${TESTS.join(' ')}`);
  const t = spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--timeout', '600000', ...TESTS],
    { cwd: root, stdio: 'inherit', env });
  process.exit(t.status ?? 1);
}

main();
