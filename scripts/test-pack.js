#!/usr/bin/env node
// `npm run test:pack` (.ci/run calls it after `npm test`): the package as a user gets it. Packs it, then in
// fresh projects under os.tmpdir() (outside the repo) installs the tarball from the file, with runtime
// dependencies from the npm cache (`npm ci` filled it), and there: require() and import(), a TypeScript
// user type-checked against the published types (and a deliberate type error that must fail), the seed
// walkthrough's first steps, `npx torchvgg --help`. Twice:
//   A. a prebuild for this machine's libtorch in the tarball (tagged from the repo's build/Release/torchvgg.node
//      by scripts/prebuild.js --from-build): installed with cmake, compilers and Python off PATH (stand-ins
//      that record any call), then checked that nothing was called and no build/ appeared;
//   B. no prebuilds: the install builds from source with CMake.
// Also: with LIBTORCH at an empty folder, the load and `npm rebuild` fail with the one message.
// Prints the tarball's and the installed package's sizes. --keep leaves the temporary folder.
// Every step runs under a timeout (the source build: 600 s, or TORCHVGG_PACK_BUILD_TIMEOUT).
'use strict';
const { spawnSync } = require('child_process');
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-pack-'));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// The source build takes 1.5-3 min on 2 idle cores; a shared, loaded machine may need TORCHVGG_PACK_BUILD_TIMEOUT (s).
const BUILD_TIMEOUT = Number(process.env.TORCHVGG_PACK_BUILD_TIMEOUT) || 600;

// The environment of a user's shell: nothing from an `npm run` around us, no addon override.
const baseEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => !/^npm_/i.test(k) && k !== 'TORCHVGG_ADDON' && k !== 'INIT_CWD'));

// Runs a command under coreutils' timeout, which signals the command's whole process group (npm, its
// install scripts, cmake, the compilers), so that nothing outlives a step that ran out of time.
const TIMEOUT = ['/usr/bin/timeout', '/bin/timeout'].find((f) => fs.existsSync(f));
function run(cmd, args, { cwd = work, env = baseEnv, timeout = 120, expectFail = false } = {}) {
  const [file, argv] = TIMEOUT ? [TIMEOUT, ['-k', '10', String(timeout), cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { cwd, env, encoding: 'utf8', timeout: (timeout + 30) * 1000, maxBuffer: 64 << 20 });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  const what = `${path.basename(cmd)} ${args.join(' ')}`.slice(0, 200);
  if (r.error || (TIMEOUT && (r.status === 124 || r.status === 137))) {
    throw new Error(`${what}: ${!r.error || r.error.code === 'ETIMEDOUT' ? `timed out after ${timeout} s` : r.error.message}\n${out}`);
  }
  if (expectFail ? r.status === 0 : r.status !== 0) {
    throw new Error(`${what} (in ${cwd}) ${expectFail ? 'succeeded but must fail' : `exited with ${r.status}`}:\n${out}`);
  }
  return out;
}

function step(title, fn) {
  const t = Date.now();
  const result = fn();
  console.log(`  ok  ${title} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  return result;
}

function duBytes(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) n += fs.statSync(p).size;
    }
  };
  walk(dir);
  return n;
}
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

// What the published package may hold: what a user's install and load need, nothing else.
const ALLOWED = [/^dist\//, /^native\//, /^proto\//, /^prebuilds\//, /^scripts\/(build-native|prebuild-select)\.js$/,
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|CMakeLists\.txt|binding\.gyp)$/];
function checkContents(files) {
  for (const f of files) {
    assert.ok(ALLOWED.some((re) => re.test(f)), `the tarball holds ${f}, which a user does not need`);
    assert.doesNotMatch(f, /(^|\/)(test|tests|fixtures|examples|\.cache|build|build-asan|node_modules)\//, f);
    // dist/ is compiled from lib/ only: a stale file from a removed source, or a compiled test, must not ship.
    const m = /^dist\/(.*?)(\.d\.ts|\.js)$/.exec(f);
    if (m) assert.ok(fs.existsSync(path.join(root, 'lib', `${m[1]}.ts`)), `${f} has no source in lib/ (stale or not part of the library)`);
  }
  for (const need of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/index.js', 'scripts/build-native.js', 'CMakeLists.txt',
    'binding.gyp', 'LICENSE', 'CHANGELOG.md', 'README.md']) {
    assert.ok(files.includes(need), `the tarball lacks ${need}`);
  }
}

// npm pack of an unpacked package folder; returns the tarball's path and size.
function pack(dir, dest) {
  fs.mkdirSync(dest, { recursive: true });
  const out = run('npm', ['pack', '--json', '--pack-destination', dest, '--loglevel=error'], { cwd: dir, timeout: 120 });
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  return { file: path.join(dest, info.filename), size: info.size, files: info.files.map((f) => f.path) };
}

// A project of a user's: package.json only.
function project(name) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }, null, 2));
  return dir;
}

function install(app, tarball, env, timeout) {
  return run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', '--loglevel=error'],
    { cwd: app, env, timeout });
}

// Stand-ins for every build tool: a call is recorded in `log` and fails. PATH = this folder only.
function noCompilerEnv() {
  const bin = path.join(work, 'no-compiler-bin');
  const log = path.join(work, 'compiler-calls.log');
  fs.mkdirSync(bin);
  const which = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  for (const tool of ['npm', 'npx', 'sh', 'env']) fs.symlinkSync(fs.realpathSync(which(tool)), path.join(bin, tool));
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  for (const tool of ['cmake', 'make', 'ninja', 'gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'ld', 'python', 'python3', 'node-gyp']) {
    fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${log}"\nexit 127\n`, { mode: 0o755 });
  }
  return { env: { ...baseEnv, PATH: bin }, log };
}

