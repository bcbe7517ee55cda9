// bf16 accuracy on the oracle's inputs (prepare.py): torchvgg's bf16 channels_last logits against its
// fp32 logits, and torchvgg's fp32 logits against the oracle's, as max |a - b| / max |b| over the whole
// batch (the measure the tests use), plus how many images keep their top-5 classes in the same order.
// The bench weights are torchvision's random init (no pretrained weights offline), whose logits lie close
// together; so the same figures for PyTorch's own bf16, and the smallest gap between the 5th and 6th
// logit, are reported beside them: a top-5 change where the gap is below bf16's rounding is not a defect.
'use strict';
const fs = require('fs');
// max |a - b| / max |b|, the same measure the tests use
const { relativeError } = require('../../test/helpers');
const { torch } = require('../..');

function readAccuracyInputs(binPath, jsonPath) {
  const buf = fs.readFileSync(binPath);
  const out = {};
  for (const e of JSON.parse(fs.readFileSync(jsonPath, 'utf8'))) {
    out[e.name] = torch.frombuffer(buf, { dtype: e.dtype, offset: e.offset, count: e.nbytes / 4 }).reshape(e.shape);
  }
  return out;
}

/** How many rows have the same top-5 indices, in the same order. */
function sameTop5(a, b) {
  const ia = a.topk(5, 1)[1].tolist();
  const ib = b.topk(5, 1)[1].tolist();
  return ia.filter((row, n) => row.every((c, k) => c === ib[n][k])).length;
}

/** The smallest (5th - 6th largest logit) / max |logit| over the images. */
function top5Margin(logits) {
  const scale = logits.abs().toTypedArray().reduce((m, v) => Math.max(m, v), 0);
  const values = logits.topk(6, 1)[0].tolist();
  return Math.min(...values.map((row) => row[4] - row[5])) / scale;
}

/** fp32Model: the eval() fp32 VGG16; bf16Model: the same weights in bf16 channels_last. */
async function bf16Accuracy({ fp32Model, bf16Model, inputs }) {
  const { input, logits: oracle, logits_bf16: oracleBf16 } = inputs;
  const fp32 = await fp32Model.forwardAsync(input);
  const xb = input.to({ dtype: torch.bfloat16, memoryFormat: torch.channelsLast });
  const bf16 = (await bf16Model.forwardAsync(xb)).to('float32');
  return {
    images: input.shape[0],
    bf16VsFp32: relativeError(bf16, fp32),
    top5Same: sameTop5(bf16, fp32),
    fp32VsOracle: relativeError(fp32, oracle),
    fp32Top5SameAsOracle: sameTop5(fp32, oracle),
    pythonBf16VsFp32: relativeError(oracleBf16, oracle),
    pythonBf16Top5Same: sameTop5(oracleBf16, oracle),
    bf16VsPythonBf16: relativeError(bf16, oracleBf16),
    top5Margin: top5Margin(fp32),
  };
}

module.exports = { readAccuracyInputs, bf16Accuracy };
