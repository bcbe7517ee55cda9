// torchvision.transforms: image and tensor transforms, composed with Compose, and the weights' eval preset.
export * from './transforms';
export { ImageClassification, IMAGENET_MEAN, IMAGENET_STD } from './presets';
export type { ImageClassificationOptions } from './presets';
