// torchvision's VGG weight enums (VGG11_Weights ... VGG19_BN_Weights): files, metadata, eval transforms.
import { Weights, WeightsEnum, weightsEntry, weightsEnum } from './weights';

function imagenet(enumName: string, fileName: string, numParams: number, acc1: number, acc5: number,
  extra: Record<string, Weights> = {}): WeightsEnum {
  return weightsEnum(weightsEntry(enumName, 'IMAGENET1K_V1', fileName, { numParams, acc1, acc5 }), extra);
}

// File names, parameter counts and accuracies from torchvision/models/vgg.py.
/** Pretrained weights for {@link vgg11}: `IMAGENET1K_V1` (= `DEFAULT`). Mirrors `torchvision.models.VGG11_Weights`. */
export const VGG11_Weights = imagenet('VGG11_Weights', 'vgg11-8a719046.pth', 132863336, 69.020, 88.628);
/** Pretrained weights for {@link vgg11_bn}. Mirrors `torchvision.models.VGG11_BN_Weights`. */
export const VGG11_BN_Weights = imagenet('VGG11_BN_Weights', 'vgg11_bn-6002323d.pth', 132868840, 70.370, 89.810);
/** Pretrained weights for {@link vgg13}. Mirrors `torchvision.models.VGG13_Weights`. */
export const VGG13_Weights = imagenet('VGG13_Weights', 'vgg13-19584684.pth', 133047848, 69.928, 89.246);
/** Pretrained weights for {@link vgg13_bn}. Mirrors `torchvision.models.VGG13_BN_Weights`. */
export const VGG13_BN_Weights = imagenet('VGG13_BN_Weights', 'vgg13_bn-abd245e5.pth', 133053736, 71.586, 90.374);
/**
 * Pretrained weights for {@link vgg16}: `IMAGENET1K_V1` (= `DEFAULT`) and `IMAGENET1K_FEATURES` (backbone only).
 * Mirrors `torchvision.models.VGG16_Weights`.
 * @example
 * ```ts
 * const w = models.VGG16_Weights.DEFAULT;
 * const model = models.vgg16({ weights: w });
 * const preprocess = w.transforms();     // the eval preset these weights were measured with
 * ```
 */
export const VGG16_Weights = imagenet('VGG16_Weights', 'vgg16-397923af.pth', 138357544, 71.592, 90.382, {
  // Feature-extractor weights ported from ssd.pytorch: the classifier holds NaNs, hence no categories.
  IMAGENET1K_FEATURES: weightsEntry('VGG16_Weights', 'IMAGENET1K_FEATURES', 'vgg16_features-amdegroot-88682ab5.pth',
    { numParams: 138357544, acc1: NaN, acc5: NaN, categories: null, mean: [0.48235, 0.45882, 0.40784], std: [1 / 255, 1 / 255, 1 / 255] }),
});
/** Pretrained weights for {@link vgg16_bn}. Mirrors `torchvision.models.VGG16_BN_Weights`. */
export const VGG16_BN_Weights = imagenet('VGG16_BN_Weights', 'vgg16_bn-6c64b313.pth', 138365992, 73.360, 91.516);
/** Pretrained weights for {@link vgg19}. Mirrors `torchvision.models.VGG19_Weights`. */
export const VGG19_Weights = imagenet('VGG19_Weights', 'vgg19-dcbb9e9d.pth', 143667240, 72.376, 90.876);
/** Pretrained weights for {@link vgg19_bn}. Mirrors `torchvision.models.VGG19_BN_Weights`. */
export const VGG19_BN_Weights = imagenet('VGG19_BN_Weights', 'vgg19_bn-c79401a0.pth', 143678248, 74.218, 91.842);
