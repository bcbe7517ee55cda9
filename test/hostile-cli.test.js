// Hostile command lines and checkpoints for the `torchvgg` CLI and the tasks: every flag is checked (naming it, saying what is valid) before any work, and a checkpoint's metadata before any allocation.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, nn, tasks } = require('..');
const { pkl, str, tensorPickle, checkpointBytes } = require('./support/pickle');
const { cliCapped, ending } = require('./support/capped');

const EXTRA_MB = 900; // address space beyond what loading torchvgg maps; vgg11 itself needs ~0.5 GB
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-hostile-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const BANNER = /torchvgg finetune: vgg11/; // printed once the data is built, before training

/** Runs the CLI under the caps; asserts it exited with status 1 and the message; returns stderr. */
function fails(args, pattern, { seconds = 60 } = {}) {
  const r = cliCapped(args, { extraMB: EXTRA_MB, seconds, cwd: tmp });
  assert.strictEqual(r.status, 1, `${args.join(' ')}: ${ending(r)}`);
  assert.match(r.stderr, new RegExp(`^torchvgg: ${pattern.source}`), `${args.join(' ')}: ${r.stderr}`);
  return r.stderr;
}

// finetune on a small Shapes set; `flags` override or add flags ({ epochs: '0' }), `extra` is appended as is.
function finetune(flags = {}, extra = []) {
  const all = { data: 'shapes', arch: 'vgg11', count: '12', 'image-size': '32', out: path.join(tmp, 'out.pth'), ...flags };
  return ['finetune', '--cache-features', ...Object.entries(all).flatMap(([k, v]) => [`--${k}`, v]), ...extra];
}

// A checkpoint dict { arch, classes, image_size, model: { 'classifier.6.weight': tensor } }, with the
// head pickled by `headPickle` (a whole pickle whose PROTO and STOP are dropped) and its storage bytes.
function checkpointFile(name, { classes, imageSize = 32, headPickle, storage }) {
  const inner = headPickle.subarray(2, headPickle.length - 1);
  const body = pkl(['EMPTY_DICT', 'MARK'], 'arch', 'vgg11', 'classes', ['EMPTY_LIST', 'MARK'], Buffer.concat(classes.map(str)), ['APPENDS'],
    'image_size', imageSize, 'model', ['EMPTY_DICT'], 'classifier.6.weight', inner, ['SETITEM', 'SETITEMS']);
  const file = path.join(tmp, name);
  fs.writeFileSync(file, checkpointBytes(body, { 0: storage }));
  return file;
}
const names = (n) => Array.from({ length: n }, (_, i) => `class${i}`);

