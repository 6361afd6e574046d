/** Messages between the pool and its worker threads. */
import type { EpochMetrics } from '../train/controller.js';

/** A unit of work: `kind` names the handler in the worker, `id` is unique within a batch. */
export interface Job {
  id: string;
}

export type ToWorker = { type: 'job'; kind: string; job: Job };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'epoch'; id: string; metrics: EpochMetrics }
  | { type: 'result'; id: string; result: unknown }
  | { type: 'error'; id?: string; message: string };
