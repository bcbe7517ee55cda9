// io (readImage, decodeImage, encode/write PNG and JPEG, readFile) and utils.makeGrid / saveImage against torchvision 0.14; hostile files give clear errors.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const sharp = require('sharp');
const { io, utils, torch } = require('..');
const { fixture, needFixtures, needOracle, python, maxAbsDiff } = require('./helpers');
const { runCapped, ending } = require('./support/capped');

const IMAGES = fixture('images');

function meanAbsDiff(a, b) {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - y[i]);
  return s / x.length;
}

/** Python's uint8 tensor (from a raw file it writes), shaped as it says. */
function pyTensors(script, args, dir) {
  const shapes = python(script, [dir, ...args]);
  return shapes.map((shape, i) => torch.frombuffer(new Uint8Array(fs.readFileSync(path.join(dir, `py${i}.bin`))).buffer,
    { dtype: 'uint8' }).reshape(shape));
}
const DUMP = `
import json, sys, torch
from torchvision.io import read_image, decode_image, ImageReadMode
d = sys.argv[1]
shapes = []
def dump(t):
    open(f'{d}/py{len(shapes)}.bin', 'wb').write(t.contiguous().numpy().tobytes()); shapes.append(list(t.shape))
`;

/** CRC-32 (PNG's chunk checksum). */
function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

let dir;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tvgg-io-')); });
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

