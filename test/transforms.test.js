// transforms: torchvision's pixels on the same files (fixtures from scripts/fixtures/transforms.py).
'use strict';
const assert = require('assert');
const path = require('path');
const { transforms: T, Tensor } = require('..');
const { fixture, needFixtures, readRaw, maxAbsDiff } = require('./helpers');

const IMAGES = fixture('images');
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

describe('transforms', function () {
  let ref;
  before(function () {
    needFixtures(this, 'transforms-io.json', 'transforms-io.bin', 'images');
    ref = readRaw('transforms-io');
  });

  for (const file of ['landscape.png', 'portrait.jpg', 'photo.webp', 'gray.png']) {
    it(`ToTensor of ${file} equals torchvision's exactly (decoding and /255 agree bit for bit)`, async function () {
      const img = await T.readImage(path.join(IMAGES, file));
      assert.strictEqual(maxAbsDiff(await new T.ToTensor()(img), ref[`${file}:totensor`]), 0);
    });

    it(`Resize(64) + CenterCrop(56) + ToTensor + Normalize of ${file} matches torchvision`, async function () {
      const tf = new T.Compose([new T.Resize(64), new T.CenterCrop(56), new T.ToTensor(), new T.Normalize(MEAN, STD)]);
      const out = await tf(await T.readImage(path.join(IMAGES, file), { mode: 'RGB' }));
      // Resampling follows PIL's fixed-point arithmetic, so the pixels are identical (measured max
      // difference: 0 on all four files); 1e-6 only allows float32 rounding in Normalize's sub/div.
      assert.ok(maxAbsDiff(out, ref[`${file}:eval`]) <= 1e-6);
    });

    it(`Resize([40, 50]) and CenterCrop([37, 90]) (padding when larger) of ${file} equal torchvision's`, async function () {
      const img = await T.readImage(path.join(IMAGES, file), { mode: 'RGB' });
      const resized = await new T.Compose([new T.Resize([40, 50]), new T.ToTensor()])(img);
      assert.strictEqual(maxAbsDiff(resized, ref[`${file}:resize40x50`]), 0);
      const cropped = await new T.Compose([new T.CenterCrop([37, 90]), new T.ToTensor()])(img);
      assert.strictEqual(maxAbsDiff(cropped, ref[`${file}:crop37x90`]), 0);
    });
  }

  for (const mode of ['bilinear', 'bicubic', 'nearest']) {
    it(`enlarging with ${mode} interpolation gives PIL's pixels (libvips would differ by up to 155/255 here)`, async function () {
      const img = await T.readImage(path.join(IMAGES, 'landscape.png'));
      const out = await new T.Compose([new T.Resize([301, 398], { interpolation: mode }), new T.ToTensor()])(img);
      assert.strictEqual(maxAbsDiff(out, ref[`landscape.png:up301x398${mode}`]), 0);
    });
  }
});

