/**
 * The run log: an append-only file of finished trials in a run folder (trials.jsonl, one
 * TrialResult per line, appended the moment a trial finishes). A killed run loses at most the
 * trials in progress and the line being written; a resumed run never trains a logged trial again.
 *
 * Segments (trials that stop early or continue another) leave their trainer's checkpoint in
 * checkpoints/<trial id>.ckpt, written before their log line, so whatever continues them finds
 * it after a crash too. Checkpoints are deleted when the run folder's work is done.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appendJsonl, readJsonl, SUMMARY_FILE, writeJsonl } from '../core/files.js';
import type { EpochMetrics } from '../train/controller.js';
import type { BatchOptions, Runner } from './runner.js';
import type { TrialJob, TrialResult, TrialSpec } from './trial.js';

export const RUN_LOG_FILE = 'trials.jsonl';
export const CHECKPOINT_DIR = 'checkpoints';
/** Where run folders of format 1 kept their trials. */
const LEGACY_FILE = 'grid.jsonl';

/** Reads the finished trials of a run folder (a torn last line, killed mid-write, is skipped). */
export function readRunLog(dir: string): Promise<TrialResult[]> {
  return readJsonl<TrialResult>(path.join(dir, RUN_LOG_FILE));
}

/** Trainings a run folder holds: finished trials in its run log (plain or packed), or 1 for a finished single run. */
export function savedTrainings(dir: string): number {
  const log = path.join(dir, RUN_LOG_FILE);
  const count = (text: string) => text.split('\n').filter((l) => l.trim().endsWith('}')).length;
  if (existsSync(log)) return count(readFileSync(log, 'utf8'));
  if (existsSync(`${log}.gz`)) return count(gunzipSync(readFileSync(`${log}.gz`)).toString('utf8'));
  return existsSync(path.join(dir, SUMMARY_FILE)) ? 1 : 0;
}

/** A run folder's log of finished trials: open it, skip what it holds, append each trial as it finishes. */
export class RunLog {
  readonly dir: string;
  readonly file: string;
  private readonly finished: Map<string, TrialResult>;

  private constructor(dir: string, finished: TrialResult[]) {
    this.dir = dir;
    this.file = path.join(dir, RUN_LOG_FILE);
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
    // Rewritten whole (a torn last line dropped; a packed log, trials.jsonl.gz, unpacked to append to).
    if (existsSync(file) || existsSync(`${file}.gz`)) await writeJsonl(file, saved);
    return new RunLog(dir, saved);
  }

  /** Every logged trial. */
  results(): TrialResult[] {
    return [...this.finished.values()];
  }

  private checkpointFile(id: string): string {
    return path.join(this.dir, CHECKPOINT_DIR, `${id}.ckpt`);
  }

  /** The checkpoint a finished segment left. */
  async readCheckpoint(id: string): Promise<Uint8Array> {
    const file = this.checkpointFile(id);
    if (!existsSync(file)) throw new Error(`${file}: missing; the trial that continues it cannot start (run again into a new --out folder)`);
    return new Uint8Array(await readFile(file));
  }

  /** Saves a checkpoint atomically (a crash leaves the old file or none, never half of one). */
  async writeCheckpoint(id: string, bytes: Uint8Array): Promise<void> {
    const file = this.checkpointFile(id);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, bytes);
    await rename(`${file}.tmp`, file);
  }

  /** Deletes every checkpoint left (when the run is complete). */
  async deleteCheckpoints(): Promise<void> {
    await rm(path.join(this.dir, CHECKPOINT_DIR), { recursive: true, force: true });
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

/** What a caller of the run log hears of its progress. */
export interface RunProgress {
  /** Called after each finished trial with the count done (logged before included) and the total. */
  onTrial?: (result: TrialResult, done: number, total: number) => void;
  /** Called before a batch starts with the trials it will train now and the epochs each trains (progress by epoch). */
  onPlan?: (plan: { trial: TrialSpec; epochs: number }[]) => void;
  /** Called after every epoch of a trial in progress. */
  onEpoch?: (trialId: string, metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

/**
 * Trains the trials not yet in the log on `runner`, appending each as it finishes.
 * @returns every trial's result (earlier and new) in the order of `trials`, and how many ran now.
 */
export async function runLogged(log: RunLog, trials: TrialSpec[], runner: Runner, progress: RunProgress = {}): Promise<{ results: TrialResult[]; ranNow: number }> {
  const todo = trials.filter((t) => !log.has(t.id));
  let done = trials.length - todo.length;
  progress.onPlan?.(todo.map((trial) => {
    const from = trial.segment?.from;
    const start = from === undefined ? 0 : (log.get(from)?.segment?.until ?? 0);
    return { trial, epochs: (trial.segment?.until ?? trial.config.epochs) - start };
  }));
  const jobs: TrialJob[] = await Promise.all(todo.map(async (t) => {
    const from = t.segment?.from;
    return from === undefined ? t : { ...t, start: await log.readCheckpoint(from) };
  }));
  const tags = new Map(todo.map((t) => [t.id, t.tag]));
  const batch: BatchOptions = {
    signal: progress.signal,
    onEpoch: progress.onEpoch,
    onResult: async ({ checkpoint, ...output }) => {
      if (log.has(output.id)) return;
      // On a queue, a trial another run folder also needs is trained once: keep this run's label.
      const result = { ...output, tag: tags.get(output.id) ?? output.tag };
      if (checkpoint !== undefined) await log.writeCheckpoint(result.id, checkpoint);
      await log.append(result);
      progress.onTrial?.(result, ++done, trials.length);
    },
  };
  if (jobs.length > 0) await runner.run(jobs, batch);
  // Checkpoints stay until the run folder's work is done (inRunFolder deletes them): a later round
  // may continue the same state again (a warm-up continued by a branch, then by halving's next rung).
  return { results: trials.map((t) => log.get(t.id) as TrialResult), ranNow: todo.length };
}