describe('io: decoding like torchvision.io', function () {
  this.timeout(120000);
  let rgba;
  let grayAlpha;
  before(async function () {
    needFixtures(this, 'images');
    needOracle(this);
    const px = Buffer.alloc(7 * 5 * 4);
    for (let i = 0; i < px.length; i++) px[i] = (i * 29) % 256;
    rgba = path.join(dir, 'rgba.png');
    await sharp(px, { raw: { width: 7, height: 5, channels: 4 } }).png().toFile(rgba);
    grayAlpha = path.join(dir, 'ga.png');
    await sharp(px.subarray(0, 7 * 5 * 2), { raw: { width: 7, height: 5, channels: 2 } }).toColourspace('b-w').png().toFile(grayAlpha);
  });

  it('readImage of PNGs (RGB, grey, RGBA, grey + alpha) equals read_image exactly: uint8 [C, H, W], channels as stored', async function () {
    const files = [path.join(IMAGES, 'landscape.png'), path.join(IMAGES, 'gray.png'), rgba, grayAlpha];
    const py = pyTensors(`${DUMP}
for f in sys.argv[2:]: dump(read_image(f))
print(json.dumps(shapes))`, files, dir);
    for (const [i, f] of files.entries()) {
      const ours = await io.readImage(f);
      assert.strictEqual(ours.dtype, 'uint8');
      assert.deepStrictEqual(ours.shape, py[i].shape, f);
      assert.strictEqual(maxAbsDiff(ours, py[i]), 0, f);
    }
    assert.deepStrictEqual(py.map((t) => t.shape[0]), [3, 1, 4, 2]);
  });

  it('modes RGB, RGB_ALPHA and GRAY convert as ImageReadMode does (exactly)', async function () {
    const cases = [[path.join(IMAGES, 'gray.png'), 'RGB'], [rgba, 'RGB'], [path.join(IMAGES, 'landscape.png'), 'RGB_ALPHA'], [path.join(IMAGES, 'gray.png'), 'GRAY'],
      [grayAlpha, 'GRAY']];
    const py = pyTensors(`${DUMP}
args = sys.argv[2:]
for f, m in zip(args[::2], args[1::2]): dump(read_image(f, getattr(ImageReadMode, m)))
print(json.dumps(shapes))`, cases.flat(), dir);
    for (const [i, [f, mode]] of cases.entries()) {
      const ours = await io.readImage(f, { mode });
      assert.deepStrictEqual(ours.shape, py[i].shape, `${f} ${mode}`);
      assert.strictEqual(maxAbsDiff(ours, py[i]), 0, `${f} ${mode}`);
    }
  });

  it("GRAY / GRAY_ALPHA of colour images equal PIL's convert('L') / convert('LA') exactly", async function () {
    const files = [path.join(IMAGES, 'landscape.png'), rgba];
    const py = pyTensors(`${DUMP}
import numpy as np
from PIL import Image
for f in sys.argv[2:]:
    for m in ('L', 'LA'):
        a = torch.from_numpy(np.array(Image.open(f).convert(m)))
        dump(a.unsqueeze(0) if a.dim() == 2 else a.permute(2, 0, 1))
print(json.dumps(shapes))`, files, dir);
    for (const [i, f] of files.entries()) {
      for (const [j, mode] of ['GRAY', 'GRAY_ALPHA'].entries()) {
        const ours = await io.readImage(f, { mode: io.ImageReadMode[mode] });
        assert.deepStrictEqual(ours.shape, py[2 * i + j].shape, `${f} ${mode}`);
        assert.strictEqual(maxAbsDiff(ours, py[2 * i + j]), 0, `${f} ${mode}`);
      }
    }
  });

  it('decodeImage of a JPEG (Buffer, Uint8Array or readFile tensor) is within 2 levels of decode_image (libjpeg IDCT rounding)', async function () {
    const f = path.join(IMAGES, 'portrait.jpg');
    const [py] = pyTensors(`${DUMP}
from torchvision.io import read_file
dump(decode_image(read_file(sys.argv[2])))
print(json.dumps(shapes))`, [f], dir);
    const bytes = fs.readFileSync(f);
    for (const input of [bytes, new Uint8Array(bytes), await io.readFile(f)]) {
      const ours = await io.decodeImage(input);
      assert.deepStrictEqual(ours.shape, py.shape);
      const d = maxAbsDiff(ours, py);
      assert.ok(d <= 2 && meanAbsDiff(ours, py) < 0.1, `max difference ${d}`);
    }
  });

  it("writePng round-trips exactly through torchvision's reader; writeJpeg's file decodes alike there and here, as close to the source as encode_jpeg's", async function () {
    const src = await io.readImage(path.join(IMAGES, 'landscape.png'));
    const png = path.join(dir, 'out.png');
    const jpg = path.join(dir, 'out.jpg');
    const gray = path.join(dir, 'gray-out.png');
    await io.writePng(src, png);
    await io.writeJpeg(src, jpg, { quality: 90 });
    await io.writePng(src.narrow(0, 0, 1), gray, { compressionLevel: 9 });
    const py = pyTensors(`${DUMP}
from torchvision.io import encode_jpeg
for f in sys.argv[2:]: dump(read_image(f))
dump(decode_image(encode_jpeg(read_image(sys.argv[2]), 90)))
print(json.dumps(shapes))`, [png, jpg, gray], dir);
    assert.strictEqual(maxAbsDiff(py[0], src), 0);
    // landscape.png is noisy, so JPEG loses a lot either way: compare with torchvision's own encoder at the same quality.
    const [ours, theirs] = [meanAbsDiff(py[1], src), meanAbsDiff(py[3], src)];
    assert.ok(ours < 1.25 * theirs, `JPEG mean difference ${ours} against torchvision's ${theirs}`);
    assert.ok(maxAbsDiff(await io.readImage(jpg), py[1]) <= 2);
    assert.deepStrictEqual(py[2].shape, [1, 150, 200]);
    assert.strictEqual(maxAbsDiff(py[2], src.narrow(0, 0, 1).contiguous()), 0);
    const ga = await io.readImage(grayAlpha);
    const gaOut = path.join(dir, 'ga-out.png');
    await io.writePng(ga, gaOut);
    assert.deepStrictEqual((await io.readImage(gaOut)).shape, [2, 5, 7]);
    assert.strictEqual(maxAbsDiff(await io.readImage(gaOut), ga), 0);
    const buf = await io.encodeJpeg(src, { quality: 50 });
    assert.ok(Buffer.isBuffer(buf) && buf[0] === 0xff && buf[1] === 0xd8);
    assert.ok((await io.encodePng(src)).subarray(1, 4).toString() === 'PNG');
  });
});

