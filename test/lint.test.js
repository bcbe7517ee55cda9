// The lint setup itself (the lint run is `npm run lint`, in .ci/run): the promise rules are on for lib/,
// and the native format check fails with install instructions when clang-format is missing.
'use strict';
const assert = require('assert');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');

describe('lint setup', function () {
  this.timeout(60000);

  it('turns on no-floating-promises and no-misused-promises, type-aware, for lib/', () => {
    const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const r = spawnSync(process.execPath, [eslint, '--print-config', 'lib/index.ts'], { cwd: ROOT, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const config = JSON.parse(r.stdout);
    for (const rule of ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises']) {
      assert.deepStrictEqual([].concat(config.rules[rule])[0], 2, `${rule} must be an error`);
    }
    assert.ok(config.languageOptions.parserOptions.projectService, 'lib/ must be linted with type information');
  });

  it('fails the native format check with how to install clang-format when it is missing', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'lint-native.js')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, CLANG_FORMAT: 'torchvgg-no-such-clang-format' },
    });
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /torchvgg-no-such-clang-format was not found/);
    assert.match(r.stderr, /apt-get install clang-format/);
  });
});
