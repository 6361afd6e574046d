/**
 * The command line: parses flags and calls one library function per command.
 * Flags, help and defaults of training options come from TRAIN_OPTIONS.
 */
import { Command } from 'commander';
import { fetchCifar10 } from '../data/cifar10.js';
import { runTrain } from '../commands/train.js';
import { runGrid } from '../grid/grid.js';
import { parseLevels } from '../grid/levels.js';
import { READINGS } from '../grid/select.js';
import { defaultRunDir } from '../runs.js';
import { registerAgentCommands } from './agent-commands.js';
import { level, pct, percent, READING_SHORT } from '../report/format.js';
import { createLogger } from './log.js';
import { createProgress } from './progress.js';
import { registerReproduceCommand } from './reproduce-command.js';
import {
  addCommonOptions, addPoolOptions, addTrainOptions, positiveInt, seedList, startBackend, trainConfigFromFlags, loadReports } from './shared.js';

export function buildProgram(): Command {
  const program = new Command('autoflood')
    .description('Flooding (Ishida et al., ICML 2020) with the flood level found for you')
    .showHelpAfterError()
    .exitOverride();

  const trainCmd = program.command('train').description('train one model with a fixed flood level');
  addTrainOptions(trainCmd);
  addCommonOptions(trainCmd)
    .option('--out <dir>', 'output folder (default: runs/<dataset>-b<flood>-<time>)')
    .action(async (flags: Record<string, unknown>) => {
      const logger = createLogger(String(flags.logLevel));
      const config = trainConfigFromFlags(flags);
      await startBackend(config.backend, logger);
      const progress = createProgress('train', config.epochs, logger);
      const { dir, summary } = await runTrain({
        config,
        out: flags.out as string | undefined,
        onEpoch: (m) =>
          progress.update(
            m.epoch,
            `loss ${m.trainLoss.toFixed(4)} val acc ${(100 * m.valAcc).toFixed(2)}% b ${m.floodLevel}`,
          ),
      });
      progress.stop();
      logger.info(
        `test acc last epoch ${percent(summary.last.testAcc)} (clean ${percent(summary.last.testAccClean)}), ` +
          `best-val epoch ${summary.bestVal.epoch} ${percent(summary.bestVal.testAcc)} ` +
          `(clean ${percent(summary.bestVal.testAccClean)}); ${summary.wallSeconds.toFixed(1)} s`,
      );
      logger.info(`wrote ${dir}/{config.json,metrics.jsonl,summary.json}`);
    });

  const gridCmd = program.command('grid').description('grid search over the flood level, on worker threads');
  addTrainOptions(gridCmd, ['flood', 'seed']);
  addCommonOptions(gridCmd)
    .option('--levels <grid>', 'flood levels: start:stop:step or a comma list', '0:0.5:0.01')
    .option('--seeds <n>', 'seeds 0..n-1, one full grid each', '1');
  addPoolOptions(gridCmd, 'runs/grid-<dataset>-<time>', false)
    .action(async (flags: Record<string, unknown>) => {
      const logger = createLogger(String(flags.logLevel));
      const base = trainConfigFromFlags(flags);
      const levels = parseLevels(String(flags.levels));
      const seeds = seedList(flags.seeds);
      const out = (flags.out as string | undefined) ?? defaultRunDir(`grid-${base.dataset}`);
      await startBackend(base.backend, logger);
      const total = levels.length * seeds.length;
      logger.info(`grid: ${levels.length} levels x ${seeds.length} seeds = ${total} trainings of ${base.epochs} epochs -> ${out}`);
      const progress = createProgress('grid', total, logger);
      const { summary } = await runGrid({
        base, levels, seeds, out,
        resume: Boolean(flags.resume),
        workers: positiveInt(flags.workers, 'workers'),
        onTrial: (r, done) => progress.update(done, `last: b ${r.config.flood} seed ${r.config.seed} test ${percent(r.last.testAcc)}`),
      });
      progress.stop();
      await (await loadReports()).writeGridReport(out);
      for (const reading of READINGS) {
        const s = summary.selection[reading];
        logger.info(
          `${READING_SHORT[reading]}: chosen b ${level(s.floodLevel)}, ` +
            `test acc ${pct(s.testAcc)} (no flooding ${pct(s.noFloodTestAcc)})`,
        );
      }
      logger.info(`wrote ${out}/{grid.jsonl,summary.json,report.md,report.html}; ${summary.trialsRunNow} trainings run now`);
    });

  addCommonOptions(
    program
      .command('report')
      .description('re-render report.md and report.html of a run folder from its saved files')
      .argument('<run-dir>', 'a grid or reproduce output folder'),
  ).action(async (dir: string, flags: Record<string, unknown>) => {
    const logger = createLogger(String(flags.logLevel));
    const files = await (await loadReports()).renderReport(dir);
    logger.info(`wrote ${files.join(', ')}`);
  });

  const data = program.command('data').description('datasets that need files');
  addCommonOptions(
    data
      .command('fetch')
      .description('download and checksum a dataset archive (needs internet), or unpack one you downloaded')
      .argument('<dataset>', 'cifar10')
      .requiredOption('--data-dir <dir>', 'where to put the extracted files')
      .option('--archive <file>', 'a cifar-10-binary.tar.gz you already have (no download)')
      .option('--timeout <seconds>', 'network timeout', '30'),
  ).action(async (dataset: string, flags: Record<string, unknown>) => {
    const logger = createLogger(String(flags.logLevel));
    if (dataset !== 'cifar10') throw new RangeError(`dataset: only cifar10 can be fetched, got "${dataset}"`);
    const files = await fetchCifar10(String(flags.dataDir), {
      archive: flags.archive as string | undefined,
      timeoutMs: 1000 * Number(flags.timeout),
    });
    logger.info(`cifar10: ${files.length} files in ${String(flags.dataDir)}`);
  });

  registerReproduceCommand(program);
  registerAgentCommands(program);
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    if (e.code?.startsWith('commander.')) return e.exitCode ?? 2;
    process.stderr.write(`autoflood: error: ${e.message}\n`);
    if (process.env.AUTOFLOOD_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
