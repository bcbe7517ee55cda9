// Op parity with PyTorch: every reduction, elementwise, in-place, indexing and shape op on the same fixed
// inputs (broadcasting, negative dims, empty, int and bool tensors), values within 1e-5 relative, dtypes
// and shapes equal, and the gradients of the differentiable ones against PyTorch's autograd.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn } = require('..');

const F = nn.functional;
const { needOracle, python } = require('./helpers');

// [name, JS (inputs) => Tensor | Tensor[], Python expression over the same names, differentiable in `a`]
const CASES = [
  ['max all', (t) => t.a.max(), 'a.max()', true],
  ['max dim', (t) => [...t.a.max(1)], 'list(a.max(1))', true],
  ['max keepdim neg dim', (t) => [...torch.max(t.a, -1, true)], 'list(torch.max(a, -1, True))'],
  ['max other', (t) => t.a.max(t.b), 'torch.max(a, b)', true],
  ['min dim', (t) => [...t.a.min(0)], 'list(a.min(0))', true],
  ['median', (t) => t.a.median(), 'a.median()'],
  ['median dim', (t) => [...t.a.median(1)], 'list(a.median(1))'],
  ['mode int', (t) => [...t.n.mode(1)], 'list(n.mode(1))'],
  ['kthvalue', (t) => [...t.a.kthvalue(2, 1)], 'list(a.kthvalue(2, 1))'],
  ['sort descending', (t) => [...t.a.sort(1, true)], 'list(a.sort(1, True))', true],
  ['topk', (t) => [...torch.topk(t.a, 2)], 'list(torch.topk(a, 2))'],
  ['sum dims', (t) => t.a.sum([0, 1]), 'a.sum((0, 1))', true],
  ['sum int', (t) => t.n.sum(), 'n.sum()'],
  ['sum empty', (t) => t.e.sum(0), 'e.sum(0)'],
  ['mean keepdim', (t) => t.a.mean(-1, true), 'a.mean(-1, True)', true],
  ['prod', (t) => t.a.prod(1), 'a.prod(1)', true],
  ['std', (t) => t.a.std(), 'a.std()', true],
  ['std dim biased', (t) => t.a.std(1, { unbiased: false, keepdim: true }), 'a.std(1, unbiased=False, keepdim=True)', true],
  ['var', (t) => torch.var(t.a, 0), 'torch.var(a, 0)', true],
  ['norm', (t) => t.a.norm(), 'a.norm()', true],
  ['norm p1 dim', (t) => t.a.norm(1, 1), 'a.norm(1, 1)', true],
  ['logsumexp', (t) => t.a.logsumexp(1), 'a.logsumexp(1)', true],
  ['all bool', (t) => t.m.all(), 'm.all()'],
  ['any dim', (t) => t.m.any(1), 'm.any(1)'],
  ['argmax', (t) => torch.argmax(t.a, 1), 'torch.argmax(a, 1)'],
  ['argmin keepdim', (t) => t.a.argmin(0, true), 'a.argmin(0, True)'],
  ['cumsum', (t) => t.a.cumsum(1), 'a.cumsum(1)', true],
  ['amax dims', (t) => t.a.amax([0, 1]), 'a.amax((0, 1))', true],
  ['amin', (t) => t.a.amin(1), 'a.amin(1)', true],
  ['clamp', (t) => t.a.clamp(-0.5, 0.5), 'a.clamp(-0.5, 0.5)', true],
  ['clamp min only', (t) => torch.clamp(t.a, 0), 'torch.clamp(a, 0)', true],
  ['clip tensor bounds', (t) => t.a.clip(t.b.neg(), t.b.abs()), 'a.clip(-b, b.abs())'],
  ['pow scalar', (t) => t.a.pow(2), 'a.pow(2)', true],
  ['pow tensor', (t) => t.a.abs().pow(t.b), 'a.abs().pow(b)', true],
  ['sign floor ceil', (t) => [t.a.sign(), t.a.floor(), t.a.ceil()], '[a.sign(), a.floor(), a.ceil()]'],
  ['round trunc frac', (t) => [t.a.mul(3).round(), t.a.mul(3).trunc(), t.a.mul(3).frac()], '[(a*3).round(), (a*3).trunc(), (a*3).frac()]'],
  ['sin cos', (t) => [t.a.sin(), t.a.cos()], '[a.sin(), a.cos()]', true],
  ['maximum minimum broadcast', (t) => [torch.maximum(t.a, t.b), torch.minimum(t.a, t.b)], '[torch.maximum(a, b), torch.minimum(a, b)]', true],
  ['where', (t) => torch.where(t.m, t.a, t.b), 'torch.where(m, a, b)', true],
  ['where scalar', (t) => torch.where(t.m, t.a, 0), 'torch.where(m, a, torch.tensor(0.))'],
  ['comparisons', (t) => [t.a.eq(t.b), t.a.ne(0), t.a.lt(t.b), t.a.le(0.5), t.a.gt(t.b), t.a.ge(-0.5)],
    '[a.eq(b), a.ne(0), a.lt(b), a.le(0.5), a.gt(b), a.ge(-0.5)]'],
  ['logical', (t) => [t.m.logicalAnd(t.a.gt(0)), t.m.logicalOr(t.a.gt(0)), t.m.logicalXor(t.a.gt(0)), t.m.logicalNot()],
    '[m.logical_and(a > 0), m.logical_or(a > 0), m.logical_xor(a > 0), m.logical_not()]'],
  ['isnan isinf isfinite nanToNum', (t) => [t.s.isnan(), t.s.isinf(), t.s.isfinite(), t.s.nanToNum({ nan: 0, posinf: 9 })],
    '[s.isnan(), s.isinf(), s.isfinite(), s.nan_to_num(nan=0., posinf=9.)]'],
  ['maskedFill', (t) => t.a.maskedFill(t.m, -1), 'a.masked_fill(m, -1)', true],
  ['lerp', (t) => t.a.lerp(t.b.expand(3, 4), 0.25), 'a.lerp(b.expand(3, 4), 0.25)', true],
  ['in place', (t) => { const c = t.a.clone(); c.add_(t.b, { alpha: 2 }).mul_(3).sub_(1).div_(2).clamp_(-1, 1); return c; },
    'a.clone().add_(b, alpha=2).mul_(3).sub_(1).div_(2).clamp_(-1, 1)'],
  ['fill zero maskedFill_', (t) => { const c = t.a.clone(); c.index(0).fill_(7); c.index(1).zero_(); c.maskedFill_(t.m, 2); return c; },
    '(lambda c: (c[0].fill_(7), c[1].zero_(), c.masked_fill_(m, 2), c)[-1])(a.clone())'],
  ['index int slice', (t) => [t.a.index(0), t.a.index(-1), t.a.index(':', '1:3'), t.a.index('::2', '-1:'), t.a.index('...', 2)],
    '[a[0], a[-1], a[:, 1:3], a[::2, -1:], a[..., 2]]', true],
  ['index none mask list', (t) => [t.a.index(null, 1), t.a.index(t.m), t.a.index([2, 0]), t.a.index(torch.tensor([1, 1], { dtype: 'int64' }), '1:')],
    '[a[None, 1], a[m], a[[2, 0]], a[torch.tensor([1, 1]), 1:]]', true],
  ['indexPut_', (t) => { const c = t.a.clone(); c.indexPut_([':', 0], 5); c.indexPut_([t.m], 0); return c; },
    '(lambda c: (c.__setitem__((slice(None), 0), 5), c.__setitem__(m, 0), c)[-1])(a.clone())'],
  ['flatten unflatten', (t) => [t.c.flatten(1), t.c.flatten(0, 1), t.a.unflatten(1, [2, 2])], '[c.flatten(1), c.flatten(0, 1), a.unflatten(1, (2, 2))]', true],
  ['expand repeat tile', (t) => [t.b.expand(2, 4), t.b.expandAs(t.a), t.b.repeat(2, 1), t.b.tile([2])], '[b.expand(2, 4), b.expand_as(a), b.repeat(2, 1), b.tile((2,))]'],
  ['split chunk', (t) => [...t.a.split(2, 1), ...t.a.split([1, 2], 0), ...t.a.chunk(3, 1)], '[*a.split(2, 1), *a.split([1, 2], 0), *a.chunk(3, 1)]', true],
  ['gather scatter', (t) => [t.a.gather(1, t.i), t.a.scatter(1, t.i, 0), t.a.scatter(1, t.i, t.a.index(':', ':2')), t.z.scatterAdd(1, t.i, t.a.index(':', ':2'))],
    '[a.gather(1, i), a.scatter(1, i, 0.), a.scatter(1, i, a[:, :2]), z.scatter_add(1, i, a[:, :2])]', true],
  ['nonzero unique', (t) => [t.n.nonzero(), t.n.unique(), ...t.n.unique({ returnInverse: true, returnCounts: true })],
    '[n.nonzero(), n.unique(), *n.unique(return_inverse=True, return_counts=True)]'],
  ['flip roll tril triu', (t) => [t.a.flip(0, 1), t.a.roll(1, 1), t.a.roll([1, -1], [0, 1]), t.a.tril(), t.a.triu(1)],
    '[a.flip(0, 1), a.roll(1, 1), a.roll((1, -1), (0, 1)), a.tril(), a.triu(1)]', true],
  ['oneHot', () => torch.oneHot(torch.tensor([0, 2, 1], { dtype: 'int64' }), 4), 'torch.nn.functional.one_hot(torch.tensor([0, 2, 1]), 4)'],
  // nn.functional
  ['pad', (t) => [F.pad(t.a, [1, 2], 'constant', 0.5), F.pad(t.a.unsqueeze(0), [1, 1], 'reflect'), F.pad(t.a.unsqueeze(0), [2, 0], 'replicate')],
    "[F.pad(a, (1, 2), value=0.5), F.pad(a[None], (1, 1), mode='reflect'), F.pad(a[None], (2, 0), mode='replicate')]", true],
  ['interpolate', (t) => [F.interpolate(t.c.unsqueeze(0), { size: [6, 8], mode: 'bilinear', alignCorners: false }),
    F.interpolate(t.c.unsqueeze(0), { scaleFactor: 2 })],
  "[F.interpolate(c[None], size=(6, 8), mode='bilinear', align_corners=False), F.interpolate(c[None], scale_factor=2.)]"],
  ['interpolate antialias', (t) => [F.interpolate(t.c.unsqueeze(0), { size: [2, 3], mode: 'bilinear', antialias: true }),
    F.interpolate(t.c.unsqueeze(0), { size: [2, 2], mode: 'bicubic', antialias: true })],
  "[F.interpolate(c[None], size=(2, 3), mode='bilinear', antialias=True), F.interpolate(c[None], size=(2, 2), mode='bicubic', antialias=True)]"],
  ['pools', (t) => [F.maxPool2d(t.c.unsqueeze(0), 2), F.avgPool2d(t.c.unsqueeze(0), 2, { stride: 1, padding: 1 }), F.adaptiveAvgPool2d(t.c.unsqueeze(0), [1, 3])],
    '[F.max_pool2d(c[None], 2), F.avg_pool2d(c[None], 2, stride=1, padding=1), F.adaptive_avg_pool2d(c[None], (1, 3))]'],
  ['conv2d linear', (t) => [F.conv2d(t.a.reshape(1, 1, 3, 4), t.w, t.wb, { padding: 1 }), F.linear(t.a, t.w2, t.w2b), F.linear(t.a, t.w2)],
    '[F.conv2d(a.reshape(1, 1, 3, 4), w, wb, padding=1), F.linear(a, w2, w2b), F.linear(a, w2)]', true],
  ['normalize cosineSimilarity', (t) => [F.normalize(t.a, { dim: 1 }), F.normalize(t.a, { p: 1, dim: 0 }), F.cosineSimilarity(t.a, t.b.expand(3, 4))],
    '[F.normalize(a, dim=1), F.normalize(a, p=1., dim=0), F.cosine_similarity(a, b.expand(3, 4))]', true],
  ['regression losses', (t) => [F.mseLoss(t.a, t.a.flip(0)), F.l1Loss(t.a, t.a.flip(0), { reduction: 'sum' }), F.smoothL1Loss(t.a, t.a.flip(1), { beta: 0.5, reduction: 'none' }),
    new nn.MSELoss().forward(t.a, t.z)],
  "[F.mse_loss(a, a.flip(0)), F.l1_loss(a, a.flip(0), reduction='sum'), F.smooth_l1_loss(a, a.flip(1), beta=0.5, reduction='none'), torch.nn.MSELoss()(a, z)]", true],
  ['classification losses', (t) => [F.nllLoss(t.a.logSoftmax(1), t.y), new nn.NLLLoss({ reduction: 'sum' }).forward(t.a.logSoftmax(1), t.y),
    F.binaryCrossEntropyWithLogits(t.a, t.m.float()), new nn.BCEWithLogitsLoss({ posWeight: t.b.abs() }).forward(t.a, t.m.float()),
    F.klDiv(t.a.logSoftmax(1), t.a.flip(0).softmax(1), { reduction: 'batchmean' }), new nn.KLDivLoss().forward(t.a.logSoftmax(1), t.a.flip(0).softmax(1))],
  "[F.nll_loss(a.log_softmax(1), y), torch.nn.NLLLoss(reduction='sum')(a.log_softmax(1), y), F.binary_cross_entropy_with_logits(a, m.float()), torch.nn.BCEWithLogitsLoss(pos_weight=b.abs())(a, m.float()), F.kl_div(a.log_softmax(1), a.flip(0).softmax(1), reduction='batchmean'), torch.nn.KLDivLoss()(a.log_softmax(1), a.flip(0).softmax(1))]", true],
];

