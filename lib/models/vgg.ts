// torchvision.models.vgg11 ... vgg19_bn. The architecture, names and init live in native/vgg.cc.
import { native } from '../native';
import { Module, moduleView, registerModuleClass, unwrapModule } from '../nn/module';
import { Sequential } from '../nn/modules/container';
import { AdaptiveAvgPool2d } from '../nn/modules/pooling';
import { int, num, options } from '../nn/args';
import { Weights, loadWeights, namedWeights } from './weights';

export interface VGGOptions {
  /** Size of the last layer (default 1000, ImageNet). */
  numClasses?: number;
  /** Dropout probability in the classifier (default 0.5). */
  dropout?: number;
  /** torchvision's initialisation (default true); false leaves PyTorch's per-layer defaults. */
  initWeights?: boolean;
  /** A checkpoint path, or 'IMAGENET1K_V1' / 'DEFAULT' (hub cache, downloaded if absent), or a Weights object. */
  weights?: string | Weights;
  /** Show a progress bar on stderr while downloading weights (default true). */
  progress?: boolean;
}

export class VGG extends Module {
  get features(): Sequential { return this.child('features') as Sequential; }
  set features(m: Sequential) { this._native.setChild('features', unwrapModule(m, 'features')); }
  get avgpool(): AdaptiveAvgPool2d { return this.child('avgpool') as AdaptiveAvgPool2d; }
  set avgpool(m: AdaptiveAvgPool2d) { this._native.setChild('avgpool', unwrapModule(m, 'avgpool')); }
  get classifier(): Sequential { return this.child('classifier') as Sequential; }
  set classifier(m: Sequential) { this._native.setChild('classifier', unwrapModule(m, 'classifier')); }

  /** The same as model.classifier[index] = module. */
  setClassifierLayer(index: number, module: Module): this {
    this.classifier.set(index, module);
    return this;
  }

  private child(name: string): Module {
    const hit = this._native.namedChildren().find(([k]) => k === name);
    return moduleView(hit![1]);
  }
}
registerModuleClass('VGG', VGG);

function build(cfg: 'A' | 'B' | 'D' | 'E', batchNorm: boolean, opts?: VGGOptions): VGG {
  const o = options(opts, 'vgg');
  const arch = { A: 'vgg11', B: 'vgg13', D: 'vgg16', E: 'vgg19' }[cfg] + (batchNorm ? '_bn' : '');
  const named = o.weights === undefined ? undefined : namedWeights(arch, o.weights);
  if (named?.meta.categories && o.numClasses !== undefined && o.numClasses !== named.meta.categories.length) {
    throw new Error(`The parameter 'numClasses' expected value ${named.meta.categories.length} but got ${o.numClasses} instead.`);
  }
  const handle = native.createModule('VGG', {
    cfg, batchNorm, numClasses: int(o.numClasses ?? 1000, 'numClasses', 1),
    dropout: num(o.dropout ?? 0.5, 'dropout'), initWeights: o.weights === undefined ? (o.initWeights ?? true) : false,
  });
  const model = moduleView(handle) as VGG;
  if (o.weights !== undefined) loadWeights(model, arch, o.weights, { progress: o.progress });
  return model;
}

export const vgg11 = (opts?: VGGOptions): VGG => build('A', false, opts);
export const vgg11_bn = (opts?: VGGOptions): VGG => build('A', true, opts);
export const vgg13 = (opts?: VGGOptions): VGG => build('B', false, opts);
export const vgg13_bn = (opts?: VGGOptions): VGG => build('B', true, opts);
export const vgg16 = (opts?: VGGOptions): VGG => build('D', false, opts);
export const vgg16_bn = (opts?: VGGOptions): VGG => build('D', true, opts);
export const vgg19 = (opts?: VGGOptions): VGG => build('E', false, opts);
export const vgg19_bn = (opts?: VGGOptions): VGG => build('E', true, opts);
