/**
 * `autoflood reproduce benchmark`: the paper's benchmark protocol on one dataset. 80/20
 * train/validation split of the official training set; b in {0, 0.01, ..., 0.1} chosen by
 * validation accuracy; with and without weight decay; both readings (last epoch, early
 * stopping). CIFAR-10 uses ResNet-44 with the reference's schedule (SGD momentum 0.9, batch
 * 128, lr 0.1 decayed x0.1 at epochs 250 and 400 of 500, crop + flip augmentation).
 */
import { OptionError } from '../core/errors.js';
import type { RunHeader } from '../core/files.js';
import { gridTrials } from '../methods/grid.js';
import { parseLevels } from '../methods/levels.js';
import { READINGS, summarizeGrid, type Reading, type Stat } from '../methods/select.js';
import { resolveTrainConfig, type TrainConfig } from '../train/config.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import { runLogged } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';

export const BENCHMARK_DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
export type BenchmarkDataset = (typeof BENCHMARK_DATASETS)[number];
export type BenchmarkBudgetName = 'quick' | 'paper';

/** Weight decay of the "with weight decay" column (the paper's value was not recovered). */
export const BENCHMARK_WEIGHT_DECAY = 1e-4;

export interface BenchmarkBudget {
  epochs: number;
  levels: string;
  seeds: number;
  /** Subset sizes (0 = the full split). */
  trainSize: number;
  valSize: number;
  testSize: number;
  /** Learning-rate milestones (CIFAR-10), scaled with the epochs. */
  lrMilestones: number[];
  scaledDown: string[];
}

export function benchmarkBudget(dataset: BenchmarkDataset, budget: BenchmarkBudgetName): BenchmarkBudget {
  const paper = { epochs: 500, levels: '0:0.1:0.01', seeds: 3, trainSize: 0, valSize: 0, testSize: 0, scaledDown: [] };
  if (dataset === 'cifar10') {
    return budget === 'paper'
      ? { ...paper, lrMilestones: [250, 400] }
      : {
        epochs: 10, levels: '0:0.1:0.05', seeds: 1, trainSize: 5000, valSize: 1000, testSize: 2000, lrMilestones: [5, 8],
        scaledDown: ['10 epochs (lr decay at 5 and 8) instead of 500', 'levels 0, 0.05, 0.1', '1 seed',
          '5,000 / 1,000 / 2,000 train / validation / test images'],
      };
  }
  return budget === 'paper'
    ? { ...paper, lrMilestones: [] }
    : {
      epochs: 20, levels: '0:0.1:0.02', seeds: 2, trainSize: 5000, valSize: 1000, testSize: 10000, lrMilestones: [],
      scaledDown: ['20 epochs instead of 500', 'levels 0, 0.02, ..., 0.1 (6) instead of 11', '2 seeds',
        '5,000 training and 1,000 validation images drawn from the 80/20 split (full 10,000 test)'],
    };
}

export interface BenchmarkRow {
  dataset: string;
  weightDecay: number;
  reading: Reading;
  without: Stat;
  with: Stat;
  floodLevel: Stat;
  withoutClean: Stat;
  withClean: Stat;
}

export interface BenchmarkSummary {
  dataset: BenchmarkDataset;
  budget: BenchmarkBudgetName;
  settings: BenchmarkBudget;
  weightDecay: number;
  rows: BenchmarkRow[];
  trainings: number;
  trainingsRunNow: number;
  epochsTrained: number;
  wallSeconds: number;
}

export interface ReproduceBenchmarkOptions extends StudyOptions {
  dataset: BenchmarkDataset;
  budget: BenchmarkBudgetName;
  dataDir?: string;
  noise?: number;
}

export function benchmarkBase(options: ReproduceBenchmarkOptions, budget: BenchmarkBudget): TrainConfig {
  return resolveTrainConfig({
    dataset: options.dataset, noise: options.noise ?? 0, dataDir: options.dataDir, epochs: budget.epochs,
    trainSize: budget.trainSize, valSize: budget.valSize, testSize: budget.testSize,
    ...(options.dataset === 'cifar10' ? { lrMilestones: budget.lrMilestones } : {}),
  });
}

export function benchmarkRows(results: TrialResult[]): BenchmarkRow[] {
  const rows: BenchmarkRow[] = [];
  for (const weightDecay of [...new Set(results.map((r) => r.config.weightDecay))].sort((a, b) => a - b)) {
    const s = summarizeGrid(results.filter((r) => r.config.weightDecay === weightDecay));
    for (const reading of READINGS) {
      const g = s[reading];
      rows.push({
        dataset: results[0].config.dataset, weightDecay, reading,
        without: g.noFloodTestAcc, with: g.testAcc, floodLevel: g.floodLevel,
        withoutClean: g.noFloodTestAccClean, withClean: g.testAccClean,
      });
    }
  }
  return rows;
}

export async function reproduceBenchmark(options: ReproduceBenchmarkOptions): Promise<{ summary: RunHeader & BenchmarkSummary; results: TrialResult[] }> {
  const start = performance.now();
  if (!(BENCHMARK_DATASETS as readonly string[]).includes(options.dataset)) {
    throw new OptionError('dataset', `must be one of ${BENCHMARK_DATASETS.join(', ')}, got "${options.dataset}"`);
  }
  if (options.budget !== 'quick' && options.budget !== 'paper') throw new OptionError('budget', `must be quick or paper, got "${options.budget}"`);
  const budget = benchmarkBudget(options.dataset, options.budget);
  const base = benchmarkBase(options, budget);
  const levels = parseLevels(budget.levels);
  const seeds = Array.from({ length: budget.seeds }, (_, seed) => seed);
  const trials = [0, BENCHMARK_WEIGHT_DECAY].flatMap((weightDecay) => gridTrials({ ...base, weightDecay }, levels, seeds));
  let results: TrialResult[] = [];
  const config = { command: 'reproduce-benchmark', base, levels, seeds, weightDecay: BENCHMARK_WEIGHT_DECAY };
  const summary = await inRunFolder('reproduce-benchmark', options, config, async ({ log, runner, progress }) => {
    const run = await runLogged(log, trials, runner, progress);
    results = run.results;
    return {
      dataset: options.dataset,
      budget: options.budget,
      settings: budget,
      weightDecay: BENCHMARK_WEIGHT_DECAY,
      rows: benchmarkRows(results),
      trainings: results.length,
      trainingsRunNow: run.ranNow,
      epochsTrained: results.reduce((a, r) => a + r.history.length, 0),
      wallSeconds: (performance.now() - start) / 1000,
    } satisfies BenchmarkSummary;
  });
  return { summary, results };
}