describe('io: hostile and bad input', function () {
  it('a truncated PNG, a corrupt JPEG, a text file and a directory are errors naming the file, not crashes', async function () {
    needFixtures(this, 'images');
    const good = fs.readFileSync(path.join(IMAGES, 'landscape.png'));
    const truncated = path.join(dir, 'truncated.png');
    fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const text = path.join(dir, 'notes.png');
    fs.writeFileSync(text, 'hello, not an image\n');
    for (const f of [truncated, path.join(IMAGES, 'corrupt.jpg'), text, dir, path.join(dir, 'missing.png')]) {
      await assert.rejects(io.readImage(f), (e) => e instanceof Error && e.message.startsWith(`cannot decode image ${f}:`), f);
    }
    await assert.rejects(io.decodeImage(good.subarray(0, 100)), /cannot decode image <buffer>/);
    await assert.rejects(io.decodeImage(Buffer.from('GIF89a garbage')), /cannot decode image <buffer>/);
  });

  it('a PNG whose header claims 50000 x 50000 pixels is refused from its header in a memory-capped child, from a file and from bytes', function () {
    needFixtures(this, 'images');
    this.timeout(120000);
    const good = fs.readFileSync(path.join(IMAGES, 'landscape.png'));
    const bomb = Buffer.from(good);
    bomb.writeUInt32BE(50000, 16); // IHDR width
    bomb.writeUInt32BE(50000, 20); // IHDR height
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29); // IHDR's CRC over its type and data
    const file = path.join(dir, 'bomb.png');
    fs.writeFileSync(file, bomb);
    const r = runCapped(`
      const { io } = torchvgg;
      (async () => {
        for (const run of [() => io.readImage(process.argv[1]), () => io.decodeImage(require('fs').readFileSync(process.argv[1]))]) {
          try { await run(); console.log('decoded?!'); } catch (e) { console.log(e.message); }
        }
      })();`, { args: [file], extraMB: 700, seconds: 60 });
    assert.strictEqual(r.status, 0, ending(r));
    const lines = r.stdout.trim().split('\n');
    assert.strictEqual(lines.length, 2, r.stdout);
    assert.match(lines[0], new RegExp(`^cannot decode image ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 50000x50000 is 2500000000 pixels, more than maxPixels`));
    assert.match(lines[1], /^cannot decode image <buffer>: 50000x50000 is 2500000000 pixels/);
  });

  it('maxBytes and maxPixels bound what is read and decoded', async function () {
    needFixtures(this, 'images');
    const f = path.join(IMAGES, 'landscape.png');
    await assert.rejects(io.readImage(f, { maxBytes: 100 }), /larger than maxBytes \(100 bytes\)/);
    await assert.rejects(io.readImage(f, { maxPixels: 1000 }), /200x150 is 30000 pixels, more than maxPixels \(1000\)/);
    await assert.rejects(io.decodeImage(fs.readFileSync(f), { maxBytes: 10 }), RangeError);
    await assert.rejects(io.readFile(f, { maxBytes: 10 }), /cannot read .*larger than maxBytes/);
  });

  it('bad arguments are TypeErrors / RangeErrors naming the argument', async function () {
    const u8 = torch.zeros([3, 4, 5], { dtype: 'uint8' });
    await assert.rejects(io.readImage(42), { name: 'TypeError', message: /path must be a string/ });
    await assert.rejects(io.readImage('x.png', { mode: 'rgb' }), { name: 'TypeError', message: /mode must be one of/ });
    await assert.rejects(io.readImage('x.png', { max_pixels: 3 }), { name: 'TypeError', message: /did you mean 'maxPixels'/ });
    await assert.rejects(io.decodeImage('abc'), { name: 'TypeError', message: /input must be a Buffer/ });
    await assert.rejects(io.decodeImage(torch.zeros([2, 2], { dtype: 'uint8' })), { name: 'TypeError', message: /1-D uint8 tensor/ });
    await assert.rejects(io.encodePng(torch.zeros([3, 4, 5])), { name: 'TypeError', message: /uint8 tensor.*got float32/ });
    await assert.rejects(io.encodePng(torch.zeros([5, 4, 5], { dtype: 'uint8' })), { name: 'RangeError', message: /C in \{1, 2, 3, 4\}.*\[5, 4, 5\]/ });
    await assert.rejects(io.encodeJpeg(torch.zeros([4, 4, 5], { dtype: 'uint8' })), { name: 'RangeError', message: /C in \{1, 3\}/ });
    await assert.rejects(io.encodeJpeg(u8, { quality: 0 }), { name: 'RangeError', message: /quality/ });
    await assert.rejects(io.encodePng(u8, { compressionLevel: 10 }), { name: 'RangeError', message: /compressionLevel/ });
    await assert.rejects(io.writePng(u8, 7), { name: 'TypeError', message: /path must be a string/ });
    await assert.rejects(io.writeJpeg(u8, path.join(dir, 'no', 'such', 'dir.jpg')), /ENOENT/);
  });
});