const GOOD_TS = `import { torch, nn, models, Tensor } from 'torchvgg';
const model: models.VGG = models.vgg16();
model.classifier[6] = new nn.Linear(4096, 3);
model.features.requiresGrad_(false);
const y: Tensor = model.eval().forward(torch.randn(1, 3, 224, 224));
const shape: number[] = y.shape;
const version: { libtorch: string; torchvgg: string } = torch.version;
console.log(shape, version);
`;
const GOOD_MTS = `import { models, nn } from 'torchvgg';
const tail: nn.Sequential = models.vgg11().classifier;
console.log(tail);
`;
const BAD_TS = `import { models } from 'torchvgg';
const model: number = models.vgg16();
console.log(model);
`;
const WALK = `const assert = require('assert');
const { torch, nn, models } = require('torchvgg');
const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'));
console.log('addon:', addon);
torch.manualSeed(0);
const vgg16 = models.vgg16();                       // vgg16 = models.vgg16()
const printed = String(vgg16);                      // print(vgg16)
console.log(printed);
assert.match(printed, /^VGG\\(/);
assert.match(printed, /\\(6\\): Linear\\(in_features=4096, out_features=1000, bias=True\\)/);
vgg16.requiresGrad_(false);                         // for p in vgg16.parameters(): p.requires_grad = False
vgg16.classifier[6] = new nn.Linear(4096, 3);       // vgg16.classifier[6] = nn.Linear(4096, 3)
assert.match(String(vgg16), /\\(6\\): Linear\\(in_features=4096, out_features=3, bias=True\\)/);
const trainable = vgg16.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
assert.strictEqual(trainable, 4096 * 3 + 3, 'only the new head trains');
const y = vgg16.eval().forward(torch.randn(1, 3, 224, 224));
assert.deepStrictEqual(y.shape, [1, 3]);
console.log('output shape', JSON.stringify(y.shape), 'libtorch', torch.version.libtorch);
`;
const ESM = `const m = await import('torchvgg');
const { createRequire } = await import('module');
const cjs = createRequire(process.cwd() + '/x.js')('torchvgg');
if (m.torch !== cjs.torch || typeof m.models.vgg16 !== 'function') throw new Error('import() and require() differ');
console.log('import ok', Object.keys(m).length, 'names');
`;

