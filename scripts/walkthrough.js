#!/usr/bin/env node
// `npm start`: the seed article's walkthrough (shared/seed) in Node — build VGG16, print it, list its
// named parameters, replace classifier[6] with a Linear for our own classes, freeze the features,
// and run the model forward, synchronously and off the main thread.
'use strict';
const { torch, nn, models } = require('..');

const NUM_CLASSES = 4;
const line = (title) => console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);

async function main() {
  line('1. vgg16 = models.vgg16(); print(vgg16)');
  torch.manualSeed(0);
  const vgg16 = models.vgg16();
  console.log(vgg16);

  line('2. for name, param in vgg16.named_parameters(): print(name, param.numel())');
  let total = 0;
  for (const [name, param] of vgg16.namedParameters()) {
    console.log(name, param.numel());
    total += param.numel();
  }
  console.log(`total parameters: ${total.toLocaleString('en-US')}`);

  line(`3. vgg16.classifier[6] = nn.Linear(4096, ${NUM_CLASSES})`);
  vgg16.classifier[6] = new nn.Linear(4096, NUM_CLASSES);
  console.log(vgg16.classifier);

  line('4. for param in vgg16.features.parameters(): param.requires_grad = False');
  for (const param of vgg16.features.parameters()) param.requiresGrad = false;
  const count = (params) => params.reduce((n, p) => n + p.numel(), 0).toLocaleString('en-US');
  const trainable = vgg16.parameters().filter((p) => p.requiresGrad);
  console.log(`trainable parameters: ${count(trainable)} of ${count(vgg16.parameters())} `
    + `(features frozen; classifier ends in ${NUM_CLASSES} classes)`);
  console.log('classifier.6.weight', vgg16.stateDict()['classifier.6.weight'].shape);

  line('5. vgg16.eval(); out = vgg16(torch.randn(2, 3, 224, 224))');
  vgg16.eval();
  const x = torch.randn(2, 3, 224, 224);
  let t = process.hrtime.bigint();
  const out = vgg16.forward(x);
  const syncMs = Number(process.hrtime.bigint() - t) / 1e6;
  console.log('output shape', out.shape, `(forward, ${syncMs.toFixed(0)} ms on ${torch.getNumThreads()} threads)`);
  console.log('softmax', out.softmax(1));

  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 10);
  t = process.hrtime.bigint();
  const outAsync = await vgg16.forwardAsync(x);
  clearInterval(timer);
  const asyncMs = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`forwardAsync: same result: ${outAsync.allclose(out, { rtol: 1e-5, atol: 1e-6 })}; `
    + `${asyncMs.toFixed(0)} ms, during which a 10 ms timer fired ${ticks} times (the event loop stayed free)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
