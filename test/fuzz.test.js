// The structure-aware fuzzer: fixed-seed mutants of small valid zip, legacy, pickle, safetensors and
// TorchScript files, loaded in capped child processes (scripts/fuzz/). Every mutant must load or throw an
// Error naming the file: no signal, no cap hit, no timeout. The harness itself is checked too: a mutant
// that kills its child is re-run alone and reported, and the run goes on after it.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fuzz, HAS_PRLIMIT } = require('../scripts/fuzz/run');
const { writeSeeds } = require('./support/fuzz-seeds');
const { skip } = require('./helpers');
const { spawnSync } = require('child_process');

const DATA_MUTANTS = 20000;
const TORCHSCRIPT_MUTANTS = 400;

function oracleUsable() {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

describe('fuzzing the checkpoint readers', function () {
  this.timeout(600000);
  let dir;
  let seeds;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'torchvgg-fuzz-'));
    seeds = writeSeeds(dir, { oracle: oracleUsable() });
    if (!HAS_PRLIMIT) console.log('      (no prlimit here: children are capped by --max-old-space-size and the time limit only)');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const report = (r) => `${r.failures.length} failures:\n${JSON.stringify(r.failures.slice(0, 10), null, 1)}`;

  it(`survives ${DATA_MUTANTS} mutants of zip, pickle, legacy and safetensors files: each loads or throws an Error naming the file`, async function () {
    const data = seeds.filter((s) => s.format !== 'torchscript');
    const r = await fuzz({ seeds: data, total: DATA_MUTANTS, seed: 20261128, dir });
    console.log(`      (${r.mutants} mutants in ${r.seconds.toFixed(1)} s: ${JSON.stringify(r.byFormat)})`);
    assert.deepStrictEqual(r.failures, [], report(r));
    assert.strictEqual(r.mutants, DATA_MUTANTS);
    for (const format of ['zip', 'pickle', 'legacy', 'safetensors']) {
      const f = r.byFormat[format];
      assert.ok(f && f.threw > 100 && f.loaded > 10, `${format}: both outcomes occur (${JSON.stringify(f)})`);
    }
  });

  it(`survives ${TORCHSCRIPT_MUTANTS} corrupted TorchScript archives loaded one after another`, async function () {
    const ts = seeds.filter((s) => s.format === 'torchscript');
    if (!ts.length) skip(this, 'the Python oracle that writes the TorchScript seed is not available');
    const r = await fuzz({ seeds: ts, total: TORCHSCRIPT_MUTANTS, seed: 20261128, dir });
    console.log(`      (${r.mutants} mutants in ${r.seconds.toFixed(1)} s: ${JSON.stringify(r.byFormat)})`);
    assert.deepStrictEqual(r.failures, [], report(r));
    assert.strictEqual(r.mutants, TORCHSCRIPT_MUTANTS);
    assert.ok(r.byFormat.torchscript.threw > TORCHSCRIPT_MUTANTS / 2, JSON.stringify(r.byFormat));
  });

  for (const [how, why] of [['segv', /killed by SIGSEGV/], ['hang', /ran past 2000 ms/]]) {
    it(`reports a mutant whose child dies (${how}), re-run alone, and goes on after it`, async function () {
      process.env.TORCHVGG_FUZZ_SELFTEST = `${how}:13`;
      try {
        const r = await fuzz({ seeds, total: 40, perChild: 20, seed: 1, dir, mutantMs: 2000 });
        assert.strictEqual(r.mutants, 40);
        assert.strictEqual(r.failures.length, 1, report(r));
        assert.strictEqual(r.failures[0].k, 13);
        assert.match(r.failures[0].why, why);
        assert.match(r.failures[0].alone, why);
      } finally {
        delete process.env.TORCHVGG_FUZZ_SELFTEST;
      }
    });
  }
});
