/**
 * The local runner: trials on a pool of worker threads on this machine's cores (wasm cannot
 * multi-thread under Node; one tfjs instance per worker can). Each worker takes the next trial
 * when it is free; outputs are handed to `onResult` as each finishes. A pool is kept open
 * across batches (a search runs one batch per stage).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { OptionError, TrialFailed } from '../core/errors.js';
import { csvTables } from '../data/csv.js';
import type { FromWorker, ToWorker } from './messages.js';
import type { BatchOptions, Runner } from './runner.js';
import type { TrialJob, TrialOutput } from './trial.js';

export interface PoolSettings {
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Backend each worker initialises. */
  backend?: string;
}

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

/** A pool of worker threads: `run(jobs, options)` one batch at a time, `close()` at the end. */
export class WorkerPool implements Runner {
  private readonly slots: Slot[] = [];
  private readonly settings: PoolSettings;
  private busy = false;

  constructor(settings: PoolSettings = {}) {
    const count = settings.workers ?? defaultWorkers();
    if (!Number.isInteger(count) || count < 1) throw new OptionError('workers', `must be an integer >= 1, got ${count}`);
    this.settings = { ...settings, workers: count };
  }

  /** Starts workers up to `count` (lazily, so a pool never starts more workers than it has jobs). */
  private grow(count: number): void {
    while (this.slots.length < Math.min(count, this.settings.workers as number)) {
      // CSV files this process has parsed travel as shared memory: a worker does not parse them again.
      const worker = new Worker(ENTRY, { workerData: { backend: this.settings.backend ?? 'auto', csvTables: csvTables() } });
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
   * Trains every job; resolves with the outputs in the order of `jobs`. Rejects on the first
   * failure (the pool should then be closed).
   */
  async run(jobs: TrialJob[], options: BatchOptions = {}): Promise<TrialOutput[]> {
    if (this.busy) throw new Error('pool: one batch at a time');
    if (jobs.length === 0) return [];
    if (new Set(jobs.map((j) => j.id)).size !== jobs.length) throw new Error('jobs: ids must be unique');
    this.grow(jobs.length);
    this.busy = true;
    const results = new Map<string, TrialOutput>();
    const queue = [...jobs];
    const cleanups: (() => void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        let finished = 0;
        let chain: Promise<void> = Promise.resolve();
        const fail = (err: Error) => reject(err);
        const feed = (worker: Worker) => {
          const job = queue.shift();
          if (job) worker.postMessage({ type: 'job', job } satisfies ToWorker);
        };
        const onAbort = () => fail(new Error('jobs aborted'));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
        for (const { worker, ready } of this.slots) {
          const onMessage = (msg: FromWorker) => {
            if (msg.type === 'epoch') options.onEpoch?.(msg.id, msg.metrics);
            else if (msg.type === 'error') fail(msg.id ? new TrialFailed(msg.id, msg.message, msg.option) : new Error(msg.message));
            else if (msg.type === 'result') {
              const result = msg.result;
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
    return jobs.map((j) => results.get(j.id) as TrialOutput);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
