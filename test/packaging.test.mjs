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
});
