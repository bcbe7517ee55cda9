// Fine-tuning, evaluation, prediction and checkpoints through the public API (tasks), and the `torchvgg` CLI that calls them.
'use strict';
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, models, datasets, tasks, transforms: T } = require('torchvgg');
const { requireOracle, python } = require('./support/checkpoint-fixtures');

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, require('torchvgg/package.json').bin.torchvgg);

/** Runs the installed CLI (package.json's bin) in a child process. */
function cli(args, cwd) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 300000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A task the frozen random backbone can carry: bright vs dark images.
const brightDark = (n, seed) => ({
  length: n,
  classes: ['dark', 'bright'],
  async get(i) {
    const g = (i * 2654435761 + seed) % 1000 / 1000;
    const label = i % 2;
    return [torch.ones(3, 32, 32).mul(label ? 1 + g : -1 - g), label];
  },
});

/** Shapes images written as PNG files under dir/<class>/: an ImageFolder tree and loose image files. */
async function writeShapes(dir, classes, perClass, seed) {
  const sharp = require('sharp');
  const shapes = new datasets.Shapes({ classes, size: 32, count: classes.length * perClass, seed });
  const files = [];
  for (let i = 0; i < shapes.length; i++) {
    const [img, label] = await shapes.get(i);
    const sub = path.join(dir, classes[label]);
    fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `${i}.png`);
    await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: img.channels } }).png().toFile(file);
    files.push(file);
  }
  return files;
}

