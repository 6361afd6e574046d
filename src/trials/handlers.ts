/**
 * What a worker can run, by job kind: each kind is an explicit import of the module that
 * handles it, loaded on first use, so a worker loads only what its jobs need and any process
 * can run a job from its plain-data description.
 */
import type { EpochMetrics } from '../train/controller.js';
import type { Job } from './messages.js';

export interface HandlerContext {
  /** Reports an epoch of the job in progress. */
  onEpoch: (metrics: EpochMetrics) => void;
}

export type JobHandler = (job: Job, context: HandlerContext) => Promise<unknown>;

type HandlerModule = { handleJob: JobHandler };

const MODULES: Record<string, () => Promise<unknown>> = {
  trial: () => import('./run-trial.js'),
};

export const JOB_KINDS = Object.keys(MODULES);

export async function loadHandler(kind: string): Promise<JobHandler> {
  const load = MODULES[kind];
  if (load == null) throw new Error(`job kind "${kind}" is unknown (known: ${JOB_KINDS.join(', ')})`);
  return ((await load()) as HandlerModule).handleJob;
}
