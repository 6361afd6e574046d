/** Messages between the pool and its worker threads. */
import type { EpochMetrics } from '../train/controller.js';
import type { TrialJob, TrialOutput } from './trial.js';

export type ToWorker = { type: 'job'; job: TrialJob };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'epoch'; id: string; metrics: EpochMetrics }
  | { type: 'result'; id: string; result: TrialOutput }
  | { type: 'error'; id?: string; message: string; option?: string };
