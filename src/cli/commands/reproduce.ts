/** `autoflood reproduce synthetic` (the paper's Table 1) and `reproduce benchmark`. */
import { benchmarkBase, benchmarkBudget, BENCHMARK_DATASETS, reproduceBenchmark, type BenchmarkDataset, type BenchmarkSummary } from '../../reproduce/benchmark.js';
import { reproduceSynthetic, SYNTHETIC_BUDGETS, type BudgetName, type SyntheticSummary } from '../../reproduce/synthetic.js';
import type { TrialResult } from '../../trials/trial.js';
import { oneOf, real, text } from '../../util/values.js';
import type { CommandSpec } from '../command.js';
import { poolFlags } from '../options.js';
import { loadTaskData } from '../task.js';

interface ReproduceFlags extends Record<string, unknown> {
  budget: BudgetName;
  workers: number;
  resume: boolean;
  queue?: string;
}

type Results<S> = { summary: S; results: TrialResult[] };

const BUDGET = { key: 'budget', flag: '--budget <name>', help: "quick (scaled down to minutes or hours on 2 cores) | paper (the paper's settings)", kind: oneOf(['quick', 'paper'] as const), default: 'quick' };

export const reproduceSyntheticCommand: CommandSpec<ReproduceFlags, Results<SyntheticSummary>> = {
  name: ['reproduce', 'synthetic'],
  description: 'Table 1: Two Gaussians, Spiral, Sinusoid at 1/5/10% label noise, with and without flooding',
  example: 'autoflood reproduce synthetic --budget quick',
  flags: [BUDGET, ...poolFlags('runs/reproduce-synthetic-<budget>-<time>')],
  outPrefix: (o) => `reproduce-synthetic-${o.budget}`,
  run(o, context) {
    const settings = SYNTHETIC_BUDGETS[o.budget];
    context.logger.info(`reproduce synthetic (${o.budget}): ${settings.epochs} epochs, levels ${settings.levels}, ${settings.seeds} seeds -> ${context.out}`);
    for (const change of settings.scaledDown) context.logger.info(`  scaled down: ${change}`);
    return reproduceSynthetic({
      budget: o.budget, out: context.out, resume: o.resume, workers: o.workers, queue: o.queue, backend: context.backend,
      ...context.poolProgress('reproduce synthetic'),
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
  run(o, context) {
    const budget = benchmarkBudget(o.dataset, o.budget);
    context.logger.info(`reproduce benchmark ${o.dataset} (${o.budget}): ${budget.epochs} epochs, levels ${budget.levels}, ${budget.seeds} seeds -> ${context.out}`);
    for (const change of budget.scaledDown) context.logger.info(`  scaled down: ${change}`);
    return reproduceBenchmark({
      dataset: o.dataset, budget: o.budget, dataDir: o.dataDir, noise: o.noise,
      out: context.out, resume: o.resume, workers: o.workers, queue: o.queue, backend: context.backend,
      ...context.poolProgress('reproduce benchmark'),
    });
  },
  report: ({ summary, results }) => ({ kind: 'reproduce-benchmark', summary, results }),
  lines: ({ summary }, _o, context) => [
    `${summary.trainingsRunNow} of ${summary.trainings} trainings run now, ${summary.wallSeconds.toFixed(0)} s wall; wrote ${context.out}/report.md`,
  ],
};
