// torchvision.transforms: image and tensor transforms, composed with Compose, the weights' eval preset, and `functional` (torchvision's F).
export * from './transforms';
export { ImageClassification, IMAGENET_MEAN, IMAGENET_STD } from './presets';
export type { ImageClassificationOptions } from './presets';
export * as functional from './functional';
export { toImage, toBuffer } from './functional';
export type { ImageDType } from './functional';
