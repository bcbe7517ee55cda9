// transforms.ImageClassification and weights.transforms(): torchvision's eval preset, compared with the Python oracle's output.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { torch, models, transforms: T } = require('torchvgg');
const { requireOracle, python } = require('./support/checkpoint-fixtures');
const { maxAbsDiff } = require('./helpers');

describe('ImageClassification preset', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-preset-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('VGG16_Weights.IMAGENET1K_V1.transforms() gives torchvision\'s tensor for the same image file', async function () {
    requireOracle(this);
    // A 301x257 image (odd sizes: both the resize and the centre crop round) with gradients and hard edges.
    const script = `
import json, sys, torch
from PIL import Image, ImageDraw
from torchvision.models import VGG16_Weights
img = Image.new('RGB', (301, 257))
px = img.load()
for y in range(257):
    for x in range(301):
        px[x, y] = (x * 255 // 300, y * 255 // 256, (x * y) % 256)
ImageDraw.Draw(img).ellipse([60, 50, 200, 190], fill=(250, 30, 40))
img.save(sys.argv[1])
out = VGG16_Weights.IMAGENET1K_V1.transforms()(Image.open(sys.argv[1]).convert('RGB'))
torch.save({'x': out}, sys.argv[2])
print(json.dumps(list(out.shape)))`;
    const file = path.join(dir, 'odd.png');
    const expectedFile = path.join(dir, 'expected.pt');
    assert.deepStrictEqual(python(script, [file, expectedFile]), [3, 224, 224]);
    const expected = torch.load(expectedFile).x;
    const preset = models.VGG16_Weights.IMAGENET1K_V1.transforms();
    assert.ok(preset instanceof T.ImageClassification);
    const ours = await preset(await T.readImage(file, { mode: 'RGB' }));
    // Resize follows PIL's fixed-point arithmetic (see test/transforms.test.js), so the pixels agree
    // (measured max difference: 0). The tolerance allows float32 rounding in Normalize (dividing by
    // std ~0.22 scales 1 ulp to ~1e-6); one 8-bit level off (1/255/0.224 = 0.0175) fails it.
    assert.ok(maxAbsDiff(ours, expected) <= 2e-6, `max |diff| ${maxAbsDiff(ours, expected)}`);
  });

  it('prints torchvision\'s repr and keeps its settings', () => {
    const p = new T.ImageClassification({ cropSize: 224 });
    assert.strictEqual(String(p), 'ImageClassification(\n    crop_size=[224]\n    resize_size=[256]\n'
      + '    mean=[0.485, 0.456, 0.406]\n    std=[0.229, 0.224, 0.225]\n    interpolation=InterpolationMode.BILINEAR\n)');
    assert.deepStrictEqual([p.cropSize, p.resizeSize, p.mean, p.std, p.interpolation],
      [224, 256, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], 'bilinear']);
    assert.ok(p instanceof T.Compose);
  });

  it('is a Compose of plain transforms, so a DataLoader worker rebuilds it with the same output', async () => {
    const p = new T.ImageClassification({ cropSize: 8, resizeSize: 10, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    const img = new T.Image(Uint8Array.from({ length: 13 * 11 * 3 }, (_, i) => (i * 37) % 256), 13, 11, 3);
    const a = await p(img);
    const b = await T.fromJSON(JSON.parse(JSON.stringify(p.toJSON())))(img);
    assert.deepStrictEqual(a.shape, [3, 8, 8]);
    assert.strictEqual(maxAbsDiff(a, b), 0);
  });

  it('rejects bad options with errors naming the parameter', () => {
    assert.throws(() => new T.ImageClassification(), (e) => e instanceof TypeError && /cropSize/.test(e.message));
    assert.throws(() => new T.ImageClassification({ crop_size: 224 }), (e) => e instanceof TypeError && /did you mean 'cropSize'\?/.test(e.message));
    assert.throws(() => new T.ImageClassification({ cropSize: 0 }), (e) => e instanceof RangeError && /cropSize must be an integer >= 1; got 0/.test(e.message));
    assert.throws(() => new T.ImageClassification({ cropSize: 224, resizeSize: 'big' }), (e) => e instanceof TypeError && /resizeSize/.test(e.message));
    assert.throws(() => new T.ImageClassification({ cropSize: 224, mean: 'imagenet' }), (e) => e instanceof TypeError && /mean must be an array/.test(e.message));
    assert.throws(() => new T.ImageClassification({ cropSize: 224, std: [0, 1, 1] }), (e) => e instanceof RangeError && /std must not contain 0/.test(e.message));
    assert.throws(() => new T.ImageClassification({ cropSize: 224, interpolation: 'lanczos' }), (e) => e instanceof TypeError && /interpolation must be one of/.test(e.message));
  });
});
