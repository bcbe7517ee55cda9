// The transfer-learning loop behind `torchvgg finetune` and `npm start`: train a VGG (or only its
// classifier, on features computed once) with the async trainStep, so the event loop stays free.
import { Tensor } from '../torch/tensor';
import * as torch from '../torch/factories';
import { VGG } from '../models/vgg';
import { Module } from '../nn/module';
import { Optimizer, SGD, Adam, trainStep } from '../optim';
import { DataLoader } from '../data/dataloader';
import { Generator as Rng } from '../data/random';
import type { Dataset } from '../data/datasets';
import { ProgressBar } from './progress';

export interface FinetuneOptions {
  model: VGG;
  train: Dataset;
  val?: Dataset;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  optimizer?: 'adam' | 'sgd';
  /** Train only the classifier on features computed once (valid when `features` is frozen). */
  cacheFeatures?: boolean;
  seed?: number;
  numWorkers?: number;
  /** Label printed before each epoch's progress bar. */
  label?: string;
  quiet?: boolean;
}

export interface EpochReport { epoch: number; loss: number; accuracy: number; valAccuracy: number | null; imagesPerSec: number }

/** Features after `features` and `avgpool`, flattened: what classifier[0] sees. Runs off the main thread. */
export async function extractFeatures(model: VGG, dataset: Dataset, batchSize = 64, numWorkers = 0): Promise<[Tensor, Tensor]> {
  const wasTraining = model.training;
  model.eval();
  const feats: Tensor[] = [];
  const labels: Tensor[] = [];
  const head = model.avgpool;
  for await (const [x, y] of new DataLoader(dataset, { batchSize, numWorkers, seed: 0 })) {
    const f = await head.forwardAsync(await model.features.forwardAsync(x));
    feats.push(f.reshape(f.size(0), -1));
    labels.push(y);
  }
  model.train(wasTraining);
  // cat() outside inference mode gives ordinary tensors, usable for training the classifier.
  return [torch.cat(feats), torch.cat(labels)];
}

/** Top-1 accuracy of `model` over `dataset` (or over precomputed [inputs, labels]). */
export async function evaluate(model: Module, data: Dataset | [Tensor, Tensor], batchSize = 64): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  let total = 0;
  const count = (logits: Tensor, y: Tensor): void => {
    correct += logits.argmax(1).eq(y).sum().item() as number;
    total += y.size(0);
  };
  if (Array.isArray(data)) {
    for (const [x, y] of tensorBatches(data, batchSize)) count(await model.forwardAsync(x), y);
  } else {
    for await (const [x, y] of new DataLoader(data, { batchSize, seed: 0 })) count(await model.forwardAsync(x), y);
  }
  model.train(wasTraining);
  return total ? correct / total : 0;
}

function* tensorBatches([x, y]: [Tensor, Tensor], batchSize: number, order?: number[]): Generator<[Tensor, Tensor]> {
  const n = y.size(0);
  const idx = order ?? Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i += batchSize) {
    const part = idx.slice(i, i + batchSize);
    yield [x.indexSelect(0, part), y.indexSelect(0, part)];
  }
}

export async function finetune(o: FinetuneOptions): Promise<EpochReport[]> {
  const { model, epochs = 3, lr = 1e-3, batchSize = 32, seed = 0, numWorkers = 0 } = o;
  const frozen = model.features.parameters().every((p) => !p.requiresGrad);
  if (o.cacheFeatures && !frozen) throw new Error('cacheFeatures needs frozen features (model.features.requiresGrad_(false))');
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  const optimizer: Optimizer = o.optimizer === 'sgd'
    ? new SGD(trainable, { lr, momentum: 0.9 })
    : new Adam(trainable, { lr });

  // With frozen features, computing them once turns every later epoch into classifier-only work.
  const cached = o.cacheFeatures ? await extractFeatures(model, o.train, 64, numWorkers) : null;
  const cachedVal = o.cacheFeatures && o.val ? await extractFeatures(model, o.val, 64, numWorkers) : null;
  const net: Module = cached ? model.classifier : model;
  const loader = cached ? null : new DataLoader(o.train, { batchSize, shuffle: true, numWorkers, seed });

  const reports: EpochReport[] = [];
  model.train();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const n = o.train.length;
    const bar = new ProgressBar(`${o.label ?? 'epoch'} ${epoch}/${epochs}`, n);
    let seen = 0;
    let lossSum = 0;
    let correct = 0;
    const started = Date.now();
    const batches = cached ? tensorBatches(cached, batchSize, new Rng(seed + epoch).randperm(n)) : loader!;
    for await (const [x, y] of batches) {
      const r = await trainStep({ model: net, optimizer, input: x, target: y });
      seen += y.size(0);
      lossSum += r.loss * y.size(0);
      correct += r.correct;
      const rate = seen / ((Date.now() - started) / 1000);
      if (!o.quiet) bar.update(seen, { loss: (lossSum / seen).toFixed(4), acc: `${((100 * correct) / seen).toFixed(1)}%`, 'img/s': rate.toFixed(1) });
    }
    const valAccuracy = o.val ? await evaluate(net, cachedVal ?? o.val, 64) : null;
    const report = {
      epoch, loss: lossSum / seen, accuracy: correct / seen, valAccuracy,
      imagesPerSec: seen / ((Date.now() - started) / 1000),
    };
    reports.push(report);
    if (!o.quiet) {
      bar.finish({
        loss: report.loss.toFixed(4), acc: `${(100 * report.accuracy).toFixed(1)}%`,
        ...(valAccuracy === null ? {} : { 'val acc': `${(100 * valAccuracy).toFixed(1)}%` }),
        'img/s': report.imagesPerSec.toFixed(1),
      });
    }
  }
  model.eval();
  return reports;
}
