// Graceful shutdown of a server in a child process: SIGTERM in the middle of 64 requests loses none of them,
// refuses new connections at once, and the process exits 0.
const assert = require('assert');
const { spawn } = require('child_process');
const net = require('net');
const path = require('path');
const { torch } = require('..');

const ROOT = path.join(__dirname, '..');

// The same seeded model in the child and here: a small conv net whose forward takes 40 ms per batch.
const MODEL = `
const { torch, nn, server } = require(${JSON.stringify(ROOT)});
class Slow extends nn.Module {
  net = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 4));
  async forward(x) { await new Promise((r) => setTimeout(r, 40)); return this.net.forwardAsync(x); }
}
torch.manualSeed(7);
const model = new Slow();
`;

const CHILD = `${MODEL}
const srv = server.createServer({ models: [{ name: 'slow', model }], port: 0, host: '127.0.0.1', maxBatchSize: 4, maxQueueDelayMs: 2, logLevel: 'info' });
server.exitOnSignals(srv, srv.log);
srv.listen();
const t = setInterval(() => { if (srv.stats.requests >= 64) { clearInterval(t); console.log(JSON.stringify({ accepted: srv.stats.requests })); } }, 1);
`;

function connectOutcome(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('error', (e) => resolve(e.code));
  });
}

describe('inference server shutdown', function () {
  this.timeout(60000);

  it('on SIGTERM in the middle of 64 requests, answers all of them, refuses new connections and exits 0', async () => {
    const child = spawn(process.execPath, ['-e', CHILD], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const lines = [];
    const waiters = [];
    child.stdout.on('data', (d) => {
      stdout += d;
      const parts = stdout.split('\n');
      stdout = parts.pop();
      for (const l of parts) { lines.push(l); for (const w of waiters.splice(0)) w(); }
    });
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const waitFor = async (pred) => {
      for (;;) {
        const hit = lines.map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((j) => j && pred(j));
        if (hit) return hit;
        await Promise.race([new Promise((r) => waiters.push(r)), exited.then((e) => { throw new Error(`child exited ${JSON.stringify(e)}: ${stderr}`); })]);
      }
    };
    try {
      const listening = await waitFor((j) => typeof j.msg === 'string' && j.msg.startsWith('listening on'));
      const { url } = listening;
      const port = Number(new URL(url).port);

      torch.manualSeed(11);
      const xs = Array.from({ length: 64 }, () => torch.randn([1, 3, 8, 8]));
      let answered = 0;
      const requests = xs.map((x) => fetch(`${url}/v2/models/slow/infer`, {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: x.shape, data: Array.from(x.toTypedArray()) }] }),
      }).then(async (r) => { const body = await r.json(); answered++; return { status: r.status, body }; }));

      await waitFor((j) => j.accepted === 64);
      child.kill('SIGTERM');
      const answeredAtSignal = answered;
      await new Promise((r) => setTimeout(r, 100));
      const late = await connectOutcome(port);
      const answers = await Promise.all(requests);
      const { code, signal } = await exited;

      assert.ok(answeredAtSignal < 64, `all 64 were answered before SIGTERM (${answeredAtSignal}): the test did not test anything`);
      assert.strictEqual(late, 'ECONNREFUSED', 'a connection after SIGTERM is refused');
      assert.deepStrictEqual(answers.map((a) => a.status), new Array(64).fill(200));
      // The same seeded model here gives the same logits: every answer is its own request's.
      const ref = new Function('require', `${MODEL}; return model;`)(require);
      answers.forEach((a, i) => {
        const expected = ref.net.forward(xs[i]).toTypedArray();
        a.body.outputs[0].data.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-5, `request ${i}: ${v} vs ${expected[j]}`));
      });
      assert.deepStrictEqual({ code, signal }, { code: 0, signal: null }, stderr);
      assert.ok(lines.some((l) => /"msg":"drained; exiting"/.test(l)), 'the child logged that it drained');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
