/**
 * Runs jobs (trainings, RL episodes) on a pool of worker threads on the local cores (wasm
 * cannot multi-thread under Node; one tfjs instance per worker can). Each worker takes the
 * next job when it is free; results are handed to `onResult` as each finishes. A pool can be
 * kept open across batches (the agent's training runs one batch of episodes per update).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EpochMetrics } from '../train/controller.js';
import type { FromWorker, Job, ToWorker } from './messages.js';

export interface PoolSettings {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Backend each worker initialises. */
  backend?: string;
}

export interface BatchOptions<R> {
  /** Called with each finished job's result, awaited before the next result is handled. */
  onResult?: (result: R) => void | Promise<void>;
  /** Called after every epoch of every job that trains. */
  onEpoch?: (jobId: string, metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

export type PoolOptions<R> = PoolSettings & BatchOptions<R>;

/** The worker's entry: compiled, worker.js beside this file; from the TypeScript sources, a loader that registers tsx first. */
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './worker.js', import.meta.url);

/** Default worker count: the machine's cores. */
export function defaultWorkers(): number {
  return availableParallelism();
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
}

/** A pool of worker threads: `run(kind, jobs, options)` one batch at a time, `close()` at the end. */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly settings: PoolSettings;
  private busy = false;

  constructor(settings: PoolSettings = {}) {
    const count = settings.workers ?? defaultWorkers();
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`workers: must be an integer >= 1, got ${count}`);
    this.settings = { ...settings, workers: count };
  }

  /** Starts workers up to `count` (lazily, so a pool never starts more workers than it has jobs). */
  private grow(count: number): void {
    while (this.slots.length < Math.min(count, this.settings.workers as number)) {
      const worker = new Worker(ENTRY, { workerData: { backend: this.settings.backend ?? 'auto' } });
      const ready = new Promise<void>((resolve, reject) => {
        const onMessage = (msg: FromWorker) => {
          if (msg.type === 'ready') resolve();
          else if (msg.type === 'error' && msg.id == null) reject(new Error(msg.message));
          else return;
          worker.off('message', onMessage);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      });
      ready.catch(() => undefined);
      this.slots.push({ worker, ready });
    }
  }

  /**
   * Runs every job with the worker handler of `kind`; resolves with the results in the order
   * of `jobs`. Rejects on the first failure (the pool should then be closed).
   */
  async run<J extends Job, R>(kind: string, jobs: J[], options: BatchOptions<R> = {}): Promise<R[]> {
    if (this.busy) throw new Error('pool: one batch at a time');
    if (jobs.length === 0) return [];
    if (new Set(jobs.map((j) => j.id)).size !== jobs.length) throw new Error('jobs: ids must be unique');
    this.grow(jobs.length);
    this.busy = true;
    const results = new Map<string, R>();
    const queue = [...jobs];
    const cleanups: (() => void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        let finished = 0;
        let chain: Promise<void> = Promise.resolve();
        const fail = (err: Error) => reject(err);
        const feed = (worker: Worker) => {
          const job = queue.shift();
          if (job) worker.postMessage({ type: 'job', kind, job } satisfies ToWorker);
        };
        const onAbort = () => fail(new Error('jobs aborted'));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
        for (const { worker, ready } of this.slots) {
          const onMessage = (msg: FromWorker) => {
            if (msg.type === 'epoch') options.onEpoch?.(msg.id, msg.metrics);
            else if (msg.type === 'error') fail(new Error(msg.id ? `${kind} ${msg.id}: ${msg.message}` : msg.message));
            else if (msg.type === 'result') {
              const result = msg.result as R;
              results.set(msg.id, result);
              chain = chain.then(() => options.onResult?.(result));
              chain.catch(fail);
              feed(worker);
              if (++finished === jobs.length) chain.then(() => resolve(), fail);
            }
          };
          const onExit = (code: number) => fail(new Error(`worker exited with code ${code}`));
          worker.on('message', onMessage);
          worker.on('error', fail);
          worker.on('exit', onExit);
          cleanups.push(() => {
            worker.off('message', onMessage);
            worker.off('error', fail);
            worker.off('exit', onExit);
          });
          ready.then(() => feed(worker), fail);
        }
      });
    } finally {
      cleanups.forEach((c) => c());
      this.busy = false;
    }
    return jobs.map((j) => results.get(j.id) as R);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

/** Runs one batch of jobs on a pool that lives only for it. */
export async function runJobs<J extends Job, R>(kind: string, jobs: J[], options: PoolOptions<R> = {}): Promise<R[]> {
  const pool = new WorkerPool(options);
  try {
    return await pool.run<J, R>(kind, jobs, options);
  } finally {
    await pool.close();
  }
}
