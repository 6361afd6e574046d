/**
 * `autoflood grid`: one training per flood level and seed, on worker threads, every level on
 * the same data and initialisation seed so runs differ only in b. Each finished training is
 * appended to grid.jsonl at once; a rerun with `resume` skips every trial already there.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runTrials } from '../pool/pool.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../pool/trial.js';
import { appendJsonl, ensureDir, readJson, readJsonl, writeJson, writeJsonl } from '../runs.js';
import type { TrainConfig } from '../train/config.js';
import type { EpochMetrics } from '../train/controller.js';
import { summarizeGrid, type Reading, type ReadingSummary } from './select.js';

export const GRID_FILE = 'grid.jsonl';

export interface GridOptions {
  /** Every trial's config except `flood` and `seed`. */
  base: TrainConfig;
  /** Flood levels to train. */
  levels: number[];
  /** Seeds: one full grid per seed. */
  seeds: number[];
  /** Output folder. */
  out: string;
  /** Continue a grid in `out`, skipping finished trials. */
  resume?: boolean;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Extra trials run alongside (e.g. the backward variant), stored with their tag. */
  extraTrials?: TrialSpec[];
  /** Called after each finished trial with the count done and the total. */
  onTrial?: (result: TrialResult, done: number, total: number) => void;
  onEpoch?: (trialId: string, metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

export interface GridSummary {
  dataset: string;
  noise: number;
  levels: number[];
  seeds: number[];
  /** Trainings in the grid (levels × seeds, plus extra trials). */
  trials: number;
  /** Trainings this invocation ran (the rest came from an earlier, resumed invocation). */
  trialsRunNow: number;
  /** Epochs trained over all trials (the grid's compute). */
  epochsTrained: number;
  /** Sum of every trial's wall time (CPU-seconds of one worker). */
  trialSeconds: number;
  selection: Record<Reading, ReadingSummary>;
}

/** The grid's trials: one per (seed, level). */
export function gridTrials(base: TrainConfig, levels: number[], seeds: number[]): TrialSpec[] {
  return seeds.flatMap((seed) => levels.map((flood) => makeTrial({ ...base, seed, flood })));
}

/** Reads the finished trials of a grid folder (a torn last line, killed mid-write, is skipped). */
export function readGridResults(dir: string): Promise<TrialResult[]> {
  return readJsonl<TrialResult>(path.join(dir, GRID_FILE));
}

export function summarizeGridRuns(
  grid: TrialResult[], levels: number[], seeds: number[], trialsRunNow: number,
): GridSummary {
  const { config } = grid[0];
  return {
    dataset: config.dataset,
    noise: config.noise,
    levels,
    seeds,
    trials: grid.length,
    trialsRunNow,
    epochsTrained: grid.reduce((a, r) => a + r.history.length, 0),
    trialSeconds: grid.reduce((a, r) => a + r.wallSeconds, 0),
    selection: summarizeGrid(grid.filter((r) => r.tag === 'grid')),
  };
}

export interface ResumableOptions {
  /** Folder holding grid.jsonl and grid-config.json. */
  dir: string;
  trials: TrialSpec[];
  /** Continue: skip trials already in grid.jsonl. Without it an existing grid.jsonl is an error. */
  resume?: boolean;
  workers?: number;
  backend?: string;
  onTrial?: (result: TrialResult, done: number, total: number) => void;
  onEpoch?: (trialId: string, metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

/**
 * Runs the trials not yet in `dir`/grid.jsonl, appending each result as it finishes.
 * @returns every trial's result (earlier and new) in the order of `trials`, and how many ran now.
 */
export async function runResumable(options: ResumableOptions): Promise<{ results: TrialResult[]; ranNow: number }> {
  const dir = await ensureDir(options.dir);
  const file = path.join(dir, GRID_FILE);
  const { trials } = options;
  if (existsSync(file) && !options.resume) {
    throw new Error(`out: ${dir} already holds results; pass --resume to continue or choose another --out`);
  }
  const saved = await readGridResults(dir);
  // Rewrite without a torn last line, so the appends below start on a clean line.
  if (existsSync(file)) await writeJsonl(file, saved);
  const finished = new Map(saved.map((r) => [r.id, r]));
  const todo = trials.filter((t) => !finished.has(t.id));
  let done = trials.length - todo.length;
  await runTrials(todo, {
    workers: options.workers,
    backend: options.backend,
    signal: options.signal,
    onEpoch: options.onEpoch,
    onResult: async (result) => {
      await appendJsonl(file, result);
      finished.set(result.id, result);
      options.onTrial?.(result, ++done, trials.length);
    },
  });
  return { results: trials.map((t) => finished.get(t.id) as TrialResult), ranNow: todo.length };
}

export async function runGrid(options: GridOptions): Promise<{ summary: GridSummary; results: TrialResult[] }> {
  const { base, levels, seeds, out } = options;
  if (seeds.length === 0) throw new RangeError('seeds: need at least one seed');
  const trials = [...gridTrials(base, levels, seeds), ...(options.extraTrials ?? [])];
  const configFile = path.join(out, 'grid-config.json');
  if (options.resume && existsSync(configFile)) {
    const saved = await readJson<{ trialIds: string[] }>(configFile);
    const missing = trials.filter((t) => !saved.trialIds.includes(t.id)).length;
    if (missing > 0) {
      throw new Error(`resume: ${missing} of ${trials.length} trials differ from the grid saved in ${out}; same options needed to resume`);
    }
  }
  if (existsSync(path.join(out, GRID_FILE)) && !options.resume) {
    throw new Error(`out: ${out} already holds a grid; pass --resume to continue it or choose another --out`);
  }
  await ensureDir(out);
  await writeJson(configFile, { base, levels, seeds, trialIds: trials.map((t) => t.id) });
  const { results, ranNow } = await runResumable({ ...options, dir: out, trials, backend: base.backend });
  const summary = summarizeGridRuns(results, levels, seeds, ranNow);
  await writeJson(path.join(out, 'summary.json'), summary);
  return { summary, results };
}
