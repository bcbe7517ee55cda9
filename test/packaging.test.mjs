// The package loads as an ES module and its TypeScript types check, as a user's project would use it.
import assert from 'assert';
import { spawnSync } from 'child_process';
import { fileURLToPath } from 'url';
import path from 'path';
import { createRequire } from 'module';
import { torch, nn, models, Tensor } from '../dist/index.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('packaging', () => {
  it('imports { torch, nn, models } from an ES module', () => {
    assert.ok(torch.ones(2) instanceof Tensor);
    assert.strictEqual(typeof nn.Linear, 'function');
    assert.strictEqual(typeof models.vgg16, 'function');
    const require = createRequire(import.meta.url);
    assert.strictEqual(require(root).torch, torch, 'require() and import share one module');
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
  });
});
