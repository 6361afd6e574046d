/**
 * Where trials are trained: a `Runner` takes a batch of trial jobs and hands back each result as
 * it finishes. The local worker pool (pool.ts) is one; the Redis queue (src/queue/) is another.
 * The run log and everything above it take a runner; whoever starts a run chooses which.
 */
import type { EpochMetrics } from '../train/controller.js';
import type { TrialJob, TrialOutput } from './trial.js';

export interface BatchOptions {
  /** Called with each finished trial's output, awaited before the next one is handled. */
  onResult?: (output: TrialOutput) => void | Promise<void>;
  /** Called after every epoch of every trial in progress. */
  onEpoch?: (trialId: string, metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

export interface Runner {
  /**
   * Trains every job (ids unique) and hands each output to `onResult` once.
   * @returns the outputs in the order of `jobs`; rejects on the first trial that fails for good.
   */
  run(jobs: TrialJob[], options?: BatchOptions): Promise<TrialOutput[]>;
  /** Frees what the runner holds (threads, connections); it runs nothing after. */
  close(): Promise<void>;
}
