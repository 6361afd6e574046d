/** `autoflood reproduce synthetic` (the paper's Table 1) and `reproduce benchmark`. */
import { benchmarkBase, benchmarkBudget, BENCHMARK_DATASETS, reproduceBenchmark, type BenchmarkDataset, type BenchmarkSummary } from '../../studies/reproduce-benchmark.js';
import { NOISE_LEVELS, reproduceSynthetic, SYNTHETIC_BUDGETS, type BudgetName, type SyntheticBudget, type SyntheticSummary } from '../../studies/reproduce-synthetic.js';
import { SYNTHETIC_NAMES, type SyntheticName } from '../../data/synthetic.js';
import { levelGrid } from '../../methods/levels.js';
import type { TrialResult } from '../../trials/trial.js';
import { integer, listOf, oneOf, real, text } from '../../core/values.js';
import { studyOptions, type CommandSpec, type PoolFlags } from '../command.js';
import { poolFlags, seedsKind } from '../options.js';
import { loadTaskData } from '../task.js';

interface ReproduceFlags extends PoolFlags {
  budget: BudgetName;
}

type Results<S> = { summary: S; results: TrialResult[] };

const BUDGET = { key: 'budget', flag: '--budget <name>', help: "quick (scaled down to minutes or hours on 2 cores) | paper (the paper's settings)", kind: oneOf(['quick', 'paper'] as const), default: 'quick' };

interface SyntheticFlags extends ReproduceFlags {
  levels?: number[];
  seeds?: number[];
  datasets: SyntheticName[];
  noises: number[];
  valSize?: number;
  valSubset?: number;
  testEvery?: number;
}

/** The budget with the flags that change it, each change said in words for the report. */
function syntheticSettings(o: SyntheticFlags): SyntheticBudget {
  const base = SYNTHETIC_BUDGETS[o.budget];
  const settings: SyntheticBudget = { ...base, scaledDown: [...base.scaledDown] };
  const change = (what: string) => settings.scaledDown.push(what);
  if (o.levels !== undefined) {
    settings.levels = o.levels.join(',');
    change(`flood levels ${settings.levels} (${o.levels.length}) instead of \`${base.levels}\``);
  }
  if (o.seeds !== undefined) settings.seeds = o.seeds;
  if (o.valSize !== undefined && o.valSize !== base.valSize) {
    settings.valSize = o.valSize;
    change(`${o.valSize} validation examples instead of ${base.valSize}`);
  }
  if (o.valSubset !== undefined && o.valSubset > 0) settings.valSubset = o.valSubset;
  if (o.testEvery !== undefined) settings.testEvery = o.testEvery;
  return settings;
}

