/**
 * `autoflood grid`: one training per flood level and seed, on worker threads, every level on
 * the same data and initialisation seed so runs differ only in b. Each finished training goes
 * to the run log at once; a rerun with `resume` skips every trial already there.
 */
import type { TrainConfig } from '../train/config.js';
import { RunLog, runLogged, type LoggedRunOptions } from '../trials/run-log.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { claimRunFolder, writeSummary, type RunHeader } from '../util/files.js';
import { lossScale, relativeLevels, scaleTrial } from './scale.js';
import { summarizeGrid, type Reading, type ReadingSummary } from './select.js';

export interface GridOptions extends LoggedRunOptions {
  /** Every trial's config except `flood` and `seed`. */
  base: TrainConfig;
  /**
   * Flood levels to train; absent: 0, 0.1, ..., 1 x the loss scale of the first seed's warm-up
   * (scale.ts), one set of levels for every seed (tune measures a scale per seed instead: each
   * seed there is a task tuned on its own).
   */
  levels?: number[];
  /** Seeds: one full grid per seed. */
  seeds: number[];
  /** Output folder. */
  out: string;
  /** Continue a grid in `out`, skipping finished trials (the options must be the same). */
  resume?: boolean;
}

export interface GridSummary {
  dataset: string;
  noise: number;
  levels: number[];
  seeds: number[];
  /** The loss scale the levels are relative to (when they were not given). */
  scale?: number;
  /** Trainings in the grid (levels × seeds). */
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

export function summarizeGridRuns(grid: TrialResult[], levels: number[], seeds: number[], trialsRunNow: number): GridSummary {
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

/**
 * Trains every level x seed (levels fitted to the task when not given) on a worker pool, logs each
 * finished trial to `out`, and writes `summary.json` there.
 * @returns the summary (chosen b per reading, no-flooding baseline) and every trial's result.
 */
export async function runGrid(options: GridOptions): Promise<{ summary: RunHeader & GridSummary; results: TrialResult[] }> {
  const { base, seeds, out, resume = false, ...pool } = options;
  if (seeds.length === 0) throw new RangeError('seeds: need at least one seed');
  if (options.levels?.length === 0) throw new RangeError('levels: need at least one flood level');
  await claimRunFolder(out, { command: 'grid', base, levels: options.levels, seeds }, resume);
  const log = await RunLog.open(out);
  let levels = options.levels;
  let warmup: TrialResult | undefined;
  if (levels === undefined) {
    [warmup] = (await runLogged(log, [scaleTrial({ ...base, seed: seeds[0] })], pool)).results;
    levels = relativeLevels(lossScale(warmup));
  }
  const { results, ranNow } = await runLogged(log, gridTrials(base, levels, seeds), pool);
  const summary = summarizeGridRuns(results, levels, seeds, ranNow);
  if (warmup !== undefined) {
    Object.assign(summary, {
      scale: lossScale(warmup),
      epochsTrained: summary.epochsTrained + warmup.history.length,
      trialSeconds: summary.trialSeconds + warmup.wallSeconds,
    });
  }
  await log.deleteCheckpoints();
  return { summary: await writeSummary(out, 'grid', summary), results };
}
