// The inference server on a loopback port with real HTTP and gRPC requests: OIP v2 JSON, binary and gRPC
// infer and the classify route agree with a direct forward; dynamic batching; 503/504/400/413/500; /metrics.
const assert = require('assert');
const { spawnSync } = require('child_process');
const path = require('path');
const sharp = require('sharp');
const grpc = require('@grpc/grpc-js');
const { torch, nn, server, tasks } = require('..');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A small conv net that counts its forward calls (one per batch) and can be told to fail or to take its time. */
class Counted extends nn.Module {
  net = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 3));
  calls = 0;
  rows = [];
  delayMs = 0;
  async forward(x) {
    this.calls++;
    this.rows.push(x.shape[0]);
    if (this.delayMs) await sleep(this.delayMs);
    if (x.toTypedArray()[0] === 777) throw new Error('poisoned input');
    return this.net.forwardAsync(x);
  }
}

const CLASSES = ['circle', 'star', 'cross'];
const input = (n, h = 8, w = 8, seed = 0) => {
  torch.manualSeed(seed);
  return torch.randn([n, 3, h, w]);
};
const f32 = (t) => Float32Array.from(t.toTypedArray());

function assertClose(actual, expected, what, atol = 1e-5) {
  assert.strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= atol + 1e-5 * Math.abs(expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, buf, json: () => JSON.parse(buf.toString('utf8')) };
}

const jsonInfer = (x, extra = {}) => JSON.stringify({
  id: 'req-1', parameters: { tag: 'a' }, inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape, data: Array.from(x.toTypedArray()) }], ...extra,
});

/** A binary-extension request: the JSON header, then the raw FP32 bytes of x. */
function binaryInfer(x, outputs) {
  const data = f32(x);
  const header = Buffer.from(JSON.stringify({
    inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape, parameters: { binary_data_size: data.byteLength } }],
    outputs,
  }));
  return { body: Buffer.concat([header, Buffer.from(data.buffer)]), headers: { 'Inference-Header-Content-Length': String(header.length), 'Content-Type': 'application/octet-stream' } };
}

