#!/usr/bin/env node
// Load test of `torchvgg serve` on loopback: autocannon on the binary-tensor, JSON and image routes and a small
// gRPC driver, at several concurrencies, beside the offline batched throughput of the same model in the same run.
// Bounded: every cell runs `--duration` seconds, with 6 s of offline reference around it. The server runs in a child process (its own event loop).
//   npm run loadtest -- [--arch vgg11] [--image-size 32] [--duration 5] [--concurrency 1,8,32]
//                       [--max-batch-size 32] [--max-queue-delay-ms 5] [--device cpu|cuda] [--routes binary,json,image,grpc]
'use strict';
const { fork } = require('child_process');
const os = require('os');

function flags(argv) {
  const f = {
    arch: 'vgg11', 'image-size': '32', duration: '5', concurrency: '1,8,32', 'max-batch-size': '32', 'max-queue-delay-ms': '5',
    device: 'cpu', routes: 'binary,json,image,grpc',
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in f) && key !== 'child') throw new Error(`unknown flag ${argv[i]}; flags: ${Object.keys(f).map((k) => `--${k}`).join(' ')}`);
    f[key] = key === 'child' ? true : argv[++i];
  }
  return f;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// ---- the server process: builds the model, measures it offline, then serves until told to stop ----
async function child(f) {
  const { torch, models, server, tasks } = require('..');
  const size = Number(f['image-size']);
  const maxBatch = Number(f['max-batch-size']);
  torch.manualSeed(0);
  const model = models.getModel(f.arch, { numClasses: 1000 }).eval();
  if (f.device !== 'cpu') model.to(f.device);
  // Offline: the same model, forwardAsync on batches of maxBatchSize and of 1, each for a bounded time.
  const offline = async (n, seconds) => {
    const x = torch.randn([n, 3, size, size]).to(f.device);
    await model.forwardAsync(x); // warm-up
    const times = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end || times.length < 3) {
      const t = performance.now();
      (await model.forwardAsync(x)).to('cpu');
      times.push(performance.now() - t);
      if (times.length >= 1000) break;
    }
    times.sort((a, b) => a - b);
    return { imagesPerSecond: (n * times.length * 1000) / times.reduce((a, b) => a + b, 0), p50: percentile(times, 50) };
  };
  // Warm-up, as Triton's model_warmup: one forward at every batch size the server can form, so that the cells
  // measure serving rather than the first-call work at each size (oneDNN plans, the Linear layers' measurements).
  const warmStart = performance.now();
  for (let n = 1; n <= maxBatch; n++) (await model.forwardAsync(torch.randn([n, 3, size, size]).to(f.device))).dispose();
  const warmupSeconds = (performance.now() - warmStart) / 1000;
  const batched = await offline(maxBatch, 2);
  const single = await offline(1, 2);
  const srv = server.createServer({
    models: [{ name: f.arch, model, classes: models.IMAGENET_CATEGORIES, transform: tasks.evalTransform(size) }],
    port: 0, grpcPort: 0, host: '127.0.0.1', device: f.device, maxBatchSize: maxBatch, maxQueueDelayMs: Number(f['max-queue-delay-ms']),
    maxQueue: 1024, logLevel: 'warn',
  });
  const addr = await srv.listen();
  process.send({ addr, batched, single, warmupSeconds });
  process.on('message', async (m) => {
    if (m === 'stats') {
      // The time the model spent in batched forwards so far (the compute histogram's sum): its share of a cell's wall
      // time says how much of the server's time went to the model, without an offline reference's run-to-run noise.
      const compute = await srv.registry.getSingleMetric('torchvgg_compute_duration_seconds').get();
      const computeSeconds = compute.values.filter((v) => v.metricName.endsWith('_sum')).reduce((a, v) => a + v.value, 0);
      process.send({ stats: srv.stats, computeSeconds, idle: srv.stats.queueDepth === 0 && torch.executor.pending() === 0 });
    }
    if (m === 'offline') process.send({ batched: await offline(maxBatch, 2), single: await offline(1, 2) });
    if (m && m.offlineAt) process.send({ at: await offline(m.offlineAt, 2) });
    if (m === 'stop') { await srv.close(); process.exit(0); }
  });
}

// ---- the load generator ----
async function grpcCell(grpcPort, req, connections, seconds) {
  const grpc = require('@grpc/grpc-js');
  const { server } = require('..');
  const { GRPCInferenceService } = server.loadProto().inference;
  const clients = Array.from({ length: Math.min(connections, 8) }, () => new GRPCInferenceService(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure()));
  const latencies = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async (_, i) => {
    const c = clients[i % clients.length];
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await new Promise((resolve, reject) => c.ModelInfer(req, (e, r) => (e ? reject(e) : resolve(r))));
        latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  }));
  clients.forEach((c) => c.close());
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50) ?? NaN, p99: percentile(latencies, 99) ?? NaN, errors };
}

function httpCell(url, opts, connections, seconds) {
  const autocannon = require('autocannon');
  return new Promise((resolve, reject) => autocannon({ url, method: 'POST', connections, duration: seconds, ...opts }, (e, r) => {
    if (e) return reject(e);
    return resolve({ rps: r.requests.total / seconds, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx });
  }));
}

