// PyTorch's "Transfer Learning for Computer Vision" tutorial (finetuning the convnet), ported line by
// line with VGG in place of ResNet, on a tiny ImageFolder it makes itself (red vs blue squares).
// Run: npx tsc -p examples && node .cache/examples/transfer_learning.js   (npm test runs it)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { torch, nn, optim, models, transforms, datasets, utils } from 'torchvgg';
import type { Tensor } from 'torchvgg';

// The tutorial downloads hymenoptera_data (ants/bees); this makes the same folder layout, tiny.
async function makeData(root: string): Promise<void> {
  const colors: Record<string, [number, number, number]> = { ants: [200, 40, 40], bees: [40, 40, 200] };
  for (const phase of ['train', 'val']) {
    for (const [cls, [r, g, b]] of Object.entries(colors)) {
      fs.mkdirSync(path.join(root, phase, cls), { recursive: true });
      for (let i = 0; i < (phase === 'train' ? 8 : 4); i++) {
        const jitter = (v: number): number => Math.max(0, Math.min(255, v + ((i * 37) % 50) - 25));
        await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: jitter(r), g: jitter(g), b: jitter(b) } } })
          .png().toFile(path.join(root, phase, cls, `${i}.png`));
      }
    }
  }
}

async function main(): Promise<void> {
  torch.manualSeed(0);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hymenoptera-'));
  await makeData(dataDir);

  // Data augmentation and normalization for training; just normalization for validation.
  const dataTransforms = {
    train: new transforms.Compose([
      new transforms.RandomResizedCrop(32),
      new transforms.RandomHorizontalFlip(),
      new transforms.ToTensor(),
      new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ]),
    val: new transforms.Compose([
      new transforms.Resize(36),
      new transforms.CenterCrop(32),
      new transforms.ToTensor(),
      new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ]),
  };
  const phases = ['train', 'val'] as const;
  const imageDatasets = Object.fromEntries(phases.map((x) => [x, new datasets.ImageFolder(path.join(dataDir, x), { transform: dataTransforms[x] })]));
  const dataloaders = Object.fromEntries(phases.map((x) => [x, new utils.data.DataLoader(imageDatasets[x], { batchSize: 4, shuffle: true, numWorkers: 0 })]));
  const datasetSizes = Object.fromEntries(phases.map((x) => [x, imageDatasets[x].length]));
  const classNames = imageDatasets.train.classes;
  console.log(`classes: ${classNames.join(', ')}; sizes: train ${datasetSizes.train}, val ${datasetSizes.val}`);

  async function trainModel(model: nn.Module, criterion: nn.CrossEntropyLoss, optimizer: optim.Optimizer,
    scheduler: optim.LRScheduler, numEpochs = 25): Promise<nn.Module> {
    const since = Date.now();
    let bestModelWts = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
    let bestAcc = 0.0;
    for (let epoch = 0; epoch < numEpochs; epoch++) {
      console.log(`Epoch ${epoch}/${numEpochs - 1}`);
      console.log('-'.repeat(10));
      // Each epoch has a training and validation phase
      for (const phase of phases) {
        if (phase === 'train') model.train(); // Set model to training mode
        else model.eval(); // Set model to evaluate mode
        let runningLoss = 0.0;
        let runningCorrects = 0;
        // Iterate over data.
        for await (const [inputs, labels] of dataloaders[phase]) {
          // zero the parameter gradients
          optimizer.zeroGrad();
          // forward; track history if only in train
          await torch.setGradEnabled(phase === 'train', async () => {
            const outputs: Tensor = model.forward(inputs);
            const [, preds] = torch.max(outputs, 1);
            const loss = criterion.forward(outputs, labels);
            // backward + optimize only if in training phase
            if (phase === 'train') {
              loss.backward();
              optimizer.step();
            }
            // statistics
            runningLoss += (loss.item() as number) * inputs.size(0);
            runningCorrects += torch.sum(preds.eq(labels)).item() as number;
          });
        }
        if (phase === 'train') scheduler.step();
        const epochLoss = runningLoss / datasetSizes[phase];
        const epochAcc = runningCorrects / datasetSizes[phase];
        console.log(`${phase} Loss: ${epochLoss.toFixed(4)} Acc: ${epochAcc.toFixed(4)}`);
        // deep copy the model
        if (phase === 'val' && epochAcc >= bestAcc) {
          bestAcc = epochAcc;
          bestModelWts = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
        }
      }
      console.log();
    }
    const elapsed = (Date.now() - since) / 1000;
    console.log(`Training complete in ${Math.floor(elapsed / 60)}m ${Math.round(elapsed % 60)}s`);
    console.log(`Best val Acc: ${bestAcc.toFixed(4)}`);
    // load best model weights
    model.loadStateDict(bestModelWts);
    return model;
  }

  // Finetuning the convnet: load a model (pretrained weights would come from models.VGG11_Weights.DEFAULT)
  // and reset the final fully connected layer.
  const modelFt = models.vgg11({ initWeights: true });
  const numFtrs = (modelFt.classifier[6] as nn.Linear).inFeatures;
  // Here the size of each output sample is set to 2.
  modelFt.classifier[6] = new nn.Linear(numFtrs, 2);
  const criterion = new nn.CrossEntropyLoss();
  // Observe that all parameters are being optimized
  const optimizerFt = new optim.SGD(modelFt.parameters(), { lr: 0.001, momentum: 0.9 });
  // Decay LR by a factor of 0.1 every 7 epochs
  const expLrScheduler = new optim.lrScheduler.StepLR(optimizerFt, 7, 0.1);
  await trainModel(modelFt, criterion, optimizerFt, expLrScheduler, 2);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
