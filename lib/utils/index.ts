// torch.utils: `new utils.data.DataLoader(dataset, options)`.
export * as data from '../data/utils';
