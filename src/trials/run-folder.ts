/**
 * The life of a run folder that holds many trainings, the same for every command that makes one:
 * lock the folder (one process at a time), claim it with the command's options (a resume must
 * bring the same ones), open its run log, train on a runner (the caller's, or a local worker pool
 * made for the run and closed after), then delete the checkpoints left and write summary.json.
 * A killed run leaves the log and the checkpoints its next segments need; `resume` continues it.
 */
import { claimRunFolder, ensureDir, writeSummary, type RunHeader, type RunKind } from '../core/files.js';
import { lockRunFolder } from '../core/lock.js';
import { WorkerPool, type PoolSettings } from './pool.js';
import { RunLog, type RunProgress } from './run-log.js';
import type { Runner } from './runner.js';

/** How a study runs: where it writes, whether it continues, where it trains and who hears of progress. */
export interface StudyOptions extends RunProgress, PoolSettings {
  /** The run folder. */
  out: string;
  /** Continue the run in `out` (the options must be the same). */
  resume?: boolean;
  /** Where the trials train (default: a local worker pool of `workers` threads, made for the run). */
  runner?: Runner;
}

/** What the body of a run gets: the open run log, the runner, and the progress callbacks to pass on. */
export interface RunContext {
  log: RunLog;
  runner: Runner;
  progress: RunProgress;
}

/**
 * Runs `body` in the run folder `options.out` claimed for `config` (the command's resolved
 * options, saved as config.json), and writes what it returns as summary.json of `kind`.
 * @returns the summary as written.
 */
export async function inRunFolder<S extends object>(
  kind: RunKind, options: StudyOptions, config: object, body: (run: RunContext) => Promise<S>,
): Promise<RunHeader & S> {
  const { out, resume = false, runner: given, workers, backend, ...progress } = options;
  await ensureDir(out);
  const release = await lockRunFolder(out);
  const runner = given ?? new WorkerPool({ workers, backend });
  try {
    await claimRunFolder(out, config, resume);
    const log = await RunLog.open(out);
    const summary = await body({ log, runner, progress });
    await log.deleteCheckpoints();
    return await writeSummary(out, kind, summary);
  } finally {
    if (given === undefined) await runner.close();
    await release();
  }
}