describe('utils.makeGrid and utils.saveImage against torchvision.utils', function () {
  this.timeout(120000);
  const batch = (shape, seed, dtype = 'float32') => {
    let s = seed;
    const n = shape.reduce((a, b) => a * b, 1);
    const v = Float32Array.from({ length: n }, () => { s = (s * 16807) % 2147483647; return (s / 2147483647) * 3 - 1; });
    const t = torch.frombuffer(v, { dtype: 'float32' }).reshape(shape);
    return dtype === 'float32' ? t : t.to(dtype);
  };
  const X = batch([5, 3, 6, 7], 11);
  const G = batch([3, 1, 4, 5], 12);
  const CASES = {
    'defaults (nrow 8, padding 2)': [X, {}, '{}'],
    'nrow 2, padding 1, padValue 0.5': [X, { nrow: 2, padding: 1, padValue: 0.5 }, '{"nrow": 2, "padding": 1, "pad_value": 0.5}'],
    'normalize over the batch': [X, { nrow: 3, normalize: true }, '{"nrow": 3, "normalize": true}'],
    'normalize with valueRange [-0.5, 1.5]': [X, { normalize: true, valueRange: [-0.5, 1.5] }, '{"normalize": true, "value_range": [-0.5, 1.5]}'],
    'normalize scaleEach': [X, { normalize: true, scaleEach: true, padding: 0 }, '{"normalize": true, "scale_each": true, "padding": 0}'],
    'one-channel images become three': [G, { nrow: 2 }, '{"nrow": 2}'],
    'a single [C, H, W] image is returned as is': [X.select(0, 2), { padding: 5 }, '{"padding": 5}'],
    'float64 with normalize': [X.double(), { normalize: true, nrow: 4 }, '{"normalize": true, "nrow": 4}'],
  };

  it('makeGrid equals make_grid (atol 1e-6) for every option', function () {
    needOracle(this);
    const names = Object.keys(CASES);
    names.forEach((n, i) => fs.writeFileSync(path.join(dir, `g${i}.bin`), Buffer.from(CASES[n][0].contiguous().toTypedArray().buffer)));
    const spec = names.map((n) => [CASES[n][0].dtype, CASES[n][0].shape, CASES[n][2]]);
    const out = python(`
import json, sys, torch
from torchvision.utils import make_grid
d = sys.argv[1]
res = []
for i, (dtype, shape, kw) in enumerate(json.loads(sys.argv[2])):
    x = torch.frombuffer(bytearray(open(f'{d}/g{i}.bin', 'rb').read()), dtype=getattr(torch, dtype)).reshape(shape)
    kw = json.loads(kw)
    if 'value_range' in kw: kw['value_range'] = tuple(kw['value_range'])
    g = make_grid(x, **kw)
    res.append([list(g.shape), g.flatten().tolist()])
print(json.dumps(res))`, [dir, JSON.stringify(spec)]);
    names.forEach((n, i) => {
      const ours = utils.makeGrid(CASES[n][0], CASES[n][1]);
      assert.deepStrictEqual(ours.shape, out[i][0], n);
      const a = ours.toTypedArray();
      const worst = out[i][1].reduce((m, v, j) => Math.max(m, Math.abs(v - a[j])), 0);
      assert.ok(worst <= 1e-6, `${n}: max difference ${worst}`);
    });
  });

  it('makeGrid takes an array of [C, H, W] tensors, and does not change its input', function () {
    const before = X.toTypedArray();
    const a = utils.makeGrid([X.select(0, 0), X.select(0, 1)], { normalize: true });
    assert.deepStrictEqual(a.shape, [3, 10, 20]);
    assert.deepStrictEqual(X.toTypedArray(), before);
  });

  it('saveImage writes the PNG save_image writes (same pixels), and JPEG by extension', async function () {
    needOracle(this);
    const x = batch([4, 3, 8, 9], 5).clamp(0, 1);
    const ours = path.join(dir, 'grid.png');
    const theirs = path.join(dir, 'grid-py.png');
    await utils.saveImage(x, ours, { nrow: 2, padValue: 1 });
    fs.writeFileSync(path.join(dir, 's.bin'), Buffer.from(x.contiguous().toTypedArray().buffer));
    python(`
import sys, torch
from torchvision.utils import save_image
x = torch.frombuffer(bytearray(open(sys.argv[1], 'rb').read()), dtype=torch.float32).reshape(4, 3, 8, 9)
save_image(x, sys.argv[2], nrow=2, pad_value=1)
print(1)`, [path.join(dir, 's.bin'), theirs]);
    assert.strictEqual(maxAbsDiff(await io.readImage(ours), await io.readImage(theirs)), 0);
    const jpg = path.join(dir, 'grid.jpg');
    await utils.saveImage(x, jpg);
    assert.strictEqual(fs.readFileSync(jpg)[0], 0xff);
  });

  it('bad arguments are TypeErrors / RangeErrors naming the argument', async function () {
    assert.throws(() => utils.makeGrid('x'), { name: 'TypeError', message: /tensor must be a Tensor/ });
    assert.throws(() => utils.makeGrid([]), { name: 'TypeError', message: /empty array/ });
    assert.throws(() => utils.makeGrid([X.select(0, 0), G.select(0, 0)]), { name: 'RangeError', message: /same shape/ });
    assert.throws(() => utils.makeGrid(X, { nrow: 0 }), { name: 'RangeError', message: /nrow/ });
    assert.throws(() => utils.makeGrid(X, { value_range: [0, 1] }), { name: 'TypeError', message: /did you mean 'valueRange'/ });
    assert.throws(() => utils.makeGrid(X, { valueRange: [0] }), { name: 'TypeError', message: /valueRange/ });
    assert.throws(() => utils.makeGrid(torch.zeros([2, 3, 4, 5], { dtype: 'uint8' }), { normalize: true }), { name: 'TypeError', message: /normalize needs a float/ });
    assert.throws(() => utils.makeGrid(torch.zeros([2, 2, 3, 4, 5])), { name: 'RangeError', message: /\[N, C, H, W\]/ });
    await assert.rejects(utils.saveImage(X, path.join(dir, 'x.bmp')), { name: 'TypeError', message: /cannot tell the format/ });
    await assert.rejects(utils.saveImage(X, 3), { name: 'TypeError', message: /path must be a string/ });
  });
});
