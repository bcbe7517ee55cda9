// torchvision.models: the model builders, their weights enums, and the registry over model families.
/**
 * torchvision.models: the VGG builders (`vgg11` … `vgg19_bn`), their weight enums, and the registry
 * (`getModel`, `listModels`, `getWeight`). Mirrors `torchvision.models`.
 * @module
 */
export { VGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn } from './vgg';
export type { VGGOptions } from './vgg';
export {
  VGG11_Weights, VGG11_BN_Weights, VGG13_Weights, VGG13_BN_Weights, VGG16_Weights, VGG16_BN_Weights,
  VGG19_Weights, VGG19_BN_Weights,
} from './vgg_weights';
export { hubCheckpointsDir, readStateDict, weightsFile, IMAGENET_CATEGORIES } from './weights';
export type { Weights, WeightsMeta, WeightsEnum } from './weights';
export {
  listModels, getModel, getModelBuilder, getModelWeights, getWeight, familyOf, familyOfArch, numClassesOf, modelFromStateDict,
} from './registry';
export type { ModelFamily, BuildOptions, Classifier } from './family';
export type { ModelName } from './registry';
export { quantize } from '../quantization/quantize';
export type { QuantizeOptions } from '../quantization/quantize';
