// torch.utils.data: DataLoader, Subset, randomSplit.
export { DataLoader } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
export { Subset, randomSplit } from './datasets';
export type { Dataset } from './datasets';
