// Hostile images and folders: links to devices and to `.`, FIFOs, oversized files and decompression bombs end in a clear error naming the file, within a memory cap and a time limit.
'use strict';
const assert = require('assert');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { transforms: T, datasets, utils } = require('..');
const { fixture } = require('./helpers');
const { runCapped, ending } = require('./support/capped');

const EXTRA_MB = 700; // address space beyond what loading torchvgg and sharp maps (support/capped.js)
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-hostile-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A grey PNG of width × height zero pixels: a few hundred KB that decode to width × height bytes.
function pngBomb(file, width, height) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32 ? zlib.crc32(body) : crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height); // filter byte 0 and zero pixels: untouched zero pages
  fs.writeFileSync(file, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(rows, { level: 1 })), chunk('IEND', Buffer.alloc(0))]));
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

// Runs `body` (an async function body with torchvgg's exports in scope) in a capped child; it prints
// one JSON line, which is returned.
function inChild(body, args = [], { seconds = 60 } = {}) {
  const r = runCapped(`const { transforms: T, datasets, utils } = torchvgg;
(async () => { ${body} })().then((v) => console.log(JSON.stringify(v)), (e) => { console.log(JSON.stringify({ error: e.message })); });`,
  { args, extraMB: EXTRA_MB, seconds });
  assert.ok(r.status === 0 && !r.timedOut, `the child must end by itself: ${ending(r)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

describe('hostile image files', function () {
  this.timeout(120000);

  it('refuses a link x.png -> /dev/zero as a character device, without reading it', function () {
    const link = path.join(tmp, 'zero.png');
    fs.symlinkSync('/dev/zero', link);
    const r = inChild('return await T.readImage(process.argv[1]).then(() => ({}))', [link]);
    assert.ok(r.error, 'must fail');
    assert.ok(r.error.includes(link), `names the file: ${r.error}`);
    assert.match(r.error, /is a character device, not an image file/);
  });

  it('refuses a FIFO at once instead of waiting for a writer, and names a directory', async function () {
    const fifo = path.join(tmp, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    const r = inChild('return await T.readImage(process.argv[1]).then(() => ({}))', [fifo], { seconds: 20 });
    assert.match(r.error, /pipe\.png: is a FIFO, not an image file/);
    await assert.rejects(T.readImage(tmp), (e) => e.message.includes(tmp) && /is a directory/.test(e.message));
  });

  it('refuses a file larger than maxBytes (128 MiB by default), before decoding it', async function () {
    assert.strictEqual(T.MAX_IMAGE_BYTES, 128 * 2 ** 20);
    const file = fixture('images/landscape.png');
    const size = fs.statSync(file).size;
    await assert.rejects(T.readImage(file, { maxBytes: size - 1 }),
      (e) => e.message.includes(file) && e.message.includes(`larger than maxBytes (${size - 1} bytes)`));
    assert.deepStrictEqual((await T.readImage(file, { maxBytes: size })).shape, [3, 150, 200]);
    const sparse = path.join(tmp, 'sparse.png');
    fs.closeSync(fs.openSync(sparse, 'w'));
    fs.truncateSync(sparse, 2 ** 30);
    await assert.rejects(T.readImage(sparse), /larger than maxBytes \(134217728 bytes\)/);
    await assert.rejects(T.readImage(file, { maxBytes: 0 }), { name: 'RangeError', message: /maxBytes must be an integer in/ });
  });

  it('reads files whose size the file system does not know (/proc) instead of calling them empty', async function () {
    await assert.rejects(T.readImage('/proc/self/status'), (e) => /\/proc\/self\/status/.test(e.message) && !/empty/.test(e.message)
      && /unsupported image format/.test(e.message));
  });

  it('refuses a PNG decompression bomb from its header: fast, within the memory cap, naming the file', function () {
    assert.strictEqual(T.MAX_IMAGE_PIXELS, 178956970); // PIL's limit: 2 * Image.MAX_IMAGE_PIXELS
    const bomb = path.join(tmp, 'bomb.png');
    pngBomb(bomb, 17000, 11000); // 187 megapixels: under sharp's 268 but over PIL's 179
    assert.ok(fs.statSync(bomb).size < 1 << 20);
    const r = inChild(`await T.readImage(${JSON.stringify(fixture('images/gray.png'))}); // sharp warmed up
      const [t, rss] = [Date.now(), process.memoryUsage().rss];
      const error = await T.readImage(process.argv[1], { mode: 'RGB' }).then(() => null, (e) => e.message);
      return { error, ms: Date.now() - t, grewMB: (process.memoryUsage().rss - rss) / 2 ** 20 };`, [bomb]);
    assert.ok(r.error, `must be refused (it decoded in ${r.ms} ms, RSS grew ${r.grewMB} MB)`);
    assert.ok(r.error.includes(bomb), r.error);
    assert.match(r.error, /17000x11000 is 187000000 pixels, more than maxPixels \(178956970\)/);
    assert.ok(r.grewMB < 100, `RSS grew ${r.grewMB} MB: the 187 M pixels (561 MB as RGB) must not be allocated`);
  });

  it('takes maxPixels as an option, and ImageFolder passes both limits on, also to worker threads', async function () {
    const gray = fixture('images/gray.png'); // 64x48
    await assert.rejects(T.readImage(gray, { maxPixels: 64 * 48 - 1 }), /64x48 is 3072 pixels, more than maxPixels \(3071\)/);
    assert.deepStrictEqual((await T.readImage(gray, { maxPixels: 64 * 48 })).shape, [1, 48, 64]);
    const root = path.join(tmp, 'limits');
    fs.mkdirSync(path.join(root, 'a'), { recursive: true });
    fs.copyFileSync(gray, path.join(root, 'a', 'g.png'));
    const ds = new datasets.ImageFolder(root, { maxPixels: 100, transform: new T.ToTensor() });
    await assert.rejects(ds.get(0), /g\.png: 64x48 is 3072 pixels, more than maxPixels \(100\)/);
    const loader = new utils.data.DataLoader(ds, { numWorkers: 1 });
    await assert.rejects((async () => { for await (const b of loader) void b; })(), /more than maxPixels \(100\)/);
    const big = new datasets.ImageFolder(root, { maxBytes: 10 });
    await assert.rejects(big.get(0), /larger than maxBytes \(10 bytes\)/);
    assert.throws(() => new datasets.ImageFolder(root, { maxPixels: -1 }), RangeError);
  });
});

describe('transform outputs', function () {
  it('refuses a Resize or crop whose output would pass MAX_IMAGE_PIXELS, before allocating it', async function () {
    const strip = new T.Image(new Uint8Array(100000), 100000, 1, 1);
    await assert.rejects(new T.Resize(224)(strip), { name: 'RangeError', message: /^Resize: the output would be 22400000x224 = 5017600000 pixels, more than MAX_IMAGE_PIXELS \(178956970\)$/ });
    await assert.rejects(new T.CenterCrop(20000)(strip), { name: 'RangeError', message: /^crop: the output would be 20000x20000/ });
    await assert.rejects(new T.RandomResizedCrop([20000, 10000])(strip), /^RangeError: RandomResizedCrop: the output would be 10000x20000/);
    assert.deepStrictEqual((await new T.Resize([2, 3])(strip)).shape, [1, 2, 3]);
  });
});

describe('hostile folders', function () {
  this.timeout(120000);

  it('walks a folder holding two links to `.` once per real folder, listing each image once', function () {
    const root = path.join(tmp, 'loops');
    for (const d of ['cat', 'cat/sub', 'dog']) fs.mkdirSync(path.join(root, d), { recursive: true });
    for (const f of ['cat/1.png', 'cat/sub/2.png', 'dog/3.png']) fs.copyFileSync(fixture('images/gray.png'), path.join(root, f));
    for (const d of ['cat', 'cat/sub', 'dog']) {
      fs.symlinkSync('.', path.join(root, d, 'self1'));
      fs.symlinkSync('.', path.join(root, d, 'self2'));
    }
    fs.symlinkSync('..', path.join(root, 'cat', 'sub', 'up'));
    const r = inChild(`const ds = new datasets.ImageFolder(process.argv[1]);
      return { classes: ds.classes, samples: ds.samples.map(([f, c]) => [require('path').relative(process.argv[1], f), c]) };`,
    [root], { seconds: 30 });
    assert.deepStrictEqual(r, { classes: ['cat', 'dog'], samples: [['cat/1.png', 0], ['cat/sub/2.png', 0], ['dog/3.png', 1]] });
  });

  it('follows a link to a folder elsewhere once, as torchvision would, and keeps real paths for real folders', function () {
    const root = path.join(tmp, 'elsewhere');
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(path.join(root, 'a', 'real'), { recursive: true });
    fs.mkdirSync(outside);
    fs.copyFileSync(fixture('images/gray.png'), path.join(root, 'a', 'real', 'r.png'));
    fs.copyFileSync(fixture('images/gray.png'), path.join(outside, 'o.png'));
    fs.symlinkSync(outside, path.join(root, 'a', 'link'));
    fs.symlinkSync(path.join(root, 'a', 'real'), path.join(root, 'a', 'again')); // sorts before 'real'
    fs.symlinkSync(outside, path.join(outside, 'loop'));
    const ds = new datasets.ImageFolder(root);
    assert.deepStrictEqual(ds.samples.map(([f]) => path.relative(root, f)), ['a/link/o.png', 'a/real/r.png']);
  });

  it('names a link into /dev/zero from get(), also in a DataLoader worker, within the memory cap', function () {
    const root = path.join(tmp, 'devzero');
    fs.mkdirSync(path.join(root, 'a'), { recursive: true });
    fs.symlinkSync('/dev/zero', path.join(root, 'a', 'x.png'));
    const r = inChild(`const ds = new datasets.ImageFolder(process.argv[1], { transform: new T.ToTensor() });
      const direct = await ds.get(0).then(() => null, (e) => e.message);
      let worker = null;
      try { for await (const b of new utils.data.DataLoader(ds, { numWorkers: 1 })) void b; } catch (e) { worker = e.message; }
      return { direct, worker };`, [root]);
    for (const msg of [r.direct, r.worker]) {
      assert.ok(msg && msg.includes(path.join(root, 'a', 'x.png')) && /character device/.test(msg), String(msg));
    }
  });
});