// Everything a user does first, in an installed project. Returns the addon file that was loaded.
function checkProject(app, { types }) {
  const cjs = step('require(\'torchvgg\')', () => run(process.execPath,
    ['-e', 'const t = require("torchvgg"); if (t.torch.ones(2).sum().item() !== 2) throw new Error("ones"); console.log(JSON.stringify(t.torch.version))'],
    { cwd: app, timeout: 60 }));
  assert.match(cjs, /"libtorch":"\d+\.\d+\.\d+"/);
  step('import(\'torchvgg\')', () => assert.match(run(process.execPath, ['--input-type=module', '-e', ESM], { cwd: app, timeout: 60 }), /import ok/));
  if (types) {
    fs.writeFileSync(path.join(app, 'good.ts'), GOOD_TS);
    fs.writeFileSync(path.join(app, 'good.mts'), GOOD_MTS);
    fs.writeFileSync(path.join(app, 'bad.ts'), BAD_TS);
    const args = [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
      '--lib', 'es2022,esnext.disposable', '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types')];
    step('TypeScript (module node16) type-checks a user of the published types', () => run(process.execPath, [...args, 'good.ts', 'good.mts'], { cwd: app, timeout: 120 }));
    step('... and a deliberate type error fails', () => {
      const out = run(process.execPath, [...args, 'bad.ts'], { cwd: app, timeout: 120, expectFail: true });
      assert.match(out, /bad\.ts\(2,7\): error TS2322: Type 'VGG' is not assignable to type 'number'/, out);
    });
  }
  fs.writeFileSync(path.join(app, 'walk.js'), WALK);
  const walk = step('the walkthrough\'s first steps: vgg16, print, classifier[6] = Linear(4096, 3), freeze, forward [1,3,224,224] -> [1,3]',
    () => run(process.execPath, ['walk.js'], { cwd: app, timeout: 180 }));
  assert.match(walk, /output shape \[1,3\]/);
  step('npx torchvgg --help', () => {
    const out = run('npx', ['--no-install', 'torchvgg', '--help'], { cwd: app, timeout: 60 });
    assert.match(out, /usage:/);
    assert.match(out, /torchvgg finetune --data/);
  });
  return /addon: (.*)/.exec(walk)[1];
}

