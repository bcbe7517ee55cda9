// Tensor operations cross into C++ by name: every named op runs the op it names, an unknown name is a
// TypeError, never another op.
const assert = require('assert');
const { torch } = require('..');

describe('ops by name', () => {
  const x = torch.tensor([[1, 4], [9, 16]]);
  it('runs each named op', () => {
    assert.deepStrictEqual(x.sqrt().tolist(), [[1, 2], [3, 4]]);
    assert.deepStrictEqual(x.neg().tolist(), [[-1, -4], [-9, -16]]);
    assert.deepStrictEqual(x.sub(1).tolist(), [[0, 3], [8, 15]]);
    assert.deepStrictEqual(x.div(x).tolist(), [[1, 1], [1, 1]]);
    assert.deepStrictEqual(x.matmul(torch.tensor([[1], [0]])).tolist(), [[1], [9]]);
    assert.deepStrictEqual(x.eq(4).tolist(), [[false, true], [false, false]]);
  });
  it('refuses an unknown op name instead of running another op', () => {
    assert.throws(() => x._t.unary('cbrt'), { name: 'TypeError', message: /unknown unary op 'cbrt' \(known: .*sqrt/ });
    assert.throws(() => x._t.binary('pow', 2), { name: 'TypeError', message: /unknown binary op 'pow'/ });
    assert.throws(() => x._t.unary(1), { name: 'TypeError', message: /op name must be a string/ });
    assert.throws(() => x.matmul(2), TypeError);
  });
});
