// Compiled by test/packaging.test.mjs: the seed walkthrough typed against the published declarations.
import { torch, nn, models, Tensor } from '../..';

const model: models.VGG = models.vgg16({ numClasses: 10, dropout: 0.2 });
const head: nn.Module = model.classifier.at(-1);
model.classifier[6] = new nn.Linear(4096, 3);
model.features.requiresGrad_(false);
const named: [string, Tensor][] = model.namedParameters();
const x: Tensor = torch.randn(1, 3, 32, 32, { dtype: torch.float32 });
const y: Tensor = model.eval().forward(x);
const p: Promise<Tensor> = model.forwardAsync(x);
const shape: number[] = y.shape;
console.log(head, named.length, shape, p);
