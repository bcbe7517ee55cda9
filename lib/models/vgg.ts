// torchvision.models.vgg11 ... vgg19_bn and the VGG family's declaration. The architecture, names and init live in native/models/vgg.cc.
import { native } from '../native';
import { Module, moduleView, registerModuleClass, unwrapModule } from '../nn/module';
import { Sequential } from '../nn/modules/container';
import '../nn/modules/container'; // loaded for its view class even where Sequential is used only as a type
import { AdaptiveAvgPool2d } from '../nn/modules/pooling';
import { Linear } from '../nn/modules/linear';
import * as check from '../check';
import type { Tensor } from '../torch/tensor';
import { noGrad } from '../torch/autograd';
import { Weights, WeightsEnum, loadWeights, namedWeights } from './weights';
import {
  VGG11_Weights, VGG11_BN_Weights, VGG13_Weights, VGG13_BN_Weights, VGG16_Weights, VGG16_BN_Weights,
  VGG19_Weights, VGG19_BN_Weights,
} from './vgg_weights';
import type { ModelFamily } from './family';

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
const OPTION_KEYS = ['numClasses', 'dropout', 'initWeights', 'weights', 'progress'] as const;

// What the family declares about its module tree (see ModelFamily).
const HEAD = 'classifier.6';
const BACKBONE = 'features';
const TAIL = 'classifier';

/**
 * The VGG network: `features` (convolutions and max-pools), `avgpool` (adaptive 7×7) and `classifier`
 * (three Linear layers with ReLU and Dropout). Build one with {@link vgg16} and friends rather than `new`.
 * Mirrors `torchvision.models.VGG`.
 *
 * Names, printing and the state dict layout are torchvision's (`features.0.weight`, `classifier.6.bias`), so
 * checkpoints move between the two unchanged.
 * @example
 * ```ts
 * import { models, nn } from 'torchvgg';
 * const model = models.vgg16({ weights: 'DEFAULT' });
 * console.log(String(model));                  // prints what Python's print(model) prints
 * for (const p of model.features.parameters()) p.requiresGrad = false;
 * model.classifier.set(6, new nn.Linear(4096, 10));
 * ```
 */
export class VGG extends Module {
  /**
   * The convolutional backbone (13 convolutions for VGG16). Mirrors `VGG.features`.
   * @throws Error with code `ERR_TORCHVGG_MODULE_BUSY` when set while an async job uses the model.
   */
  get features(): Sequential { return this.child('features') as Sequential; }
  set features(m: Sequential) { this._native.setChild('features', unwrapModule(m, 'features')); }
  /** The adaptive average pool to 7×7 between features and classifier. Mirrors `VGG.avgpool`. */
  get avgpool(): AdaptiveAvgPool2d { return this.child('avgpool') as AdaptiveAvgPool2d; }
  set avgpool(m: AdaptiveAvgPool2d) { this._native.setChild('avgpool', unwrapModule(m, 'avgpool')); }
  /**
   * The head: Linear(25088, 4096), ReLU, Dropout, Linear(4096, 4096), ReLU, Dropout, Linear(4096, numClasses).
   * Mirrors `VGG.classifier`.
   */
  get classifier(): Sequential { return this.child('classifier') as Sequential; }
  set classifier(m: Sequential) { this._native.setChild('classifier', unwrapModule(m, 'classifier')); }

  /**
   * The same as model.classifier[index] = module.
   * @throws TypeError when `module` is not an nn.Module; RangeError for an index outside the classifier.
   * Mirrors Python's `model.classifier[index] = module`.
   */
  setClassifierLayer(index: number, module: Module): this {
    this.classifier.set(index, module);
    return this;
  }

  /**
   * Swaps the last layer (classifier[6]) for a new Linear with `numClasses` outputs and the old layer's
   * in_features, and returns it: Python's `model.classifier[6] = nn.Linear(4096, numClasses)`.
   * @throws TypeError when numClasses is not an integer or classifier[6] is not a Linear; RangeError when it is below 1.
   * @example
   * ```ts
   * const model = models.vgg16({ weights: 'DEFAULT' });
   * const head = model.replaceHead(2);   // classifier.6 is now Linear(4096, 2), trainable
   * ```
   * Mirrors the seed article's `model.classifier[6] = nn.Linear(4096, num_classes)`.
   */
  replaceHead(numClasses: number): Linear {
    const n = check.int(numClasses, 'numClasses', { min: 1 });
    const old = this.getSubmodule(HEAD);
    if (!(old instanceof Linear)) throw new TypeError(`replaceHead: ${HEAD} must be a Linear to read its in_features; it is ${old.typeName}`);
    const head = new Linear(old.inFeatures, n);
    this.classifier.set(6, head); // HEAD
    return head;
  }

  private child(name: string): Module {
    const hit = this._native.namedChildren().find(([k]) => k === name);
    return moduleView(hit![1]);
  }
}
registerModuleClass('VGG', VGG);

const WEIGHTS: Record<string, WeightsEnum> = {
  vgg11: VGG11_Weights, vgg11_bn: VGG11_BN_Weights, vgg13: VGG13_Weights, vgg13_bn: VGG13_BN_Weights,
  vgg16: VGG16_Weights, vgg16_bn: VGG16_BN_Weights, vgg19: VGG19_Weights, vgg19_bn: VGG19_BN_Weights,
};

