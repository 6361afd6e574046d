/** The worker-side handler of trial jobs: one training run with its controller. */
import { loadDataset } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import { datasetOptionsOf, train } from '../train/train.js';
import { buildController } from './controllers.js';
import type { HandlerContext } from './handlers.js';
import type { TrialResult, TrialSpec } from './trial.js';

/** The last dataset loaded in this thread: grid trials share it. */
const cache: { key?: string; dataset?: Promise<Dataset> } = {};

/** Loads a dataset, reusing the previous one when the options are the same. */
export function cachedDataset(options: ReturnType<typeof datasetOptionsOf>): Promise<Dataset> {
  const key = JSON.stringify(options);
  if (cache.key !== key || cache.dataset == null) {
    cache.key = key;
    cache.dataset = loadDataset(options);
  }
  return cache.dataset;
}

export async function handleJob(job: TrialSpec, context: HandlerContext): Promise<TrialResult> {
  const controller = await buildController(job.controller, job.config);
  const result = await train(job.config, {
    controller,
    dataset: await cachedDataset(datasetOptionsOf(job.config)),
    onEpoch: context.onEpoch,
  });
  return {
    id: job.id,
    tag: job.tag,
    config: job.config,
    controller: job.controller,
    backend: result.backend,
    history: result.history,
    last: result.last,
    bestVal: result.bestVal,
    wallSeconds: result.wallSeconds,
  };
}
