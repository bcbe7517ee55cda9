// torchvision.transforms: image and tensor transforms, composed with Compose.
export * from './transforms';
