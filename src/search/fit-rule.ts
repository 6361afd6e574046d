/**
 * The fixed-rule baseline's constant: the single multiple c of a task's loss scale (b = c x scale)
 * that is best on average over a task distribution. Every task trains the relative grid (the
 * same trials as `grid` without given levels); each multiple is scored by its validation
 * accuracy (mean of the last tenth of the epochs) minus no flooding's, averaged over the tasks.
 * If the agent cannot beat this one number, its adaptivity adds nothing.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { taskDistribution, type TaskDistribution } from '../../agents/tasks.js';
import { score } from '../../agents/train-agent.js';
import { RunLog, type LoggedRunOptions } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';
import type { TrainConfig } from '../train/config.js';
import { claimRunFolder, writeSummary, type RunHeader } from '../util/files.js';
import { stat, type Stat } from '../util/stats.js';
import { compareMethods } from './compare.js';
import { RELATIVE_LEVELS } from './scale.js';

export const RULE_FILE = 'rule.json';

export interface RuleRow {
  multiple: number;
  /** Validation score minus no flooding's, over the tasks. */
  valGain: Stat;
  /** Last-epoch test accuracy minus no flooding's, over the tasks (shown, not used to choose). */
  testGain: Stat;
}

export interface RuleFile {
  kind: 'flood-rule';
  formatVersion: 1;
  /** b = multiple x the task's loss scale. */
  multiple: number;
  fittedOn: { tasks: string; description: string; instances: number; seed: number };
  table: RuleRow[];
}

export interface FitRuleOptions extends LoggedRunOptions {
  tasks: string;
  /** A distribution object instead of a name (small tasks in tests). */
  distribution?: TaskDistribution;
  instances: number;
  seed: number;
  out: string;
  resume?: boolean;
}

/** Reads a rule file (sync: command defaults are read at start-up); errors name the file. */
export function readRule(file: string): RuleFile {
  let rule: RuleFile;
  try {
    rule = JSON.parse(readFileSync(file, 'utf8')) as RuleFile;
  } catch (err) {
    throw new Error(`rule: cannot read ${file} (${(err as Error).message})`);
  }
  if (rule.kind !== 'flood-rule' || !(Number.isFinite(rule.multiple) && rule.multiple >= 0)) throw new Error(`rule: ${file} is not an autoflood rule file`);
  return rule;
}

/** One task of a relative grid: its warm-up and its runs at each multiple (0 first), in order. */
export interface RelativeGridTask {
  config: TrainConfig;
  warmup: TrialResult;
  runs: TrialResult[];
}

/**
 * Trains every task's relative grid (the warm-up, then b = c x scale for every multiple c,
 * each from the same initialisation: the grid's own trials) through the run log; resumable like every
 * logged run.
 */
export async function relativeGridRuns(
  configs: TrainConfig[], multiples: readonly number[], log: RunLog, pool: LoggedRunOptions,
): Promise<{ tasks: RelativeGridTask[]; results: TrialResult[] }> {
  const { outcomes, results } = await compareMethods(configs, { methods: ['grid'], multiples }, log, pool);
  const byId = new Map(results.map((r) => [r.id, r]));
  const tasks = outcomes.map((o, i) => {
    // A grid outcome's trials: the warm-up, then b = 0 and the multiples above 0 in order.
    const [warmup, ...runs] = o.trialIds.map((id) => byId.get(id) as TrialResult);
    if (runs.length !== multiples.length) throw new Error(`relative grid: the loss scale of ${configs[i].dataset} (seed ${configs[i].seed}) is too small to tell the multiples apart`);
    return { config: configs[i], warmup, runs };
  });
  return { tasks, results };
}

/** The rule file of a relative grid: every multiple's row, and the multiple best by mean validation gain over no flooding. */
export function ruleFileOf(tasks: RelativeGridTask[], multiples: readonly number[], fittedOn: RuleFile['fittedOn']): RuleFile {
  const table = multiples.map((multiple, k) => ({
    multiple,
    valGain: stat(tasks.map(({ runs }) => score(runs[k]) - score(runs[0]))),
    testGain: stat(tasks.map(({ runs }) => runs[k].last.testAcc - runs[0].last.testAcc)),
  }));
  const best = table.reduce((a, row) => (row.valGain.mean > a.valGain.mean ? row : a));
  return { kind: 'flood-rule', formatVersion: 1, multiple: best.multiple, fittedOn, table };
}

export async function fitRule(options: FitRuleOptions): Promise<{ rule: RuleFile; summary: RunHeader & RuleFile; results: TrialResult[] }> {
  const { tasks, distribution: given, instances, seed, out, resume = false, ...pool } = options;
  if (!Number.isInteger(instances) || instances < 2) throw new RangeError(`instances: need at least 2 task instances, got ${instances}`);
  const distribution = given ?? taskDistribution(tasks);
  await claimRunFolder(out, { command: 'fit-rule', tasks, instances, seed, multiples: RELATIVE_LEVELS }, resume);
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  const log = await RunLog.open(out);
  const grid = await relativeGridRuns(configs, RELATIVE_LEVELS, log, pool);
  const rule = ruleFileOf(grid.tasks, RELATIVE_LEVELS, { tasks: distribution.name, description: distribution.description, instances, seed });
  await writeFile(path.join(out, RULE_FILE), `${JSON.stringify(rule, null, 2)}\n`);
  const summary = await writeSummary(out, 'fit-rule', rule);
  await log.deleteCheckpoints();
  return { rule, summary, results: grid.results };
}
