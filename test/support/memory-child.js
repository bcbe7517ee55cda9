// Run by test/memory.test.js in its own Node process, so no other test's garbage moves its RSS.
// Prints one JSON line with the RSS figures of the chosen scenario (argv[2]):
//   leak-check  10,000 forwardAsync calls whose results are dropped without dispose(), after 2,000 to
//               warm up; RSS sampled every 1,000 calls
//   control     4,000 calls with every result kept: what a leak looks like to the same measurement
//   dispose     a 200 MB tensor filled, then disposed: RSS before, after filling, and after dispose
//   tiny-ops    600,000 a.add(b) on 1-element tensors, every result dropped, after 100,000 to warm up; RSS
//               sampled every 100,000 (the collector frees such results only in full collections)
//   faults      a 64 MiB tensor filled, five times over: the minor page faults each fill took, and the
//               allocator policy reported (run with TORCHVGG_HUGEPAGES=0 for libtorch's own allocator)
'use strict';
const { torch, nn } = require('../..');

const MB = 2 ** 20;
const rss = () => process.memoryUsage().rss;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Each call returns 16×32×32 floats = 64 KiB: a leak of 10,000 of them would be 640 MiB.
function smallModel() {
  torch.manualSeed(0);
  return new nn.Sequential(new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten()).eval();
}

async function calls(model, x, n, keep) {
  for (let i = 0; i < n; i++) {
    const y = await model.forwardAsync(x);
    if (keep) keep.push(y);
  }
}

async function main(scenario) {
  // One intra-op thread: this measures memory, not speed. With two, each tiny convolution waits at
  // OpenMP's barrier for the second thread, which on a busy 2-core machine can take a scheduler slice
  // (~16 ms), turning a 1-second test into minutes.
  torch.setNumThreads(1);
  if (scenario === 'dispose') {
    await sleep(50);
    const before = rss();
    const t = torch.ones(50 * 1024 * 1024); // 200 MiB of float32, every page written
    const filled = rss();
    t.dispose();
    const samples = [];
    for (let ms = 0; ms <= 300; ms += 50) {
      samples.push({ ms, rssMB: rss() / MB });
      if (ms < 300) await sleep(50);
    }
    return { beforeMB: before / MB, filledMB: filled / MB, afterDisposeMB: samples[0].rssMB, samples };
  }
  if (scenario === 'faults') {
    const faults = [];
    for (let i = 0; i < 5; i++) {
      const before = process.resourceUsage().minorPageFault;
      const t = torch.ones(16 * 1024 * 1024); // 64 MiB of float32, every page written
      faults.push(process.resourceUsage().minorPageFault - before);
      t.dispose();
    }
    return { faults, hugePages: torch.backends.cpu.capability().libtorch.hugePages,
      system: torch.backends.cpu.capability().transparentHugePages };
  }
  if (scenario === 'tiny-ops') {
    const a = torch.ones(1);
    const b = torch.ones(1);
    const run = async (n) => {
      for (let done = 0; done < n; done += 10000) {
        for (let i = 0; i < 10000; i++) a.add(b);
        await new Promise(setImmediate);
      }
    };
    await run(100000);
    const warmMB = rss() / MB;
    const samplesMB = [];
    for (let k = 0; k < 6; k++) {
      await run(100000);
      samplesMB.push(rss() / MB);
    }
    return { warmMB, samplesMB, peakMB: Math.max(...samplesMB) };
  }
  const model = smallModel();
  const x = torch.randn(1, 3, 32, 32);
  const keep = scenario === 'control' ? [] : null;
  // Warm-up: allocator pools, JIT code, V8's heap and the garbage that waits between collections reach
  // their working size.
  await calls(model, x, 2000, null);
  const warmMB = rss() / MB;
  const n = scenario === 'control' ? 4000 : 10000;
  const start = Date.now();
  const samplesMB = [];
  for (let done = 0; done < n; done += 1000) {
    await calls(model, x, 1000, keep);
    samplesMB.push(rss() / MB);
  }
  return { calls: n, warmMB, samplesMB, peakMB: Math.max(...samplesMB), afterMB: samplesMB[samplesMB.length - 1],
    seconds: (Date.now() - start) / 1000, kept: keep ? keep.length : 0 };
}

main(process.argv[2]).then((r) => console.log(JSON.stringify(r)), (e) => {
  console.error(e);
  process.exitCode = 1;
});