function build(cfg: 'A' | 'B' | 'D' | 'E', batchNorm: boolean, opts?: VGGOptions): VGG {
  const o = check.options(opts, 'vgg options', OPTION_KEYS);
  const arch = { A: 'vgg11', B: 'vgg13', D: 'vgg16', E: 'vgg19' }[cfg] + (batchNorm ? '_bn' : '');
  // Older torchvision named the _bn weights IMAGENET1K_BN_V1.
  const aliases: Record<string, string> = batchNorm ? { IMAGENET1K_BN_V1: 'IMAGENET1K_V1' } : {};
  const weightsOpts = { owner: arch, aliases, progress: o.progress };
  const named = o.weights === undefined ? undefined : namedWeights(WEIGHTS[arch], o.weights, arch, weightsOpts.aliases);
  if (named?.meta.categories && o.numClasses !== undefined && o.numClasses !== named.meta.categories.length) {
    throw new Error(`The parameter 'numClasses' expected value ${named.meta.categories.length} but got ${o.numClasses} instead.`);
  }
  // Options left undefined take the defaults of native/models/vgg.cc (numClasses 1000, dropout 0.5).
  const handle = native.createModule('VGG', {
    cfg, batchNorm, numClasses: o.numClasses === undefined ? undefined : check.int(o.numClasses, 'numClasses', { min: 1 }),
    dropout: o.dropout === undefined ? undefined : check.number(o.dropout, 'dropout', { min: 0, max: 1 }),
    initWeights: o.weights === undefined ? (o.initWeights === undefined ? undefined : check.bool(o.initWeights, 'initWeights')) : false,
  });
  const model = moduleView(handle) as VGG;
  if (o.weights !== undefined) loadWeights(model, WEIGHTS[arch], o.weights, weightsOpts);
  return model;
}

/**
 * VGG 11-layer model (configuration "A"). Mirrors `torchvision.models.vgg11`.
 * @throws TypeError for an unknown option or a wrong option type; RangeError for numClasses < 1 or dropout outside [0, 1];
 * Error when the weights cannot be found, downloaded or loaded, or numClasses disagrees with the weights' categories.
 */
export const vgg11 = (opts?: VGGOptions): VGG => build('A', false, opts);
/**
 * VGG 11-layer model with batch normalization. Mirrors `torchvision.models.vgg11_bn`.
 * @throws The same as {@link vgg11}.
 */
export const vgg11_bn = (opts?: VGGOptions): VGG => build('A', true, opts);
/**
 * VGG 13-layer model (configuration "B"). Mirrors `torchvision.models.vgg13`.
 * @throws The same as {@link vgg11}.
 */
export const vgg13 = (opts?: VGGOptions): VGG => build('B', false, opts);
/**
 * VGG 13-layer model with batch normalization. Mirrors `torchvision.models.vgg13_bn`.
 * @throws The same as {@link vgg11}.
 */
export const vgg13_bn = (opts?: VGGOptions): VGG => build('B', true, opts);
/**
 * VGG 16-layer model (configuration "D"), the seed article's model. Mirrors `torchvision.models.vgg16`.
 * @throws The same as {@link vgg11}.
 * @example
 * ```ts
 * import { models, torch } from 'torchvgg';
 * const model = models.vgg16({ weights: 'IMAGENET1K_V1' }).eval();   // downloads to the torch hub cache once
 * const logits = await model.forwardAsync(torch.randn(1, 3, 224, 224));
 * ```
 */
export const vgg16 = (opts?: VGGOptions): VGG => build('D', false, opts);
/**
 * VGG 16-layer model with batch normalization. Mirrors `torchvision.models.vgg16_bn`.
 * @throws The same as {@link vgg11}.
 */
export const vgg16_bn = (opts?: VGGOptions): VGG => build('D', true, opts);
/**
 * VGG 19-layer model (configuration "E"). Mirrors `torchvision.models.vgg19`.
 * @throws The same as {@link vgg11}.
 */
export const vgg19 = (opts?: VGGOptions): VGG => build('E', false, opts);
/**
 * VGG 19-layer model with batch normalization. Mirrors `torchvision.models.vgg19_bn`.
 * @throws The same as {@link vgg11}.
 */
export const vgg19_bn = (opts?: VGGOptions): VGG => build('E', true, opts);

/** The VGG family, as the model registry (registry.ts) sees it. */
export const vggFamily = {
  name: 'vgg',
  modelClass: VGG,
  builders: { vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn },
  weights: WEIGHTS,
  head: HEAD,
  backbone: BACKBONE,
  tail: TAIL,
  minImageSize: 32,
  async embed(model: VGG, x: Tensor): Promise<Tensor> {
    // The pooling (a few kB per sample) runs here without grad rather than in the executor's inference
    // mode: its result is then a normal tensor, which a tail trained on these embeddings can use in autograd.
    const features = await model.features.forwardAsync(x);
    const f = noGrad(() => model.avgpool.forward(features));
    return f.reshape(f.size(0), -1);
  },
} satisfies ModelFamily<VGG, VGGOptions>;
