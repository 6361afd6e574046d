/**
 * `autoflood train-agent --design inrun`: trains the in-run agent (control/inrun.ts) by policy
 * gradient on a task distribution.
 *
 * Every training task runs its warm-up once and continues it at each multiple c = 0, 0.1, ..., 1
 * of its scale (methods/branch.ts: 9 runs' worth of epochs per task, the trainings, on the pool or
 * the queue, resumable through the run log). The learners then replay those logged outcomes:
 * REINFORCE with a learned baseline, and the cross-entropy method as the comparison, each with 3
 * seeds on the same number of episodes (control/reinforce.ts). The shipped policy is REINFORCE's
 * with the first seed. The same outcomes give what the agent is judged against on the training
 * families: the best constant multiple (the fixed rule), the noise-bound rule (its factor fitted
 * here, and at f = 1), and a leave-one-family-out check of each; and how far the noise estimate is
 * from the injected noise rate, per family and rate.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors.js';
import { writeJsonl } from '../core/files.js';
import { mean, stat, type Stat } from '../core/stats.js';
import { AGENT_FILE, agentOf, INRUN_SCHEDULE, LEARNING_FILE, saveAgent, type AgentFile } from '../control/agent.js';
import { bestConstant } from '../control/twin-fit.js';
import { boundMultiple, INRUN_FEATURES, INRUN_MULTIPLES, inrunFeatures, noiseEstimate, policyMultiple } from '../control/inrun.js';
import { trainCem, trainReinforce, type LearnerPoint, type LearnerSettings, type OutcomeTask } from '../control/reinforce.js';
import { branchGridRuns, type BranchGridTask } from '../methods/branch.js';
import { epochsRun } from '../methods/plan.js';
import { score } from '../train/scale.js';
import { familyOf, loadTasks, type TaskDistribution } from '../tasks/tasks.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';

export interface TrainInrunOptions extends StudyOptions {
  /** A shipped distribution's name or a task file. */
  tasks: string;
  /** A distribution object instead (small tasks in tests). */
  distribution?: TaskDistribution;
  /** Training task instances. */
  instances: number;
  /** Seed of the task stream. */
  seed: number;
  /** The learners' settings; `seed` is the first learner seed (3 seeds each: seed, seed + 1, seed + 2). */
  learner: LearnerSettings;
  /** Learner seeds per learner (default 3). */
  learnerSeeds?: number;
}

/** The bound rule's factors tried when fitting it: 0.3, 0.4, ..., 1.5. */
export const BOUND_FACTORS = Array.from({ length: 13 }, (_, i) => Math.round(3 + i) / 10);

/** A policy's gain on tasks: the mean over them of the branch it picks. */
type Policy = (task: InrunTask) => number;

/** A training task with what the learners and the rules read of it. */
interface InrunTask extends OutcomeTask {
  config: BranchGridTask['config'];
  grid: BranchGridTask;
}

const gainOf = (task: InrunTask, multiple: number) => task.gains[INRUN_MULTIPLES.findIndex((c) => Math.abs(c - multiple) < 1e-9)];
const policyGain = (tasks: readonly InrunTask[], policy: Policy) => mean(tasks.map((t) => gainOf(t, policy(t))));

/** The tasks of a branch grid, with their warm-up's features and every multiple's validation gain over c = 0. */
export function inrunTasks(grid: readonly BranchGridTask[]): InrunTask[] {
  return grid.map((g) => ({
    family: familyOf(g.config.dataset),
    config: g.config,
    grid: g,
    features: inrunFeatures(g.warmup.history, g.warmup.classes),
    gains: g.runs.map((r) => score(r.history) - score(g.runs[0].history)),
  }));
}

/** The bound rule's policy at factor f. */
const boundPolicy = (f: number): Policy => (t) => boundMultiple(t.grid.warmup.history, t.grid.warmup.classes, f);

/** The factor of the bound rule best on average over the tasks. */
function fitBound(tasks: readonly InrunTask[]): { factor: number; gain: number } {
  return BOUND_FACTORS.map((factor) => ({ factor, gain: policyGain(tasks, boundPolicy(factor)) })).reduce((a, b) => (b.gain > a.gain ? b : a));
}


/** One held-out training family: each policy fitted without it, its mean validation gain on it. */
export interface InrunFamilyCheck {
  family: string;
  tasks: number;
  /** Validation gain over no flooding (accuracy units), mean over the family's tasks. */
  agent: number;
  cem: number;
  rule: number;
  bound: number;
  boundAtOne: number;
  /** The best multiple per task (what an oracle would gain). */
  oracle: number;
}

/** Noise estimate against the injected rate, per family and rate. */
export interface NoiseRow {
  family: string;
  noise: number;
  tasks: number;
  /** The estimate: the share of the warm-up's losses above ln(classes) at its best epoch. */
  estimate: Stat;
  /** The high group's share of a mixture fitted to those losses (tracked worse; kept for the record). */
  mixture: Stat;
}

export interface InrunSummary {
  agentFile: string;
  learningFile: string;
  training: Record<string, unknown>;
  /** Per learner and seed: the greedy policy's final mean validation gain on the training tasks. */
  learners: { learner: string; seed: number; finalGain: number }[];
  /** On the training tasks: the constant and the bound rule's fitted factor. */
  rule: { multiple: number; gain: number };
  bound: { factor: number; gain: number; gainAtOne: number };
  families: InrunFamilyCheck[];
  noise: NoiseRow[];
}

