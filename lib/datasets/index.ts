// torchvision.datasets: `const { datasets } = require('torchvgg')`.
/**
 * torchvision.datasets: `ImageFolder` and the synthetic `Shapes` dataset. Mirrors `torchvision.datasets`.
 * @module
 */
export { ImageFolder, IMG_EXTENSIONS, fromJSON } from '../data/datasets';
export type { Dataset, DatasetSpec, ImageFolderOptions } from '../data/datasets';
export { Shapes, SHAPES } from '../data/shapes';
export type { ShapesOptions, ShapeName } from '../data/shapes';