export const reproduceSyntheticCommand: CommandSpec<SyntheticFlags, Results<SyntheticSummary>> = {
  name: ['reproduce', 'synthetic'],
  description: 'Table 1: Two Gaussians, Spiral, Sinusoid at 1/5/10% label noise, with and without flooding',
  example: 'autoflood reproduce synthetic --budget paper --levels 0:0.5:0.05 --seeds 3 --datasets two-gaussians',
  flags: [
    BUDGET,
    { key: 'levels', flag: '--levels <grid>', help: 'flood levels, start:stop:step or a comma list', kind: levelGrid, defaultText: "the budget's" },
    { key: 'seeds', flag: '--seeds <n|list>', help: 'seeds: a count n (0..n-1) or a comma list', kind: seedsKind, defaultText: "the budget's (3)" },
    { key: 'datasets', flag: '--datasets <list>', help: SYNTHETIC_NAMES.join(', '), kind: listOf(oneOf(SYNTHETIC_NAMES)), default: [...SYNTHETIC_NAMES] },
    { key: 'noises', flag: '--noises <rates>', help: 'label-noise rates', kind: listOf(real({ min: 0, max: 1, below: true })), default: [...NOISE_LEVELS] },
    { key: 'valSize', flag: '--val-size <n>', help: 'validation examples', kind: integer(1), defaultText: "the budget's (100)" },
    { key: 'valSubset', flag: '--val-subset <n>', help: 'also record validation accuracy on a fixed random subset of n of them (selection on a small set beside the whole; 0 = off)', kind: integer(0), default: 0 },
    { key: 'testEvery', flag: '--test-every <n>', help: 'evaluate the test split every n epochs (loss curves)', kind: integer(0), defaultText: "the budget's (10)" },
    ...poolFlags('runs/reproduce-synthetic-<budget>-<time>'),
  ],
  outPrefix: (o) => `reproduce-synthetic-${o.budget}`,
  async run(o, context) {
    const settings = syntheticSettings(o);
    context.logger.info(`reproduce synthetic (${o.budget}): ${settings.epochs} epochs, levels ${settings.levels}, seeds ${String(settings.seeds)}, ${o.datasets.join(', ')} at noise ${o.noises.join(', ')} -> ${context.out}`);
    for (const change of settings.scaledDown) context.logger.info(`  changed: ${change}`);
    return reproduceSynthetic({
      budget: o.budget, settings, datasets: o.datasets, noises: o.noises, ...(await studyOptions(o, context, 'reproduce synthetic')),
    });
  },
  report: ({ summary, results }) => ({ kind: 'reproduce-synthetic', summary, results }),
  lines: ({ summary }, _o, context) => [
    `${summary.trainingsRunNow} of ${summary.trainings} trainings run now, ${summary.wallSeconds.toFixed(0)} s wall`,
    `wrote ${context.out}/{trials.jsonl,summary.json,report.md,report.html}`,
  ],
};

interface BenchmarkFlags extends ReproduceFlags {
  dataset: BenchmarkDataset;
  dataDir?: string;
  noise: number;
}

export const reproduceBenchmarkCommand: CommandSpec<BenchmarkFlags, Results<BenchmarkSummary>> = {
  name: ['reproduce', 'benchmark'],
  description: 'the benchmark protocol: 80/20 split, b in 0..0.1, with and without weight decay and early stopping',
  example: 'autoflood reproduce benchmark --dataset mnist --budget quick',
  flags: [
    { key: 'dataset', flag: '--dataset <name>', help: BENCHMARK_DATASETS.join(' | '), kind: oneOf(BENCHMARK_DATASETS), default: 'mnist' },
    BUDGET,
    { key: 'dataDir', flag: '--data-dir <dir>', help: 'CIFAR-10 binaries (or MNIST-family IDX files)', kind: text },
    { key: 'noise', flag: '--noise <rate>', help: 'label-noise rate', kind: real({ min: 0, max: 1, below: true }), default: 0 },
    ...poolFlags('runs/reproduce-<dataset>-<budget>-<time>'),
  ],
  outPrefix: (o) => `reproduce-${o.dataset}-${o.budget}`,
  async prepare(o) {
    const base = benchmarkBase({ dataset: o.dataset, budget: o.budget, dataDir: o.dataDir, noise: o.noise, out: '' }, benchmarkBudget(o.dataset, o.budget));
    await loadTaskData(base);
  },
  async run(o, context) {
    const budget = benchmarkBudget(o.dataset, o.budget);
    context.logger.info(`reproduce benchmark ${o.dataset} (${o.budget}): ${budget.epochs} epochs, levels ${budget.levels}, ${budget.seeds} seeds -> ${context.out}`);
    for (const change of budget.scaledDown) context.logger.info(`  scaled down: ${change}`);
    return reproduceBenchmark({
      dataset: o.dataset, budget: o.budget, dataDir: o.dataDir, noise: o.noise, ...(await studyOptions(o, context, 'reproduce benchmark')),
    });
  },
  report: ({ summary, results }) => ({ kind: 'reproduce-benchmark', summary, results }),
  lines: ({ summary }, _o, context) => [
    `${summary.trainingsRunNow} of ${summary.trainings} trainings run now, ${summary.wallSeconds.toFixed(0)} s wall; wrote ${context.out}/report.md`,
  ],
};
