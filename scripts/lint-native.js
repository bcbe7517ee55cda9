#!/usr/bin/env node
// Checks that native/ is clang-formatted (`npm run lint`); `--fix` formats it in place instead.
// The style is .clang-format at the root, written for Debian's clang-format 14; other versions may
// disagree on a few lines. CLANG_FORMAT names another binary.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const bin = process.env.CLANG_FORMAT || 'clang-format';
const fix = process.argv.includes('--fix');

function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(cc|h)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  console.error(`lint-native: ${bin} was not found. Install it (Debian/Ubuntu: \`sudo apt-get install clang-format\`; ` +
    'macOS: `brew install clang-format`) or point CLANG_FORMAT at the binary.');
  process.exit(1);
}

const files = sources(path.join(ROOT, 'native')).map((f) => path.relative(ROOT, f));
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const run = spawnSync(bin, args, { cwd: ROOT, stdio: 'inherit' });
if (run.error) throw run.error;
if (run.status !== 0) {
  console.error(`lint-native: native/ is not formatted as .clang-format says (${version.stdout.trim()}). ` +
    'Run `node scripts/lint-native.js --fix` (or `npm run lint:fix`) and review the diff.');
  process.exit(run.status ?? 1);
}
console.log(`lint-native: ${files.length} files in native/ are clang-formatted (${version.stdout.trim()}).`);
