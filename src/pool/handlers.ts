/**
 * What a worker thread can run, by job kind. Handlers live in their own modules and are
 * imported on first use, so a worker loads only what its jobs need.
 */
import type { EpochMetrics } from '../train/controller.js';
import type { Job } from './messages.js';

export interface HandlerContext {
  /** Reports an epoch of the job in progress. */
  onEpoch: (metrics: EpochMetrics) => void;
}

export type JobHandler = (job: Job, context: HandlerContext) => Promise<unknown>;

const MODULES: Record<string, string> = {
  trial: './run-trial.js',
  episode: '../../agents/episode.js',
};

export async function loadHandler(kind: string): Promise<JobHandler> {
  const module = MODULES[kind];
  if (module == null) throw new Error(`job kind "${kind}" is unknown (known: ${Object.keys(MODULES).join(', ')})`);
  const loaded = (await import(module)) as { handleJob: JobHandler };
  return loaded.handleJob;
}
