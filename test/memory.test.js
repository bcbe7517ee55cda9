// Memory stays flat under sustained async inference, and dispose() gives memory back at once.
// Each measurement runs in its own Node process (test/support/memory-child.js), so the RSS seen is
// that scenario's alone, not the garbage of the tests before it.
'use strict';
const assert = require('assert');
const { execFileSync } = require('child_process');
const path = require('path');
const { skip } = require('./helpers');

const CHILD = path.join(__dirname, 'support', 'memory-child.js');
// RSS may rise this much above the warmed-up level over 10,000 calls. Leaking every result would add
// 10,000 × 64 KiB = 625 MiB. Dead results are freed by the collector, which V8 runs about every 64 MB of
// reported external memory, so up to that much garbage can be waiting at any sample.
const FLAT_LIMIT_MB = 100;

function runChild(scenario, env = {}) {
  const out = execFileSync(process.execPath, [CHILD, scenario], { encoding: 'utf8', timeout: 120000, env: { ...process.env, ...env } });
  return JSON.parse(out.trim().split('\n').pop());
}

describe('memory', () => {
  it('sees a leak when results are kept (the control for the next test)', () => {
    const r = runChild('control');
    const grewMB = r.afterMB - r.warmMB;
    // 4,000 kept results hold 250 MiB (some of it lands in memory freed by the warm-up's garbage). The
    // next test's limit must catch a leak of even these 4,000 of its 10,000 calls, or it proves nothing.
    assert.ok(grewMB > FLAT_LIMIT_MB, `RSS grew only ${grewMB.toFixed(1)} MB while ${r.kept} results were kept`);
  });

  it('keeps RSS flat over 10,000 forwardAsync calls with no dispose()', () => {
    const r = runChild('leak-check');
    const grewMB = r.peakMB - r.warmMB;
    assert.ok(grewMB <= FLAT_LIMIT_MB, `RSS grew ${grewMB.toFixed(1)} MB (warm ${r.warmMB.toFixed(0)} MB, samples ${r.samplesMB.map((v) => v.toFixed(0)).join(' ')})`);
  });

  // Results held only by JS are freed through a FinalizationRegistry, which V8 serves in full collections only,
  // scheduled by heap and external memory; the addon reports small tensors' memory in 1 MB steps for that.
  // Unreported, 600,000 dropped tiny results held ~300 MB here; reported, growth stays within the limit.
  it('keeps RSS flat over 600,000 tiny ops whose results are dropped', () => {
    const r = runChild('tiny-ops');
    const grewMB = r.peakMB - r.warmMB;
    assert.ok(grewMB <= FLAT_LIMIT_MB, `RSS grew ${grewMB.toFixed(1)} MB (warm ${r.warmMB.toFixed(0)} MB, samples ${r.samplesMB.map((v) => v.toFixed(0)).join(' ')})`);
  });

  it('gives a disposed 200 MB tensor back to the system at once, without a collection', () => {
    const r = runChild('dispose');
    assert.ok(r.filledMB - r.beforeMB >= 190, `filling 200 MiB raised RSS by only ${(r.filledMB - r.beforeMB).toFixed(0)} MB`);
    // Within 300 ms at most (the first sample is taken right after dispose()); nothing here runs gc.
    const released = r.samples.find((s) => s.rssMB - r.beforeMB <= 20);
    assert.ok(released, `RSS after dispose(): ${r.samples.map((s) => `${s.ms} ms ${s.rssMB.toFixed(0)} MB`).join(', ')} (before: ${r.beforeMB.toFixed(0)} MB)`);
  });

  // A 64 MiB block is mapped afresh by glibc each time: 16,384 faults of 4 KiB to fill it, unless the
  // allocator asked for huge pages (core/memory.cc), when it is 32 faults of 2 MiB (plus a few small ones).
  it('fills a fresh 64 MiB tensor with huge pages: a few dozen page faults, not 16,384', function () {
    const off = runChild('faults', { TORCHVGG_HUGEPAGES: '0' });
    assert.strictEqual(off.hugePages, 'off');
    // The control: without the advice the same fill faults every 4 KiB page, so the next check can fail.
    assert.ok(Math.min(...off.faults) >= 16000, `libtorch's own allocator: ${off.faults.join(', ')} faults per fill`);
    const on = runChild('faults');
    if (on.system === 'never' || on.system === 'unknown') {
      skip(this, `the kernel gives no transparent huge pages here (THP mode: ${on.system})`);
    }
    assert.strictEqual(on.hugePages, 'madvise');
    // Some fills may get small pages where the kernel has no free huge page at hand; most must not.
    const few = on.faults.filter((n) => n < 1000);
    assert.ok(few.length >= 3, `with huge pages asked for: ${on.faults.join(', ')} faults per fill`);
  });
});