describe('inference server', function () {
  this.timeout(60000);
  let model;
  let srv;
  let base;
  let grpcPort;
  let client;

  before(async () => {
    torch.manualSeed(1);
    model = new Counted();
    srv = server.createServer({
      models: [{ name: 'shapes', model, classes: CLASSES, transform: tasks.evalTransform(16) }],
      port: 0, grpcPort: 0, host: '127.0.0.1', maxBatchSize: 8, maxQueueDelayMs: 20, maxQueue: 256, bodyLimit: 256 * 1024, logLevel: 'silent',
    });
    const addr = await srv.listen();
    base = addr.url;
    grpcPort = addr.grpcPort;
    const { GRPCInferenceService } = server.loadProto().inference;
    client = new GRPCInferenceService(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await srv?.close();
  });

  const grpcCall = (method, req) => new Promise((resolve, reject) => client[method](req, (e, r) => (e ? reject(e) : resolve(r))));

  describe('health and metadata (OIP v2)', () => {
    it('answers live, ready, server and model metadata', async () => {
      assert.deepStrictEqual(await (await fetch(`${base}/v2/health/live`)).json(), { live: true });
      const ready = await fetch(`${base}/v2/health/ready`);
      assert.strictEqual(ready.status, 200);
      assert.strictEqual((await (await fetch(`${base}/v2`)).json()).name, 'torchvgg');
      const meta = await (await fetch(`${base}/v2/models/shapes`)).json();
      assert.deepStrictEqual(meta.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
      assert.deepStrictEqual(meta.outputs, [{ name: 'logits', datatype: 'FP32', shape: [-1, 3] }]);
      assert.strictEqual((await fetch(`${base}/v2/models/shapes/ready`)).status, 200);
      const missing = await fetch(`${base}/v2/models/nope`);
      assert.strictEqual(missing.status, 404);
      assert.match((await missing.json()).error, /model 'nope' is not served here; models: shapes/);
    });

    it('answers the same over gRPC', async () => {
      assert.strictEqual((await grpcCall('ServerLive', {})).live, true);
      assert.strictEqual((await grpcCall('ServerReady', {})).ready, true);
      assert.strictEqual((await grpcCall('ModelReady', { name: 'shapes' })).ready, true);
      assert.strictEqual((await grpcCall('ServerMetadata', {})).name, 'torchvgg');
      const meta = await grpcCall('ModelMetadata', { name: 'shapes' });
      assert.deepStrictEqual(meta.inputs[0].shape, [-1, 3, -1, -1]);
      await assert.rejects(grpcCall('ModelMetadata', { name: 'nope' }), (e) => e.code === grpc.status.NOT_FOUND && /not served/.test(e.details));
    });
  });

  describe('infer gives what a direct forward gives', () => {
    it('JSON tensors in, logits out, id and parameters echoed', async () => {
      const x = input(2);
      const r = await post(`${base}/v2/models/shapes/infer`, jsonInfer(x), { 'Content-Type': 'application/json' });
      assert.strictEqual(r.status, 200, r.buf.toString());
      const body = r.json();
      assert.strictEqual(body.id, 'req-1');
      assert.deepStrictEqual(body.parameters, { tag: 'a' });
      assert.strictEqual(body.model_name, 'shapes');
      assert.deepStrictEqual(body.outputs[0].shape, [2, 3]);
      assert.strictEqual(body.outputs[0].datatype, 'FP32');
      assertClose(body.outputs[0].data, f32(model.net.forward(x)), 'logits');
    });

    it('gives Triton classification strings "score:index:label" for the classification parameter', async () => {
      const x = input(2, 8, 8, 3);
      const r = await post(`${base}/v2/models/shapes/infer`, jsonInfer(x, { outputs: [{ name: 'logits', parameters: { classification: 2 } }] }));
      assert.strictEqual(r.status, 200, r.buf.toString());
      const out = r.json().outputs[0];
      assert.strictEqual(out.datatype, 'BYTES');
      assert.deepStrictEqual(out.shape, [2, 2]);
      const ref = model.net.forward(x);
      const [v, i] = ref.topk(2, 1);
      const vals = v.toTypedArray();
      const idx = Array.from(i.toTypedArray(), Number);
      out.data.forEach((s, j) => {
        const [score, index, label] = s.split(':');
        assert.strictEqual(Number(index), idx[j]);
        assert.strictEqual(label, CLASSES[idx[j]]);
        assert.ok(Math.abs(Number(score) - vals[j]) < 1e-5, s);
      });
    });

    it('binary tensor extension: binary input and binary output', async () => {
      const x = input(3, 12, 10, 4);
      const { body, headers } = binaryInfer(x, [{ name: 'logits', parameters: { binary_data: true } }]);
      const r = await post(`${base}/v2/models/shapes/infer`, body, headers);
      assert.strictEqual(r.status, 200, r.buf.toString());
      const hl = Number(r.headers.get('inference-header-content-length'));
      const head = JSON.parse(r.buf.subarray(0, hl).toString());
      assert.deepStrictEqual(head.outputs[0].shape, [3, 3]);
      assert.strictEqual(head.outputs[0].parameters.binary_data_size, 36);
      const bytes = r.buf.subarray(hl);
      assert.strictEqual(bytes.length, 36);
      const logits = new Float32Array(Uint8Array.from(bytes).buffer);
      assertClose(logits, f32(model.net.forward(x)), 'binary logits');
    });

    it('binary input with JSON output', async () => {
      const x = input(1, 8, 8, 5);
      const { body, headers } = binaryInfer(x);
      const r = await post(`${base}/v2/models/shapes/infer`, body, headers);
      assert.strictEqual(r.status, 200, r.buf.toString());
      assert.strictEqual(r.headers.get('inference-header-content-length'), null);
      assertClose(r.json().outputs[0].data, f32(model.net.forward(x)), 'logits');
    });

    it('gRPC ModelInfer with raw_input_contents gives raw_output_contents', async () => {
      const x = input(2, 9, 9, 6);
      const res = await grpcCall('ModelInfer', {
        model_name: 'shapes', id: 'g1', inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape }],
        raw_input_contents: [Buffer.from(f32(x).buffer)],
      });
      assert.strictEqual(res.id, 'g1');
      assert.deepStrictEqual(res.outputs[0].shape, [2, 3]);
      const logits = new Float32Array(Uint8Array.from(res.raw_output_contents[0]).buffer);
      assertClose(logits, f32(model.net.forward(x)), 'grpc logits');
      const cls = await grpcCall('ModelInfer', {
        model_name: 'shapes', inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape }], raw_input_contents: [Buffer.from(f32(x).buffer)],
        outputs: [{ name: 'logits', parameters: { classification: { int64_param: 1 } } }],
      });
      const typed = await grpcCall('ModelInfer', {
        model_name: 'shapes', inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape, contents: { fp32_contents: Array.from(f32(x)) } }],
      });
      assertClose(new Float32Array(Uint8Array.from(typed.raw_output_contents[0]).buffer), f32(model.net.forward(x)), 'grpc fp32_contents logits');
      assert.strictEqual(cls.outputs[0].datatype, 'BYTES');
      const raw = cls.raw_output_contents[0];
      const first = raw.subarray(4, 4 + raw.readUInt32LE(0)).toString();
      const best = Number(model.net.forward(x).argmax(1).toTypedArray()[0]);
      assert.strictEqual(first.split(':')[1], String(best));
      await assert.rejects(grpcCall('ModelInfer', {
        model_name: 'shapes', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 8, 8] }], raw_input_contents: [Buffer.alloc(12)],
      }), (e) => e.code === grpc.status.INVALID_ARGUMENT && /has 12 bytes but FP32 shape \[1, 3, 8, 8\] takes 768/.test(e.details));
    });

    it('classify: a PNG body gives top-k probabilities as predict() does', async () => {
      const pixels = Buffer.alloc(24 * 20 * 3);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 251;
      const png = await sharp(pixels, { raw: { width: 24, height: 20, channels: 3 } }).png().toBuffer();
      const r = await post(`${base}/v2/models/shapes/classify?topk=3`, png, { 'Content-Type': 'image/png' });
      assert.strictEqual(r.status, 200, r.buf.toString());
      const { predictions } = r.json();
      const [ref] = await tasks.predict(model.net, [png], { transform: tasks.evalTransform(16), categories: CLASSES, topk: 3 });
      assert.deepStrictEqual(predictions.map((p) => p.label), ref.top.map((t) => t.label));
      assertClose(predictions.map((p) => p.probability), ref.top.map((t) => t.probability), 'probabilities');
      const form = new FormData();
      form.append('note', 'a text field first');
      form.append('image', new Blob([png], { type: 'image/png' }), 'x.png');
      const multi = await fetch(`${base}/v2/models/shapes/classify?topk=3`, { method: 'POST', body: form });
      assert.strictEqual(multi.status, 200);
      assert.deepStrictEqual((await multi.json()).predictions, predictions, 'a multipart form gives the same answer');
      const noFile = new FormData();
      noFile.append('note', 'no image here');
      const empty = await fetch(`${base}/v2/models/shapes/classify`, { method: 'POST', body: noFile });
      assert.strictEqual(empty.status, 400);
      assert.match((await empty.json()).error, /no file part/);
      const bad = await post(`${base}/v2/models/shapes/classify`, Buffer.from('not an image at all'), { 'Content-Type': 'image/jpeg' });
      assert.strictEqual(bad.status, 400);
      assert.match(bad.json().error, /not a JPEG, PNG or WebP image/);
      const jpeg = await sharp(pixels, { raw: { width: 24, height: 20, channels: 3 } }).jpeg().toBuffer();
      const truncated = await post(`${base}/v2/models/shapes/classify`, jpeg.subarray(0, jpeg.length / 2), { 'Content-Type': 'image/jpeg' });
      assert.strictEqual(truncated.status, 400, truncated.buf.toString());
      assert.match(truncated.json().error, /cannot decode image/);
      // A PNG whose header claims 10000 x 10000 pixels is refused before anything is decoded.
      const bomb = Buffer.from(png);
      bomb.writeUInt32BE(10000, 16);
      bomb.writeUInt32BE(10000, 20);
      bomb.writeUInt32BE(require('zlib').crc32(bomb.subarray(12, 29)), 29);
      const big = await post(`${base}/v2/models/shapes/classify`, bomb, { 'Content-Type': 'image/png' });
      assert.strictEqual(big.status, 400, big.buf.toString());
      assert.match(big.json().error, /10000x10000 pixels, more than the 40000000 accepted/);
    });
  });

  describe('dynamic batching', () => {
    it('serves 64 concurrent requests in fewer forward calls, each getting exactly its rows', async () => {
      const calls = model.calls;
      const xs = Array.from({ length: 64 }, (_, i) => input(1 + (i % 2), 8, 8, 100 + i));
      const answers = await Promise.all(xs.map((x, i) => (i % 3 === 2
        ? ((b) => post(`${base}/v2/models/shapes/infer`, b.body, b.headers))(binaryInfer(x, [{ name: 'logits', parameters: { binary_data: true } }]))
        : post(`${base}/v2/models/shapes/infer`, jsonInfer(x)))));
      const forwards = model.calls - calls;
      assert.ok(forwards < 64, `64 requests took ${forwards} forward calls`);
      assert.ok(Math.max(...model.rows.slice(calls)) <= 8, 'no batch exceeds maxBatchSize');
      answers.forEach((r, i) => {
        assert.strictEqual(r.status, 200, r.buf.toString());
        const expected = f32(model.net.forward(xs[i]));
        if (i % 3 === 2) {
          const hl = Number(r.headers.get('inference-header-content-length'));
          assertClose(new Float32Array(Uint8Array.from(r.buf.subarray(hl)).buffer), expected, `request ${i}`);
        } else {
          assertClose(r.json().outputs[0].data, expected, `request ${i}`);
        }
      });
    });

    it('never puts different image sizes in one batch', async () => {
      const calls = model.calls;
      const xs = Array.from({ length: 12 }, (_, i) => input(1, i % 2 ? 8 : 10, 8, 200 + i));
      const answers = await Promise.all(xs.map((x) => post(`${base}/v2/models/shapes/infer`, jsonInfer(x))));
      answers.forEach((r, i) => assertClose(r.json().outputs[0].data, f32(model.net.forward(xs[i])), `request ${i}`));
      assert.ok(model.calls - calls >= 2, 'two sizes need at least two batches');
    });
  });

  describe('bad requests', () => {
    const cases = [
      ['invalid JSON', '{"inputs": [', /not valid JSON/],
      ['no inputs', '{}', /"inputs" must be a non-empty array/],
      ['a wrong datatype', JSON.stringify({ inputs: [{ name: 'input', datatype: 'INT64', shape: [1, 3, 8, 8], data: [] }] }), /datatype must be FP32; got INT64/],
      ['a wrong rank', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [3, 8, 8], data: new Array(192).fill(0) }] }), /shape must be \[N, 3, H, W\]; got \[3, 8, 8\]/],
      ['a wrong channel count', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 2, 8, 8], data: new Array(128).fill(0) }] }), /shape must be \[N, 3, H, W\]/],
      ['too few elements', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 8, 8], data: [1, 2, 3] }] }), /data has 3 elements but shape holds 192/],
      ['a string element', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 'x', 3] }] }), /only numbers; found string/],
      ['an unknown input', JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] }), /has no input 'x'/],
      ['an unknown output', jsonInfer(input(1), { outputs: [{ name: 'probs' }] }), /has no output 'probs'/],
      ['a batch above maxBatchSize', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [9, 3, 1, 1], data: new Array(27).fill(0) }] }), /batch size must be in \[1, 8\]; got 9/],
      ['an image side above maxImageSize', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 2000, 1], data: new Array(6000).fill(0) }] }), /height and width must be in \[1, 1024\]; got \[1, 3, 2000, 1\]/],
      ['a negative dimension', JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, -3, 8, 8], data: [] }] }), /shape must be an array of at most 8 non-negative integers/],
    ];
    for (const [what, body, message] of cases) {
      it(`answers 400 naming the problem for ${what}`, async () => {
        const r = await post(`${base}/v2/models/shapes/infer`, body, { 'Content-Type': 'application/json' });
        assert.strictEqual(r.status, 400, r.buf.toString());
        assert.match(r.json().error, message);
      });
    }

    it('answers 400 when binary_data_size disagrees with the shape or the body', async () => {
      const x = input(1);
      const { body, headers } = binaryInfer(x);
      const short = await post(`${base}/v2/models/shapes/infer`, body.subarray(0, body.length - 4), headers);
      assert.strictEqual(short.status, 400);
      assert.match(short.json().error, /ends 4 bytes before its binary data does/);
      const extra = await post(`${base}/v2/models/shapes/infer`, Buffer.concat([body, Buffer.alloc(8)]), headers);
      assert.strictEqual(extra.status, 400);
      assert.match(extra.json().error, /8 bytes of binary data that no input claims/);
      const lying = await post(`${base}/v2/models/shapes/infer`, body, { ...headers, 'Inference-Header-Content-Length': String(body.length + 1) });
      assert.strictEqual(lying.status, 400);
      assert.match(lying.json().error, /Inference-Header-Content-Length/);
    });

    it('answers 413 for a body over the limit, and goes on serving', async () => {
      const r = await post(`${base}/v2/models/shapes/infer`, Buffer.alloc(300 * 1024, 32), { 'Content-Type': 'application/json' });
      assert.strictEqual(r.status, 413);
      assert.match(r.json().error, /larger than the limit of 262144 bytes/);
      const ok = await post(`${base}/v2/models/shapes/infer`, jsonInfer(input(1)));
      assert.strictEqual(ok.status, 200);
    });

    it('a failing batch fails only its own requests (500) and the server goes on', async () => {
      const poisoned = torch.ones([1, 3, 6, 6]).mul(777);
      const [bad, good] = await Promise.all([
        post(`${base}/v2/models/shapes/infer`, jsonInfer(poisoned)),
        post(`${base}/v2/models/shapes/infer`, jsonInfer(input(1, 7, 7))),
      ]);
      assert.strictEqual(bad.status, 500);
      assert.match(bad.json().error, /the model failed on this batch: poisoned input/);
      assert.strictEqual(good.status, 200);
      assert.strictEqual((await post(`${base}/v2/models/shapes/infer`, jsonInfer(input(1)))).status, 200);
    });
  });

  describe('/metrics', () => {
    it('parses as Prometheus text with request counts, histograms and queue depth', async () => {
      const res = await fetch(`${base}/metrics`);
      assert.strictEqual(res.status, 200);
      assert.match(res.headers.get('content-type'), /text\/plain/);
      const text = await res.text();
      const samples = new Map();
      for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)( \d+)?$/.exec(line);
        assert.ok(m, `not a Prometheus sample line: ${line}`);
        samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
      }
      const get = (prefix) => [...samples].filter(([k]) => k.startsWith(prefix));
      assert.ok(get('torchvgg_requests_total{model="shapes",route="/v2/models/:name/infer",status="200"}')[0][1] >= 64);
      assert.ok(get('torchvgg_requests_total{model="shapes",route="/v2/models/:name/infer",status="400"}').length === 1);
      assert.ok(get('torchvgg_requests_total{model="shapes",route="grpc:ModelInfer",status="200"}').length === 1);
      assert.ok(get('torchvgg_batch_size_count{model="shapes"}')[0][1] >= 1);
      assert.ok(get('torchvgg_batch_size_bucket{le="1",model="shapes"}').length === 1);
      for (const h of ['torchvgg_queue_duration_seconds', 'torchvgg_compute_duration_seconds', 'torchvgg_request_duration_seconds']) {
        assert.ok(get(`${h}_count`).length >= 1, h);
      }
      assert.strictEqual(get('torchvgg_queue_depth{model="shapes"}')[0][1], 0);
      assert.ok(get('process_cpu_user_seconds_total').length === 1, 'default metrics');
    });
  });
});

