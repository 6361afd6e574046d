/**
 * `autoflood worker`: trains the jobs that commands started with `--queue` put on a Redis queue.
 * Start any number, on any machines that can reach the Redis; each logs the jobs it runs.
 * SIGTERM or Ctrl-C (SIGINT) hands the jobs in progress back to the queue and stops.
 */
import { availableParallelism } from 'node:os';
import type { TrialJob } from '../../trials/trial.js';
import { queueUrl } from '../../queue/address.js';
import type { WorkerEvent } from '../../queue/worker.js';
import { integer } from '../../core/values.js';
import type { CommandSpec } from '../command.js';
import { BACKEND_FLAG, UsageError } from '../options.js';

interface WorkerFlags extends Record<string, unknown> {
  queue?: string;
  concurrency: number;
  backend: string;
  lockDuration: number;
}

interface WorkerTally {
  done: number;
  failed: number;
  handedBack: number;
}

/** A job as the log shows it: a trial by its label, task, level and seed. */
function describeJob(kind: string, job: TrialJob): string {
  const t = job as Partial<TrialJob>;
  if (t.config === undefined) return `${kind} ${job.id}`;
  const part = t.segment === undefined ? '' : `, epochs to ${t.segment.until}`;
  return `trial ${job.id} (${t.tag}: ${t.config.dataset} b ${t.config.flood} seed ${t.config.seed}${part})`;
}

export const workerCommand: CommandSpec<WorkerFlags, WorkerTally> = {
  name: ['worker'],
  description: 'train the jobs of commands run with --queue (start one per machine, any number)',
  example: 'autoflood worker --queue redis://:secret@10.0.0.5:6379 --concurrency 2',
  flags: [
    { key: 'queue', flag: '--queue <url>', help: 'the Redis the coordinators use (required)', kind: queueUrl },
    { key: 'concurrency', flag: '--concurrency <n>', help: 'jobs trained at once, each on its own thread', kind: integer(1, 256), default: availableParallelism(), defaultText: 'one per core' },
    BACKEND_FLAG,
    { key: 'lockDuration', flag: '--lock-duration <seconds>', help: 'a job whose worker died goes to another worker after 1-3x this', kind: integer(1, 3600), default: 30 },
  ],
  backend: false,
  ownsInterrupt: true,
  async run(o, context) {
    if (o.queue === undefined) throw new UsageError('--queue: required (redis://[:password@]host:port[/db])');
    const { logger } = context;
    const tally: WorkerTally = { done: 0, failed: 0, handedBack: 0 };
    const onEvent = (e: WorkerEvent) => {
      if (e.type === 'start') logger.info(`running ${describeJob(e.kind, e.job)}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`);
      else if (e.type === 'done') {
        tally.done++;
        logger.info(`done ${e.kind} ${e.job.id} in ${e.seconds.toFixed(1)} s`);
      } else if (e.type === 'handed-back') {
        tally.handedBack++;
        logger.info(`handed back ${e.kind} ${e.job.id} to the queue`);
      } else if (e.type === 'failed') {
        tally.failed++;
        logger.warn(`failed ${e.jobId} (attempt ${e.attempt} of ${e.attempts}): ${e.message}`);
      } else logger.warn(`queue: ${e.message}`);
    };
    const { startQueueWorker } = await import('../../queue/worker.js');
    const worker = await startQueueWorker(o.queue, { concurrency: o.concurrency, backend: o.backend, lockDuration: 1000 * o.lockDuration, onEvent });
    logger.info(`worker ${worker.name}: taking jobs from ${worker.where}, ${o.concurrency} at a time, backend ${o.backend}`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    logger.info(`${signal}: handing back the jobs in progress and stopping`);
    await worker.stop();
    return tally;
  },
  lines: (t) => [`worker stopped: ${t.done} done, ${t.failed} failed, ${t.handedBack} handed back`],
};
