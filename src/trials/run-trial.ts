/** The worker-side handler of trial jobs: one training run with its controller. */
import { cachedDataset } from '../data/cache.js';
import { datasetOptionsOf, train } from '../train/train.js';
import { buildController } from './controllers.js';
import type { HandlerContext } from './handlers.js';
import type { TrialResult, TrialSpec } from './trial.js';

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
