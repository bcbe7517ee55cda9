// datasets and utils.data: ImageFolder against torchvision's, DataLoader batching, workers, Shapes.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { transforms: T, datasets, utils } = require('..');
const { fixture, needFixtures, readJson } = require('./helpers');

const { DataLoader, randomSplit, Subset } = utils.data;

async function collect(loader) {
  const out = [];
  for await (const [x, y] of loader) out.push([x.shape, Array.from(x.toTypedArray()), y.dtype, y.tolist()]);
  return out;
}

/** A dataset of 1-channel images whose pixels encode their index, for checking batch contents. */
class Numbers {
  constructor(n, label = (i) => i % 3) { this.length = n; this.label = label; this.classes = ['a', 'b', 'c']; }
  async get(i) { return [await new T.ToTensor()(new T.Image(Uint8Array.of(i, 255 - i), 2, 1, 1)), this.label(i)]; }
}

describe('datasets.ImageFolder', function () {
  it('lists classes and samples in the same order as torchvision', function () {
    needFixtures(this, 'imagefolder.json', 'imagefolder');
    const ref = readJson('imagefolder.json');
    const root = fixture('imagefolder');
    const ds = new datasets.ImageFolder(root);
    assert.deepStrictEqual(ds.classes, ref.classes);
    assert.deepStrictEqual(ds.classToIdx, ref.class_to_idx);
    assert.deepStrictEqual(ds.samples.map(([p, c]) => [path.relative(root, p), c]), ref.samples);
    assert.strictEqual(ds.length, ref.samples.length);
  });

  it('decodes every sample as RGB and applies transform and targetTransform', async function () {
    needFixtures(this, 'imagefolder.json', 'imagefolder');
    const ds = new datasets.ImageFolder(fixture('imagefolder'), {
      transform: new T.Compose([new T.Resize([5, 6]), new T.ToTensor()]), targetTransform: (y) => y + 10,
    });
    for (let i = 0; i < ds.length; i++) {
      const [x, y] = await ds.get(i);
      assert.deepStrictEqual(x.shape, [3, 5, 6]);
      assert.strictEqual(y, ds.samples[i][1] + 10);
    }
    await assert.rejects(ds.get(ds.length), { name: 'RangeError', message: /ImageFolder index must be an integer in \[0, 9\]; got 10/ });
  });

  describe('on bad folders', function () {
    let tmp;
    beforeEach(function () { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-data-')); });
    afterEach(function () { fs.rmSync(tmp, { recursive: true, force: true }); });

    it('names a missing root, a root without class folders and an empty class folder', function () {
      assert.throws(() => new datasets.ImageFolder(path.join(tmp, 'nope')), (e) => e.message.includes('cannot read folder') && e.message.includes('nope'));
      assert.throws(() => new datasets.ImageFolder(tmp), /couldn't find any class folder in/);
      fs.mkdirSync(path.join(tmp, 'cats'));
      fs.mkdirSync(path.join(tmp, 'dogs'));
      fs.writeFileSync(path.join(tmp, 'cats', 'readme.txt'), 'x');
      assert.throws(() => new datasets.ImageFolder(tmp), (e) => /found no valid image in/.test(e.message) && e.message.includes(path.join(tmp, 'cats')));
    });

    it('rejects a corrupt image with an error naming the file, also from a DataLoader worker', async function () {
      fs.mkdirSync(path.join(tmp, 'a'));
      const bad = path.join(tmp, 'a', 'broken.png');
      fs.writeFileSync(bad, Buffer.from('\x89PNG\r\n\x1a\n truncated'));
      const ds = new datasets.ImageFolder(tmp, { transform: new T.ToTensor() });
      await assert.rejects(ds.get(0), (e) => e.message.includes(bad));
      await assert.rejects(collect(new DataLoader(ds, { numWorkers: 1 })), (e) => e.message.includes(bad));
    });
  });
});

describe('utils.data.DataLoader', function () {
  it('yields [N, C, H, W] float32 batches with int64 labels, the last one short unless dropLast', async function () {
    const batches = await collect(new DataLoader(new Numbers(7), { batchSize: 3 }));
    assert.deepStrictEqual(batches.map((b) => b[0]), [[3, 1, 1, 2], [3, 1, 1, 2], [1, 1, 1, 2]]);
    assert.deepStrictEqual(batches[1][1].map((v) => Math.round(v * 255)), [3, 252, 4, 251, 5, 250]);
    assert.deepStrictEqual(batches.map((b) => b[2]), ['int64', 'int64', 'int64']);
    assert.deepStrictEqual(batches.map((b) => b[3]), [[0, 1, 2], [0, 1, 2], [0]]);
    const dropped = new DataLoader(new Numbers(7), { batchSize: 3, dropLast: true });
    assert.strictEqual(dropped.length, 2);
    assert.strictEqual((await collect(dropped)).length, 2);
  });

  it('shuffles reproducibly with a seed, differently each epoch, covering every sample once', async function () {
    const order = (batches) => batches.flatMap((b) => b[1].filter((_, k) => k % 2 === 0).map((v) => Math.round(v * 255)));
    const a = new DataLoader(new Numbers(20), { batchSize: 4, shuffle: true, seed: 3 });
    const b = new DataLoader(new Numbers(20), { batchSize: 4, shuffle: true, seed: 3 });
    const [a1, a2, b1] = [order(await collect(a)), order(await collect(a)), order(await collect(b))];
    assert.deepStrictEqual(a1, b1);
    assert.notDeepStrictEqual(a1, a2);
    assert.notDeepStrictEqual(a1, [...Array(20).keys()]);
    assert.deepStrictEqual([...a1].sort((x, y) => x - y), [...Array(20).keys()]);
  });

  it('gives the same batches with numWorkers 2 as with 0, random transforms included', async function () {
    const tf = new T.Compose([new T.RandomResizedCrop(20), new T.RandomHorizontalFlip(), new T.ToTensor(),
      new T.Normalize([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])]);
    const ds = new datasets.Shapes({ count: 24, size: 32, seed: 9, transform: tf });
    const zero = await collect(new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 1 }));
    const two = await collect(new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 1, numWorkers: 2 }));
    assert.strictEqual(zero.length, 5);
    assert.deepStrictEqual(two, zero);
  });

  it('lets the process exit after a `break` out of a loop with workers', function () {
    const script = `const { datasets, transforms: T, utils } = require(${JSON.stringify(path.join(__dirname, '..'))});
      (async () => {
        const ds = new datasets.Shapes({ count: 64, size: 32, transform: new T.ToTensor() });
        for await (const [x] of new utils.data.DataLoader(ds, { batchSize: 4, numWorkers: 2 })) { console.log(x.shape.join()); break; }
        const it = new utils.data.DataLoader(ds, { batchSize: 4, numWorkers: 2 })[Symbol.asyncIterator]();
        await it.next(); // abandoned mid-epoch, never closed
      })();`;
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 30000, encoding: 'utf8' });
    assert.strictEqual(r.error, undefined, 'the process did not exit');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout.trim(), '4,3,32,32');
  });

  it('rejects bad labels, unbatchable samples and bad options with clear errors', async function () {
    await assert.rejects(collect(new DataLoader(new Numbers(4, (i) => i), { batchSize: 4 })), /sample 3 has label 3; expected 0\.\.2/);
    await assert.rejects(collect(new DataLoader(new Numbers(2, () => 'cat'))), /sample 0 has label a string \("cat"\); labels must be integers/);
    const images = { length: 2, get: async (i) => [new T.Image(new Uint8Array(3 * (i + 1)), i + 1, 1, 3), 0] };
    await assert.rejects(collect(new DataLoader(images)), /needs a Tensor — end the transform with transforms.ToTensor/);
    const ragged = { length: 2, get: async (i) => [await new T.ToTensor()(new T.Image(new Uint8Array(3 * (i + 1)), i + 1, 1, 3)), 0] };
    await assert.rejects(collect(new DataLoader(ragged, { batchSize: 2 })), /sample 1 has shape \[3, 1, 2\] but sample 0 has \[3, 1, 1\]/);
    assert.throws(() => new DataLoader(new Numbers(2), { batchSize: 0 }), /batchSize must be an integer >= 1/);
    assert.throws(() => new DataLoader([1, 2]), /dataset must have a length and get/);
    await assert.rejects(collect(new DataLoader(new Numbers(2), { numWorkers: 1 })), /numWorkers > 0 needs a dataset that worker threads can rebuild/);
    const lambda = new datasets.Shapes({ count: 2, transform: (img) => img });
    await assert.rejects(collect(new DataLoader(lambda, { numWorkers: 1 })), /plain function, which cannot be sent to a worker thread/);
  });
});