async function main() {
  const f = flags(process.argv.slice(2));
  if (f.child) return child(f);
  const sharp = require('sharp');
  const size = Number(f['image-size']);
  const seconds = Number(f.duration);
  const conc = f.concurrency.split(',').map(Number);
  const routes = f.routes.split(',');
  const proc = fork(__filename, ['--child', ...process.argv.slice(2)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => proc.once('message', resolve));
  const { addr, batched, single, warmupSeconds } = await next();
  const stats = async () => { proc.send('stats'); const m = await next(); return { ...m.stats, computeSeconds: m.computeSeconds }; };
  const idle = async () => { proc.send('stats'); return (await next()).idle; };

  const floats = new Float32Array(3 * size * size).map((_, i) => Math.sin(i));
  const header = Buffer.from(JSON.stringify({
    inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, size, size], parameters: { binary_data_size: floats.byteLength } }],
    outputs: [{ name: 'logits', parameters: { binary_data: true } }],
  }));
  const infer = `${addr.url}/v2/models/${f.arch}/infer`;
  const bodies = {
    binary: { url: infer, body: Buffer.concat([header, Buffer.from(floats.buffer)]), headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) } },
    json: { url: infer, body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, size, size], data: Array.from(floats) }] }), headers: { 'content-type': 'application/json' } },
    image: {
      url: `${addr.url}/v2/models/${f.arch}/classify`,
      body: await sharp(Buffer.from(new Uint8Array(320 * 240 * 3).map((_, i) => (i * 7) % 256)), { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toBuffer(),
      headers: { 'content-type': 'image/jpeg' },
    },
  };
  const grpcReq = { model_name: f.arch, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, size, size] }], raw_input_contents: [Buffer.from(floats.buffer)] };

  const rows = [];
  for (const route of routes) {
    for (const c of conc) {
      for (let i = 0; i < 200 && !(await idle()); i++) await new Promise((r) => setTimeout(r, 25)); // the last cell's requests finish first
      // The same model offline, just before the cell: on a shared machine the load drifts, so each row has its own reference.
      proc.send('offline');
      const ref = await next();
      const before = await stats();
      const cellStart = performance.now();
      const r = route === 'grpc' ? await grpcCell(addr.grpcPort, grpcReq, c, seconds)
        : await httpCell(bodies[route].url, { body: bodies[route].body, headers: bodies[route].headers }, c, seconds);
      const cellSeconds = (performance.now() - cellStart) / 1000;
      const after = await stats();
      const modelBusy = (after.computeSeconds - before.computeSeconds) / cellSeconds;
      const avgBatch = (after.rows - before.rows) / Math.max(1, after.batches - before.batches);
      // And at the batch size the server actually formed (the issue's "same batch size" comparison).
      const atBatch = Math.max(1, Math.round(avgBatch));
      proc.send({ offlineAt: atBatch });
      const same = (await next()).at;
      rows.push({ route, c, ...r, avgBatch, ref, atBatch, same, modelBusy });
      console.error(`${route} c=${c}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, errors ${r.errors}, mean batch ${avgBatch.toFixed(1)}`);
    }
  }
  proc.send('stop');
  const cpu = os.cpus();
  const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const lines = [
    `${f.arch}, ${size}x${size} input, max batch ${f['max-batch-size']}, max queue delay ${f['max-queue-delay-ms']} ms, ${seconds} s per cell, device ${f.device}; `
      + `${cpu[0].model.trim()} (${cpu.length} logical CPUs), Node ${process.version}`,
    '',
    `Warm-up: one forward at each batch size 1-${f['max-batch-size']} before serving (${fmt(warmupSeconds)} s). `
      + `Offline (forwardAsync in the server's process, 2 s before the cells): batch ${f['max-batch-size']}: ${fmt(batched.imagesPerSecond)} images/s; `
      + `batch 1: ${fmt(single.imagesPerSecond)} images/s, p50 ${fmt(single.p50)} ms. Each row's references are measured again around its cell: batch 1 and batch ${f['max-batch-size']} just before, the batch size the server formed just after.`,
    '',
    `| route | concurrency | req/s (= images/s) | p50 ms | p99 ms | errors | mean batch | offline at that batch, img/s | served / that | offline batch ${f['max-batch-size']}, img/s | served / that | offline batch-1 p50 ms | model busy |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.route} | ${r.c} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors} | ${fmt(r.avgBatch)} | `
      + `${fmt(r.same.imagesPerSecond)} | ${fmt((100 * r.rps) / r.same.imagesPerSecond, 0)}% | `
      + `${fmt(r.ref.batched.imagesPerSecond)} | ${fmt((100 * r.rps) / r.ref.batched.imagesPerSecond, 0)}% | ${fmt(r.ref.single.p50)} | ${fmt(100 * r.modelBusy, 0)}% |`),
  ];
  console.log(lines.join('\n'));
}

main().catch((e) => {
  console.error(`loadtest: ${e.stack || e.message}`);
  process.exit(1);
});
