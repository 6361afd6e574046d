/**
 * The run log: an append-only file of finished trials in a run folder (trials.jsonl, one
 * TrialResult per line, appended the moment a trial finishes). A killed run loses at most the
 * trials in progress and the line being written; a resumed run never trains a logged trial again.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { appendJsonl, readJsonl, writeJsonl } from '../util/files.js';
import { runJobs, type BatchOptions, type PoolSettings } from './pool.js';
import type { TrialResult, TrialSpec } from './trial.js';

export const RUN_LOG_FILE = 'trials.jsonl';
/** Where run folders of format 1 kept their trials. */
const LEGACY_FILE = 'grid.jsonl';

/** Reads the finished trials of a run folder (a torn last line, killed mid-write, is skipped). */
export function readRunLog(dir: string): Promise<TrialResult[]> {
  return readJsonl<TrialResult>(path.join(dir, RUN_LOG_FILE));
}

export class RunLog {
  readonly file: string;
  private readonly finished: Map<string, TrialResult>;

  private constructor(file: string, finished: TrialResult[]) {
    this.file = file;
    this.finished = new Map(finished.map((r) => [r.id, r]));
  }

  /**
   * Opens the log of `dir` (which must exist). Trials already logged are kept; a torn last line
   * is dropped so appends start on a clean line.
   */
  static async open(dir: string): Promise<RunLog> {
    if (existsSync(path.join(dir, LEGACY_FILE)) && !existsSync(path.join(dir, RUN_LOG_FILE))) {
      throw new Error(`${dir}: trials logged by an older autoflood (${LEGACY_FILE}) cannot be resumed; run again into a new --out folder`);
    }
    const file = path.join(dir, RUN_LOG_FILE);
    const saved = await readRunLog(dir);
    if (existsSync(file)) await writeJsonl(file, saved);
    return new RunLog(file, saved);
  }

  has(id: string): boolean {
    return this.finished.has(id);
  }

  get(id: string): TrialResult | undefined {
    return this.finished.get(id);
  }

  get size(): number {
    return this.finished.size;
  }

  async append(result: TrialResult): Promise<void> {
    await appendJsonl(this.file, result);
    this.finished.set(result.id, result);
  }
}

export interface LoggedRunOptions extends PoolSettings, Omit<BatchOptions<TrialResult>, 'onResult'> {
  /** Called after each finished trial with the count done (logged before included) and the total. */
  onTrial?: (result: TrialResult, done: number, total: number) => void;
}

/**
 * Runs the trials not yet in the log on a worker pool, appending each as it finishes.
 * @returns every trial's result (earlier and new) in the order of `trials`, and how many ran now.
 */
export async function runLogged(log: RunLog, trials: TrialSpec[], options: LoggedRunOptions = {}): Promise<{ results: TrialResult[]; ranNow: number }> {
  const todo = trials.filter((t) => !log.has(t.id));
  let done = trials.length - todo.length;
  await runJobs<TrialSpec, TrialResult>('trial', todo, {
    ...options,
    onResult: async (result) => {
      await log.append(result);
      options.onTrial?.(result, ++done, trials.length);
    },
  });
  return { results: trials.map((t) => log.get(t.id) as TrialResult), ranNow: todo.length };
}