describe('fine-tuning', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-ft-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('freezes the backbone, trains only the tail on cached embeddings and learns a separable task', async function () {
    this.timeout(300000);
    torch.manualSeed(0);
    const model = models.getModel('vgg11');
    model.replaceHead(2);
    const before = model.features[0].weight.clone();
    const reports = await tasks.finetune({ model, train: brightDark(64, 1), val: brightDark(32, 2), freeze: 'backbone', epochs: 2,
      lr: 1e-4, batchSize: 16, cacheFeatures: true, quiet: true });
    assert.strictEqual(reports.length, 2);
    assert.ok(reports[1].valAccuracy >= 0.9, `validation accuracy ${reports[1].valAccuracy}`);
    assert.ok(model.features[0].weight.allclose(before, { rtol: 0, atol: 0 }), 'the frozen backbone did not change');
    assert.ok(model.features.parameters().every((p) => !p.requiresGrad));
    assert.ok(!model.training, 'finetune leaves the model in eval mode');
    assert.strictEqual(await tasks.evaluate(model, brightDark(32, 2), { batchSize: 8 }), reports[1].valAccuracy);
    const [embeddings, labels] = await tasks.extractFeatures(model, brightDark(4, 3), { batchSize: 4 });
    assert.deepStrictEqual([embeddings.shape, labels.tolist()], [[4, 25088], [0, 1, 0, 1]]);
  });

  it('freeze: \'none\' trains every parameter, undoing an earlier freeze', async function () {
    this.timeout(120000);
    torch.manualSeed(0);
    const model = models.vgg11({ numClasses: 2 });
    model.features.requiresGrad_(false);
    const before = model.features[0].weight.clone();
    await tasks.finetune({ model, train: brightDark(4, 1), freeze: 'none', epochs: 1, batchSize: 4, lr: 1e-2, optimizer: 'sgd', quiet: true });
    assert.ok(model.parameters().every((p) => p.requiresGrad));
    assert.ok(!model.features[0].weight.allclose(before, { rtol: 0, atol: 0 }), 'the backbone trained');
  });

  it('refuses cacheFeatures when the backbone is trainable, naming the parameter', async () => {
    const model = models.vgg11({ numClasses: 2 });
    const train = { length: 1, get: async () => [torch.zeros(3, 32, 32), 0] };
    await assert.rejects(tasks.finetune({ model, train, cacheFeatures: true, quiet: true }),
      /cacheFeatures needs a frozen backbone \(freeze: 'backbone'\), but features.0.weight is trainable/);
  });

  it('rejects bad options with TypeError / RangeError naming them, before any work', async () => {
    const model = models.vgg11({ numClasses: 2 });
    const train = brightDark(4, 0);
    const cases = [
      [{ model, train, batch_size: 4 }, TypeError, /no option 'batch_size'; did you mean 'batchSize'\?/],
      [{ model, train, freeze: 'features' }, TypeError, /freeze must be one of "backbone", "none"/],
      [{ model: 'vgg11', train }, TypeError, /model must be an nn.Module; got a string/],
      [{ model, train: [1, 2] }, TypeError, /train must be a dataset/],
      [{ model, train, epochs: 0 }, RangeError, /epochs must be an integer >= 1; got 0/],
      [{ model, train, lr: -1 }, RangeError, /lr must be a finite number >= 0/],
      [{ model, train, optimizer: 'rmsprop' }, TypeError, /optimizer must be one of "adam", "sgd"/],
      [{ model: new nn.Linear(2, 2), train, freeze: 'backbone' }, TypeError, /model must be one of torchvgg's models/],
    ];
    for (const [o, cls, re] of cases) await assert.rejects(tasks.finetune(o), (e) => e instanceof cls && re.test(e.message));
    await assert.rejects(tasks.finetune(), TypeError);
    assert.ok(model.parameters().every((p) => p.requiresGrad), 'a rejected call froze nothing');
  });

  it('predicts files, Buffers, Images and tensors with the weights\' categories and transforms', async function () {
    this.timeout(120000);
    torch.manualSeed(0);
    const model = models.vgg11({ numClasses: 3 });
    const [file] = await writeShapes(path.join(dir, 'predict'), ['circle'], 1, 1);
    const transform = tasks.evalTransform(32);
    const img = await T.readImage(file, { mode: 'RGB' });
    const x = await transform(img);
    const inputs = [file, fs.readFileSync(file), img, x];
    const results = await tasks.predict(model, inputs, { transform, categories: ['a', 'b', 'c'], topk: 2, batchSize: 3 });
    const expected = model.eval().forward(x.unsqueeze(0)).softmax(1).select(0, 0).tolist();
    const best = expected.indexOf(Math.max(...expected));
    assert.strictEqual(results.length, 4);
    results.forEach((r, i) => {
      assert.strictEqual(r.input, inputs[i]);
      assert.strictEqual(r.top.length, 2);
      assert.deepStrictEqual([r.top[0].index, r.top[0].label], [best, 'abc'[best]]);
      assert.ok(Math.abs(r.top[0].probability - expected[best]) < 1e-5);
      assert.ok(r.top[0].probability >= r.top[1].probability);
    });
    const [plain] = await tasks.predict(model, [x], { topk: 10 });
    assert.deepStrictEqual([plain.top.length, plain.top[0].label], [3, String(best)]);
  });

  it('rejects bad predict inputs with errors naming them', async () => {
    const model = models.vgg11({ numClasses: 3 });
    const x = torch.zeros(3, 32, 32);
    await assert.rejects(tasks.predict(model, 'cat.png'), (e) => e instanceof TypeError && /inputs must be an array/.test(e.message));
    await assert.rejects(tasks.predict(model, [path.join(dir, 'missing.png')], { transform: tasks.evalTransform(32) }), /missing.png/);
    await assert.rejects(tasks.predict(model, [42]), (e) => e instanceof TypeError && /inputs\[0\] must be an image file path/.test(e.message));
    await assert.rejects(tasks.predict(model, [torch.zeros(3, 32)]), (e) => e instanceof TypeError && /give a transform/.test(e.message));
    await assert.rejects(tasks.predict(model, [x], { topk: 0 }), (e) => e instanceof RangeError && /topk/.test(e.message));
    await assert.rejects(tasks.predict(model, [x], { categories: ['a'] }), (e) => e instanceof RangeError && /categories has 1 names but the model gives 3/.test(e.message));
    await assert.rejects(tasks.predict(model, [x], { top_k: 1 }), /did you mean 'topk'\?/);
    await assert.rejects(tasks.predict(null, [x]), (e) => e instanceof TypeError && /model must be an nn.Module/.test(e.message));
  });

  it('saves and loads the { arch, classes, image_size, model } checkpoint, and rejects what is not one', async function () {
    this.timeout(120000);
    const model = models.vgg11({ numClasses: 2 });
    const file = path.join(dir, 'ck.pth');
    tasks.saveCheckpoint(file, { arch: 'vgg11', classes: ['dark', 'bright'], imageSize: 32, model });
    const raw = torch.load(file);
    assert.deepStrictEqual(Object.keys(raw), ['arch', 'classes', 'image_size', 'model']);
    assert.deepStrictEqual([raw.arch, raw.classes, raw.image_size], ['vgg11', ['dark', 'bright'], 32]);
    const loaded = tasks.loadCheckpoint(file);
    assert.deepStrictEqual([loaded.arch, loaded.classes, loaded.imageSize, loaded.model.training], ['vgg11', ['dark', 'bright'], 32, false]);
    assert.ok(loaded.model.classifier[6].weight.allclose(model.classifier[6].weight, { rtol: 0, atol: 0 }));
    assert.deepStrictEqual([loaded.transform.cropSize, loaded.transform.resizeSize], [32, 32]);

    assert.throws(() => tasks.saveCheckpoint(file, { arch: 'resnet50', classes: ['a'], imageSize: 32, model }), /arch must be one of vgg11/);
    assert.throws(() => tasks.saveCheckpoint(file, { arch: 'vgg11', classes: [], imageSize: 32, model }), /classes must be a non-empty array/);
    assert.throws(() => tasks.saveCheckpoint(file, { arch: 'vgg11', classes: ['a'], imageSize: 0, model }), RangeError);
    assert.throws(() => tasks.saveCheckpoint(file, { arch: 'vgg11', classes: ['a'], imageSize: 32, model: {} }), /model must be an nn.Module/);
    const plain = path.join(dir, 'plain.pth');
    torch.save({ weight: torch.ones(1) }, plain);
    assert.throws(() => tasks.loadCheckpoint(plain), /plain.pth: not a torchvgg finetune checkpoint/);
    const wrongArch = path.join(dir, 'wrong-arch.pth');
    torch.save({ ...raw, arch: 'vgg13' }, wrongArch);
    assert.throws(() => tasks.loadCheckpoint(wrongArch), /wrong-arch.pth: Error\(s\) in loading state_dict for VGG/);
    assert.throws(() => tasks.loadCheckpoint(path.join(dir, 'none.pth')), /none.pth: no such file/);
    assert.throws(() => tasks.loadCheckpoint(3), TypeError);
  });

  describe('the torchvgg CLI', () => {
    it('finetune writes a checkpoint that torchvision\'s vgg11(num_classes=3) loads in Python with the same predictions', async function () {
      this.timeout(600000);
      const out = path.join(dir, 'shapes.pth');
      const r = cli(['finetune', '--data', 'shapes', '--arch', 'vgg11', '--classes', 'circle,star,cross', '--count', '48', '--epochs', '1',
        '--batch-size', '16', '--cache-features', '--out', out, '--image-size', '32', '--lr', '1e-4']);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, /vgg11, 3 classes \(circle, star, cross\).*freeze backbone/);
      const { model, classes, arch } = tasks.loadCheckpoint(out);
      assert.deepStrictEqual([arch, classes], ['vgg11', ['circle', 'star', 'cross']]);
      const shapes = new datasets.Shapes({ classes, size: 32, count: 4, seed: 9, transform: tasks.evalTransform(32) });
      const x = torch.stack(await Promise.all([0, 1, 2, 3].map(async (i) => (await shapes.get(i))[0])));
      const logits = model.forward(x);
      requireOracle(this); // the Node half above ran; the Python half needs the oracle
      const inputFile = path.join(dir, 'x.pt');
      torch.save({ x }, inputFile);
      const script = `
import json, sys, torch, torchvision
ck = torch.load(sys.argv[1], weights_only=True)
m = getattr(torchvision.models, ck['arch'])(num_classes=len(ck['classes'])); m.load_state_dict(ck['model']); m.eval()
x = torch.load(sys.argv[2], weights_only=True)['x']
with torch.no_grad(): print(json.dumps(m(x).tolist()))`;
      const py = torch.tensor(python(script, [out, inputFile]));
      assert.deepStrictEqual(logits.argmax(1).tolist(), py.argmax(1).tolist());
      assert.ok(logits.allclose(py, { rtol: 1e-4, atol: 1e-4 }));
    });

    it('predict and evaluate run a checkpoint on image files', async function () {
      this.timeout(300000);
      const ck = path.join(dir, 'cli-ck.pth');
      torch.manualSeed(2);
      tasks.saveCheckpoint(ck, { arch: 'vgg11', classes: ['circle', 'star'], imageSize: 32, model: models.vgg11({ numClasses: 2 }) });
      const files = await writeShapes(path.join(dir, 'folder'), ['circle', 'star'], 2, 5);
      const p = cli(['predict', '--model', ck, '--topk', '2', files[0], files[2]]);
      assert.strictEqual(p.status, 0, p.stderr);
      const lines = p.stdout.trim().split('\n');
      assert.strictEqual(lines.length, 2);
      const { model, transform, classes } = tasks.loadCheckpoint(ck);
      const [expected] = await tasks.predict(model, [files[0]], { transform, categories: classes, topk: 2 });
      assert.strictEqual(lines[0], `${files[0]}: ${expected.top.map((t) => `${t.label} ${(100 * t.probability).toFixed(1)}%`).join(', ')}`);
      const e = cli(['evaluate', '--model', ck, '--data', path.join(dir, 'folder')]);
      assert.strictEqual(e.status, 0, e.stderr);
      const accuracy = await tasks.evaluate(model, new datasets.ImageFolder(path.join(dir, 'folder'), { transform }));
      assert.strictEqual(e.stdout.trim(), `accuracy ${(100 * accuracy).toFixed(2)}% on 4 images`);
    });

    it('finetune reads the class count of a plain state dict from the head, and takes --freeze features as backbone', async function () {
      this.timeout(300000);
      const weights = path.join(dir, 'plain-5.pth');
      torch.save(models.vgg11({ numClasses: 5 }).stateDict(), weights);
      const out = path.join(dir, 'from-plain.pth');
      const r = cli(['finetune', '--data', 'shapes', '--arch', 'vgg11', '--weights', weights, '--classes', 'circle,star', '--count', '6',
        '--epochs', '1', '--val-split', '0', '--freeze', 'features', '--cache-features', '--out', out]);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, /freeze backbone, backbone outputs cached/);
      const { model } = tasks.loadCheckpoint(out);
      const source = torch.load(weights);
      assert.ok(model.features[0].weight.allclose(source['features.0.weight'], { rtol: 0, atol: 0 }), 'the backbone came from --weights');
      assert.deepStrictEqual(model.classifier[6].weight.shape, [2, 4096]);
    });

    it('rejects bad command lines with a message and exit status 1', () => {
      const cases = [
        [['finetune', '--data', 'shapes'], /--out <file.pth> is required/],
        [['finetune', '--data', 'shapes', '--out', 'x.pth', '--arch', 'resnet50'], /--arch must be one of vgg11/],
        [['finetune', '--data', 'shapes', '--out', 'x.pth', '--classes', 'circle,blob'], /unknown shape 'blob'/],
        [['finetune', '--data', path.join(dir, 'nope'), '--out', 'x.pth'], /nope/],
        [['finetune', '--data', 'shapes', '--out', 'x.pth', '--freeze', 'legs'], /--freeze must be one of backbone, none, features; got legs/],
        [['finetune', '--data', 'shapes', '--out', 'x.pth', '--batch_size', '4'], /no flag --batch_size; did you mean --batch-size\?/],
        [['finetune', '--data', 'shapes', '--out', 'x.pth', '--epochs', 'two'], /--epochs must be an integer in \[1, 100000\]; got two/],
        [['predict', '--model', path.join(dir, 'missing.pth'), 'a.png'], /missing.pth: no such file/],
        [['predict', '--model', 'x.pth'], /give at least one image/],
        [['evaluate', '--data', dir], /--model <checkpoint.pth> is required/],
      ];
      for (const [args, re] of cases) {
        const r = cli(args, dir);
        assert.strictEqual(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^torchvgg: .*${re.source}`), args.join(' '));
      }
      const help = cli(['frobnicate']);
      assert.strictEqual(help.status, 2);
      assert.match(help.stdout, /usage:\n {2}torchvgg finetune/);
    });
  });
});
