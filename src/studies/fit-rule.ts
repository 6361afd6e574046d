/**
 * `autoflood fit-rule`: the fixed-rule baseline's constant, the single multiple c of a task's loss
 * scale (b = c x scale) best on average over a task distribution. Every task trains the relative
 * grid (the same trials as `grid` without given levels); each multiple is scored by its validation
 * accuracy (mean of the last tenth of the epochs) minus no flooding's, averaged over the tasks.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors.js';
import type { RunHeader } from '../core/files.js';
import { RELATIVE_LEVELS } from '../train/scale.js';
import { relativeGridRuns } from '../methods/relative-grid.js';
import { RULE_FILE, ruleFileOf, type RuleFile } from '../methods/rule.js';
import { loadTasks, type TaskDistribution } from '../tasks/tasks.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import type { TrialResult } from '../trials/trial.js';

export interface FitRuleOptions extends StudyOptions {
  /** A shipped distribution's name or a task file. */
  tasks: string;
  /** A distribution object instead (small tasks in tests). */
  distribution?: TaskDistribution;
  instances: number;
  seed: number;
}

export async function fitRule(options: FitRuleOptions): Promise<{ rule: RuleFile; summary: RunHeader & RuleFile; results: TrialResult[] }> {
  const { tasks, instances, seed, out } = options;
  if (!Number.isInteger(instances) || instances < 2) throw new OptionError('instances', `need at least 2 task instances, got ${instances}`);
  const distribution = options.distribution ?? (await loadTasks(tasks));
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  let results: TrialResult[] = [];
  let rule: RuleFile | undefined;
  const summary = await inRunFolder('fit-rule', options, { command: 'fit-rule', tasks, instances, seed, multiples: RELATIVE_LEVELS }, async (run) => {
    const grid = await relativeGridRuns(configs, RELATIVE_LEVELS, run);
    results = grid.results;
    rule = ruleFileOf(grid.tasks, RELATIVE_LEVELS, { tasks: distribution.name, description: distribution.description, instances, seed });
    await writeFile(path.join(out, RULE_FILE), `${JSON.stringify(rule, null, 2)}\n`);
    return rule;
  });
  return { rule: rule as RuleFile, summary, results };
}
