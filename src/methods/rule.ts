/**
 * The fixed rule: one training at b = c x the task's loss scale, c one constant for every task
 * (the single multiple best on average over a task distribution: `fit-rule`). If the agent cannot
 * beat this one number, its adaptivity adds nothing. Rule files hold the fitted c and the table
 * it was chosen from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { packageFile } from '../core/files.js';
import { stat, type Stat } from '../core/stats.js';
import type { TrainConfig } from '../train/config.js';
import { lossScale, score } from '../train/scale.js';
import type { TrialResult } from '../trials/trial.js';
import { constantTrial } from './grid.js';
import { finished, singlePlan, type Done, type MethodPlan } from './plan.js';
import { relativeLevels, scaleTrial } from './relative.js';

/**
 * The multiple of the loss scale the fixed rule uses when no rule file is given: the committed fit
 * (`autoflood fit-rule --tasks broad --instances 48 --seed 3`, agents/default-rule.json).
 */
export const DEFAULT_RULE_MULTIPLE = 0.8;

export const RULE_FILE = 'rule.json';

/** The rule shipped with the package (agents/README.md says how it was fitted). */
export const DEFAULT_RULE_FILE = packageFile('agents/default-rule.json');

/** The shipped rule's multiple, or DEFAULT_RULE_MULTIPLE without one. */
export function defaultRuleMultiple(): number {
  return existsSync(DEFAULT_RULE_FILE) ? readRule(DEFAULT_RULE_FILE).multiple : DEFAULT_RULE_MULTIPLE;
}

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

/** The rule file of a relative grid: every multiple's row, and the multiple best by mean validation gain over no flooding. */
export function ruleFileOf(tasks: RelativeGridTask[], multiples: readonly number[], fittedOn: RuleFile['fittedOn']): RuleFile {
  const table = multiples.map((multiple, k) => ({
    multiple,
    valGain: stat(tasks.map(({ runs }) => score(runs[k].history) - score(runs[0].history))),
    testGain: stat(tasks.map(({ runs }) => runs[k].last.testAcc - runs[0].last.testAcc)),
  }));
  const best = table.reduce((a, row) => (row.valGain.mean > a.valGain.mean ? row : a));
  return { kind: 'flood-rule', formatVersion: 1, multiple: best.multiple, fittedOn, table };
}

export function rulePlan(config: TrainConfig, multiple: number): MethodPlan {
  const scale = scaleTrial(config);
  const scaleOf = (done: Done) => lossScale(finished(done, scale).history);
  const plan = singlePlan('rule', (done) => constantTrial(config, relativeLevels(scaleOf(done), [multiple])[0], 'rule'), [scale]);
  return { ...plan, outcome: (done) => ({ ...plan.outcome(done), scale: scaleOf(done) }) };
}
