/** `autoflood train-agent`, `tune` and `evaluate-agent`. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { METHODS, type Method } from '../../agents/compare.js';
import { evaluateAgent } from '../../agents/evaluate.js';
import { trainAgent, TRAIN_AGENT_DEFAULTS } from '../../agents/train-agent.js';
import { TASK_DISTRIBUTIONS } from '../../agents/tasks.js';
import { tune } from '../../agents/tune.js';
import { parseLevels } from '../grid/levels.js';
import { defaultRunDir } from '../runs.js';
import { level, pct, percent } from '../report/format.js';
import { createLogger } from './log.js';
import { createProgress } from './progress.js';
import { addCommonOptions, addPoolOptions, addTrainOptions, positiveInt, seedList, startBackend, trainConfigFromFlags, loadReports } from './shared.js';

/** The agent committed with the repo, trained by the command in the README. */
export const DEFAULT_AGENT = fileURLToPath(new URL('../../agents/default-agent.json', import.meta.url));

function parseMethods(raw: unknown): Method[] {
  const text = String(raw);
  if (text === 'all') return [...METHODS];
  const methods = text.split(',').map((m) => m.trim());
  const bad = methods.filter((m) => !(METHODS as readonly string[]).includes(m));
  if (bad.length > 0) throw new RangeError(`method: unknown ${bad.join(', ')} (choose from ${METHODS.join(', ')} or all)`);
  return methods as Method[];
}

