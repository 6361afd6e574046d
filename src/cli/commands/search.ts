/** `autoflood grid`, `tune` and `evaluate-agent`: many trainings on the worker pool, compared. */
import type winston from 'winston';
import { OptionError } from '../../core/errors.js';
import { boolean, integer, real, text, type ValueKind } from '../../core/values.js';
import { METHODS, type Method } from '../../methods/compare.js';
import { HALVING_DEFAULTS } from '../../methods/halving.js';
import { levelGrid } from '../../methods/levels.js';
import { PBT_DEFAULTS } from '../../methods/pbt.js';
import { DEFAULT_BOUND_FACTOR } from '../../methods/bound.js';
import { DEFAULT_RULE_MULTIPLE, defaultRuleMultiple, type RuleFile } from '../../methods/rule.js';
import { DEFAULT_AGENT_FILE } from '../../control/shipped.js';
import { READINGS } from '../../methods/select.js';
import { countStat, level, pct, READING_SHORT } from '../../report/format.js';
import { evaluateAgent, type EvaluateSummary } from '../../studies/evaluate-agent.js';
import { fitRule } from '../../studies/fit-rule.js';
import { runGrid, type GridSummary } from '../../studies/grid.js';
import { tune, type TuneSummary } from '../../studies/tune.js';
import { loadTasks } from '../../tasks/tasks.js';
import type { TrialResult } from '../../trials/trial.js';
import { studyOptions, type CommandSpec, type PoolFlags } from '../command.js';
import { poolFlags, seedsKind, tasksFlag, tasksSlug, trainFlags, UsageError, usageOf, type Flag } from '../options.js';
import { loadAgentFlag, prepareTask, warnHighLevels, type Task } from '../task.js';
import { datasetSlug } from './train.js';


const seedsFlag = (help: string): Flag => ({ key: 'seeds', flag: '--seeds <n>', help, kind: seedsKind, default: [0], defaultText: '1' });

interface GridFlags extends PoolFlags {
  levels?: number[];
  seeds: number[];
  /** Set by prepare. */
  task: Task;
}

type Results<S> = { summary: S; results: TrialResult[] };

/** The task of grid or tune, its --levels (b in nats) warned against where they exceed what the task can reach. */
async function prepareSearchTask(o: Record<string, unknown> & { levels?: number[]; task: Task }, logger: winston.Logger): Promise<void> {
  // A CSV stays parsed in this process and reaches the workers as shared memory.
  const { config, data } = await prepareTask(o, logger, ['flood', 'seed']);
  o.task = { config, data };
  if (o.levels !== undefined) warnHighLevels(o.task, o.levels, '--levels', logger);
}

export const gridCommand: CommandSpec<GridFlags, Results<GridSummary>> = {
  name: ['grid'],
  description: 'grid search over the flood level, on worker threads',
  example: 'autoflood grid --dataset two-gaussians --noise 0.1 --levels 0:0.5:0.05 --seeds 3 --epochs 200',
  flags: [
    ...trainFlags(['flood', 'seed']),
    { key: 'levels', flag: '--levels <grid>', help: 'flood levels: start:stop:step or a comma list', kind: levelGrid, defaultText: '0, 0.1, ..., 1 x the task\'s loss scale (measured by a warm-up)' },
    seedsFlag('seeds 0..n-1, or a comma list; one full grid each'),
    ...poolFlags('runs/grid-<dataset>-<time>'),
  ],
  outPrefix: (o) => `grid-${datasetSlug(o.dataset)}`,
  prepare: prepareSearchTask,
  async run(o, context) {
    const base = o.task.config;
    const levels = o.levels === undefined ? '11 levels relative to the task\'s loss scale' : `${o.levels.length} levels`;
    context.logger.info(`grid: ${levels} x ${o.seeds.length} seeds, trainings of ${base.epochs} epochs -> ${context.out}`);
    return runGrid({ base, levels: o.levels, seeds: o.seeds, ...(await studyOptions(o, context, 'grid')) });
  },
  report: ({ summary, results }) => ({ kind: 'grid', summary, results }),
  lines: ({ summary }, _o, context) => [
    ...READINGS.map((reading) => {
      const s = summary.selection[reading];
      return `${READING_SHORT[reading]}: chosen b ${level(s.floodLevel)}, test acc ${pct(s.testAcc)} (no flooding ${pct(s.noFloodTestAcc)})`;
    }),
    `wrote ${context.out}/{trials.jsonl,summary.json,report.md,report.html}; ${summary.trialsRunNow} trainings run now`,
  ],
};

/** `--method agent,grid` or `all`. */
const methodsKind: ValueKind<Method[]> = {
  accepts: `a comma list of ${METHODS.join(', ')}, or all`,
  parse: (raw) => {
    if (raw.trim() === 'all') return [...METHODS];
    const methods = raw.split(',').map((m) => m.trim());
    const known = methods.every((m) => (METHODS as readonly string[]).includes(m));
    return known && new Set(methods).size === methods.length ? (methods as Method[]) : undefined;
  },
  check: (v): v is Method[] => Array.isArray(v) && v.length > 0 && v.every((m) => (METHODS as readonly string[]).includes(m)),
};

