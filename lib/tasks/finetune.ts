// Transfer learning: train a model (or only its tail, on embeddings computed once) with the async trainStep.
import { Tensor } from '../torch/tensor';
import * as torch from '../torch/factories';
import { Module } from '../nn/module';
import { Optimizer, SGD, Adam, trainStep } from '../optim';
import { DataLoader } from '../data/dataloader';
import { Generator as Rng } from '../data/random';
import type { Dataset } from '../data/datasets';
import { familyOf } from '../models/registry';
import type { Classifier } from '../models/family';
import { bool, describe, int, number, oneOf, options, string } from '../check';
import { ProgressBar } from './progress';
import { evaluate, checkDataset } from './evaluate';
import { tensorBatches } from './batches';

/** Options of {@link finetune}. */
export interface FinetuneOptions {
  /** A torchvgg model (models.getModel(...)), usually after model.replaceHead(numClasses). */
  model: Module;
  train: Dataset;
  val?: Dataset;
  /** 'backbone' freezes what the model's family declares as its backbone; 'none' trains every
   *  parameter; absent leaves requiresGrad as it is. */
  freeze?: 'backbone' | 'none';
  epochs?: number;
  lr?: number;
  batchSize?: number;
  optimizer?: 'adam' | 'sgd';
  /** Train only the model's tail on embeddings computed once (needs everything before the tail frozen). */
  cacheFeatures?: boolean;
  seed?: number;
  numWorkers?: number;
  /** Label printed before each epoch's progress bar. */
  label?: string;
  quiet?: boolean;
}
const KEYS = ['model', 'train', 'val', 'freeze', 'epochs', 'lr', 'batchSize', 'optimizer', 'cacheFeatures', 'seed',
  'numWorkers', 'label', 'quiet'] as const;

/** What {@link finetune} reports after each epoch. */
export interface EpochReport { epoch: number; loss: number; accuracy: number; valAccuracy: number | null; imagesPerSec: number }

/**
 * [async] What the model's trainable tail sees for each sample of `dataset` (its family's embed()), with
 * the labels. Runs off the main thread, in eval mode.
 * torchvgg's own (the "train on cached embeddings" step of transfer learning).
 * @throws Rejects with TypeError when model is not one of torchvgg's models or dataset is not a dataset; what the
 * dataset and the forward pass throw.
 */
export async function extractFeatures(model: Module, dataset: Dataset, opts?: { batchSize?: number; numWorkers?: number }): Promise<[Tensor, Tensor]> {
  const family = familyOf(model);
  const o = options(opts, 'extractFeatures options', ['batchSize', 'numWorkers']);
  const loader = new DataLoader(checkDataset(dataset, 'dataset'), {
    batchSize: int(o.batchSize ?? 64, 'batchSize', { min: 1 }), numWorkers: int(o.numWorkers ?? 0, 'numWorkers', { min: 0 }), seed: 0,
  });
  const wasTraining = model.training;
  model.eval();
  const embeddings: Tensor[] = [];
  const labels: Tensor[] = [];
  try {
    for await (const [x, y] of loader) {
      embeddings.push(await family.embed(model as Classifier, x));
      labels.push(y);
    }
  } finally {
    model.train(wasTraining);
  }
  // cat() outside inference mode gives ordinary tensors, usable for training the tail.
  return [torch.cat(embeddings), torch.cat(labels)];
}

/**
 * [async] Trains `model` for `epochs`, reporting loss, accuracy and validation accuracy per epoch; leaves it in eval mode.
 * torchvgg's own: the seed article's `train_model` loop (and torchvision's reference recipe) as one call.
 * @throws Rejects with TypeError for missing or mistyped options, a non-Module model or a non-dataset; RangeError for
 * an empty training set or an option out of range; Error when nothing is trainable or cacheFeatures meets an
 * unfrozen backbone; what the datasets and the forward pass throw.
 * @example
 * ```ts
 * const model = models.vgg16({ weights: 'DEFAULT' });
 * model.replaceHead(train.classes.length);
 * const reports = await tasks.finetune({ model, train, val, epochs: 3, freeze: 'backbone' });
 * ```
 */
