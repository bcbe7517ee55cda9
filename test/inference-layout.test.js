// eval() prepares any module tree with convolutions for CPU inference (channels_last weights, input
// converted once), not only VGG; to({ memoryFormat }) pins a layout; results do not change.
const assert = require('assert');
const { torch, nn, models } = require('..');

function convs(m) { return m.modules().filter((x) => x instanceof nn.Conv2d); }

describe('inference layout', () => {
  it('eval() moves the conv weights of any tree to channels_last, with the same outputs', () => {
    torch.manualSeed(1);
    const net = new nn.Sequential(new nn.Conv2d(3, 8, 3), new nn.ReLU(), new nn.Sequential(new nn.Conv2d(8, 4, 3)));
    const x = torch.randn(2, 3, 9, 9);
    net.train();
    const before = net.forward(x);
    assert.ok(convs(net).every((c) => c.weight.isContiguous()));
    net.eval();
    assert.ok(convs(net).every((c) => c.weight.isContiguous('channels_last') && !c.weight.isContiguous()));
    assert.ok(net.forward(x).allclose(before, { rtol: 1e-5, atol: 1e-6 }));
  });

  it('does the same for a JS module holding convolutions, and for VGG', () => {
    class Tiny extends nn.Module {
      conv = new nn.Conv2d(3, 2, 3);
      forward(x) { return this.conv.forward(x); }
    }
    const t = new Tiny().eval();
    assert.ok(t.conv.weight.isContiguous('channels_last') && !t.conv.weight.isContiguous());
    const vgg = models.vgg11({ initWeights: false }).eval();
    assert.ok(convs(vgg).every((c) => !c.weight.isContiguous()));
  });

  it('to({ memoryFormat: torch.contiguousFormat }) opts out, and channelsLast opts in for training', () => {
    const net = new nn.Sequential(new nn.Conv2d(3, 4, 3));
    net.to({ memoryFormat: torch.contiguousFormat });
    net.eval();
    assert.ok(net[0].weight.isContiguous(), 'eval() kept the pinned contiguous layout');
    const other = new nn.Sequential(new nn.Conv2d(3, 4, 3)).to({ memoryFormat: torch.channelsLast });
    assert.ok(!other[0].weight.isContiguous());
    other.train();
    const y = other.forward(torch.randn(1, 3, 5, 5));
    assert.ok(y.isContiguous('channels_last'), 'the input was converted to match the weights');
  });
});
