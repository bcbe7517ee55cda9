// nn.Sequential's indexing Proxy: a key that is not an integer index (1.5, '1 ', NaN, a Symbol or a new name given a module) is a TypeError, never a silent JS property.
'use strict';
const assert = require('assert');
const { nn } = require('..');

describe('nn.Sequential keys', () => {
  const make = () => new nn.Sequential(new nn.ReLU(), new nn.Linear(2, 2));
  const unchanged = (s) => assert.strictEqual(String(s), 'Sequential(\n  (0): ReLU()\n  (1): Linear(in_features=2, out_features=2, bias=True)\n)');

  it('refuses non-integer numeric keys on write, read and delete, leaving the model unchanged', () => {
    const s = make();
    for (const key of [1.5, '1 ', ' 1', NaN, Infinity, -Infinity, 1e21, '0x1', '1.0']) {
      const shown = JSON.stringify(String(key));
      const re = new RegExp(`^Sequential index must be an integer; got ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      assert.throws(() => { s[key] = new nn.Tanh(); }, { name: 'TypeError', message: re }, `seq[${shown}] = m`);
      assert.throws(() => s[key], { name: 'TypeError', message: re }, `seq[${shown}]`);
      assert.throws(() => { delete s[key]; }, { name: 'TypeError', message: re }, `delete seq[${shown}]`);
      assert.strictEqual(key in s, false);
    }
    unchanged(s);
    assert.deepStrictEqual(Object.keys(s).filter((k) => /\d|NaN|Infinity/.test(k)), []);
  });

  it('refuses a module assigned to a Symbol or to a new name, which the model would never run', () => {
    const s = make();
    const sym = Symbol('layer');
    assert.throws(() => { s[sym] = new nn.Tanh(); }, { name: 'TypeError', message: /cannot assign a module to Sequential key Symbol\(layer\): .*seq\[i\] = m/ });
    assert.throws(() => { s.extra = new nn.Tanh(); }, { name: 'TypeError', message: /cannot assign a module to Sequential key "extra"/ });
    assert.strictEqual(s[sym], undefined);
    assert.strictEqual(s.extra, undefined);
    unchanged(s);
    s.note = 'plain values stay plain properties';
    assert.strictEqual(s.note, 'plain values stay plain properties');
  });

  it('still indexes, replaces and deletes by integer, negative ones counting from the end', () => {
    const s = make();
    s[1] = new nn.Tanh();
    s['-1'] = new nn.Sigmoid();
    assert.strictEqual(String(s), 'Sequential(\n  (0): ReLU()\n  (1): Sigmoid()\n)');
    assert.throws(() => { s[2] = new nn.ReLU(); }, RangeError);
    delete s[0];
    assert.strictEqual(s.length, 1);
    assert.strictEqual(s[0].typeName, 'Sigmoid');
  });
});
