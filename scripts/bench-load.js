// Load-time benchmark: torch.load of a VGG16 checkpoint (~553 MB) in torchvgg and in Python's PyTorch,
// same file, same run, warm page cache (each side loads once before timing), best of 3.
// `npm run bench` calls benchLoad(); `node scripts/bench-load.js` prints the rows on its own.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

// The Python oracle: Debian's python3-torch by default; TORCHVGG_PYTHON names another (a GPU host's PyTorch).
const PYTHON = process.env.TORCHVGG_PYTHON || '/usr/bin/python3';
const DIR = path.join(__dirname, '..', '.cache', 'bench');
const FILES = [['vgg16 zip', 'vgg16.pt'], ['vgg16 legacy', 'vgg16-legacy.pt']];

function python(script, args) {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`python failed:\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop();
}

function ensureCheckpoints() {
  if (FILES.every(([, f]) => fs.existsSync(path.join(DIR, f)))) return;
  fs.mkdirSync(DIR, { recursive: true });
  python(`
import sys, torch, torchvision
torch.manual_seed(0)
sd = torchvision.models.vgg16().state_dict()
torch.save(sd, sys.argv[1])
torch.save(sd, sys.argv[2], _use_new_zipfile_serialization=False)
print("ok")
`, FILES.map(([, f]) => path.join(DIR, f)));
}

// Python frees the previous load's storages at once (reference counting). Ours are freed by N-API
// finalizers, which Node runs only after a collection AND a turn of the event loop; a synchronous loop
// of loads would pile up hundreds of MB each and slow every later load. So, outside the timing,
// collect and let the loop turn before each run, to compare like with like.
require('v8').setFlagsFromString('--expose-gc');
const gc = require('vm').runInNewContext('gc');
async function collect() {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function bestOf(n, fn) {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    await collect();
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

async function benchLoad() {
  const { torch } = require('..');
  ensureCheckpoints();
  const rows = [];
  for (const [name, f] of FILES) {
    const file = path.join(DIR, f);
    await collect();
    torch.load(file); // warm the page cache and the code paths
    const torchvggSeconds = await bestOf(3, () => torch.load(file));
    const pythonSeconds = Number(python(`
import sys, time, torch
torch.set_num_threads(max(1, torch.get_num_threads()))
torch.load(sys.argv[1])
best = float("inf")
for _ in range(3):
    t = time.perf_counter(); torch.load(sys.argv[1]); best = min(best, time.perf_counter() - t)
print(best)
`, [file]));
    rows.push({ name, torchvggSeconds, pythonSeconds, ratio: torchvggSeconds / pythonSeconds });
  }
  return rows;
}

module.exports = { benchLoad, ensureCheckpoints, BENCH_DIR: DIR };

if (require.main === module) {
  benchLoad().then((rows) => {
    for (const r of rows) {
      console.log(`${r.name.padEnd(14)} torchvgg ${r.torchvggSeconds.toFixed(3)} s   python ${r.pythonSeconds.toFixed(3)} s   ratio ${r.ratio.toFixed(2)}`);
    }
  }, (e) => { console.error(e); process.exitCode = 1; });
}
