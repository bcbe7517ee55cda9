// Run by test/cuda.test.js in a child process: out-of-range indices on CUDA tensors. Without a host-side
// check each would fire a device-side assert that kills the CUDA context, so this runs apart from the
// other tests. Prints one JSON line: for each case, the error's class and message (or 'no error'), then
// whether a CUDA op still works afterwards.
'use strict';
const { torch, nn, optim } = require('../..');

const long = (values) => torch.tensor(values, { dtype: 'int64' }).to('cuda');
const logits = () => torch.randn(2, 10).to('cuda');
const cases = {
  crossEntropy: () => nn.functional.crossEntropy(logits(), long([1, 10])),
  crossEntropyNegative: () => nn.functional.crossEntropy(logits(), long([-3, 1])),
  nllLoss: () => nn.functional.nllLoss(logits().logSoftmax(1), long([0, 12])),
  gather: () => logits().gather(1, long([[0], [10]])),
  scatterAdd: () => torch.zeros(2, 10).to('cuda').scatterAdd(1, long([[0], [11]]), torch.ones(2, 1).to('cuda')),
  oneHot: () => nn.functional.oneHot(long([0, 5]), 3),
  index: () => logits().index(long([0, 2])),
  indexSecondDim: () => logits().index(null, '...', long([9, 10])),
  indexPut: () => logits().indexPut_([long([5])], 1),
};

async function main() {
  const out = {};
  for (const [name, run] of Object.entries(cases)) {
    try {
      const r = run();
      torch.cuda.synchronize();
      out[name] = `no error (${r && r.shape})`;
    } catch (e) {
      out[name] = `${e.constructor.name}: ${e.message}`;
    }
  }
  // trainStep rejects (its check runs on the executor thread).
  const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 4)).to('cuda');
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  try {
    await optim.trainStep({ model, optimizer: opt, input: torch.randn(2, 12).to('cuda'), target: long([0, 4]) });
    out.trainStep = 'no error';
  } catch (e) {
    out.trainStep = `${e.constructor.name}: ${e.message}`;
  }
  // The context is alive: a CUDA op after all of the above still gives the right answer.
  out.after = torch.ones(4).to('cuda').mul(3).sum().item();
  console.log(JSON.stringify(out));
}
main().catch((e) => { console.log(JSON.stringify({ fatal: String(e && e.stack) })); process.exit(1); });
