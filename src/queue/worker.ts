/**
 * The worker's side of the queue: takes jobs from Redis and runs each on a worker thread of its
 * own (the same handlers the local pool runs, one tfjs instance per thread), so a training of
 * minutes never blocks the event loop that renews the job's lock. Threads are kept between jobs.
 * A job whose data has another format is refused (failed without retry, naming both formats).
 */
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { TrialFailed } from '../core/errors.js';
import type { EpochMetrics } from '../train/controller.js';
import { WorkerPool } from '../trials/pool.js';
import type { TrialJob } from '../trials/trial.js';
import { checkRedis, describeAddress, parseQueueUrl, redact, redisOptions } from './address.js';
import { bytesKey, decodeJob, QUEUE_NAME, splitResult, toWire, type JobReturn } from './wire.js';

export interface QueueWorkerOptions {
  /** Jobs run at once, each on its own thread (default 1). */
  concurrency?: number;
  /** Backend each thread initialises (default 'auto'). */
  backend?: string;
  /**
   * Milliseconds a job's lock lives unless renewed (default 30000): a job whose worker died is
   * given to another after one to three times this.
   */
  lockDuration?: number;
  /** Told as jobs start, finish, fail or are handed back. */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: 'start'; kind: string; job: TrialJob; attempt: number }
  | { type: 'done'; kind: string; job: TrialJob; seconds: number }
  | { type: 'handed-back'; kind: string; job: TrialJob }
  | { type: 'failed'; jobId: string; attempt: number; attempts: number; message: string }
  | { type: 'error'; message: string };

export interface QueueWorker {
  /** Who runs the jobs, as recorded in failures: "host pid N". */
  readonly name: string;
  /** The queue's address as shown to users (no password). */
  readonly where: string;
  /**
   * Stops: jobs in progress are handed back to the queue at once (no attempt counted), for
   * another worker or this one's successor; resolves when the worker is closed.
   */
  stop(): Promise<void>;
}

/** A job's epochs go to the coordinator in batches, at most this often. */
const PROGRESS_MS = 250;

/**
 * Reports a job's epochs through BullMQ progress events (`{ epochs: [...] }`), batched, so a
 * short epoch does not cost a Redis request each; `flush` sends the rest before the result.
 */
function progressOf(job: BullJob): { onEpoch: (id: string, metrics: EpochMetrics) => void; flush: () => Promise<void> } {
  let batch: EpochMetrics[] = [];
  let last = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const epochs = batch;
    batch = [];
    last = Date.now();
    await job.updateProgress({ epochs: toWire(epochs) });
  };
  return {
    onEpoch: (_id, metrics) => {
      batch.push(metrics);
      if (Date.now() - last >= PROGRESS_MS) flush().catch(() => undefined);
    },
    flush: () => flush().catch(() => undefined),
  };
}

/** Connects to the queue at `url` (fails within seconds if Redis cannot be reached) and starts taking jobs. */
export async function startQueueWorker(url: string, options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const address = parseQueueUrl(url);
  await checkRedis(address);
  const { concurrency = 1, backend = 'auto', lockDuration = 30_000, onEvent } = options;
  const name = `${hostname()} pid ${process.pid}`;
  const connection = redisOptions(address);
  const redis = new Redis(connection);
  redis.on('error', () => undefined);
  const idle: WorkerPool[] = [];

  const processor = async (bullJob: BullJob, token?: string, signal?: AbortSignal): Promise<JobReturn> => {
    let decoded: { kind: string; job: TrialJob };
    try {
      decoded = decodeJob(bullJob.data);
    } catch (err) {
      throw new UnrecoverableError(`worker ${name}: ${(err as Error).message}`);
    }
    const { kind, job } = decoded;
    onEvent?.({ type: 'start', kind, job, attempt: bullJob.attemptsMade + 1 });
    const started = performance.now();
    const pool = idle.pop() ?? new WorkerPool({ workers: 1, backend });
    const progress = progressOf(bullJob);
    let result: unknown;
    try {
      [result] = await pool.run([job], { onEpoch: progress.onEpoch, signal });
    } catch (err) {
      await pool.close();
      // The pool names the job ("trial <id>: ..."); the coordinator does that already.
      if (!signal?.aborted) throw new Error(`worker ${name}: ${err instanceof TrialFailed ? err.detail : (err as Error).message}`);
      await bullJob.moveToWait(token);
      onEvent?.({ type: 'handed-back', kind, job });
      throw new WaitingError();
    }
    idle.push(pool);
    await progress.flush();
    const { value, bytes } = splitResult(result, name);
    for (const [field, data] of bytes) await redis.set(bytesKey(bullJob.id as string, field), Buffer.from(data));
    onEvent?.({ type: 'done', kind, job, seconds: (performance.now() - started) / 1000 });
    return value;
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection, concurrency, lockDuration, stalledInterval: lockDuration, maxStalledCount: 2, name,
  });
  worker.on('failed', (job, err) => {
    if (job !== undefined) onEvent?.({ type: 'failed', jobId: String(job.id), attempt: job.attemptsMade, attempts: job.opts.attempts ?? 1, message: err.message });
  });
  worker.on('error', (err) => onEvent?.({ type: 'error', message: redact(err.message, address) }));
  await worker.waitUntilReady();

  return {
    name,
    where: describeAddress(address),
    async stop() {
      worker.cancelAllJobs('worker stopping');
      await worker.close();
      await Promise.all(idle.splice(0).map((p) => p.close()));
      redis.disconnect();
    },
  };
}