describe('inference server limits', function () {
  this.timeout(60000);

  it('answers 503 with Retry-After when the queue is full, and no crash', async () => {
    const model = new Counted();
    model.delayMs = 60;
    const srv = server.createServer({ models: [{ model }], port: 0, host: '127.0.0.1', maxBatchSize: 1, maxQueue: 3, maxQueueDelayMs: 0, logLevel: 'silent' });
    const { url } = await srv.listen();
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`${url}/v2/models/model/infer`, jsonInfer(input(1, 4, 4, i)))));
      const codes = answers.map((r) => r.status);
      assert.ok(codes.includes(503), `statuses: ${codes}`);
      assert.ok(codes.includes(200), `statuses: ${codes}`);
      assert.ok(codes.every((c) => c === 200 || c === 503), `statuses: ${codes}`);
      const full = answers.find((r) => r.status === 503);
      assert.strictEqual(full.headers.get('retry-after'), '1');
      assert.match(full.json().error, /queue is full \(3 requests waiting\)/);
      assert.strictEqual(model.calls, codes.filter((c) => c === 200).length, 'one forward per accepted request');
      assert.strictEqual((await post(`${url}/v2/models/model/infer`, jsonInfer(input(1, 4, 4)))).status, 200);
    } finally {
      await srv.close();
    }
  });

  it('answers 504 for a request that waits past its timeout, and computes nothing for it', async () => {
    const model = new Counted();
    model.delayMs = 300;
    const srv = server.createServer({ models: [{ model }], port: 0, host: '127.0.0.1', maxBatchSize: 1, maxQueueDelayMs: 0, timeoutMs: 100, logLevel: 'silent' });
    const { url } = await srv.listen();
    try {
      const answers = await Promise.all([0, 1, 2].map((i) => post(`${url}/v2/models/model/infer`, jsonInfer(input(1, 4, 4, i)))));
      assert.deepStrictEqual(answers.map((r) => r.status), [200, 504, 504]);
      assert.match(answers[1].json().error, /waited 100 ms in the queue.*nothing was computed/);
      assert.strictEqual(model.calls, 1);
      assert.strictEqual(srv.stats.timedOut, 2);
    } finally {
      await srv.close();
    }
  });

  it('serves several models, and runs up to `instances` batches of one model at once', async () => {
    const a = new Counted();
    const b = new Counted();
    a.delayMs = 300;
    const srv = server.createServer({ models: [{ name: 'a', model: a }, { name: 'b', model: b }], port: 0, host: '127.0.0.1', instances: 2, maxQueueDelayMs: 0, logLevel: 'silent' });
    const { url } = await srv.listen();
    try {
      assert.deepStrictEqual(srv.models, ['a', 'b']);
      const t = performance.now();
      const answers = await Promise.all([
        post(`${url}/v2/models/a/infer`, jsonInfer(input(1, 4, 4))), post(`${url}/v2/models/a/infer`, jsonInfer(input(1, 5, 5))),
        post(`${url}/v2/models/b/infer`, jsonInfer(input(1, 4, 4))),
      ]);
      const ms = performance.now() - t;
      assert.deepStrictEqual(answers.map((r) => r.status), [200, 200, 200]);
      assert.deepStrictEqual([a.calls, b.calls], [2, 1]);
      assert.ok(ms < 550, `two 300 ms batches of model a took ${ms.toFixed(0)} ms: they did not overlap`);
    } finally {
      await srv.close();
    }
  });

  it('sends a preferred batch size at once, without waiting out the queue delay', async () => {
    const model = new Counted();
    const srv = server.createServer({ models: [{ model }], port: 0, host: '127.0.0.1', maxQueueDelayMs: 20000, preferredBatchSizes: [2], logLevel: 'silent' });
    const { url } = await srv.listen();
    try {
      const t = performance.now();
      const answers = await Promise.all([1, 2].map((i) => post(`${url}/v2/models/model/infer`, jsonInfer(input(1, 4, 4, i)))));
      assert.deepStrictEqual(answers.map((r) => r.status), [200, 200]);
      assert.strictEqual(model.calls, 1);
      assert.deepStrictEqual(model.rows, [2]);
      assert.ok(performance.now() - t < 10000, 'it waited for the 20 s queue delay');
    } finally {
      await srv.close();
    }
  });

  it('checks its options and the serve flags', () => {
    assert.throws(() => server.createServer({ models: [] }), /models must be a non-empty array/);
    assert.throws(() => server.createServer({ models: [{ model: new Counted() }], maxBatchSize: 0 }), /maxBatchSize must be an integer in \[1, 4096\]; got 0/);
    assert.throws(() => server.createServer({ models: [{ model: new Counted() }], maxBatchSiz: 4 }), /maxBatchSize/);
    const cli = (...args) => spawnSync(process.execPath, [path.join(__dirname, '..', 'dist', 'cli', 'index.js'), 'serve', ...args], { encoding: 'utf8', timeout: 30000 });
    const typo = cli('--weights', 'x.pth', '--max-batch-siz', '4');
    assert.strictEqual(typo.status, 1);
    assert.match(typo.stderr, /serve has no flag --max-batch-siz; did you mean --max-batch-size\?/);
    assert.match(cli().stderr, /give --weights <model.pth> or --model name=<file>/);
    assert.match(cli('--model', 'noequals').stderr, /--model takes name=path; got noequals/);
    assert.match(cli('--weights', '/nonexistent/model.pth', '--port', 'x').stderr, /--port must be an integer; got x/);
    assert.match(cli('--help').stdout, /--max-queue-delay-ms 5/);
  });
});

