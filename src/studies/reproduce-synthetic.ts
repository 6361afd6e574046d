/**
 * `autoflood reproduce synthetic`: the paper's Table 1. Two Gaussians, Spiral and Sinusoid at
 * low / middle / high label noise; without flooding, with flooding (b chosen on validation) and
 * the chosen b, under both readings (last epoch; early stopping); mean ± std over seeds; plus
 * the reference's backward variant (flooding only once the training loss < 1e-4) at the chosen b.
 *
 * All trainings of all settings go through one resumable pool, so a killed run loses at most
 * the trainings in progress.
 */
import { OptionError } from '../core/errors.js';
import type { RunHeader } from '../core/files.js';
import { SYNTHETIC_NAMES } from '../data/synthetic.js';
import { gridTrials } from '../methods/grid.js';
import { parseLevels } from '../methods/levels.js';
import { READINGS, stat, summarizeGrid, type Reading, type Stat } from '../methods/select.js';
import { resolveTrainConfig, type TrainConfig } from '../train/config.js';
import { lastTenth } from '../train/scale.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import { runLogged } from '../trials/run-log.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';

export type BudgetName = 'quick' | 'paper';

export interface SyntheticBudget {
  epochs: number;
  /** Flood levels, "start:stop:step". */
  levels: string;
  /** Seeds: a count n (0..n-1) or the seeds themselves. */
  seeds: number | number[];
  /** MLP hidden layers and units. */
  depth: number;
  width: number;
  trainSize: number;
  valSize: number;
  testSize: number;
  /** Evaluate the test split every this many epochs (loss curves). */
  testEvery: number;
  /** Also record validation accuracy on a random subset of this many validation examples (selection noise); 0 or absent = off. */
  valSubset?: number;
  /** What this budget changes from the paper's setting, for the report. */
  scaledDown: string[];
}

/** The paper's (demo code's) setting and a scaled-down one that fits ~30 minutes on 2 cores. */
export const SYNTHETIC_BUDGETS: Record<BudgetName, SyntheticBudget> = {
  paper: {
    epochs: 500, levels: '0:0.5:0.01', seeds: 3, depth: 4, width: 500,
    trainSize: 1000, valSize: 100, testSize: 20000, testEvery: 10, scaledDown: [],
  },
  quick: {
    epochs: 200, levels: '0:0.5:0.05', seeds: 3, depth: 4, width: 100,
    trainSize: 1000, valSize: 100, testSize: 20000, testEvery: 10,
    scaledDown: [
      '200 epochs instead of 500',
      'flood levels 0, 0.05, ..., 0.5 (11) instead of 0, 0.01, ..., 0.5 (51)',
      'hidden layers of 100 units instead of 500 (4 layers, BatchNorm, ReLU kept)',
    ],
  },
};

/** Low, middle and high label noise. */
export const NOISE_LEVELS = [0.01, 0.05, 0.1] as const;
/** The backward variant's threshold on the training loss (the reference's 1e-4). */
export const BACKWARD_THRESHOLD = 1e-4;

/** The paper's Table 1, Two Gaussians rows (without early stopping), from the reference. */
export const PAPER_TWO_GAUSSIANS: Record<number, { without: number; with: number; b: number }> = {
  0.01: { without: 0.9052, with: 0.9213, b: 0.17 },
  0.05: { without: 0.8479, with: 0.8803, b: 0.22 },
  0.1: { without: 0.7844, with: 0.8359, b: 0.32 },
};

export interface SettingRow {
  dataset: string;
  noise: number;
  reading: Reading;
  /** Test accuracy against noisy test labels (as the paper's numbers fit best). */
  without: Stat;
  with: Stat;
  floodLevel: Stat;
  backward: Stat;
  /** The same against clean test labels. */
  withoutClean: Stat;
  withClean: Stat;
  backwardClean: Stat;
  /** Trainings of the backward variant whose training loss ever went below the threshold. */
  backwardReached: number;
}

/** How b is chosen from a grid, in the selection-noise comparison. */
export const SELECTORS = ['subset-last', 'val-last', 'val-tail', 'subset-tail'] as const;
export type Selector = (typeof SELECTORS)[number];

