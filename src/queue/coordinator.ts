/**
 * The coordinator's side of the queue: a `Runner` whose trials are trained by `autoflood worker`
 * processes on any machine (`QueueRunner.open(url)`, then `run(jobs, options)` as the local pool).
 *
 * Delivery is at least once (a job whose worker dies is run again by BullMQ's stalled-job
 * recovery); results are handed to `onResult` exactly once per job id. A finished job's result
 * stays in Redis (the job's return value, its byte fields in keys of their own) until
 * `onResult` has resolved, i.e. until the run log holds it; only then is it removed. A
 * coordinator that was away therefore collects what finished meanwhile when it runs again.
 */
import { Queue, QueueEvents, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { TrialFailed } from '../core/errors.js';
import type { EpochMetrics } from '../train/controller.js';
import type { BatchOptions, Runner } from '../trials/runner.js';
import type { TrialJob, TrialOutput } from '../trials/trial.js';
import { checkRedis, describeAddress, parseQueueUrl, redisOptions, type QueueAddress } from './address.js';
import { bytesKey, encodeJob, fromWire, jobIdOf, joinResult, QUEUE_NAME, TRIAL_KIND, type JobReturn } from './wire.js';

/** Tries a job gets (a throwing job is retried this many times in all, then the run stops). */
export const ATTEMPTS = 3;
const RETRY_DELAY_MS = 2000;
/** Every pending job's state is also read this often (a missed event costs at most this). */
const SWEEP_MS = 5000;
/**
 * Redis may restart during a run; unreachable for longer than this, the run stops (resume it later).
 * AUTOFLOOD_QUEUE_RECONNECT_S sets it in seconds (default 40).
 */
function reconnectForMs(): number {
  const seconds = Number(process.env.AUTOFLOOD_QUEUE_RECONNECT_S ?? 40);
  return Number.isFinite(seconds) && seconds >= 0 ? 1000 * seconds : 40_000;
}
const RECONNECT_EVERY_MS = 2000;

export class QueueRunner implements Runner {
  /** The queue's address as shown to users (no password). */
  readonly where: string;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly redis: Redis;

  private constructor(address: QueueAddress) {
    this.where = describeAddress(address);
    const connection = {
      ...redisOptions(address),
      retryStrategy: (times: number) => (times * RECONNECT_EVERY_MS > reconnectForMs() ? null : RECONNECT_EVERY_MS),
    };
    this.queue = new Queue(QUEUE_NAME, { connection });
    this.events = new QueueEvents(QUEUE_NAME, { connection });
    this.redis = new Redis(connection);
    // Connection errors are retried by the clients; a request that still fails rejects where it was made.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.redis.on('error', () => undefined);
  }

  /** Connects to the queue at `url` (fails within seconds, naming host and port, if Redis cannot be reached). */
  static async open(url: string): Promise<QueueRunner> {
    const address = parseQueueUrl(url);
    await checkRedis(address);
    return new QueueRunner(address);
  }

  /**
   * Queues every job (its trial id makes the BullMQ job id, so a job already queued or done is
   * not added twice) and hands each output to `onResult` as it is collected.
   * @returns the outputs in the order of `jobs`. Rejects when a job has failed all its attempts.
   */
  async run(jobs: TrialJob[], options: BatchOptions = {}): Promise<TrialOutput[]> {
    if (new Set(jobs.map((j) => j.id)).size !== jobs.length) throw new Error('jobs: ids must be unique');
    const kind = TRIAL_KIND;
    const pending = new Map(jobs.map((j) => [jobIdOf(kind, j.id), j]));
    const results = new Map<string, TrialOutput>();
    const woken = new Set<string>();
    let wake = () => undefined as void;
    const onFinished = ({ jobId }: { jobId: string }) => {
      if (!pending.has(jobId)) return;
      woken.add(jobId);
      wake();
    };
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
      const job = pending.get(jobId);
      const epochs = (fromWire(data) as { epochs?: EpochMetrics[] } | null)?.epochs;
      if (job !== undefined && Array.isArray(epochs)) for (const m of epochs) options.onEpoch?.(job.id, m);
    };
    const onAbort = () => wake();
    this.events.on('completed', onFinished);
    this.events.on('failed', onFinished);
    this.events.on('progress', onProgress);
    options.signal?.addEventListener('abort', onAbort);
    try {
      await this.events.waitUntilReady();
      await this.request(() => this.enqueue(kind, jobs));
      let sweepAt = 0;
      while (pending.size > 0) {
        if (options.signal?.aborted) throw new Error('jobs aborted');
        const sweep = Date.now() >= sweepAt;
        if (sweep) sweepAt = Date.now() + SWEEP_MS;
        const ids = sweep ? [...pending.keys()] : [...woken];
        woken.clear();
        for (const jobId of ids) {
          const job = pending.get(jobId);
          if (job === undefined) continue;
          const done = await this.request(() => this.collect(kind, jobId, job));
          if (done === undefined) continue;
          pending.delete(jobId);
          results.set(job.id, done.result as TrialOutput);
          await options.onResult?.(done.result as TrialOutput);
          await this.request(() => this.discard(done.job));
        }
        if (pending.size > 0 && woken.size === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.max(0, sweepAt - Date.now()));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    } finally {
      this.events.off('completed', onFinished);
      this.events.off('failed', onFinished);
      this.events.off('progress', onProgress);
      options.signal?.removeEventListener('abort', onAbort);
    }
    return jobs.map((j) => results.get(j.id) as TrialOutput);
  }

  /** Runs requests to Redis, naming the queue when they fail (a job's own failure passes as it is). */
  private async request<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof TrialFailed) throw err;
      throw new Error(`queue at ${this.where}: ${(err as Error).message}`);
    }
  }

  /** Adds the jobs; one left failed by an earlier run is removed first, so it is tried afresh. */
  private async enqueue(kind: string, jobs: TrialJob[]): Promise<void> {
    await Promise.all(jobs.map(async (job) => {
      const jobId = jobIdOf(kind, job.id);
      if ((await this.queue.getJobState(jobId)) === 'failed') await this.queue.remove(jobId);
    }));
    await this.queue.addBulk(jobs.map((job) => ({
      name: kind,
      data: encodeJob(kind, job),
      opts: { jobId: jobIdOf(kind, job.id), attempts: ATTEMPTS, backoff: { type: 'fixed', delay: RETRY_DELAY_MS } },
    })));
  }

  /**
   * The result of a job if it has finished; undefined while it has not. Throws when it failed
   * all its attempts. A job another coordinator collected first (it needed the same trial) is
   * added again.
   */
  private async collect(kind: string, jobId: string, job: TrialJob): Promise<{ result: unknown; job: BullJob } | undefined> {
    // The state first: a pending job's data (a checkpoint to continue, megabytes) is not fetched on every sweep.
    const state = await this.queue.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return undefined;
    const found = await this.queue.getJob(jobId);
    if (found === undefined) {
      await this.enqueue(kind, [job]);
      return undefined;
    }
    if (state === 'failed') {
      throw new TrialFailed(job.id, `queue job ${jobId} failed ${found.attemptsMade} time${found.attemptsMade === 1 ? '' : 's'} at ${this.where}, the last on ${found.failedReason}`);
    }
    if (state !== 'completed') return undefined;
    const result = await joinResult(found.returnvalue, (field) => this.redis.getBuffer(bytesKey(jobId, field)));
    if (result === undefined) {
      await this.discard(found);
      await this.enqueue(kind, [job]);
      return undefined;
    }
    return { result, job: found };
  }

  /** Removes a collected job and its byte fields from Redis. */
  private async discard(job: BullJob): Promise<void> {
    const fields = (job.returnvalue as Partial<JobReturn> | null)?.bytes ?? [];
    await job.remove();
    if (fields.length > 0) await this.redis.del(...fields.map((f) => bytesKey(job.id as string, f)));
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.events.close()]);
    this.redis.disconnect();
  }
}
