export { VGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn } from './vgg';
export type { VGGOptions } from './vgg';