/** One setting's grid read by one selector: the b chosen per seed and how far its test accuracy lands from the test-best level's. */
export interface SelectionRow {
  dataset: string;
  noise: number;
  by: Selector;
  floodLevel: Stat;
  /** Last-epoch test accuracy (noisy labels) of the chosen run. */
  testAcc: Stat;
  /** Per seed: test accuracy of the level best on test minus the chosen one's (points lost to selection). */
  gapToBest: Stat;
  /** Seeds where the chosen level is the test-best one. */
  hits: number;
}

export interface SyntheticSummary {
  budget: BudgetName;
  settings: SyntheticBudget;
  rows: SettingRow[];
  /**
   * With a validation subset (`valSubset`): each grid read four ways, by the last epoch's accuracy on
   * the subset and on the whole validation set, and by their means over the last tenth of the epochs.
   */
  selection?: SelectionRow[];
  trainings: number;
  epochsTrained: number;
  /** Sum of every training's wall time. */
  trialSeconds: number;
  /** Wall time of the invocation that finished the run (a resumed run counts only its last part). */
  wallSeconds: number;
  /** Trainings that invocation ran (the rest came from earlier ones). */
  trainingsRunNow: number;
}

export function baseConfig(dataset: string, noise: number, budget: SyntheticBudget): TrainConfig {
  return resolveTrainConfig({
    dataset, noise, model: 'mlp', depth: budget.depth, width: budget.width, epochs: budget.epochs,
    trainSize: budget.trainSize, valSize: budget.valSize, testSize: budget.testSize,
    testEvery: budget.testEvery, valSubset: budget.valSubset, optimizer: 'adam', lr: 1e-3, batchSize: 200,
  });
}

interface Setting {
  dataset: string;
  noise: number;
  base: TrainConfig;
}

function settingsOf(budget: SyntheticBudget, datasets: readonly string[], noises: readonly number[]): Setting[] {
  return datasets.flatMap((dataset) => noises.map((noise) => ({ dataset, noise, base: baseConfig(dataset, noise, budget) })));
}

export const seedsOf = (budget: SyntheticBudget): number[] =>
  Array.isArray(budget.seeds) ? budget.seeds : Array.from({ length: budget.seeds }, (_, i) => i);

const matches = (setting: Setting) => (r: TrialResult) =>
  r.config.dataset === setting.dataset && r.config.noise === setting.noise;

/** The backward variant at each seed's chosen b (last-epoch reading). */
function backwardTrialsOf(setting: Setting, grid: TrialResult[]): TrialSpec[] {
  const chosen = summarizeGrid(grid.filter(matches(setting))).last.chosen;
  return chosen.map((c) =>
    makeTrial({ ...setting.base, seed: c.seed, flood: c.floodLevel }, { kind: 'backward', afterLoss: BACKWARD_THRESHOLD }, 'backward'));
}

/** Table rows from finished grid and backward trainings. */
export function syntheticRows(results: TrialResult[]): SettingRow[] {
  const keys = [...new Map(results.map((r) => [`${r.config.dataset}|${r.config.noise}`, r.config])).values()];
  const rows: SettingRow[] = [];
  for (const { dataset, noise } of keys) {
    const mine = results.filter((r) => r.config.dataset === dataset && r.config.noise === noise);
    const grid = summarizeGrid(mine.filter((r) => r.tag === 'grid'));
    const backward = mine.filter((r) => r.tag === 'backward');
    for (const reading of READINGS) {
      const g = grid[reading];
      rows.push({
        dataset, noise, reading,
        without: g.noFloodTestAcc,
        with: g.testAcc,
        floodLevel: g.floodLevel,
        backward: stat(backward.map((r) => r[reading].testAcc)),
        withoutClean: g.noFloodTestAccClean,
        withClean: g.testAccClean,
        backwardClean: stat(backward.map((r) => r[reading].testAccClean)),
        backwardReached: backward.filter((r) => r.history.some((m) => m.trainLoss < BACKWARD_THRESHOLD)).length,
      });
    }
  }
  return rows;
}

const tail = (history: TrialResult['history'], field: 'valAcc' | 'valAccSubset') => {
  const last = lastTenth(history);
  return last.reduce((a, m) => a + (m[field] ?? NaN), 0) / last.length;
};

/** What each selector reads of a grid run (higher is better). */
const SELECTOR_READS: Record<Selector, (r: TrialResult) => number> = {
  'subset-last': (r) => r.history[r.history.length - 1].valAccSubset ?? NaN,
  'val-last': (r) => r.last.valAcc,
  'val-tail': (r) => tail(r.history, 'valAcc'),
  'subset-tail': (r) => tail(r.history, 'valAccSubset'),
};

