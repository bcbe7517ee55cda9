// Hostile values at the native boundary never kill the process: sizes that overflow, integers beyond
// what a JS number holds exactly, a transferred buffer under a tensor, an empty batch, a CUDA device on
// a CPU-only libtorch, allocations that cannot succeed. Each crash-prone case runs in a capped child.
const assert = require('assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { torch, models } = require('..');
const { skip } = require('./helpers');

const ROOT = path.join(__dirname, '..');

// Runs `code` in a child node with a heap cap and a time limit; returns { status, signal, stdout, stderr }.
function child(code, { timeout = 60000, heapMb = 512, flags = [] } = {}) {
  const script = `const { torch, nn, models } = require(${JSON.stringify(ROOT)});\n${code}`;
  return spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, ...flags, '-e', script],
    { encoding: 'utf8', timeout });
}

function ended(r) { return `status ${r.status}, signal ${r.signal}\n${r.stdout}\n${r.stderr}`; }

describe('hostile values at the native boundary', () => {
  it('refuses a view whose byte count overflows int64, in asStrided and in toTypedArray/tolist', () => {
    const r = child(`
      const show = (f) => { try { f(); console.log('no error'); } catch (e) { console.log(e.name + ': ' + e.message); } };
      show(() => torch.zeros(1).asStrided([2 ** 31, 2 ** 31], [0, 0]).toTypedArray());
      show(() => torch.zeros(1).asStrided([2 ** 40, 2 ** 40], [0, 0]));
      const big = torch.zeros(1).asStrided([2 ** 20, 2 ** 20], [0, 0]);
      show(() => big.toTypedArray());
      show(() => big.tolist());
      console.log(JSON.stringify(torch.tensor([1, 2]).tolist()));`);
    assert.strictEqual(r.status, 0, ended(r));
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^RangeError: asStrided: shape \[2147483648, 2147483648\] needs more bytes than int64 can count/);
    assert.match(lines[1], /^RangeError: asStrided: shape .* has more elements than int64 can count/);
    assert.match(lines[2], /^RangeError: out of memory: toTypedArray needs 4398046511104 bytes for shape \[1048576, 1048576\]/);
    assert.match(lines[3], /^RangeError: out of memory/);
    assert.strictEqual(lines[4], '[1,2]', 'the process still works');
  });

  it('refuses integers a JS number cannot hold exactly, and fractional indices, instead of saturating or truncating', () => {
    assert.throws(() => torch.zeros(1).asStrided([1e300], [0]), { name: 'RangeError', message: /1e\+300/ });
    // The native boundary refuses it too, for any caller that skips the TS checks.
    assert.throws(() => torch.zeros(1)._t.asStrided([1e300], [0], 0), { name: 'RangeError', message: /beyond the exact integer range/ });
    assert.throws(() => torch.zeros(3)._t.indexSelect(0, [1.5]), { name: 'TypeError', message: /index\[0\] must be an integer; got 1.5/ });
    assert.throws(() => torch.zeros(3)._t.reshape([NaN]), { name: 'TypeError', message: /must be an integer/ });
  });

  it('keeps a frombuffer tensor valid after its buffer is transferred away and collected', () => {
    const r = child(`
      const { MessageChannel } = require('worker_threads');
      let ab = new ArrayBuffer(4096);
      new Float32Array(ab).fill(7);
      const t = torch.frombuffer(ab, { dtype: 'float32' });
      structuredClone(ab, { transfer: [ab] });      // the receiving copy is dropped at once
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(ab, [ab]);
      port1.close(); port2.close();
      const kept = ab.byteLength;
      ab = null;
      for (let i = 0; i < 5; i++) { global.gc(); new Float32Array(1024).fill(-1); }
      console.log(t.sum().item(), kept);`, { flags: ['--expose-gc'] });
    assert.strictEqual(r.status, 0, ended(r));
    assert.strictEqual(r.stdout.trim(), '7168 4096', 'the buffer stayed with the tensor');
  });

  it('refuses a resizable ArrayBuffer for frombuffer (shrinking it under the tensor segfaulted)', () => {
    const ab = new ArrayBuffer(64, { maxByteLength: 1024 });
    assert.throws(() => torch.frombuffer(ab, { dtype: 'float32' }), { name: 'TypeError', message: /resizable ArrayBuffer/ });
    assert.throws(() => torch.frombuffer(new Float32Array(ab), { dtype: 'float32' }), { name: 'TypeError', message: /resizable ArrayBuffer/ });
    assert.deepStrictEqual(torch.tensor(new Float32Array(ab)).shape, [16], 'a copy is the way');
  });

  it('gives [0, classes] for an empty batch in eval() as in train()', () => {
    const m = models.vgg11({ numClasses: 7, initWeights: false });
    assert.deepStrictEqual(m.train().forward(torch.zeros(0, 3, 32, 32)).shape, [0, 7]);
    assert.deepStrictEqual(m.eval().forward(torch.zeros(0, 3, 32, 32)).shape, [0, 7]);
  });

  it('says in one line that a CPU-only libtorch has no CUDA, and how to get one', function () {
    if (torch.cuda.isAvailable()) skip(this, 'this libtorch has CUDA, so the CPU-only message cannot be shown');
    for (const call of [() => torch.zeros(1).to('cuda:0'), () => torch.zeros(2, { device: 'cuda' }), () => models.vgg11({ initWeights: false }).to('cuda')]) {
      assert.throws(call, (e) => e.message.length < 400 && /this libtorch has no CUDA/.test(e.message) && /LIBTORCH/.test(e.message)
        && !/Exception raised from|\.cpp/.test(e.message));
    }
  });

  it('says how many bytes for what shape when an allocation cannot succeed', function () {
    assert.throws(() => torch.zeros(2 ** 40, 2 ** 20),
      { name: 'RangeError', message: 'out of memory: torch.zeros([1099511627776, 1048576], float32) needs 4611686018427387904 bytes' });
    assert.throws(() => torch.empty(2 ** 40, 2 ** 30), { name: 'RangeError', message: /more elements than int64 can count/ });
    // Where the kernel grants every allocation (vm.overcommit_memory=1, as on some VMs) a 4 TiB result
    // is "allocated" and the process is killed while libtorch fills it: nothing can report that case.
    const overcommit = fs.existsSync('/proc/sys/vm/overcommit_memory') && fs.readFileSync('/proc/sys/vm/overcommit_memory', 'utf8').trim();
    if (overcommit === '1') skip(this, 'vm.overcommit_memory is 1: the kernel grants any allocation, so a 4 TiB matmul cannot fail cleanly');
    const r = child(`
      try { torch.zeros(1 << 20, 1).matmul(torch.zeros(1, 1 << 20)); } catch (e) { console.log(e.name, e.code, e.message); }`, { heapMb: 256 });
    assert.strictEqual(r.status, 0, ended(r));
    assert.match(r.stdout, /RangeError ERR_TORCHVGG_OUT_OF_MEMORY out of memory: cannot allocate \d+ bytes/);
  });
});