/** What every comparison of methods takes (tune, evaluate-agent). */
interface MethodFlags extends PoolFlags {
  method: Method[];
  agent: string;
  levels?: number[];
  ruleMultiple?: number;
  boundFactor: number;
  eta: number;
  minEpochs: number;
  population: number;
  pbtInterval: number;
  check: boolean;
}

const methodFlags = (defaults: { method: Method[]; methodText: string }): Flag[] => [
  { key: 'method', flag: '--method <names>', help: `${METHODS.join(' | ')}, comma-separated, or all`, kind: methodsKind, default: defaults.method, defaultText: defaults.methodText },
  { key: 'agent', flag: '--agent <path>', help: 'agent file', kind: text, default: DEFAULT_AGENT_FILE, defaultText: 'the committed agents/default-agent.json' },
  { key: 'levels', flag: '--levels <grid>', help: 'flood levels of grid, sh and pbt', kind: levelGrid, defaultText: '0, 0.1, ..., 1 x the task\'s loss scale' },
  { key: 'ruleMultiple', flag: '--rule-multiple <c>', help: 'the fixed rule: b = c x the task\'s loss scale', kind: real({ min: 0 }), defaultText: `from agents/default-rule.json (${DEFAULT_RULE_MULTIPLE} without one)` },
  { key: 'boundFactor', flag: '--bound-factor <f>', help: 'the noise-bound rule: b = f x the entropy of the noise its warm-up estimates', kind: real({ min: 0 }), default: DEFAULT_BOUND_FACTOR },
  { key: 'eta', flag: '--eta <n>', help: 'successive halving: keep the best 1/eta per rung, budgets grow x eta', kind: integer(2, 100), default: HALVING_DEFAULTS.eta },
  { key: 'minEpochs', flag: '--min-epochs <n>', help: 'successive halving: smallest rung budget (0 = as many rungs as the levels allow)', kind: integer(0), default: HALVING_DEFAULTS.minEpochs },
  { key: 'population', flag: '--population <n>', help: 'PBT: members of the population', kind: integer(2, 1000), default: PBT_DEFAULTS.population },
  { key: 'pbtInterval', flag: '--pbt-interval <epochs>', help: 'PBT: epochs per generation (0 = a tenth of the run)', kind: integer(0), default: PBT_DEFAULTS.interval },
  { key: 'check', flag: '--check <bool>', help: 'agent, rule and heuristic also train b = 0 and keep their own run only where it validates better', kind: boolean, default: true },
];

/** The method settings of parsed flags, checked against the run length. */
function specOf(o: MethodFlags, epochs: number) {
  if (o.minEpochs > epochs) throw new UsageError(`--min-epochs: expected at most the run's ${epochs} epochs, got ${o.minEpochs}`);
  if (o.pbtInterval >= epochs) throw new UsageError(`--pbt-interval: expected fewer than the run's ${epochs} epochs, got ${o.pbtInterval}`);
  return {
    methods: o.method, levels: o.levels, agentPath: o.agent,
    ruleMultiple: o.method.includes('rule') ? (o.ruleMultiple ?? defaultRuleMultiple()) : undefined,
    boundFactor: o.method.includes('bound') ? o.boundFactor : undefined,
    halving: { eta: o.eta, minEpochs: o.minEpochs }, pbt: { population: o.population, interval: o.pbtInterval },
    check: o.check,
  };
}

/** The epochs of a distribution's first instance (the method flags are checked against them); a bad --tasks is a usage error. */
async function firstEpochs(tasks: string, seed: number): Promise<number> {
  try {
    return (await loadTasks(tasks)).sample(seed, 0).epochs;
  } catch (err) {
    throw err instanceof OptionError ? usageOf(err) : err;
  }
}

/** Reads the agent file when the agent is among the methods, before anything is created. */
async function checkMethods(o: MethodFlags): Promise<void> {
  if (o.method.includes('agent')) await loadAgentFlag(o.agent);
}

interface TuneFlags extends MethodFlags {
  seeds: number[];
  /** Set by prepare. */
  task: Task;
}