export async function finetune(opts: FinetuneOptions): Promise<EpochReport[]> {
  if (opts === undefined) throw new TypeError('finetune takes an options object { model, train, ... }; got undefined');
  const o = options(opts, 'finetune options', KEYS);
  if (!(o.model instanceof Module)) throw new TypeError(`model must be an nn.Module; got ${describe(o.model)}`);
  const model = o.model;
  const train = checkDataset(o.train, 'train');
  if (train.length === 0) throw new RangeError('finetune: train has no samples');
  const val = o.val === undefined ? undefined : checkDataset(o.val, 'val');
  const epochs = int(o.epochs ?? 3, 'epochs', { min: 1 });
  const lr = number(o.lr ?? 1e-3, 'lr', { min: 0 });
  const batchSize = int(o.batchSize ?? 32, 'batchSize', { min: 1 });
  const seed = int(o.seed ?? 0, 'seed');
  const numWorkers = int(o.numWorkers ?? 0, 'numWorkers', { min: 0 });
  const cacheFeatures = bool(o.cacheFeatures ?? false, 'cacheFeatures');
  const quiet = bool(o.quiet ?? false, 'quiet');
  const label = string(o.label ?? 'epoch', 'label');
  const kind = oneOf(o.optimizer ?? 'adam', 'optimizer', ['adam', 'sgd'] as const);
  const freeze = o.freeze === undefined ? undefined : oneOf(o.freeze, 'freeze', ['backbone', 'none'] as const);
  if (freeze === 'none') model.requiresGrad_(true);
  if (freeze === 'backbone') model.getSubmodule(familyOf(model).backbone).requiresGrad_(false);

  // Only a model of a known family has a backbone and a tail; any Module trains whole.
  const tail = cacheFeatures ? model.getSubmodule(familyOf(model).tail) : model;
  if (cacheFeatures) {
    const inTail = `${familyOf(model).tail}.`;
    const unfrozen = model.namedParameters().find(([n, p]) => !n.startsWith(inTail) && p.requiresGrad);
    if (unfrozen) throw new Error(`cacheFeatures needs a frozen backbone (freeze: 'backbone'), but ${unfrozen[0]} is trainable`);
  }
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  if (!trainable.length) throw new Error('finetune: the model has no trainable parameters');
  const optimizer: Optimizer = kind === 'sgd' ? new SGD(trainable, { lr, momentum: 0.9 }) : new Adam(trainable, { lr });

  // With a frozen backbone, embedding once turns every later epoch into tail-only work.
  const cached = cacheFeatures ? await extractFeatures(model, train, { numWorkers }) : null;
  const cachedVal = cacheFeatures && val ? await extractFeatures(model, val, { numWorkers }) : null;
  const net: Module = cached ? tail : model;
  const loader = cached ? null : new DataLoader(train, { batchSize, shuffle: true, numWorkers, seed });

  const reports: EpochReport[] = [];
  model.train();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const n = train.length;
    const bar = new ProgressBar(`${label} ${epoch}/${epochs}`, n);
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
      if (!quiet) bar.update(seen, { loss: (lossSum / seen).toFixed(4), acc: `${((100 * correct) / seen).toFixed(1)}%`, 'img/s': rate.toFixed(1) });
    }
    const valAccuracy = val ? await evaluate(net, cachedVal ?? val, { batchSize: 64 }) : null;
    const report = {
      epoch, loss: seen ? lossSum / seen : NaN, accuracy: seen ? correct / seen : 0, valAccuracy,
      imagesPerSec: seen / ((Date.now() - started) / 1000),
    };
    reports.push(report);
    if (!quiet) {
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