describe('utils.data.randomSplit and Subset', function () {
  it('splits into disjoint subsets by counts or fractions, the same for the same seed', async function () {
    const ds = new Numbers(10);
    const [a, b] = randomSplit(ds, [7, 3], 42);
    assert.deepStrictEqual([a.length, b.length], [7, 3]);
    assert.deepStrictEqual([...a.indices, ...b.indices].sort((x, y) => x - y), [...Array(10).keys()]);
    assert.deepStrictEqual(randomSplit(ds, [7, 3], 42)[1].indices, b.indices);
    assert.deepStrictEqual(randomSplit(ds, [0.75, 0.25], 1).map((s) => s.length), [8, 2]);
    assert.throws(() => randomSplit(ds, [5, 4]), /must sum to the dataset's length \(10\)/);
    const [, y] = await b.get(1);
    assert.strictEqual(y, b.indices[1] % 3);
    assert.deepStrictEqual(new Subset(ds, [2]).classes, ['a', 'b', 'c']);
    assert.throws(() => new Subset(ds, [10]), { name: 'RangeError', message: /Subset index must be an integer in \[0, 9\]; got 10/ });
  });
});

describe('datasets.Shapes', function () {
  it('draws the same image for the same seed and index, and another for another seed', async function () {
    const tensors = async (seed) => {
      const ds = new datasets.Shapes({ count: 6, size: 32, seed, transform: new T.ToTensor() });
      return Promise.all([0, 5].map(async (i) => Array.from((await ds.get(i))[0].toTypedArray())));
    };
    const [a, b, c] = [await tensors(1), await tensors(1), await tensors(2)];
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a, c);
  });

  it('gives every class, equally often, as RGB images of the requested size', async function () {
    const ds = new datasets.Shapes({ classes: [...datasets.SHAPES], size: 48, count: 21 });
    assert.deepStrictEqual(ds.classes, ['circle', 'square', 'triangle', 'star', 'pentagon', 'hexagon', 'cross']);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < ds.length; i++) {
      const [img, y] = await ds.get(i);
      assert.deepStrictEqual([img.width, img.height, img.channels], [48, 48, 3]);
      counts[y] += 1;
    }
    assert.deepStrictEqual(counts, new Array(7).fill(3));
  });

  it('draws a shape that stands out from its background', async function () {
    const ds = new datasets.Shapes({ count: 8, size: 32 });
    for (let i = 0; i < ds.length; i++) {
      const [img] = await ds.get(i);
      // Pixels far (in some channel) from the corner's colour: the shape, which covers a good part of the image.
      let far = 0;
      for (let p = 0; p < 32 * 32; p++) {
        if ([0, 1, 2].some((c) => Math.abs(img.data[p * 3 + c] - img.data[c]) > 50)) far += 1;
      }
      assert.ok(far > 32 * 32 * 0.05, `sample ${i}: only ${far} pixels differ from the background`);
    }
  });

  it('rejects unknown classes and bad sizes', function () {
    assert.throws(() => new datasets.Shapes({ classes: ['circle', 'blob'] }), /classes must be distinct names from circle, square/);
    assert.throws(() => new datasets.Shapes({ size: 8 }), /size must be an integer in \[16, 1024\]/);
  });
});