export const tuneCommand: CommandSpec<TuneFlags, Results<TuneSummary>> = {
  name: ['tune'],
  description: 'find the flood level for a dataset: agent, noise-bound rule, heuristic, fixed rule, successive halving, PBT, grid, compared',
  example: 'autoflood tune --dataset two-gaussians --noise 0.1 --epochs 100 --width 100 --method all',
  flags: [
    ...trainFlags(['flood', 'seed']),
    ...methodFlags({ method: [...METHODS], methodText: 'all' }),
    seedsFlag('seeds 0..n-1, or a comma list; each a task tuned on its own'),
    ...poolFlags('runs/tune-<dataset>-<time>'),
  ],
  outPrefix: (o) => `tune-${datasetSlug(o.dataset)}`,
  async prepare(o, logger) {
    await prepareSearchTask(o, logger);
    specOf(o, o.task.config.epochs);
    await checkMethods(o);
  },
  async run(o, context) {
    const { config } = o.task;
    return tune({ config, seeds: o.seeds, ...specOf(o, config.epochs), ...(await studyOptions(o, context, 'tune')) });
  },
  report: ({ summary, results }) => ({ kind: 'tune', summary, results }),
  lines: ({ summary }, _o, context) => [
    ...summary.methods.map((m) =>
      `${m.method.padEnd(9)} test acc last ${pct(m.testAcc.last)}, early-stopped ${pct(m.testAcc.bestVal)}; b ${level(m.floodLevel.last)}; ${countStat(m.epochs)} epochs` +
      (m.kept === undefined ? '' : `; own run kept over b = 0 on ${m.kept.last} of ${m.testAcc.last.n}`)),
    `wrote ${context.out}/{trials.jsonl,summary.json,report.md,report.html}`,
  ],
};

interface EvaluateFlags extends MethodFlags {
  tasks: string;
  instances: number;
  seed: number;
}

export const evaluateCommand: CommandSpec<EvaluateFlags, Results<EvaluateSummary>> = {
  name: ['evaluate-agent'],
  description: 'the agent against every other method on held-out task families, paired 95% intervals',
  example: 'autoflood evaluate-agent --agent runs/agents/mine/agent.json --instances 9',
  flags: [
    ...methodFlags({ method: [...METHODS], methodText: 'all' }),
    tasksFlag('held-out task distribution', 'synthetic-heldout'),
    { key: 'instances', flag: '--instances <n>', help: 'held-out task instances (seeds)', kind: integer(5), default: 6 },
    { key: 'seed', flag: '--seed <n>', help: 'seed of the held-out stream', kind: integer(0), default: 0 },
    ...poolFlags('runs/evaluate-agent-<time>'),
  ],
  outPrefix: () => 'evaluate-agent',
  async prepare(o) {
    if (!o.method.includes('agent')) throw new UsageError('--method: evaluate-agent compares the agent with the others; include agent');
    specOf(o, await firstEpochs(o.tasks, o.seed));
    await checkMethods(o);
  },
  async run(o, context) {
    return evaluateAgent({
      ...specOf(o, await firstEpochs(o.tasks, o.seed)), tasks: o.tasks, instances: o.instances, seed: o.seed,
      ...(await studyOptions(o, context, 'evaluate-agent')),
    });
  },
  report: ({ summary }) => ({ kind: 'evaluate-agent', summary }),
  lines: ({ summary }, _o, context) => [
    ...summary.comparisons.map((c) =>
      `agent - ${c.versus} (${c.reading}): ${(100 * c.testAcc.mean).toFixed(2)} ± ${(100 * c.testAcc.halfWidth).toFixed(2)} points (95% CI, n=${c.testAcc.n})`),
    `${Number.isFinite(summary.computeRatio) ? `agent compute = ${(100 * summary.computeRatio).toFixed(1)}% of grid's; ` : ''}wrote ${context.out}/report.md`,
  ],
};

interface FitRuleFlags extends PoolFlags {
  tasks: string;
  instances: number;
  seed: number;
}

export const fitRuleCommand: CommandSpec<FitRuleFlags, { rule: RuleFile }> = {
  name: ['fit-rule'],
  description: 'fit the fixed-rule baseline: the one multiple of the loss scale best on average over a task distribution',
  example: 'autoflood fit-rule --tasks broad --instances 12 --out runs/rules/broad',
  flags: [
    tasksFlag('task distribution (the agent\'s training distribution)', 'broad'),
    { key: 'instances', flag: '--instances <n>', help: 'task instances', kind: integer(2), default: 12 },
    { key: 'seed', flag: '--seed <n>', help: 'seed of the task stream', kind: integer(0), default: 2 },
    ...poolFlags('runs/fit-rule-<tasks>-<time>'),
  ],
  outPrefix: (o) => `fit-rule-${tasksSlug(o.tasks)}`,
  async run(o, context) {
    return fitRule({ tasks: o.tasks, instances: o.instances, seed: o.seed, ...(await studyOptions(o, context, 'fit-rule')) });
  },
  report: ({ rule }) => ({ kind: 'fit-rule', rule }),
  lines: ({ rule }, _o, context) => [
    ...rule.table.map((row) => `c = ${row.multiple}: validation ${(100 * row.valGain.mean).toFixed(2)} ± ${(100 * row.valGain.std).toFixed(2)} points over no flooding`),
    `chosen c = ${rule.multiple}; wrote ${context.out}/rule.json (copy it to agents/default-rule.json to make it the default)`,
  ],
};