export function registerAgentCommands(program: Command): void {
  const d = TRAIN_AGENT_DEFAULTS;
  addPoolOptions(addCommonOptions(
    program
      .command('train-agent')
      .description('train the flood-level agent (REINFORCE) on a task distribution')
      .option('--tasks <name>', `task distribution: ${TASK_DISTRIBUTIONS.join(' | ')}`, d.tasks)
      .option('--episodes <n>', 'episodes in total', String(d.episodes))
      .option('--tasks-per-update <n>', 'task instances per policy update', String(d.tasksPerUpdate))
      .option('--rollouts <n>', 'episodes per task instance and update (>= 2)', String(d.rolloutsPerTask))
      .option('--decisions <n>', 'flood-level decisions per training run', String(d.schedule.decisions))
      .option('--warmup <fraction>', 'fraction of a run trained without flooding before the first decision', String(d.schedule.warmupFraction))
      .option('--hidden <n>', 'hidden units of the policy (0 = linear)', String(d.policy.hidden))
      .option('--lr <rate>', 'policy learning rate (Adam)', String(d.policy.learningRate))
      .option('--entropy <coef>', 'entropy bonus weight', String(d.policy.entropyCoef))
      .option('--seed <n>', 'seed of tasks, policy and action sampling', String(d.seed)),
  ), 'runs/agents/<tasks>-<time>').action(async (flags: Record<string, unknown>) => {
    const logger = createLogger(String(flags.logLevel));
    const out = (flags.out as string | undefined) ?? path.join('runs', 'agents', path.basename(defaultRunDir(String(flags.tasks))));
    await startBackend(String(flags.backend), logger);
    let progress: ReturnType<typeof createProgress> | undefined;
    const { agent } = await trainAgent({
      tasks: String(flags.tasks),
      episodes: positiveInt(flags.episodes, 'episodes'),
      tasksPerUpdate: positiveInt(flags.tasksPerUpdate, 'tasks-per-update'),
      rolloutsPerTask: positiveInt(flags.rollouts, 'rollouts'),
      schedule: { decisions: positiveInt(flags.decisions, 'decisions'), warmupFraction: Number(flags.warmup) },
      policy: { hidden: Number(flags.hidden), learningRate: Number(flags.lr), entropyCoef: Number(flags.entropy) },
      seed: Number(flags.seed),
      out,
      resume: Boolean(flags.resume),
      workers: positiveInt(flags.workers, 'workers'),
      backend: String(flags.backend),
      onUpdate: (p, updates) => {
        progress ??= createProgress('train-agent', updates, logger);
        progress.update(p.update + 1, `reward ${p.meanReward.toFixed(4)} val acc ${percent(p.meanFinalValAcc)} mean b ${p.meanLevel.toFixed(3)} entropy ${p.entropy.toFixed(2)}`);
      },
    });
    progress?.stop();
    await (await loadReports()).writeAgentTrainingReport(out);
    logger.info(`trained ${String(agent.training.episodes)} episodes in ${Number(agent.training.seconds).toFixed(0)} s; wrote ${out}/{agent.json,learning.jsonl,report.md,report.html}`);
  });

  const tuneCmd = program.command('tune').description('find the flood level for a dataset: agent, heuristic, grid, compared');
  addTrainOptions(tuneCmd, ['flood', 'seed']);
  addCommonOptions(tuneCmd)
    .option('--method <names>', 'agent | heuristic | grid | none, comma-separated, or all', 'all')
    .option('--agent <path>', 'agent file', DEFAULT_AGENT)
    .option('--levels <grid>', 'grid levels (default: 0:0.5:0.05 synthetic, 0:0.1:0.01 otherwise)')
    .option('--seeds <n>', 'seeds 0..n-1, or a comma list', '1');
  addPoolOptions(tuneCmd, 'runs/tune-<dataset>-<time>', false)
    .action(async (flags: Record<string, unknown>) => {
      const logger = createLogger(String(flags.logLevel));
      const config = trainConfigFromFlags(flags);
      const out = (flags.out as string | undefined) ?? defaultRunDir(`tune-${config.dataset}`);
      await startBackend(config.backend, logger);
      let progress: ReturnType<typeof createProgress> | undefined;
      const { summary } = await tune({
        config,
        methods: parseMethods(flags.method),
        seeds: seedList(flags.seeds),
        levels: flags.levels == null ? undefined : parseLevels(String(flags.levels)),
        agentPath: String(flags.agent),
        out,
        resume: Boolean(flags.resume),
        workers: positiveInt(flags.workers, 'workers'),
        onTrial: (r, done, total) => {
          progress ??= createProgress('tune', total, logger);
          progress.update(done, `${r.tag} b ${r.config.flood}: ${percent(r.last.testAcc)}`);
        },
      });
      progress?.stop();
      await (await loadReports()).writeTuneReport(out);
      for (const m of summary.methods) {
        logger.info(
          `${m.method.padEnd(9)} test acc last ${pct(m.testAcc.last)}, early-stopped ${pct(m.testAcc.bestVal)}; ` +
            `b ${level(m.floodLevel.last)}; ${m.epochs} epochs`,
        );
      }
      logger.info(`wrote ${out}/{grid.jsonl,summary.json,report.md,report.html}`);
    });

  addPoolOptions(addCommonOptions(
    program
      .command('evaluate-agent')
      .description('agent vs heuristic vs grid vs no flooding on held-out tasks, paired 95% intervals')
      .option('--agent <path>', 'agent file', DEFAULT_AGENT)
      .option('--tasks <name>', 'held-out task distribution', 'synthetic-heldout-high')
      .option('--instances <n>', 'held-out task instances (seeds), at least 5', '6')
      .option('--seed <n>', 'seed of the held-out stream', '0'),
  ), 'runs/evaluate-agent-<time>').action(async (flags: Record<string, unknown>) => {
    const logger = createLogger(String(flags.logLevel));
    const out = (flags.out as string | undefined) ?? defaultRunDir('evaluate-agent');
    await startBackend(String(flags.backend), logger);
    let progress: ReturnType<typeof createProgress> | undefined;
    const { summary } = await evaluateAgent({
      agentPath: String(flags.agent),
      tasks: String(flags.tasks),
      instances: positiveInt(flags.instances, 'instances'),
      seed: Number(flags.seed),
      out,
      resume: Boolean(flags.resume),
      workers: positiveInt(flags.workers, 'workers'),
      backend: String(flags.backend),
      onTrial: (r, done, total) => {
        progress ??= createProgress('evaluate', total, logger);
        progress.update(done, `${r.config.dataset} ${r.tag} b ${r.config.flood}: ${percent(r.last.testAcc)}`);
      },
    });
    progress?.stop();
    await (await loadReports()).writeEvaluateReport(out);
    for (const c of summary.comparisons) {
      logger.info(
        `agent - ${c.versus} (${c.reading}): ${(100 * c.testAcc.mean).toFixed(2)} ± ${(100 * c.testAcc.halfWidth).toFixed(2)} points (95% CI, n=${c.testAcc.n})`,
      );
    }
    logger.info(`agent compute = ${(100 * summary.computeRatio).toFixed(1)}% of grid's; wrote ${out}/report.md`);
  });
}
