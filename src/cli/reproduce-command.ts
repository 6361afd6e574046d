/** `autoflood reproduce synthetic` (the paper's Table 1) and `reproduce benchmark`. */
import type { Command } from 'commander';
import { benchmarkBudget, BENCHMARK_DATASETS, reproduceBenchmark, type BenchmarkDataset } from '../reproduce/benchmark.js';
import { reproduceSynthetic, SYNTHETIC_BUDGETS, type BudgetName } from '../reproduce/synthetic.js';
import { defaultRunDir } from '../runs.js';
import { percent } from '../report/format.js';
import { createLogger } from './log.js';
import { createProgress } from './progress.js';
import { addCommonOptions, addPoolOptions, positiveInt, startBackend, loadReports } from './shared.js';

export function registerReproduceCommand(program: Command): void {
  const reproduce = program.command('reproduce').description("reproduce the paper's experiments");
  addPoolOptions(addCommonOptions(
    reproduce
      .command('synthetic')
      .description('Table 1: Two Gaussians, Spiral, Sinusoid at 1/5/10% label noise, with and without flooding')
      .option('--budget <name>', `quick (about 25 min on 2 cores) | paper (the paper's settings)`, 'quick'),
  ), 'runs/reproduce-synthetic-<budget>-<time>').action(async (flags: Record<string, unknown>) => {
    const logger = createLogger(String(flags.logLevel));
    const budget = String(flags.budget) as BudgetName;
    if (!(budget in SYNTHETIC_BUDGETS)) throw new RangeError(`budget: must be quick or paper, got "${budget}"`);
    const out = (flags.out as string | undefined) ?? defaultRunDir(`reproduce-synthetic-${budget}`);
    const settings = SYNTHETIC_BUDGETS[budget];
    await startBackend(String(flags.backend), logger);
    logger.info(`reproduce synthetic (${budget}): ${settings.epochs} epochs, levels ${settings.levels}, ${settings.seeds} seeds -> ${out}`);
    for (const change of settings.scaledDown) logger.info(`  scaled down: ${change}`);
    let progress: ReturnType<typeof createProgress> | undefined;
    const { summary } = await reproduceSynthetic({
      budget, out,
      resume: Boolean(flags.resume),
      workers: positiveInt(flags.workers, 'workers'),
      backend: String(flags.backend),
      onTrial: (r, done, total) => {
        progress ??= createProgress('reproduce', total, logger);
        progress.update(done, `${r.config.dataset} noise ${r.config.noise} b ${r.config.flood} ${r.tag}: ${percent(r.last.testAcc)}`);
      },
    });
    progress?.stop();
    await (await loadReports()).writeSyntheticReport(out);
    logger.info(`${summary.trainingsRunNow} of ${summary.trainings} trainings run now, ${summary.wallSeconds.toFixed(0)} s wall`);
    logger.info(`wrote ${out}/{grid.jsonl,summary.json,report.md,report.html}`);
  });

  addPoolOptions(addCommonOptions(
    reproduce
      .command('benchmark')
      .description('the benchmark protocol: 80/20 split, b in 0..0.1, with and without weight decay and early stopping')
      .requiredOption('--dataset <name>', BENCHMARK_DATASETS.join(' | '))
      .option('--budget <name>', 'quick | paper', 'quick')
      .option('--data-dir <dir>', 'CIFAR-10 binaries (or MNIST-family IDX files)')
      .option('--noise <rate>', 'label-noise rate', '0'),
  ), 'runs/reproduce-<dataset>-<budget>-<time>').action(async (flags: Record<string, unknown>) => {
    const logger = createLogger(String(flags.logLevel));
    const dataset = String(flags.dataset) as BenchmarkDataset;
    const budgetName = String(flags.budget) as BudgetName;
    if (!(BENCHMARK_DATASETS as readonly string[]).includes(dataset)) {
      throw new RangeError(`dataset: must be one of ${BENCHMARK_DATASETS.join(', ')}, got "${dataset}"`);
    }
    if (!(budgetName in SYNTHETIC_BUDGETS)) throw new RangeError(`budget: must be quick or paper, got "${budgetName}"`);
    const out = (flags.out as string | undefined) ?? defaultRunDir(`reproduce-${dataset}-${budgetName}`);
    await startBackend(String(flags.backend), logger);
    const budget = benchmarkBudget(dataset, budgetName);
    logger.info(`reproduce benchmark ${dataset} (${budgetName}): ${budget.epochs} epochs, levels ${budget.levels}, ${budget.seeds} seeds -> ${out}`);
    for (const change of budget.scaledDown) logger.info(`  scaled down: ${change}`);
    let progress: ReturnType<typeof createProgress> | undefined;
    const { summary } = await reproduceBenchmark({
      dataset, budget: budgetName, out,
      dataDir: flags.dataDir as string | undefined,
      noise: Number(flags.noise),
      resume: Boolean(flags.resume),
      workers: positiveInt(flags.workers, 'workers'),
      backend: String(flags.backend),
      onTrial: (r, done, total) => {
        progress ??= createProgress('benchmark', total, logger);
        progress.update(done, `wd ${r.config.weightDecay} b ${r.config.flood} seed ${r.config.seed}: ${percent(r.last.testAcc)}`);
      },
    });
    progress?.stop();
    await (await loadReports()).writeBenchmarkReport(out);
    logger.info(`${summary.trainingsRunNow} of ${summary.trainings} trainings run now, ${summary.wallSeconds.toFixed(0)} s wall; wrote ${out}/report.md`);
  });
}