function main() {
  console.log(`test:pack in ${work}`);
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npx tsc -p .` (or npm test) first');
  const built = path.join(root, 'build', 'Release', 'torchvgg.node');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: build the addon first (npm run build:native)`);

  // The package as `npm pack` makes it from the repo, unpacked, without any prebuilds the repo has lying around.
  const base = step('npm pack', () => pack(root, path.join(work, 'packed')));
  step('the tarball holds only what users need', () => checkContents(base.files));
  run('tar', ['xzf', base.file, '-C', work]);
  const pkgDir = path.join(work, 'package');
  fs.rmSync(path.join(pkgDir, 'prebuilds'), { recursive: true, force: true });
  const source = step('tarball B: no prebuilds', () => pack(pkgDir, path.join(work, 'source')));
  const tagged = run(process.execPath, [path.join(__dirname, 'prebuild.js'), '--from-build', '--out', pkgDir], { cwd: root }).trim();
  const prebuilt = step(`tarball A: with the prebuild ${path.relative(pkgDir, tagged)}`, () => pack(pkgDir, path.join(work, 'prebuilt')));
  assert.ok(prebuilt.files.includes(path.relative(pkgDir, tagged)));

  console.log(`A. install with a matching prebuild, build tools off PATH (${secs()})`);
  const appA = project('app-prebuilt');
  const { env: noCc, log } = noCompilerEnv();
  const outA = step('npm install <tarball A> (cache only for dependencies)', () => install(appA, prebuilt.file, noCc, 300));
  const pkgA = path.join(appA, 'node_modules', 'torchvgg');
  assert.match(outA, /using the prebuild torchvgg\.libtorch-/, outA);
  assert.ok(!fs.existsSync(log), `a build tool ran during the install: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`);
  assert.ok(!fs.existsSync(path.join(pkgA, 'build')), 'the install made a build/ folder');
  console.log('  ok  no compiler, CMake or Python was called and no build/ appeared');
  const pkgJson = JSON.parse(fs.readFileSync(path.join(pkgA, 'package.json'), 'utf8'));
  const deps = fs.readdirSync(path.join(appA, 'node_modules'));
  assert.ok(!deps.includes('onnxruntime-node') && !deps.includes('onnxruntime-common'), 'a user\'s install pulled onnxruntime');
  assert.ok(!pkgJson.dependencies['onnxruntime-node']);
  const addonA = checkProject(appA, { types: true });
  assert.strictEqual(path.relative(pkgA, addonA), path.relative(pkgDir, tagged), 'project A loaded the prebuild');

  console.log(`   LIBTORCH at a folder without libtorch (${secs()})`);
  const empty = path.join(work, 'empty-libtorch');
  fs.mkdirSync(empty);
  const badEnv = { ...baseEnv, LIBTORCH: empty };
  step('the load fails with the one message', () => {
    const out = run(process.execPath, ['-e', 'require("torchvgg")'], { cwd: appA, env: badEnv, timeout: 60, expectFail: true });
    for (const re of [/torchvgg: no build of the native addon fits the libtorch on this machine/, /Looked for:/,
      /prebuilds in .*: torchvgg\.libtorch-.*: none fits/, /libtorch found: none \(searched LIBTORCH=/,
      /LIBTORCH=\/path\/to\/libtorch npm rebuild torchvgg/, /LIBTORCH_USE_PYTORCH=1/, /apt-get install libtorch-dev/]) assert.match(out, re, out);
  });
  step('npm rebuild (the install step) fails at once with the same message', () => {
    const out = run('npm', ['rebuild', 'torchvgg', '--foreground-scripts'], { cwd: appA, env: badEnv, timeout: 120, expectFail: true });
    assert.match(out, /torchvgg: no build of the native addon fits the libtorch on this machine \(cannot build it: LIBTORCH=.* holds no libtorch/, out);
    assert.match(out, /apt-get install libtorch-dev/);
    assert.doesNotMatch(out, /building the native addon/);
  });

  console.log(`B. install without prebuilds: a source build (${secs()})`);
  const appB = project('app-source');
  const outB = step('npm install <tarball B> (builds the addon with CMake)', () => install(appB, source.file, baseEnv, BUILD_TIMEOUT));
  assert.match(outB, /building the native addon/, outB);
  const pkgB = path.join(appB, 'node_modules', 'torchvgg');
  assert.ok(fs.existsSync(path.join(pkgB, 'build', 'Release', 'torchvgg.node')));
  const addonB = checkProject(appB, { types: false });
  assert.strictEqual(path.relative(pkgB, addonB), path.join('build', 'Release', 'torchvgg.node'), 'project B loaded its source build');

  const sizes = {
    'tarball A (with a prebuild)': mb(prebuilt.size), 'tarball B (no prebuilds)': mb(source.size),
    'installed A (node_modules/torchvgg)': mb(duBytes(pkgA)), 'installed B (after the source build)': mb(duBytes(pkgB)),
    'installed A with its dependencies (node_modules)': mb(duBytes(path.join(appA, 'node_modules'))),
  };
  console.log('sizes:');
  for (const [k, v] of Object.entries(sizes)) console.log(`  ${k}: ${v}`);
  console.log(`test:pack passed in ${secs()}`);
}

try {
  main();
} catch (err) {
  console.error(`test:pack FAILED (${secs()}): ${err.stack || err}`);
  process.exitCode = 1;
} finally {
  if (process.argv.includes('--keep')) console.log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