describe('transforms without the oracle', function () {
  const solid = (w, h, f) => {
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set(f(i % w, Math.floor(i / w)), i * 3);
    return new T.Image(data, w, h, 3);
  };

  it('Resize(n) resizes the shorter side to n and truncates the longer, like torchvision', async function () {
    const out = await new T.Resize(32)(solid(100, 75, () => [1, 2, 3]));
    assert.deepStrictEqual([out.width, out.height], [42, 32]);
    const tall = await new T.Resize(10)(solid(30, 77, () => [1, 2, 3]));
    assert.deepStrictEqual([tall.width, tall.height], [10, 25]);
  });

  it('transforms are callable objects that are instances of their class', function () {
    const r = new T.Resize(8);
    assert.strictEqual(typeof r, 'function');
    assert.ok(r instanceof T.Resize && r instanceof T.Transform);
    assert.deepStrictEqual(r.size, [8]);
    assert.deepStrictEqual(T.fromJSON(JSON.parse(JSON.stringify(new T.Compose([r, new T.ToTensor()])))).transforms.length, 2);
  });

  it('RandomHorizontalFlip(1) mirrors the image and RandomHorizontalFlip(0) leaves it', async function () {
    const img = solid(3, 2, (x, y) => [x, y, 7]);
    const flipped = await new T.RandomHorizontalFlip(1)(img);
    assert.deepStrictEqual(Array.from(flipped.data.subarray(0, 9)), [2, 0, 7, 1, 0, 7, 0, 0, 7]);
    assert.strictEqual(await new T.RandomHorizontalFlip(0)(img), img);
  });

  it('RandomResizedCrop gives the requested size and repeats itself after transforms.seed', async function () {
    const img = solid(64, 40, (x, y) => [x * 4, y * 6, (x * y) % 256]);
    const tf = new T.Compose([new T.RandomResizedCrop([20, 24]), new T.ToTensor()]);
    T.seed(7);
    const a = await tf(img);
    const b = await tf(img);
    T.seed(7);
    const c = await tf(img);
    assert.deepStrictEqual(a.shape, [3, 20, 24]);
    assert.deepStrictEqual(Array.from(a.toTypedArray()), Array.from(c.toTypedArray()));
    assert.notDeepStrictEqual(Array.from(a.toTypedArray()), Array.from(b.toTypedArray()));
  });

  it('RandomResizedCrop crops inside the image within its scale and ratio bounds', function () {
    const t = new T.RandomResizedCrop(8, { scale: [0.2, 0.5], ratio: [0.5, 2] });
    T.seed(1);
    for (let k = 0; k < 200; k++) {
      const [top, left, h, w] = t.getParams(50, 80);
      assert.ok(top >= 0 && left >= 0 && top + h <= 50 && left + w <= 80, `${[top, left, h, w]}`);
      assert.ok(h * w >= 0.2 * 4000 * 0.9 && h * w <= 0.5 * 4000 * 1.1, `area ${h * w}`);
    }
    // No crop of a 1000x10 strip fits ratio [3/4, 4/3] with enough area: the centre-crop fallback.
    assert.deepStrictEqual(new T.RandomResizedCrop(4, { scale: [0.9, 1] }).getParams(10, 1000), [0, 493, 10, 13]);
  });

  it('ToTensor gives CHW float32 in [0, 1] and Normalize subtracts and divides per channel', async function () {
    const x = await new T.ToTensor()(solid(2, 1, () => [0, 51, 255]));
    assert.ok(x instanceof Tensor);
    assert.deepStrictEqual(x.shape, [3, 1, 2]);
    assert.strictEqual(x.dtype, 'float32');
    const y = await new T.Normalize([0, 0.1, 0.5], [1, 0.1, 0.25])(x);
    assert.deepStrictEqual(y.tolist().map((c) => c[0].map((v) => Math.round(v * 1e5) / 1e5)), [[0, 0], [1, 1], [2, 2]]);
  });

  it('decodes PNG, JPEG and WebP bytes from a Buffer', async function () {
    const sharp = require('sharp');
    const raw = Buffer.alloc(4 * 3 * 3, 200);
    for (const fmt of ['png', 'jpeg', 'webp']) {
      const bytes = await sharp(raw, { raw: { width: 4, height: 3, channels: 3 } }).toFormat(fmt).toBuffer();
      const img = await T.readImage(bytes);
      assert.deepStrictEqual([img.width, img.height, img.channels], [4, 3, 3], fmt);
    }
  });

  it('rejects bad arguments and misplaced transforms with clear errors', async function () {
    assert.throws(() => new T.Resize(-3), { name: 'RangeError', message: /Resize size must be an integer >= 1; got -3/ });
    assert.throws(() => new T.Resize(8, { interpolation: 'lanczos' }), /interpolation must be one of/);
    assert.throws(() => new T.Normalize([0.5], [0]), /std must not contain 0/);
    assert.throws(() => new T.RandomHorizontalFlip(2), { name: 'RangeError', message: /p must be a finite number in \[0, 1\]; got 2/ });
    assert.throws(() => new T.Compose([1]), { name: 'TypeError', message: /transforms\[0\] must be a transform or a function; got number 1/ });
    const x = await new T.ToTensor()(solid(2, 2, () => [1, 2, 3]));
    await assert.rejects(new T.Resize(4)(42), { name: 'TypeError', message: /Resize expects an Image .*got number 42/ });
    await assert.rejects(new T.ToTensor()(x), { name: 'TypeError', message: /ToTensor expects an Image .* already converted .*ConvertImageDtype/ });
    await assert.rejects(new T.Normalize([0], [1])(solid(2, 2, () => [1, 2, 3])), /Normalize expects a Tensor; got Image — put ToTensor/);
    await assert.rejects(new T.Normalize([0, 0], [1, 1])(x), /mean has 2 values but the tensor has 3 channels/);
    await assert.rejects(T.readImage(Buffer.from('not an image')), /cannot decode image <buffer>/);
  });

  it('a corrupt file is an error that names it', async function () {
    const fs = require('fs');
    const file = path.join(require('os').tmpdir(), `torchvgg-corrupt-${process.pid}.jpg`);
    // A JPEG header followed by garbage: recognisable as JPEG, impossible to decode.
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x5a)]));
    try {
      await assert.rejects(T.readImage(file), (e) => e.message.includes(file) && /cannot decode image/.test(e.message));
    } finally {
      fs.unlinkSync(file);
    }
  });
});
