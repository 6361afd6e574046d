/**
 * `autoflood train-agent --design twin`: trains the twin agent offline (control/twin-fit.ts) on a
 * task distribution. Every task runs the relative grid (the warm-up, then b = c x scale for
 * c = 0, 0.1, ..., 1, the grid's own trials, so `fit-rule` on the same tasks and seed shares them);
 * the agent and the fixed rule are both fitted on those outcomes, and a leave-one-family-out check
 * says whether the agent's features add anything over the rule.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors.js';
import { writeJsonl } from '../core/files.js';
import { AGENT_FILE, agentOf, LEARNING_FILE, saveAgent, TWIN_FEATURES_READ, type AgentFile, type LearningPoint, type Schedule } from '../control/agent.js';
import type { CemSettings } from '../control/cem.js';
import { TWIN_FEATURES, twinFeatures } from '../control/features.js';
import { crossFamily, fitTwinPolicy, policyGain, TWIN_MULTIPLES, type FamilyCheck, type TwinFitSettings, type TwinTask } from '../control/twin-fit.js';
import { relativeGridRuns } from '../methods/relative-grid.js';
import { RULE_FILE, ruleFileOf, type RelativeGridTask, type RuleFile } from '../methods/rule.js';
import { score } from '../train/scale.js';
import { familyOf, loadTasks, type TaskDistribution } from '../tasks/tasks.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';

/** The twin decides once, after its first run (the whole run without flooding) has finished. */
export const TWIN_SCHEDULE: Schedule = { warmupFraction: 1, decisions: 1 };

export interface TrainTwinOptions extends StudyOptions {
  /** A shipped distribution's name or a task file. */
  tasks: string;
  /** A distribution object instead (small tasks in tests). */
  distribution?: TaskDistribution;
  /** Training task instances. */
  instances: number;
  generations: number;
  cem: CemSettings;
  l2: number;
  /** Features the policy reads (default TWIN_FEATURES_READ); the others get weight 0. */
  features?: readonly string[];
  seed: number;
}

export interface TrainTwinResult {
  agent: AgentFile;
  rule: RuleFile;
  curve: LearningPoint[];
  /** Leave-one-family-out: agent and rule each fitted without the family. */
  families: FamilyCheck[];
}

/** The tasks of a relative grid, with the state the twin reads (the features of the b = 0 run). */
export function twinTasks(grid: RelativeGridTask[]): TwinTask[] {
  return grid.map(({ config, runs }) => ({
    family: familyOf(config.dataset),
    features: twinFeatures(runs[0].history, runs[0].classes),
    gains: runs.map((r) => score(r.history) - score(runs[0].history)),
  }));
}

export async function trainTwinAgent(options: TrainTwinOptions): Promise<TrainTwinResult> {
  const { tasks: tasksName, instances, generations, cem, l2, seed, out } = options;
  const features = options.features ?? TWIN_FEATURES_READ;
  const unknown = features.filter((f) => !(TWIN_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0) throw new OptionError('features', `unknown ${unknown.join(', ')} (known: ${TWIN_FEATURES.join(', ')})`);
  if (!Number.isInteger(instances) || instances < 2) throw new OptionError('instances', `need at least 2 task instances, got ${instances}`);
  const distribution = options.distribution ?? (await loadTasks(tasksName));
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  const config = { command: 'train-agent', design: 'twin', tasks: distribution.name, instances, generations, cem, l2, features, seed, multiples: TWIN_MULTIPLES };
  let result: TrainTwinResult | undefined;
  await inRunFolder('train-agent', options, config, async (run) => {
    const grid = await relativeGridRuns(configs, TWIN_MULTIPLES, run);
    const tasks = twinTasks(grid.tasks);
    const settings: TwinFitSettings = { generations, cem, l2, seed, features };
    const { params, curve } = fitTwinPolicy(tasks, settings);
    const families = crossFamily(tasks, settings);
    const rule = ruleFileOf(grid.tasks, TWIN_MULTIPLES, { tasks: distribution.name, description: distribution.description, instances, seed });
    const agent = agentOf('twin', TWIN_SCHEDULE, params, {
      tasks: distribution.name,
      taskDescription: distribution.description,
      learner: 'cross-entropy method on every multiple\'s logged outcome (contextual bandit, full information)',
      instances,
      reads: features.join(', '),
      multiples: `${TWIN_MULTIPLES[0]}-${TWIN_MULTIPLES.at(-1)} x scale, ${TWIN_MULTIPLES.length} runs per task`,
      generations,
      population: cem.population,
      episodes: grid.results.length,
      epochs: grid.results.reduce((a, r) => a + r.history.length, 0),
      seed,
      // Summed over the trainings (logged ones included), so a resumed training reports its whole compute.
      workerSeconds: grid.results.reduce((a, r) => a + r.wallSeconds, 0),
      finalMeanFitness: policyGain(params, tasks),
      ruleMultiple: rule.multiple,
      ruleGain: rule.table.find((row) => row.multiple === rule.multiple)?.valGain.mean,
    });
    await saveAgent(path.join(out, AGENT_FILE), agent);
    await writeFile(path.join(out, RULE_FILE), `${JSON.stringify(rule, null, 2)}\n`);
    await writeJsonl(path.join(out, LEARNING_FILE), curve);
    result = { agent, rule, curve, families };
    return { agentFile: AGENT_FILE, learningFile: LEARNING_FILE, ruleFile: RULE_FILE, training: agent.training, families };
  });
  return result as TrainTwinResult;
}