function flat(r) { return Array.isArray(r) ? r : [r]; }

describe('op parity with PyTorch', () => {
  let dir;
  let ref;
  let inputs;
  const load = () => {
    const raw = torch.load(path.join(dir, 'in.pth'));
    raw.a.requiresGrad = true;
    return raw;
  };
  before(function () {
    needOracle(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-ops-'));
    torch.manualSeed(0);
    inputs = {
      a: torch.randn(3, 4), b: torch.randn(4), c: torch.randn(2, 3, 4), m: torch.rand(3, 4).gt(0.5),
      n: torch.tensor([[3, 1, 2, 3], [9, 7, 8, 7]], { dtype: 'int64' }), e: torch.zeros(0, 4),
      s: torch.tensor([1, NaN, Infinity, -Infinity, 2]), i: torch.tensor([[0, 1], [2, 3], [1, 1]], { dtype: 'int64' }), z: torch.zeros(3, 4),
      w: torch.randn(2, 1, 2, 2), wb: torch.randn(2), w2: torch.randn(5, 4), w2b: torch.randn(5), y: torch.tensor([0, 3, 1], { dtype: 'int64' }),
    };
    torch.save(inputs, path.join(dir, 'in.pth'));
    const cases = CASES.map(([name, , expr, grad]) => [name, expr, Boolean(grad)]);
    fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(cases));
    python(`
import json, sys, torch
d = sys.argv[1]
cases = json.load(open(d + '/cases.json'))
out, grads = {}, {}
for name, expr, grad in cases:
    env = torch.load(d + '/in.pth')
    env['a'].requires_grad_(True)
    env['torch'] = torch
    env['F'] = torch.nn.functional
    r = eval(expr, env)
    rs = r if isinstance(r, (list, tuple)) else [r]
    out[name] = [t.detach() for t in rs]
    if grad:
        sum(t.float().sum() for t in rs if t.is_floating_point()).backward()
        grads[name] = env['a'].grad
torch.save({'out': out, 'grads': grads}, d + '/ref.pth')
print(json.dumps(len(out)))
`, [dir]);
    ref = torch.load(path.join(dir, 'ref.pth'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  for (const [name, js, , grad] of CASES) {
    it(`${name}${grad ? ' (and its gradient)' : ''}`, () => {
      const t = load();
      const mine = flat(js(t));
      const theirs = ref.out[name];
      assert.strictEqual(mine.length, theirs.length, 'number of results');
      mine.forEach((m, k) => {
        const r = theirs[k];
        assert.deepStrictEqual(m.shape, r.shape, `result ${k} shape`);
        assert.strictEqual(m.dtype, r.dtype, `result ${k} dtype`);
        if (m.numel() > 0) assert.ok(m.detach().double().allclose(r.double(), { rtol: 1e-5, atol: 1e-6, equalNan: true }), `result ${k} values:\n${m}\nvs\n${r}`);
      });
      if (grad) {
        mine.filter((m) => m.dtype.startsWith('float') && m.requiresGrad).reduce((s, m) => s.add(m.float().sum()), torch.zeros(1)).backward();
        assert.ok(t.a.grad, 'a gradient reached the input');
        assert.ok(t.a.grad.allclose(ref.grads[name], { rtol: 1e-5, atol: 1e-6 }), `gradient:\n${t.a.grad}\nvs\n${ref.grads[name]}`);
      }
    });
  }
});
