// PyTorch's "Finetuning Torchvision Models" tutorial, ported line by line with VGG (its `vgg` branch of
// initialize_model), feature extraction on: only the reshaped layer trains. Tiny ImageFolder made here.
// Run: npx tsc -p examples && node .cache/examples/finetuning_torchvision_models.js   (npm test runs it)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { torch, nn, optim, models, transforms, datasets, utils } from 'torchvgg';
import type { Tensor } from 'torchvgg';

const numClasses = 2;      // Number of classes in the dataset
const batchSize = 4;       // Batch size for training (change depending on how much memory you have)
const numEpochs = 2;       // Number of epochs to train for
const featureExtract = true; // When true, only update the reshaped layer params

async function makeData(root: string): Promise<void> {
  for (const phase of ['train', 'val']) {
    for (const [cls, shade] of [['dark', 40], ['light', 215]] as const) {
      fs.mkdirSync(path.join(root, phase, cls), { recursive: true });
      for (let i = 0; i < (phase === 'train' ? 8 : 4); i++) {
        const v = shade + ((i * 13) % 30) - 15;
        await sharp({ create: { width: 36, height: 36, channels: 3, background: { r: v, g: v, b: v } } }).png().toFile(path.join(root, phase, cls, `${i}.png`));
      }
    }
  }
}

async function trainModel(model: nn.Module, dataloaders: Record<string, utils.data.DataLoader>, criterion: nn.CrossEntropyLoss,
  optimizer: optim.Optimizer, epochs: number): Promise<[nn.Module, number[]]> {
  const valAccHistory: number[] = [];
  let bestModelWts = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
  let bestAcc = 0.0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    console.log(`Epoch ${epoch}/${epochs - 1}`);
    for (const phase of ['train', 'val']) {
      if (phase === 'train') model.train();
      else model.eval();
      let runningLoss = 0.0;
      let runningCorrects = 0;
      for await (const [inputs, labels] of dataloaders[phase]) {
        optimizer.zeroGrad();
        await torch.setGradEnabled(phase === 'train', async () => {
          const outputs: Tensor = model.forward(inputs);
          const loss = criterion.forward(outputs, labels);
          const [, preds] = torch.max(outputs, 1);
          if (phase === 'train') {
            loss.backward();
            optimizer.step();
          }
          runningLoss += (loss.item() as number) * inputs.size(0);
          runningCorrects += torch.sum(preds.eq(labels)).item() as number;
        });
      }
      const n = dataloaders[phase].dataset.length;
      const epochAcc = runningCorrects / n;
      console.log(`${phase} Loss: ${(runningLoss / n).toFixed(4)} Acc: ${epochAcc.toFixed(4)}`);
      if (phase === 'val' && epochAcc >= bestAcc) {
        bestAcc = epochAcc;
        bestModelWts = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.clone()]));
      }
      if (phase === 'val') valAccHistory.push(epochAcc);
    }
  }
  console.log(`Best val Acc: ${bestAcc.toFixed(4)}`);
  model.loadStateDict(bestModelWts);
  return [model, valAccHistory];
}

function setParameterRequiresGrad(model: nn.Module, featureExtracting: boolean): void {
  if (featureExtracting) for (const param of model.parameters()) param.requiresGrad = false;
}

function initializeModel(numClassesOut: number, featureExtracting: boolean): [models.VGG, number] {
  // VGG11_bn
  const modelFt = models.vgg11_bn();
  setParameterRequiresGrad(modelFt, featureExtracting);
  const numFtrs = (modelFt.classifier[6] as nn.Linear).inFeatures;
  modelFt.classifier[6] = new nn.Linear(numFtrs, numClassesOut);
  const inputSize = 32;
  return [modelFt, inputSize];
}

async function main(): Promise<void> {
  torch.manualSeed(0);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'finetune-tv-'));
  await makeData(dataDir);
  const [modelFt, inputSize] = initializeModel(numClasses, featureExtract);
  console.log(String(modelFt.classifier));

  const dataTransforms: Record<string, transforms.Compose> = {
    train: new transforms.Compose([new transforms.RandomResizedCrop(inputSize), new transforms.RandomHorizontalFlip(), new transforms.ToTensor(),
      new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]),
    val: new transforms.Compose([new transforms.Resize(inputSize), new transforms.CenterCrop(inputSize), new transforms.ToTensor(),
      new transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])]),
  };
  console.log('Initializing Datasets and Dataloaders...');
  const imageDatasets = Object.fromEntries(['train', 'val'].map((x) => [x, new datasets.ImageFolder(path.join(dataDir, x), { transform: dataTransforms[x] })]));
  const dataloadersDict = Object.fromEntries(['train', 'val'].map((x) => [x, new utils.data.DataLoader(imageDatasets[x], { batchSize, shuffle: true, numWorkers: 0 })]));

  // Gather the parameters to be optimized/updated in this run.
  const paramsToUpdate: Tensor[] = [];
  console.log('Params to learn:');
  for (const [name, param] of modelFt.namedParameters()) {
    if (param.requiresGrad) {
      paramsToUpdate.push(param);
      console.log('\t', name);
    }
  }
  // Observe that all parameters are being optimized
  const optimizerFt = new optim.SGD(paramsToUpdate, { lr: 0.001, momentum: 0.9 });
  const criterion = new nn.CrossEntropyLoss();
  const [, hist] = await trainModel(modelFt, dataloadersDict, criterion, optimizerFt, numEpochs);
  console.log(`val accuracy history: ${hist.map((h) => h.toFixed(2)).join(', ')}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