describe('dynamic batcher: when a batch starts', function () {
  this.timeout(30000);
  // The batcher itself (server.Batcher): the server's event-loop timing is what is tested, without sockets' noise.
  const { Batcher } = server;
  const busy = (ms) => { const end = performance.now() + ms; while (performance.now() < end); };

  it('waits for the requests of the clients it just answered, even when answering them outlasts the queue delay', async () => {
    const sizes = [];
    const run = async (x) => { sizes.push(x.shape[0]); await sleep(40); return torch.zeros([x.shape[0], 2]); };
    const b = new Batcher(run, { maxBatchSize: 4, maxBatchElements: 1e9, maxQueueDelayMs: 5, maxQueue: 100, instances: 1, preferredBatchSizes: [], timeoutMs: 20000 });
    // Requests that come as I/O (a MessagePort is read when the event loop polls, as sockets are).
    const { port1, port2 } = new MessageChannel();
    const next = [];
    port2.on('message', () => next.push(b.submit(torch.zeros([1, 1]))));
    try {
      // Three clients; each takes 3 ms to handle its answer (9 ms in all, past the 5 ms delay), then sends its next request.
      const firstRound = [0, 1, 2].map(() => b.submit(torch.zeros([1, 1])).then(() => { busy(3); port1.postMessage(0); }));
      await sleep(15);
      const late = b.submit(torch.zeros([1, 1])); // arrives while the first batch runs
      await Promise.all(firstRound);
      while (next.length < 3) await sleep(1);
      await Promise.all([late, ...next]);
      // Deciding when the delay ran out, before the loop read the three requests, would have sent `late` alone ([3, 1, 3]).
      assert.deepStrictEqual(sizes, [3, 4]);
      assert.deepStrictEqual(b.stats, { requests: 7, batches: 2, rows: 7, failedBatches: 0, timedOut: 0, rejected: 0 });
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("gives each request its rows as data() and shape, and as an output tensor, from one batch", async () => {
    const run = async (x) => x.reshape([x.shape[0], -1]).mul(10); // [N, 2]: each row from its own input
    const b = new Batcher(run, { maxBatchSize: 8, maxBatchElements: 1e9, maxQueueDelayMs: 5, maxQueue: 100, instances: 1, preferredBatchSizes: [], timeoutMs: 20000 });
    const [r1, r2] = await Promise.all([b.submit(torch.tensor([[1, 2]])), b.submit(torch.tensor([[3, 4], [5, 6]]))]);
    assert.strictEqual(b.stats.batches, 1);
    assert.deepStrictEqual([r1.shape, r2.shape], [[1, 2], [2, 2]]);
    assert.deepStrictEqual([Array.from(r1.data()), Array.from(r2.data())], [[10, 20], [30, 40, 50, 60]]);
    assert.strictEqual(r1.data().buffer, r2.data().buffer, 'one copy of the batch output, shared');
    assert.deepStrictEqual(r2.output.shape, [2, 2]);
    assert.deepStrictEqual(Array.from(r2.output.toTypedArray()), [30, 40, 50, 60]);
    assert.strictEqual(r2.output, r2.output, 'the output view is made once');
  });

  it('batches submitFloats numbers with float32 tensors of the same shape, each answer its own rows', async () => {
    const inputs = [];
    const run = async (x) => { inputs.push(Array.from(x.toTypedArray())); return x.reshape([x.shape[0], -1]).add(1); };
    const b = new Batcher(run, { maxBatchSize: 8, maxBatchElements: 1e9, maxQueueDelayMs: 5, maxQueue: 100, instances: 1, preferredBatchSizes: [], timeoutMs: 20000 });
    const [a, t, c] = await Promise.all([
      b.submitFloats(new Float32Array([1, 2]), [1, 2]),
      b.submit(torch.tensor([[3, 4]])),
      b.submitFloats(new Float32Array([5, 6, 7, 8]), [2, 2]),
    ]);
    assert.deepStrictEqual(inputs, [[1, 2, 3, 4, 5, 6, 7, 8]]);
    assert.deepStrictEqual([a, t, c].map((r) => Array.from(r.data())), [[2, 3], [4, 5], [6, 7, 8, 9]]);
    // Numbers alone: one copy of all of them as the batch's input.
    const [d, e] = await Promise.all([b.submitFloats(new Float32Array([1, 1]), [1, 2]), b.submitFloats(new Float32Array([2, 2]), [1, 2])]);
    assert.deepStrictEqual(inputs[1], [1, 1, 2, 2]);
    assert.deepStrictEqual([Array.from(d.data()), Array.from(e.data())], [[2, 2], [3, 3]]);
    // A different shape never shares a batch.
    await Promise.all([b.submitFloats(new Float32Array(2), [1, 2]), b.submitFloats(new Float32Array(3), [1, 3])]);
    assert.strictEqual(b.stats.batches, 4);
    assert.throws(() => b.submitFloats(new Float32Array(3), [1, 2]), /shape \[1,2\] does not hold the 3 numbers given/);
    assert.throws(() => b.submitFloats([1, 2], [1, 2]), /data must be a Float32Array/);
    // Read when its batch runs, beside other requests: its buffer must not be able to change length or be shared.
    assert.throws(() => b.submitFloats(new Float32Array(new ArrayBuffer(8, { maxByteLength: 64 })), [1, 2]), /fixed-length ArrayBuffer/);
    assert.throws(() => b.submitFloats(new Float32Array(new SharedArrayBuffer(8)), [1, 2]), /fixed-length ArrayBuffer/);
    const kept = new Float32Array([1, 2]);
    const pending = b.submitFloats(kept, [1, 2]);
    const { port1, port2 } = new MessageChannel();
    try { port1.postMessage(kept.buffer, [kept.buffer]); } catch { /* refusing the transfer is as good */ }
    port1.close();
    port2.close();
    assert.strictEqual(kept.length, 2, 'a queued request\'s buffer cannot be transferred away');
    assert.deepStrictEqual(Array.from((await pending).data()), [2, 3]);
    await assert.rejects(b.submitFloats(new Float32Array(18), [9, 2]), /batch of 9 exceeds the max batch size 8/);
  });

  it('keeps a batch open while requests keep joining a busy event loop, past the queue delay', async () => {
    const sizes = [];
    const run = async (x) => { sizes.push(x.shape[0]); return torch.zeros([x.shape[0], 2]); };
    const b = new Batcher(run, { maxBatchSize: 8, maxBatchElements: 1e9, maxQueueDelayMs: 5, maxQueue: 100, instances: 1, preferredBatchSizes: [], timeoutMs: 20000 });
    // Six requests read back to back, 3 ms of the loop's own work each (18 ms, past the delay and twice the delay):
    // nobody waited idle, and none went quiet for the delay, so all six share one batch. Counting wall time from the
    // first would have sent [3, 3]; counting it past twice the delay, [4, 2] or [5, 1].
    const answers = [];
    for (let i = 0; i < 6; i++) {
      busy(3);
      answers.push(b.submit(torch.zeros([1, 1])));
    }
    await Promise.all(answers);
    assert.deepStrictEqual(sizes, [6]);
  });

  it('sends a partial batch as soon as the loop, busy with other work, has had no new request for the delay', async () => {
    let started = 0;
    const run = async (x) => { started = performance.now(); return torch.zeros([x.shape[0], 2]); };
    const b = new Batcher(run, { maxBatchSize: 8, maxBatchElements: 1e9, maxQueueDelayMs: 20, maxQueue: 100, instances: 1, preferredBatchSizes: [], timeoutMs: 20000 });
    const answer = b.submit(torch.zeros([1, 1]));
    busy(60); // other work: the loop is never idle, and nothing joins
    const freed = performance.now();
    await answer;
    // Counting only idle time, the batch would have waited 20 ms more after the busy spell.
    assert.ok(started - freed < 15, `the batch started ${(started - freed).toFixed(1)} ms after the loop was free`);
  });

  it('still sends a partial batch once the delay has passed after the answering turn', async () => {
    const sizes = [];
    const run = async (x) => { sizes.push(x.shape[0]); await sleep(20); return torch.zeros([x.shape[0], 2]); };
    const b = new Batcher(run, { maxBatchSize: 8, maxBatchElements: 1e9, maxQueueDelayMs: 5, maxQueue: 100, instances: 1, preferredBatchSizes: [], timeoutMs: 20000 });
    const t0 = performance.now();
    const a = b.submit(torch.zeros([2, 1]));
    await sleep(10);
    const c = b.submit(torch.zeros([1, 1])); // queued during the first batch; nobody else comes
    const [ra, rc] = await Promise.all([a, c]);
    assert.deepStrictEqual(sizes, [2, 1]);
    assert.deepStrictEqual(ra.output.shape, [2, 2]);
    assert.deepStrictEqual(rc.output.shape, [1, 2]);
    // 5 ms delay + 20 ms run, then the answering turn and 5 ms more + 20 ms: not waiting for ever, not the 20 s timeout.
    assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
  });
});
