// The package as a user gets it: its `exports` entry points for require and import, its bin, its TypeScript types.
import assert from 'assert';
import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import { fileURLToPath } from 'url';
import path from 'path';
import { createRequire } from 'module';
import { torch, nn, models, tasks, Tensor } from 'torchvgg';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Skips a test, printing why (a bare skip would hide the reason). */
function skipBecause(ctx, reason) {
  console.log(`      (skipped: ${reason})`);
  ctx.skip();
}

describe('packaging', () => {
  it('imports { torch, nn, models, tasks } from an ES module', () => {
    assert.ok(torch.ones(2) instanceof Tensor);
    assert.strictEqual(typeof nn.Linear, 'function');
    assert.strictEqual(typeof models.vgg16, 'function');
    assert.strictEqual(typeof models.getModel, 'function');
    assert.strictEqual(typeof tasks.finetune, 'function');
  });

  it('require(\'torchvgg\') and import(\'torchvgg\') resolve through the exports map to one module with the same names', async () => {
    const cjs = require('torchvgg');
    const esm = await import('torchvgg');
    assert.strictEqual(require.resolve('torchvgg'), path.join(root, 'dist', 'index.js'));
    for (const api of [cjs, esm]) {
      assert.strictEqual(typeof api.models.getModel, 'function');
      for (const f of ['finetune', 'evaluate', 'predict', 'saveCheckpoint', 'loadCheckpoint']) assert.strictEqual(typeof api.tasks[f], 'function', f);
    }
    assert.strictEqual(esm.torch, cjs.torch, 'require() and import share one module');
    assert.strictEqual(cjs, require(root), 'the package root and its name are the same module');
    // Every name require() gives is a named ESM export too (not only reachable through `default`).
    for (const name of Object.keys(cjs)) assert.ok(name in esm && esm[name] === cjs[name], `named export ${name}`);
  });

  it('declares its entry points in package.json: exports for require, import and types, main, types and bin', () => {
    assert.deepStrictEqual(Object.keys(pkg.exports).sort(), ['.', './package.json']);
    const dot = pkg.exports['.'];
    assert.deepStrictEqual([dot.types, dot.require, dot.import], ['./dist/index.d.ts', './dist/index.js', './dist/index.js']);
    assert.strictEqual(Object.keys(dot)[0], 'types', 'types must come first for TypeScript');
    assert.deepStrictEqual([pkg.main, pkg.types], ['dist/index.js', 'dist/index.d.ts']);
    assert.strictEqual(require('torchvgg/package.json').version, pkg.version);
    // Deep paths are not part of the API.
    assert.throws(() => require('torchvgg/dist/tasks/finetune'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });

  it('runs the compiled CLI that bin names', () => {
    assert.strictEqual(pkg.bin.torchvgg, 'dist/cli/index.js');
    const file = path.join(root, pkg.bin.torchvgg);
    assert.match(fs.readFileSync(file, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    const r = spawnSync(process.execPath, [file, 'help'], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /torchvgg finetune --data/);
  });

  it('has scripts and examples that use the public entry points, never a deep dist/ path', () => {
    const files = [];
    const walk = (d) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (/\.(c|m)?[jt]s$/.test(e.name)) files.push(path.join(d, e.name));
      }
    };
    for (const d of ['scripts', 'examples']) walk(path.join(root, d));
    files.push(path.join(root, 'test', 'finetune.test.js'), path.join(root, 'test', 'models-registry.test.js'), path.join(root, 'test', 'presets.test.js'));
    assert.ok(files.some((f) => f.endsWith('walkthrough.js')));
    for (const f of files) {
      assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /(require\(|from |import\()\s*['"][^'"]*\/dist\//, path.relative(root, f));
    }
  });

  it('type-checks a TypeScript user of the package and catches a type error', function () {
    this.timeout(60000);
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--lib', 'ES2022,esnext.disposable'];
    const good = spawnSync(process.execPath, [tsc, ...args, path.join(root, 'test', 'types', 'usage.ts')], { encoding: 'utf8' });
    assert.strictEqual(good.status, 0, good.stdout + good.stderr);
    const bad = spawnSync(process.execPath, [tsc, ...args, path.join(root, 'test', 'types', 'misuse.ts')], { encoding: 'utf8' });
    assert.notStrictEqual(bad.status, 0, 'passing a string where a Module is expected must not type-check');
    assert.match(bad.stdout, /misuse\.ts/);
    // The registry, weights and tasks are typed: getModel('vgg16') gives a VGG, transforms() a preset.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-types-'));
    const user = path.join(dir, 'user.ts');
    fs.writeFileSync(user, `import { models, tasks, transforms, nn } from ${JSON.stringify(root)};
const model = models.getModel('vgg16', { numClasses: 10 });
const head: nn.Module = model.replaceHead(3);
const preset: transforms.ImageClassification = models.getWeight('VGG16_Weights.IMAGENET1K_V1').transforms();
const done: Promise<tasks.EpochReport[]> = tasks.finetune({ model, train: { length: 0, get: async () => [null, 0] }, freeze: 'backbone' });
const p: Promise<tasks.Prediction[]> = tasks.predict(model, ['a.png'], { transform: preset, categories: ['a', 'b', 'c'] });
const tail: nn.Sequential = model.classifier;
const wrong: number = models.listModels();
`);
    const typed = spawnSync(process.execPath, [tsc, ...args, user], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.deepStrictEqual(typed.stdout.trim().split('\n').map((l) => l.replace(/^.*user\.ts/, 'user.ts')),
      ["user.ts(8,7): error TS2322: Type 'string[]' is not assignable to type 'number'."], typed.stdout);
  });

  describe('as published: files, engines, dependencies', () => {
    it('lists in `files` only what a user needs, and says Node >= 20', () => {
      assert.deepStrictEqual([...pkg.files].sort(), ['CHANGELOG.md', 'CMakeLists.txt', 'LICENSE', 'README.md', 'binding.gyp', 'dist',
        'native', 'prebuilds', 'proto', 'scripts/build-native.js', 'scripts/prebuild-select.js']);
      assert.strictEqual(pkg.engines.node, '>=20');
      assert.deepStrictEqual(pkg.binary.napi_versions, [8]);
      assert.strictEqual(pkg.scripts.install, 'node scripts/build-native.js --if-needed');
      assert.match(pkg.scripts.prebuild, /scripts\/prebuild\.js/);
      assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /BSD 3-Clause License\n\nCopyright \(c\) 2026 the torchvgg authors/);
      assert.match(fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), /^## 0\.1\.0$/m);
    });

    it('ships every file the install step and the loader require', () => {
      // scripts/build-native.js and lib/native.ts load these at install and at load time.
      const local = (file) => [...fs.readFileSync(file, 'utf8').matchAll(/require\('\.\/([\w-]+)'\)/g)].map((m) => `scripts/${m[1]}.js`);
      const needed = [...local(path.join(root, 'scripts', 'build-native.js')), ...local(path.join(root, 'scripts', 'prebuild-select.js')),
        'scripts/build-native.js', 'scripts/prebuild-select.js'];
      assert.match(fs.readFileSync(path.join(root, 'lib', 'native.ts'), 'utf8'), /'scripts', 'prebuild-select\.js'/);
      for (const f of needed) assert.ok(pkg.files.includes(f), `${f} is required at install or load time but not in files`);
      // What those scripts require from packages must be runtime dependencies, not devDependencies.
      for (const f of needed) {
        for (const m of fs.readFileSync(path.join(root, f), 'utf8').matchAll(/require(?:\.resolve)?\('([^.'][^']*)'\)/g)) {
          const name = m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0];
          if (['fs', 'os', 'path', 'child_process'].includes(name)) continue;
          assert.ok(pkg.dependencies[name], `${f} requires ${name}, which is not a runtime dependency`);
        }
      }
    });

    it('never makes a user install the oracle, onnxruntime or a build-time tool as a dependency', () => {
      for (const dev of ['onnxruntime-node', 'onnxruntime-common', 'prebuildify', 'mocha', 'typescript']) {
        assert.ok(!(dev in pkg.dependencies), `${dev} must stay a devDependency`);
      }
      assert.ok(!pkg.optionalDependencies || !Object.keys(pkg.optionalDependencies).some((d) => /onnx/.test(d)));
    });

    it('packs no tests, fixtures, caches, build trees or dev-only scripts (npm pack --dry-run)', function () {
      this.timeout(60000);
      const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: root, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      const files = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].files.map((f) => f.path);
      for (const f of files) {
        assert.doesNotMatch(f, /(^|\/)(test|fixtures|examples|deploy|\.cache|build|build-asan|node_modules|bench|fuzz)(\/|$)/, f);
        assert.ok(!f.startsWith('scripts/') || ['scripts/build-native.js', 'scripts/prebuild-select.js'].includes(f), f);
      }
      for (const f of ['dist/index.js', 'dist/index.d.ts', 'CMakeLists.txt', 'binding.gyp', 'native/addon.cc', 'proto/grpc_service.proto', 'LICENSE']) {
        assert.ok(files.includes(f), `the package lacks ${f}`);
      }
    });
  });

  describe('prebuilds keyed to libtorch (scripts/prebuild-select.js)', () => {
    const select = require(path.join(root, 'scripts', 'prebuild-select.js'));
    const cpu113 = { version: '1.13.0', device: 'cpu', abi: 'cxx11' };

    it('refuses a loaded prebuild whose compiled-in ABI or CUDA contradicts its tag (the addon\'s libtorchBuild)', () => {
      const tag = select.parsePrebuildName('torchvgg.libtorch-1.13.0.cpu.cxx11abi.glibc.node');
      assert.strictEqual(select.buildMismatch({ cxx11abi: true, cuda: false }, tag), null);
      assert.match(select.buildMismatch({ cxx11abi: false, cuda: false }, tag), /pre-C\+\+11 ABI/);
      assert.match(select.buildMismatch({ cxx11abi: true, cuda: true }, tag), /CUDA libtorch/);
      assert.strictEqual(select.buildMismatch(undefined, tag), null, 'an older addon: the version check alone');
      const real = require(path.join(root, 'build', 'Release', 'torchvgg.node')).libtorchBuild;
      assert.strictEqual(typeof real.cxx11abi, 'boolean');
      assert.strictEqual(typeof real.cuda, 'boolean');
    });

    it('names a prebuild after its libtorch and reads the name back', () => {
      assert.strictEqual(select.prebuildFileName(cpu113), 'torchvgg.libtorch-1.13.0.cpu.cxx11abi.glibc.node');
      assert.strictEqual(select.prebuildFileName({ version: '2.1.0', device: select.deviceTag('11.8'), abi: 'precxx11' }, null),
        'torchvgg.libtorch-2.1.0.cu118.precxx11abi.node');
      assert.deepStrictEqual(select.parsePrebuildName('torchvgg.libtorch-2.1.0.cu121.cxx11abi.glibc.node'),
        { file: 'torchvgg.libtorch-2.1.0.cu121.cxx11abi.glibc.node', version: '2.1.0', device: 'cu121', abi: 'cxx11', libc: 'glibc' });
      assert.strictEqual(select.parsePrebuildName('torchvgg.node'), null, 'an untagged build is never picked');
      assert.strictEqual(select.parsePrebuildName('node.napi.node'), null);
      assert.deepStrictEqual(select.splitVersion('2.1.0+cu118'), { version: '2.1.0', local: 'cu118' });
    });

    it('picks only the prebuild built against the libtorch found: version, CPU/CUDA and C++ ABI', () => {
      const files = ['torchvgg.libtorch-1.13.0.cpu.cxx11abi.glibc.node', 'torchvgg.libtorch-1.13.0.cpu.precxx11abi.glibc.node',
        'torchvgg.libtorch-2.1.0.cu118.cxx11abi.glibc.node', 'torchvgg.libtorch-2.1.0.cpu.cxx11abi.glibc.node',
        'torchvgg.libtorch-2.1.0.cu121.cxx11abi.glibc.node', 'torchvgg.libtorch-1.13.0.cpu.cxx11abi.musl.node', 'torchvgg.node'];
      const pick = (lt, libc = 'glibc') => select.pickPrebuilds(files, [lt], libc).map((p) => p.file);
      assert.deepStrictEqual(pick(cpu113), ['torchvgg.libtorch-1.13.0.cpu.cxx11abi.glibc.node']);
      assert.deepStrictEqual(pick({ ...cpu113, abi: 'precxx11' }), ['torchvgg.libtorch-1.13.0.cpu.precxx11abi.glibc.node']);
      assert.deepStrictEqual(pick(cpu113, 'musl'), ['torchvgg.libtorch-1.13.0.cpu.cxx11abi.musl.node']);
      assert.deepStrictEqual(pick({ version: '2.1.0', device: 'cu118', abi: 'cxx11' }), ['torchvgg.libtorch-2.1.0.cu118.cxx11abi.glibc.node']);
      assert.deepStrictEqual(pick({ version: '2.1.0', device: 'cpu', abi: 'cxx11' }), ['torchvgg.libtorch-2.1.0.cpu.cxx11abi.glibc.node']);
      assert.deepStrictEqual(pick({ version: '1.13.1', device: 'cpu', abi: 'cxx11' }), [], 'another patch release is another libtorch');
      assert.deepStrictEqual(pick({ version: '2.1.0', device: 'cu124', abi: 'cxx11' }), []);
      // Unknown facts (no TorchConfig.cmake, no CUDA version) admit every candidate; the load checks the rest.
      assert.deepStrictEqual(pick({ version: '2.1.0', device: 'cuda', abi: null }),
        ['torchvgg.libtorch-2.1.0.cu118.cxx11abi.glibc.node', 'torchvgg.libtorch-2.1.0.cu121.cxx11abi.glibc.node']);
      // A prebuild whose CUDA version its build did not record fits any CUDA libtorch of its version, never a CPU one.
      const unknownCuda = ['torchvgg.libtorch-2.1.0.cuda.cxx11abi.glibc.node'];
      assert.strictEqual(select.pickPrebuilds(unknownCuda, [{ version: '2.1.0', device: 'cu121', abi: 'cxx11' }], 'glibc').length, 1);
      assert.strictEqual(select.pickPrebuilds(unknownCuda, [{ version: '2.1.0', device: 'cpu', abi: 'cxx11' }], 'glibc').length, 0);
    });

    it('describes the libtorch in a LIBTORCH folder from its files, and finds none in an empty one', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-libtorch-'));
      try {
        const empty = select.findLibtorch({ LIBTORCH: dir });
        assert.deepStrictEqual(empty.found, []);
        assert.match(empty.looked[0], /LIBTORCH=.*: no .*lib\/libtorch\.so/);
        fs.mkdirSync(path.join(dir, 'lib'));
        fs.mkdirSync(path.join(dir, 'share', 'cmake', 'Torch'), { recursive: true });
        for (const f of ['libtorch.so', 'libtorch_cuda.so', 'libc10.so']) fs.writeFileSync(path.join(dir, 'lib', f), '');
        fs.writeFileSync(path.join(dir, 'build-version'), '2.1.0+cu118\n');
        fs.writeFileSync(path.join(dir, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'), 'set(TORCH_CXX_FLAGS "-D_GLIBCXX_USE_CXX11_ABI=0")\n');
        const lt = select.findLibtorch({ LIBTORCH: dir, LIBTORCH_USE_PYTORCH: '1' }).found;
        assert.deepStrictEqual(lt.map(({ version, device, abi, via }) => ({ version, device, abi, via })),
          [{ version: '2.1.0', device: 'cu118', abi: 'precxx11', via: 'LIBTORCH' }]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('finds the system libtorch the repo\'s addon was built against', () => {
      const { found } = select.findLibtorch({ PATH: process.env.PATH });
      const built = require('torchvgg').torch.version.libtorch;
      if (!found.length) return; // a LIBTORCH/Python build: nothing on the system to find
      assert.ok(found.some((lt) => lt.version === built), `found ${JSON.stringify(found)}, built against ${built}`);
    });
  });

  describe('loading and installing (temporary package roots)', () => {
    const select = require(path.join(root, 'scripts', 'prebuild-select.js'));
    const built = path.join(root, 'build', 'Release', 'torchvgg.node');
    let dir;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-install-'));
      fs.mkdirSync(path.join(dir, 'scripts'));
      for (const f of ['build-native.js', 'prebuild-select.js']) fs.copyFileSync(path.join(root, 'scripts', f), path.join(dir, 'scripts', f));
      fs.copyFileSync(path.join(root, 'CMakeLists.txt'), path.join(dir, 'CMakeLists.txt'));
      fs.mkdirSync(path.join(dir, 'native'));
      fs.writeFileSync(path.join(dir, 'native', 'addon.cc'), '// stands in for the sources\n');
      fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const prebuild = (name) => {
      fs.mkdirSync(path.join(dir, 'prebuilds', `${os.platform()}-${os.arch()}`), { recursive: true });
      fs.copyFileSync(built, path.join(dir, 'prebuilds', `${os.platform()}-${os.arch()}`, name));
    };
    const node = (args, env = {}) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['LIBTORCH', 'LIBTORCH_USE_PYTORCH', 'TORCHVGG_ADDON'].includes(k)));
      return spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 60000, env: { ...clean, ...env } });
    };
    const libtorch = () => require('torchvgg').torch.version.libtorch;

    it('install: LIBTORCH at a folder without libtorch fails at once with the one message, before CMake', () => {
      fs.mkdirSync(path.join(dir, 'empty'));
      const r = node(['scripts/build-native.js', '--if-needed'], { LIBTORCH: path.join(dir, 'empty') });
      assert.strictEqual(r.status, 1, r.stderr);
      assert.match(r.stderr, /^torchvgg: no build of the native addon fits the libtorch on this machine \(cannot build it: LIBTORCH=.*empty holds no libtorch/);
      for (const re of [/Looked for:/, /libtorch found: none \(searched LIBTORCH=/, /LIBTORCH=\/path\/to\/libtorch npm rebuild torchvgg/,
        /LIBTORCH_USE_PYTORCH=1 npm rebuild torchvgg/, /apt-get install libtorch-dev && npm rebuild torchvgg/]) assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /building the native addon|cmake-js/);
      assert.ok(!fs.existsSync(path.join(dir, 'build')));
    });

    it('install: a prebuild tagged for the libtorch here is used and nothing is built; one for another libtorch is not', function () {
      if (!fs.existsSync(built)) skipBecause(this, `no source build at ${built} to load (npm test builds it)`);
      const { found } = select.findLibtorch(process.env);
      if (!found.length) skipBecause(this, 'no system libtorch found (built against LIBTORCH or Python\'s): npm run test:pack covers this');
      prebuild(select.prebuildFileName({ ...found[0], version: '9.9.9' }));
      prebuild(select.prebuildFileName(found[0]));
      const r = node(['scripts/build-native.js', '--if-needed'], { PATH: path.join(dir, 'no-tools') }); // no cmake, no compiler
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`using the prebuild torchvgg\\.libtorch-${libtorch().replace(/\./g, '\\.')}\\.`));
      assert.ok(!fs.existsSync(path.join(dir, 'build')), 'nothing was built');
      const load = node(['-e', 'const r = require("./scripts/prebuild-select.js").loadAddon(process.cwd()); console.log(require("path").basename(r.file), r.binding.libtorchVersion)']);
      assert.strictEqual(load.status, 0, load.stderr);
      assert.strictEqual(load.stdout.trim(), `${select.prebuildFileName(found[0])} ${libtorch()}`);
    });

    it('load: no fitting build fails with one Error listing the source build, the prebuilds, the libtorch found and the fix', function () {
      if (!fs.existsSync(built)) skipBecause(this, `no source build at ${built} to load (npm test builds it)`);
      prebuild('torchvgg.libtorch-9.9.9.cpu.cxx11abi.glibc.node');
      prebuild('torchvgg.node');
      const r = node(['-e', 'try { require("./scripts/prebuild-select.js").loadAddon(process.cwd()) } catch (e) { console.log(e.code); console.log(e.message) }']);
      assert.strictEqual(r.status, 0, r.stderr);
      const [code, ...lines] = r.stdout.trim().split('\n');
      assert.strictEqual(code, 'ERR_TORCHVGG_NO_ADDON');
      assert.strictEqual(lines[0], 'torchvgg: no build of the native addon fits the libtorch on this machine.');
      assert.match(lines[2], /build\/Release\/torchvgg\.node \(a source build\): not there/);
      assert.match(lines[3], /torchvgg\.libtorch-9\.9\.9\.cpu\.cxx11abi\.glibc\.node \(libtorch 9\.9\.9 \(CPU, C\+\+11 ABI\)\), torchvgg\.node \(no libtorch tag\): none fits/);
      assert.match(lines[4], /^libtorch found: /);
      assert.match(r.stdout, /apt-get install libtorch-dev/);
    });

    it('load: a prebuild tagged for another device is not picked; one that loads but reports another libtorch is refused', function () {
      if (!fs.existsSync(built)) skipBecause(this, `no source build at ${built} to load (npm test builds it)`);
      const { found } = select.findLibtorch(process.env);
      if (found.length) {
        prebuild(select.prebuildFileName({ ...found[0], device: found[0].device === 'cpu' ? 'cu118' : 'cpu' }));
        const r = node(['-e', 'require("./scripts/prebuild-select.js").loadAddon(process.cwd())']);
        assert.notStrictEqual(r.status, 0);
        assert.match(r.stderr, /none fits/);
      }
      // A LIBTORCH that says 9.9.9 and a prebuild tagged 9.9.9 that is really this build: its libtorchVersion gives it away.
      const fake = path.join(dir, 'libtorch-9.9.9');
      fs.mkdirSync(path.join(fake, 'lib'), { recursive: true });
      fs.writeFileSync(path.join(fake, 'lib', 'libtorch.so'), '');
      fs.writeFileSync(path.join(fake, 'build-version'), '9.9.9+cpu\n');
      prebuild('torchvgg.libtorch-9.9.9.cpu.cxx11abi.glibc.node');
      const r = node(['-e', 'require("./scripts/prebuild-select.js").loadAddon(process.cwd())'], { LIBTORCH: fake });
      assert.notStrictEqual(r.status, 0);
      assert.match(r.stderr, new RegExp(`torchvgg\\.libtorch-9\\.9\\.9\\.cpu\\.cxx11abi\\.glibc\\.node: loaded, but reports libtorch ${libtorch()}, not 9\\.9\\.9`));
      assert.match(r.stderr, /libtorch found: libtorch 9\.9\.9 \(CPU, ABI unknown\) at .*libtorch-9\.9\.9\/lib \[LIBTORCH\]/);
    });

    it('load: TORCHVGG_ADDON naming a missing file is one clear Error', () => {
      const r = spawnSync(process.execPath, ['-e', 'require("torchvgg")'], { cwd: root, encoding: 'utf8', timeout: 60000,
        env: { ...process.env, TORCHVGG_ADDON: path.join(dir, 'missing.node') } });
      assert.notStrictEqual(r.status, 0);
      assert.match(r.stderr, /torchvgg: TORCHVGG_ADDON=.*missing\.node names no file/);
    });
  });
});

