// torch.device names a device the way PyTorch's constructor does, and refuses what is not one; torch.version.
const assert = require('assert');
const { torch } = require('..');

describe('torch.version', () => {
  it('names the libtorch in use and this package\'s version', () => {
    assert.match(torch.version.libtorch, /^\d+\.\d+\.\d+/);
    assert.strictEqual(torch.version.torchvgg, require('../package.json').version);
  });
});

describe('torch.device', () => {
  it('builds device names from a string or a type and an index', () => {
    assert.strictEqual(torch.device('cpu'), 'cpu');
    assert.strictEqual(torch.device('cuda:0'), 'cuda:0');
    assert.strictEqual(torch.device('cuda', 1), 'cuda:1');
    assert.strictEqual(torch.zeros(1).to(torch.device('cpu')).device, 'cpu');
  });
  it('refuses what is not a device', () => {
    assert.throws(() => torch.device('gpu'), { name: 'TypeError', message: /device must be 'cpu', 'cuda' or 'cuda:N'/ });
    assert.throws(() => torch.device('cuda:0', 1), { name: 'TypeError', message: /already names an index/ });
    assert.throws(() => torch.device('cuda', -1), { name: 'RangeError', message: /index/ });
  });
});
