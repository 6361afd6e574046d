/** One trial in whatever process runs it: the training with its controller, as plain data back. */
import { cachedDataset } from '../data/cache.js';
import { decodeCheckpoint, encodeCheckpoint } from '../train/checkpoint.js';
import type { EpochMetrics } from '../train/controller.js';
import { datasetOptionsOf, train } from '../train/train.js';
import { buildController } from './controllers.js';
import type { TrialJob, TrialOutput } from './trial.js';

export async function runTrial(job: TrialJob, onEpoch: (metrics: EpochMetrics) => void): Promise<TrialOutput> {
  const controller = await buildController(job.controller, job.config);
  const until = job.segment?.until ?? job.config.epochs;
  const result = await train(job.config, {
    controller,
    dataset: await cachedDataset(datasetOptionsOf(job.config)),
    onEpoch,
    until,
    start: job.start === undefined ? undefined : decodeCheckpoint(job.start),
    keepCheckpoint: until < job.config.epochs,
  });
  return {
    id: job.id,
    tag: job.tag,
    config: job.config,
    controller: job.controller,
    ...(job.segment === undefined ? {} : { segment: job.segment }),
    ...(result.checkpoint === undefined ? {} : { checkpoint: new Uint8Array(encodeCheckpoint(result.checkpoint)) }),
    backend: result.backend,
    classes: result.classes,
    history: result.history,
    last: result.last,
    bestVal: result.bestVal,
    wallSeconds: result.wallSeconds,
  };
}
