// The code's layout keeps its promises (docs/ARCHITECTURE.md): no import cycles, no root file shadowing
// a folder, one opening line per file, native methods marked [sync]/[async], no deep dist/ imports.
const assert = require('assert');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
function files(dir, pattern, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (!['fixtures', 'node_modules'].includes(e.name)) files(p, pattern, out); } else if (pattern.test(e.name)) out.push(p);
  }
  return out;
}
const rel = (p) => path.relative(ROOT, p);

describe('code layout', () => {
  it('has no import cycles among the compiled modules', () => {
    const dist = path.join(ROOT, 'dist');
    const graph = new Map();
    for (const f of files(dist, /\.js$/)) {
      const deps = [];
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/require\("(\.{1,2}\/[^"]*)"\)/g)) {
        const base = path.resolve(path.dirname(f), m[1]);
        const hit = [`${base}.js`, path.join(base, 'index.js')].find((c) => fs.existsSync(c));
        if (hit) deps.push(hit);
      }
      graph.set(f, deps);
    }
    assert.ok(graph.size > 40, `only ${graph.size} compiled files found: run the TypeScript build first`);
    const state = new Map();
    const cycles = [];
    const visit = (f, stack) => {
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' -> '));
        else if (!state.has(d)) visit(d, [...stack, d]);
      }
      state.set(f, 'done');
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f, [f]);
    assert.deepStrictEqual(cycles, []);
  });

  it('has no root file in lib/ that shadows a folder of the same name', () => {
    const lib = path.join(ROOT, 'lib');
    const shadows = fs.readdirSync(lib).filter((n) => n.endsWith('.ts') && fs.existsSync(path.join(lib, n.slice(0, -3))));
    assert.deepStrictEqual(shadows, []);
  });

  it('opens every source file with one comment line saying what it is for', () => {
    const missing = [...files(path.join(ROOT, 'lib'), /\.ts$/), ...files(path.join(ROOT, 'native'), /\.(cc|h)$/)]
      .filter((f) => {
        const lines = fs.readFileSync(f, 'utf8').split('\n');
        const first = lines[0].startsWith('#!') ? lines[1] : lines[0];
        return !/^\/\/ \S/.test(first);
      }).map(rel);
    assert.deepStrictEqual(missing, []);
  });

  it('marks every native binding method [sync] or [async]', () => {
    const unmarked = [];
    for (const f of files(path.join(ROOT, 'native'), /\.h$/)) {
      for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
        if (/^\s*TVGG_METHOD\(\w+\);/.test(line) && !/\/\/ \[(sync|async)\]/.test(line)) unmarked.push(`${rel(f)}: ${line.trim()}`);
      }
    }
    assert.deepStrictEqual(unmarked, []);
  });

  it('imports the package only through its public entry points in tests and scripts', () => {
    const deep = [...files(path.join(ROOT, 'test'), /\.(js|mjs)$/), ...files(path.join(ROOT, 'scripts'), /\.js$/)]
      .filter((f) => /(require\(|from )['"][./]*dist\//.test(fs.readFileSync(f, 'utf8'))).map(rel);
    assert.deepStrictEqual(deep, []);
  });
});
