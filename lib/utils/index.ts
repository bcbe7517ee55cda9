// torch.utils and torchvision.utils: `new utils.data.DataLoader(dataset, options)`, `utils.makeGrid(batch)`, `utils.saveImage(batch, path)`.
export * as data from '../data/utils';
export { makeGrid, saveImage } from './image';
export type { MakeGridOptions, SaveImageOptions } from './image';
