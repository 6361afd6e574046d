/** The last dataset loaded in this thread: trials of one grid (or episodes of one task) share it. */
import { loadDataset } from './index.js';
import type { Dataset, DatasetOptions } from './types.js';

const cache: { key?: string; dataset?: Promise<Dataset> } = {};

/** Loads a dataset, reusing the previous one when the options are the same. */
export function cachedDataset(options: DatasetOptions): Promise<Dataset> {
  const key = JSON.stringify(options);
  if (cache.key !== key || cache.dataset == null) {
    cache.key = key;
    cache.dataset = loadDataset(options);
  }
  return cache.dataset;
}