/** The selection-noise rows of grid results whose trainings recorded a validation subset (see SyntheticSummary). */
export function selectionRows(results: TrialResult[]): SelectionRow[] | undefined {
  const grid = results.filter((r) => r.tag === 'grid');
  if (grid.length === 0 || grid.some((r) => r.history.at(-1)?.valAccSubset === undefined)) return undefined;
  const keys = [...new Map(grid.map((r) => [`${r.config.dataset}|${r.config.noise}`, r.config])).values()];
  return keys.flatMap(({ dataset, noise }) => {
    const mine = grid.filter((r) => r.config.dataset === dataset && r.config.noise === noise);
    const seeds = [...new Set(mine.map((r) => r.config.seed))].sort((a, b) => a - b);
    return SELECTORS.map((by) => {
      const chosen = seeds.map((seed) => {
        const runs = mine.filter((r) => r.config.seed === seed);
        // Ties go to the smaller b, as in the grid's own choice.
        const pick = runs.reduce((a, r) => (SELECTOR_READS[by](r) > SELECTOR_READS[by](a) || (SELECTOR_READS[by](r) === SELECTOR_READS[by](a) && r.config.flood < a.config.flood) ? r : a));
        const best = runs.reduce((a, r) => (r.last.testAcc > a.last.testAcc ? r : a));
        return { pick, best };
      });
      return {
        dataset, noise, by,
        floodLevel: stat(chosen.map((c) => c.pick.config.flood)),
        testAcc: stat(chosen.map((c) => c.pick.last.testAcc)),
        gapToBest: stat(chosen.map((c) => c.best.last.testAcc - c.pick.last.testAcc)),
        hits: chosen.filter((c) => c.pick.id === c.best.id).length,
      };
    });
  });
}

export interface ReproduceSyntheticOptions extends StudyOptions {
  budget: BudgetName;
  /** Replaces the budget's settings (small runs in tests); recorded in the summary. */
  settings?: SyntheticBudget;
  /** Restrict to some datasets / noise rates (default: all of the paper's). */
  datasets?: readonly string[];
  noises?: readonly number[];
}

export async function reproduceSynthetic(options: ReproduceSyntheticOptions): Promise<{ summary: RunHeader & SyntheticSummary; results: TrialResult[] }> {
  const start = performance.now();
  const { budget: budgetName, settings: custom, datasets = SYNTHETIC_NAMES, noises = NOISE_LEVELS } = options;
  const budget = custom ?? SYNTHETIC_BUDGETS[budgetName];
  if (budget == null) throw new OptionError('budget', `must be quick or paper, got "${budgetName}"`);
  const settings = settingsOf(budget, datasets, noises);
  // Seed by seed, so a run stopped part-way has every setting at its first seeds.
  const gridRuns = seedsOf(budget).flatMap((seed) => settings.flatMap((s) => gridTrials(s.base, parseLevels(budget.levels), [seed])));
  const total = gridRuns.length + settings.length * seedsOf(budget).length;
  let results: TrialResult[] = [];
  const config = { command: 'reproduce-synthetic', budget: budgetName, settings: budget, datasets, noises };
  const summary = await inRunFolder('reproduce-synthetic', options, config, async ({ log, runner, progress }) => {
    const counted = { ...progress, onTrial: (r: TrialResult, done: number) => progress.onTrial?.(r, done, total) };
    const phase1 = await runLogged(log, gridRuns, runner, counted);
    const backwardTrials = settings.flatMap((s) => backwardTrialsOf(s, phase1.results));
    const all = await runLogged(log, [...gridRuns, ...backwardTrials], runner, counted);
    results = all.results;
    return {
      budget: budgetName,
      settings: budget,
      rows: syntheticRows(all.results),
      ...(selectionRows(all.results) === undefined ? {} : { selection: selectionRows(all.results) }),
      trainings: all.results.length,
      epochsTrained: all.results.reduce((a, r) => a + r.history.length, 0),
      trialSeconds: all.results.reduce((a, r) => a + r.wallSeconds, 0),
      wallSeconds: (performance.now() - start) / 1000,
      trainingsRunNow: phase1.ranNow + all.ranNow,
    } satisfies SyntheticSummary;
  });
  return { summary, results };
}