describe('torchvgg CLI: flags are checked before any work', function () {
  this.timeout(120000);

  it('refuses --batch-size 0 (which used to loop forever growing memory) and names the flag', function () {
    const err = fails(finetune({ 'batch-size': '0' }), /--batch-size must be an integer in \[1, 65536\]; got 0/);
    assert.doesNotMatch(err, BANNER);
    fails(finetune({ 'batch-size': '1e300' }), /--batch-size must be an integer in \[1, 65536\]; got 1e300/);
    fails(['evaluate', '--model', 'x.pth', '--data', tmp, '--batch-size', '0'], /--batch-size must be an integer/);
  });

  it('refuses batchSize 0 and an empty training set in the library too, with cached features or not', async function () {
    const { models } = require('..');
    const model = models.vgg11({ numClasses: 2 });
    const train = { length: 4, classes: ['a', 'b'], get: async (i) => [torch.zeros(3, 32, 32), i % 2] };
    for (const cacheFeatures of [true, false]) {
      await assert.rejects(tasks.finetune({ model, train, batchSize: 0, cacheFeatures, freeze: 'backbone', quiet: true }),
        { name: 'RangeError', message: /batchSize must be an integer >= 1; got 0/ });
      await assert.rejects(tasks.finetune({ model, train: { ...train, length: 0 }, cacheFeatures, freeze: 'backbone', quiet: true }),
        { name: 'RangeError', message: /train has no samples/ });
    }
    await assert.rejects(tasks.evaluate(model, [torch.zeros(0, 3, 32, 32), torch.zeros(0)], { batchSize: 0 }), RangeError);
    await assert.rejects(tasks.evaluate(model, { length: 1e300, get: train.get }), /data length must be an integer in \[0, 1073741824\]/);
  });

  it('refuses an unknown choice, listing the valid ones, for every choice flag', function () {
    fails(finetune({ optimizer: 'rmsprop' }), /--optimizer must be one of adam, sgd; got rmsprop/);
    fails(finetune({ freeze: 'legs' }), /--freeze must be one of backbone, none, features; got legs/);
    fails(finetune({ arch: 'vgg12' }), /--arch must be one of vgg11, vgg11_bn, .*vgg19_bn; got vgg12 \(did you mean vgg11\?\)/);
    fails(finetune({ classes: 'circle,blob' }), /unknown shape 'blob'; --classes takes shapes from/);
  });

  it('refuses --epochs 0, out-of-range numbers and repeated flags before building the data or writing --out', function () {
    const out = path.join(tmp, 'out.pth');
    for (const [args, re] of [
      [finetune({ epochs: '0' }), /--epochs must be an integer in \[1, 100000\]; got 0/],
      [finetune({ 'val-split': '1' }), /--val-split must be a number in \[0, 1\); got 1/],
      [finetune({ 'val-split': '-0.5' }), /--val-split must be a number in \[0, 1\); got -0.5/],
      [finetune({ 'image-size': '20000' }), /--image-size must be an integer in \[32, 1024\]; got 20000/],
      [finetune({ count: '1e300' }), /--count must be an integer in \[1, 10000000\]; got 1e300/],
      [finetune({ workers: '100000' }), /--workers must be an integer in \[0, 256\]; got 100000/],
      [finetune({ lr: 'NaN' }), /--lr must be a number in \[0, 1000000\]; got NaN/],
      [finetune({ epochs: '1' }, ['--epochs', '2']), /--epochs is given twice/],
    ]) {
      assert.doesNotMatch(fails(args, re), BANNER);
      assert.ok(!fs.existsSync(out), `${args.join(' ')} must not write ${out}`);
    }
  });

  it('reports an unwritable --out before training, and leaves no file behind when it is writable', function () {
    for (const [out, re] of [
      [path.join(tmp, 'missing', 'x.pth'), /cannot be written: its folder .*missing does not exist/],
      ['/proc/x.pth', /cannot be written: no file can be created in \/proc/],
      [tmp, /is a folder; give a file name/],
      ['/dev/null', /is not a regular file/],
    ]) {
      const args = finetune({ out });
      assert.doesNotMatch(fails(args, new RegExp(`--out ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} .*${re.source}`)), BANNER);
    }
    fails(finetune({ epochs: '0' }), /--epochs/);
    assert.deepStrictEqual(fs.readdirSync(tmp).filter((f) => f.startsWith('out')), []);
  });

  it('names --topk, and a missing image, before loading the model', function () {
    fails(['predict', '--model', 'x.pth', '--topk', '-1', 'a.png'], /--topk must be an integer in \[1, 1000000\]; got -1/);
    const model = path.join(tmp, 'model.pth');
    fs.writeFileSync(model, 'not read');
    fails(['predict', '--model', model, path.join(tmp, 'nope.png')], /.*nope\.png: no such file/);
    fails(['predict', '--model', model, tmp], /.*: not a regular file/);
  });
});

describe('torchvgg predict: a checkpoint\'s metadata is checked against its weights before anything is allocated', function () {
  this.timeout(120000);

  it('refuses 150,000 class names for a 10-class head without building a 150,000-class model', function () {
    const file = path.join(tmp, 'many-classes.pth');
    torch.save({ arch: 'vgg11', classes: names(150000), image_size: 32, model: { 'classifier.6.weight': torch.zeros(10, 4096) } }, file);
    fails(['predict', '--model', file, __filename],
      new RegExp(`${file}: classes lists 150000 names but the model's head gives 10 classes`));
    assert.throws(() => tasks.loadCheckpoint(file), /classes lists 150000 names but the model's head gives 10 classes/);
  });

  it('refuses a stride-0 head that claims 150,000 classes from 4 bytes of storage', function () {
    const file = checkpointFile('strided-head.pth', {
      classes: names(150000), headPickle: tensorPickle(1, [150000, 4096], [0, 0]), storage: Buffer.alloc(4),
    });
    fails(['predict', '--model', file, __filename],
      /.*strided-head\.pth: 'classifier\.6\.weight' \(shape \[150000, 4096\], strides \[0, 0\]\) is not a dense tensor/);
  });

  it('refuses an image_size of 20,000 (4 GB per image) and one that is not an integer', function () {
    for (const [size, shown] of [[20000, '20000'], [0, '0'], [32.5, '32.5']]) {
      const file = path.join(tmp, `size-${size}.pth`);
      torch.save({ arch: 'vgg11', classes: names(10), image_size: size, model: { 'classifier.6.weight': torch.zeros(10, 4096) } }, file);
      fails(['predict', '--model', file, __filename], new RegExp(`.*size-${size}\\.pth: image_size must be an integer in \\[32, 1024\\]; got ${shown}`));
    }
  });

  it('gives a clear TypeError for loadStateDict(sd, null) and loadStateDict(null)', function () {
    const m = new nn.Linear(2, 2);
    assert.throws(() => m.loadStateDict(m.stateDict(), null), { name: 'TypeError', message: /loadStateDict options must be an object; got null/ });
    assert.throws(() => m.loadStateDict(null), { name: 'TypeError', message: /stateDict must be an object of Tensors; got null/ });
  });
});
