'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models, datasets } = require('..');
const { finetune, extractFeatures } = require('../dist/tasks/finetune');
const { finetuneCommand, predict, loadCheckpoint, evalTransform } = require('../dist/cli');

const { requireOracle, python } = require('./support/checkpoint-fixtures');

describe('fine-tuning', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-ft-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains only the classifier on cached features and learns a separable task', async function () {
    this.timeout(300000);
    // A task the frozen random features can carry: bright vs dark images.
    const make = (n, seed) => ({
      length: n,
      classes: ['dark', 'bright'],
      async get(i) {
        const g = (i * 2654435761 + seed) % 1000 / 1000;
        const label = i % 2;
        return [torch.ones(3, 32, 32).mul(label ? 1 + g : -1 - g), label];
      },
    });
    torch.manualSeed(0);
    const model = models.vgg11({ numClasses: 2 });
    model.features.requiresGrad_(false);
    const before = model.features[0].weight.clone();
    const reports = await finetune({ model, train: make(64, 1), val: make(32, 2), epochs: 2, lr: 1e-4, batchSize: 16, cacheFeatures: true, quiet: true });
    assert.strictEqual(reports.length, 2);
    assert.ok(reports[1].valAccuracy >= 0.9, `validation accuracy ${reports[1].valAccuracy}`);
    assert.ok(model.features[0].weight.allclose(before), 'frozen features did not change');
    const [feats] = await extractFeatures(model, make(4, 3), 4);
    assert.deepStrictEqual(feats.shape, [4, 25088]);
  });

  it('refuses cacheFeatures when the features are not frozen', async () => {
    const model = models.vgg11({ numClasses: 2 });
    await assert.rejects(finetune({ model, train: { length: 1, get: async () => [torch.zeros(3, 32, 32), 0] }, cacheFeatures: true, quiet: true }),
      /cacheFeatures needs frozen features/);
  });

  it('writes a checkpoint that torchvision\'s vgg11(num_classes=3) loads in Python with the same predictions', async function () {
    this.timeout(600000);
    const out = path.join(dir, 'shapes.pth');
    await finetuneCommand({ data: 'shapes', arch: 'vgg11', classes: 'circle,star,cross', count: '48', epochs: '1',
      'batch-size': '16', 'cache-features': true, out, 'image-size': '32', lr: '1e-4' });
    const { model, checkpoint } = loadCheckpoint(out);
    assert.deepStrictEqual(checkpoint.classes, ['circle', 'star', 'cross']);
    assert.strictEqual(checkpoint.arch, 'vgg11');
    const shapes = new datasets.Shapes({ classes: ['circle', 'star', 'cross'], size: 32, count: 4, seed: 9, transform: evalTransform(32) });
    const x = torch.stack(await Promise.all([0, 1, 2, 3].map(async (i) => (await shapes.get(i))[0])));
    const logits = model.forward(x);
    requireOracle(this); // the Node half above ran; the Python half needs the oracle
    const inputFile = path.join(dir, 'x.pt');
    torch.save({ x }, inputFile);
    const script = `
import json, sys, torch, torchvision
ck = torch.load(sys.argv[1], weights_only=True)
m = torchvision.models.vgg11(num_classes=len(ck['classes'])); m.load_state_dict(ck['model']); m.eval()
x = torch.load(sys.argv[2], weights_only=True)['x']
with torch.no_grad(): print(json.dumps(m(x).tolist()))`;
    const py = torch.tensor(python(script, [out, inputFile]));
    assert.deepStrictEqual(logits.argmax(1).tolist(), py.argmax(1).tolist());
    assert.ok(logits.allclose(py, { rtol: 1e-4, atol: 1e-4 }));
  });

  it('predicts images from files with the checkpoint\'s class names', async function () {
    this.timeout(120000);
    const out = path.join(dir, 'shapes.pth');
    const raw = new datasets.Shapes({ classes: ['circle'], size: 32, count: 1, seed: 1 });
    const [img] = await raw.get(0);
    const sharp = require('sharp');
    const file = path.join(dir, 'circle.png');
    await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: img.channels } }).png().toFile(file);
    const [r] = await predict(out, [file], 2);
    assert.strictEqual(r.image, file);
    assert.strictEqual(r.top.length, 2);
    assert.ok(['circle', 'star', 'cross'].includes(r.top[0][0]));
    assert.ok(r.top[0][1] >= r.top[1][1] && r.top[0][1] <= 1);
    await assert.rejects(predict(out, [path.join(dir, 'missing.png')]), /missing.png/);
  });

  it('rejects bad command lines and non-checkpoints with clear errors', async () => {
    await assert.rejects(finetuneCommand({ data: 'shapes' }), /--out <file.pth> is required/);
    await assert.rejects(finetuneCommand({ data: 'shapes', out: 'x.pth', arch: 'resnet50' }), /--arch must be one of/);
    await assert.rejects(finetuneCommand({ data: 'shapes', out: 'x.pth', classes: 'circle,blob' }), /unknown shape 'blob'/);
    await assert.rejects(finetuneCommand({ data: path.join(dir, 'nope'), out: 'x.pth' }), /nope/);
    const plain = path.join(dir, 'plain.pth');
    torch.save({ weight: torch.ones(1) }, plain);
    assert.throws(() => loadCheckpoint(plain), /not a torchvgg finetune checkpoint/);
    assert.throws(() => new nn.Linear(2, 2).loadStateDict({ weight: torch.ones(2, 2), bias: torch.ones(3) }), /size mismatch for bias/);
  });
});
