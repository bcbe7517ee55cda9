// examples/: PyTorch's tutorials ported to TypeScript type-check against the package's types and run to
// the end (each makes its own tiny ImageFolder and trains for two epochs).
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, '.cache', 'examples');
const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.ts'));

describe('examples', () => {
  before(function () {
    this.timeout(120000);
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'examples')], { encoding: 'utf8' });
    assert.strictEqual(tsc.status, 0, `the examples do not type-check:\n${tsc.stdout}${tsc.stderr}`);
  });

  it('has the two tutorials', () => {
    assert.deepStrictEqual(EXAMPLES.sort(), ['finetuning_torchvision_models.ts', 'transfer_learning.ts']);
  });

  for (const file of EXAMPLES) {
    it(`runs ${file} to the end in under a minute`, function () {
      this.timeout(120000);
      const started = Date.now();
      const r = spawnSync(process.execPath, [path.join(OUT, file.replace(/\.ts$/, '.js'))], { encoding: 'utf8', timeout: 90000, cwd: ROOT });
      assert.strictEqual(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /Best val Acc: \d\.\d{4}/);
      assert.match(r.stdout, /train Loss: \d+\.\d{4} Acc: /);
      assert.ok(Date.now() - started < 60000, `took ${Date.now() - started} ms`);
    });
  }
});
