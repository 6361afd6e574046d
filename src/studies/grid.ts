/**
 * `autoflood grid`: one training per flood level and seed, on worker threads, every level on
 * the same data and initialisation seed so runs differ only in b. Each finished training goes
 * to the run log at once; a rerun with `resume` skips every trial already there.
 */
import { OptionError } from '../core/errors.js';
import type { RunHeader } from '../core/files.js';
import { gridTrials } from '../methods/grid.js';
import { relativeLevels, scaleTrial } from '../methods/relative.js';
import { summarizeGrid, type Reading, type ReadingSummary } from '../methods/select.js';
import type { TrainConfig } from '../train/config.js';
import { lossScale } from '../train/scale.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import { runLogged } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';

export interface GridOptions extends StudyOptions {
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
 * Trains every level x seed (levels fitted to the task when not given: one set of levels, from the
 * first seed's warm-up, so seeds compare level by level) in the run folder `out`, and writes
 * `summary.json` there.
 * @returns the summary (chosen b per reading, no-flooding baseline) and every trial's result.
 */
export async function runGrid(options: GridOptions): Promise<{ summary: RunHeader & GridSummary; results: TrialResult[] }> {
  const { base, seeds } = options;
  if (seeds.length === 0) throw new OptionError('seeds', 'need at least one seed');
  if (options.levels?.length === 0) throw new OptionError('levels', 'need at least one flood level');
  let results: TrialResult[] = [];
  const summary = await inRunFolder('grid', options, { command: 'grid', base, levels: options.levels, seeds }, async ({ log, runner, progress }) => {
    let levels = options.levels;
    let warmup: TrialResult | undefined;
    let warmupRanNow = 0;
    if (levels === undefined) {
      const measured = await runLogged(log, [scaleTrial({ ...base, seed: seeds[0] })], runner, progress);
      [warmup] = measured.results;
      warmupRanNow = measured.ranNow;
      levels = relativeLevels(lossScale(warmup.history));
    }
    const grid = await runLogged(log, gridTrials(base, levels, seeds), runner, progress);
    results = grid.results;
    // Trainings run now count the warm-up too.
    const body = summarizeGridRuns(results, levels, seeds, grid.ranNow + warmupRanNow);
    if (warmup === undefined) return body;
    return {
      ...body,
      scale: lossScale(warmup.history),
      epochsTrained: body.epochsTrained + warmup.history.length,
      trialSeconds: body.trialSeconds + warmup.wallSeconds,
    };
  });
  return { summary, results };
}