export interface TrainInrunResult {
  agent: AgentFile;
  curve: LearnerPoint[];
  summary: InrunSummary;
}

export async function trainInrunAgent(options: TrainInrunOptions): Promise<TrainInrunResult> {
  const { tasks: tasksName, instances, seed, learner, learnerSeeds = 3, out } = options;
  if (!Number.isInteger(instances) || instances < 2) throw new OptionError('instances', `need at least 2 task instances, got ${instances}`);
  const distribution = options.distribution ?? (await loadTasks(tasksName));
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  // Only what decides the trainings is claimed: refitting with other learner settings reuses them.
  const claim = { command: 'train-agent', design: 'inrun', tasks: distribution.name, instances, seed, multiples: INRUN_MULTIPLES };
  let result: TrainInrunResult | undefined;
  await inRunFolder('train-agent', options, claim, async (run) => {
    const grid = await branchGridRuns(configs, INRUN_MULTIPLES, run);
    const trained = new Map(grid.results.map((r) => [r.id, r]));
    const tasks = inrunTasks(grid.tasks);
    const seeds = Array.from({ length: learnerSeeds }, (_, i) => learner.seed + i);
    const fits = seeds.flatMap((s) => [trainReinforce(tasks, INRUN_MULTIPLES, { ...learner, seed: s }), trainCem(tasks, INRUN_MULTIPLES, { ...learner, seed: s })]);
    const curve = fits.flatMap((f) => f.curve);
    const shipped = fits[0];
    const agentPolicy: Policy = (t) => policyMultiple(shipped.net, shipped.params, t.features);
    const rule = bestConstant(tasks);
    const bound = fitBound(tasks);
    const families = [...new Set(tasks.map((t) => t.family))].sort();
    const checks: InrunFamilyCheck[] = families.length < 2 ? [] : families.map((family) => {
      const train = tasks.filter((t) => t.family !== family);
      const test = tasks.filter((t) => t.family === family);
      const pg = trainReinforce(train, INRUN_MULTIPLES, { ...learner, seed: learner.seed });
      const cem = trainCem(train, INRUN_MULTIPLES, { ...learner, seed: learner.seed });
      const c = bestConstant(train).multiple;
      const f = fitBound(train).factor;
      return {
        family,
        tasks: test.length,
        agent: policyGain(test, (t) => policyMultiple(pg.net, pg.params, t.features)),
        cem: policyGain(test, (t) => policyMultiple(cem.net, cem.params, t.features)),
        rule: policyGain(test, () => c),
        bound: policyGain(test, boundPolicy(f)),
        boundAtOne: policyGain(test, boundPolicy(1)),
        oracle: mean(test.map((t) => Math.max(...t.gains))),
      };
    });
    const noise: NoiseRow[] = [];
    for (const family of families) {
      for (const rate of [...new Set(tasks.filter((t) => t.family === family).map((t) => t.config.noise))].sort((a, b) => a - b)) {
        const these = tasks.filter((t) => t.family === family && t.config.noise === rate);
        const estimates = these.map((t) => noiseEstimate(t.grid.warmup.history));
        noise.push({ family, noise: rate, tasks: these.length, estimate: stat(estimates.map((e) => e.rate)), mixture: stat(estimates.map((e) => e.mixture)) });
      }
    }
    const learners = fits.map((f) => ({ learner: f.curve[0].learner, seed: f.curve[0].seed, finalGain: (f.curve.at(-1) as LearnerPoint).greedyGain }));
    const training = {
      tasks: distribution.name,
      taskDescription: distribution.description,
      learner: `REINFORCE with a learned baseline on replayed episodes (the warm-up continued at every multiple, logged), seed ${learner.seed}`,
      instances,
      seed,
      reads: INRUN_FEATURES.join(', '),
      multiples: `${INRUN_MULTIPLES[0]}-${INRUN_MULTIPLES.at(-1)} x scale, ${INRUN_MULTIPLES.length} branches per task`,
      episodes: learner.episodes,
      hidden: learner.hidden,
      learningRate: learner.learningRate,
      entropy: learner.entropy,
      trainings: grid.results.length,
      epochs: grid.results.reduce((a, r) => a + epochsRun(r, trained), 0),
      // Summed over the trainings (logged ones included), so a resumed training reports its whole compute.
      workerSeconds: grid.results.reduce((a, r) => a + r.wallSeconds, 0),
      finalMeanFitness: policyGain(tasks, agentPolicy),
      ruleMultiple: rule.multiple,
      ruleGain: rule.gain,
      boundFactor: bound.factor,
    };
    const agent = agentOf('inrun', INRUN_SCHEDULE, shipped.params, training, shipped.net);
    await saveAgent(path.join(out, AGENT_FILE), agent);
    await writeJsonl(path.join(out, LEARNING_FILE), curve);
    const summary: InrunSummary = {
      agentFile: AGENT_FILE, learningFile: LEARNING_FILE, training, learners, rule,
      bound: { ...bound, gainAtOne: policyGain(tasks, boundPolicy(1)) }, families: checks, noise,
    };
    await writeFile(path.join(out, 'inrun.json'), `${JSON.stringify(summary, null, 2)}\n`);
    result = { agent, curve, summary };
    return summary;
  });
  return result as TrainInrunResult;
}
