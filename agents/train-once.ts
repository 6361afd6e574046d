/**
 * Trains the one-decision agents offline, from every choice's outcome: design `once` (decides at
 * the end of the warm-up, reading it) and design `twin` (decides for a second run, reading the
 * finished run without flooding).
 *
 * Each decides once, so on a given task every policy sees the same state (the warm-up's or the
 * first run's features) and differs only in the multiple c it picks (b = c x the warm-up's best
 * validation loss). Training therefore runs each task once at every multiple of the design
 * (OFFLINE_MULTIPLES, the relative grid's runs, b = 0 included): the outcome of every action is
 * known, a contextual bandit with full information. The cross-entropy
 * method then searches the policy's weights against those outcomes (a policy's reward on a task
 * is the validation gain over no flooding, interpolated between the two nearest multiples),
 * which costs no further training, so the search can run many generations on many tasks.
 *
 * The same data gives the fixed rule (the single best constant c) and a leave-one-family-out
 * check: fit on all families but one and score on that one, for the agent and the rule alike.
 * If the agent does not beat the rule there, its features add nothing, and the summary says so.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { twinFeatures, warmupFeatures } from '../envs/features.js';
import { relativeGridRuns, RULE_FILE, ruleFileOf, type RelativeGridTask, type RuleFile } from '../src/search/fit-rule.js';
import { RunLog, type LoggedRunOptions } from '../src/trials/run-log.js';
import { SYNTHETIC_NAMES } from '../src/data/synthetic.js';
import { RELATIVE_LEVELS } from '../src/search/scale.js';
import { claimRunFolder, writeJsonl, writeSummary } from '../src/util/files.js';
import { mean, pairedDifference, type PairedDifference } from '../src/util/stats.js';
import { decide, featuresOf, saveAgent, type AgentFile, type Schedule } from './agent.js';
import { initialCem, sampleCandidates, updateCem, type CemSettings } from './cem.js';
import { AGENT_FILE, agentOf, LEARNING_FILE, score, type LearningPoint } from './train-agent.js';
import { taskDistribution, type TaskDistribution } from './tasks.js';

/** The multiples of the loss scale every training task is run at: 0, 0.1, ..., 1.5. */
export const ONCE_MULTIPLES = Array.from({ length: 16 }, (_, i) => i / 10);

/** One decision, after the same 20% warm-up the searches use to measure the scale. */
export const ONCE_SCHEDULE: Schedule = { warmupFraction: 0.2, decisions: 1 };

/** The designs trained here: `once` (reads the warm-up) and `twin` (reads the whole run without flooding). */
export type OfflineDesign = 'once' | 'twin';

/** The multiples each task runs at, each from the same initialisation as the grid's runs: once 0-1.5, twin 0-1. */
export const OFFLINE_MULTIPLES: Record<OfflineDesign, readonly number[]> = { once: ONCE_MULTIPLES, twin: RELATIVE_LEVELS };

/** The twin decides once, after its first run (the whole run without flooding) has finished. */
export const TWIN_SCHEDULE: Schedule = { warmupFraction: 1, decisions: 1 };

const SCHEDULES: Record<OfflineDesign, Schedule> = { once: ONCE_SCHEDULE, twin: TWIN_SCHEDULE };

/** What training knows of one task: the state the agent would see, and every action's reward. */
export interface OnceTask {
  /** Dataset family ('synthetic', 'mnist', 'clusters', ...), for the leave-one-family-out check. */
  family: string;
  /** The warm-up's features (WARMUP_FEATURES). */
  features: number[];
  /** Validation score minus no flooding's at each multiple of ONCE_MULTIPLES (accuracy units). */
  gains: number[];
}

export interface OnceSettings {
  /** Generations of the search (no training: each scores the population on the logged outcomes). */
  generations: number;
  cem: CemSettings;
  /** Weight of the squared weights (features standardised) subtracted from the fitness. */
  l2: number;
  seed: number;
  /** Features the policy may read (the rest get weight 0); default all. */
  features?: readonly string[];
  /** Default once. */
  design?: OfflineDesign;
}

/**
 * The features the shipped agent reads: the loss scale against ln(classes) and the accuracy above
 * chance. Chosen by the leave-one-family-out check (bench/offline-features.ts): the train/validation
 * gap features fitted the training families and lost 1.2-2.1 points to the rule on a held-out one.
 */
export const ONCE_FEATURES: readonly string[] = ['best val loss / ln(classes)', 'best val accuracy above chance'];

/**
 * The features the twin agent reads: how far the run without flooding memorised, as its validation
 * loss's rise from its minimum and the validation accuracy it lost since its best. Chosen by the
 * leave-one-family-out check (bench/offline-features.ts runs/agents/twin, 48 broad tasks, mean of 3
 * search seeds) with TWIN_L2: agent − rule +0.36 (clusters), +0.62 (MNIST), +0.45 (synthetic)
 * validation points, the only setting ahead of the rule on every held-out family; all six features
 * +0.10, +0.59, +0.33; the loss scale with the accuracy (the once design's pair) +0.03, +0.13, -0.04.
 */
export const TWIN_READS: readonly string[] = ['end val loss / best val loss - 1', 'best val accuracy - end val accuracy'];

/** The twin's penalty on its standardised weights: 1e-5 and 1e-3 fitted the training families, 0.1 flattened the policy to a constant. */
export const TWIN_L2 = 0.01;

/** Per design: the features read, and the L2 weight. */
export const OFFLINE_READS: Record<OfflineDesign, readonly string[]> = { once: ONCE_FEATURES, twin: TWIN_READS };
export const OFFLINE_L2: Record<OfflineDesign, number> = { once: 1e-5, twin: TWIN_L2 };

export const ONCE_DEFAULTS = {
  instances: 48,
  features: ONCE_FEATURES,
  generations: 150,
  cem: { population: 64, eliteFraction: 0.2, initialStd: 1, minStd: 0.01, smoothing: 0.2 } satisfies CemSettings,
  l2: OFFLINE_L2.once,
};

/** The family of a dataset name, for holding one family out. */
export function familyOf(dataset: string): string {
  if ((SYNTHETIC_NAMES as readonly string[]).includes(dataset)) return 'synthetic';
  return dataset.split(':')[0];
}

/** The gain of multiple `c` on a task: linear between the two nearest multiples, clamped to the range. */
export function gainAt(task: OnceTask, c: number, design: OfflineDesign = 'once'): number {
  const multiples = OFFLINE_MULTIPLES[design];
  const step = multiples[1];
  const x = Math.min(Math.max(c / step, 0), multiples.length - 1);
  const k = Math.min(Math.floor(x), multiples.length - 2);
  return task.gains[k] + (x - k) * (task.gains[k + 1] - task.gains[k]);
}

/** The multiple the policy `params` picks for `features` (the agent's own action at scale 1). */
export function multipleOf(params: readonly number[], features: readonly number[], design: OfflineDesign = 'once'): number {
  return decide(design, [features.reduce((s, x, i) => s + params[i] * x, 0)], 1, 0, true);
}

/** Mean gain of a policy over tasks. */
export function policyGain(params: readonly number[], tasks: readonly OnceTask[], design: OfflineDesign = 'once'): number {
  return mean(tasks.map((t) => gainAt(t, multipleOf(params, t.features, design), design)));
}

/** The tasks of a relative grid over the design's multiples, with the state the design reads. */
export function onceTasks(grid: RelativeGridTask[], design: OfflineDesign = 'once'): OnceTask[] {
  return grid.map(({ config, warmup, runs }) => ({
    family: familyOf(config.dataset),
    features: design === 'once' ? warmupFeatures(warmup.history, warmup.classes) : twinFeatures(runs[0].history, runs[0].classes),
    gains: runs.map((r) => score(r) - score(runs[0])),
  }));
}

/**
 * Fits the policy by the cross-entropy method on the tasks' logged outcomes. Features are
 * standardised over the tasks for the search (so one initial spread suits all) and folded back
 * into raw-feature weights at the end.
 * @returns the weights over WARMUP_FEATURES, and the curve of every generation.
 */
export function fitOncePolicy(tasks: readonly OnceTask[], settings: OnceSettings): { params: number[]; curve: LearningPoint[] } {
  if (tasks.length === 0) throw new RangeError('once: need at least one task');
  const design = settings.design ?? 'once';
  const names = featuresOf(design);
  const n = names.length;
  const used = names.map((f) => f === 'constant 1' || (settings.features ?? names).includes(f));
  const centre = names.map((f, i) => (f === 'constant 1' ? 0 : mean(tasks.map((t) => t.features[i]))));
  const spread = names.map((f, i) => {
    if (f === 'constant 1') return 1;
    const sd = Math.sqrt(mean(tasks.map((t) => (t.features[i] - centre[i]) ** 2)));
    return sd > 1e-9 ? sd : 1;
  });
  const standard = tasks.map((t) => ({ ...t, features: t.features.map((x, i) => (names[i] === 'constant 1' ? 1 : (x - centre[i]) / spread[i])) }));
  const masked = (p: readonly number[]) => p.map((w, i) => (used[i] ? w : 0));
  const fitness = (p: readonly number[]) => {
    const w = masked(p);
    return policyGain(w, standard, design) - settings.l2 * w.reduce((s, x, i) => s + (names[i] === 'constant 1' ? 0 : x * x), 0);
  };
  let state = initialCem(new Array<number>(n).fill(0), settings.cem);
  const curve: LearningPoint[] = [];
  for (let g = 0; g < settings.generations; g++) {
    const candidates = sampleCandidates(state, settings.cem, settings.seed).map(masked);
    const scores = candidates.map(fitness);
    state = updateCem(state, candidates, scores, settings.cem);
    curve.push({
      generation: g, meanFitness: scores[0], bestFitness: Math.max(...scores), populationFitness: mean(scores),
      std: mean(state.std.filter((_, i) => used[i])), meanMultiple: mean(standard.map((t) => multipleOf(candidates[0], t.features, design))),
      episodes: 0, epochs: 0, seconds: 0,
    });
  }
  // Back to raw features: w_i z_i = (w_i / sd_i) x_i - w_i mu_i / sd_i.
  const w = masked(state.mean);
  const params = w.map((wi, i) => (names[i] === 'constant 1' ? wi - w.reduce((s, wj, j) => s + wj * centre[j] / spread[j], 0) : wi / spread[i]));
  return { params, curve };
}

/**
 * The best constant multiple over tasks (the fixed rule on the same outcomes). The mean of
 * piecewise-linear gains peaks at one of their knots, so only the multiples themselves are tried.
 */
export function bestConstant(tasks: readonly OnceTask[], design: OfflineDesign = 'once'): { multiple: number; gain: number } {
  return OFFLINE_MULTIPLES[design].map((multiple, k) => ({ multiple, gain: mean(tasks.map((t) => t.gains[k])) }))
    .reduce((a, b) => (b.gain > a.gain ? b : a));
}

/** One held-out family: the agent and the rule fitted without it, scored on it. */
export interface FamilyCheck {
  family: string;
  tasks: number;
  /** Mean validation gain over no flooding on the held-out family. */
  agentGain: number;
  ruleGain: number;
  /** The rule's multiple fitted without the family. */
  ruleMultiple: number;
  /** Agent minus rule, paired over the family's tasks (validation accuracy units). */
  agentMinusRule: PairedDifference;
}

/** Leave-one-family-out: for every family, fit the agent and the rule on the others and score both on it (none with one family). */
export function crossFamily(tasks: readonly OnceTask[], settings: OnceSettings): FamilyCheck[] {
  const families = [...new Set(tasks.map((t) => t.family))].sort();
  if (families.length < 2) return [];
  return families.map((family) => {
    const train = tasks.filter((t) => t.family !== family);
    const test = tasks.filter((t) => t.family === family);
    const { params } = fitOncePolicy(train, settings);
    const design = settings.design ?? 'once';
    const rule = bestConstant(train, design);
    const agentGains = test.map((t) => gainAt(t, multipleOf(params, t.features, design), design));
    const ruleGains = test.map((t) => gainAt(t, rule.multiple, design));
    return {
      family, tasks: test.length, agentGain: mean(agentGains), ruleGain: mean(ruleGains),
      ruleMultiple: rule.multiple, agentMinusRule: pairedDifference(agentGains, ruleGains),
    };
  });
}

export interface TrainOnceOptions extends LoggedRunOptions {
  tasks: string;
  /** A distribution object instead of a name (small tasks in tests). */
  distribution?: TaskDistribution;
  /** Training task instances. */
  instances: number;
  generations: number;
  cem: CemSettings;
  l2: number;
  /** Features the policy reads (default OFFLINE_READS of the design); the others get weight 0. */
  features?: readonly string[];
  /** Default once. */
  design?: OfflineDesign;
  seed: number;
  /** Output folder: agent.json, rule.json, learning.jsonl, trials.jsonl, summary.json. */
  out: string;
  resume?: boolean;
}

export interface TrainOnceResult {
  agent: AgentFile;
  rule: RuleFile;
  curve: LearningPoint[];
  /** Leave-one-family-out: agent and rule each fitted without the family. */
  families: FamilyCheck[];
}

export async function trainOnceAgent(options: TrainOnceOptions): Promise<TrainOnceResult> {
  const { tasks: tasksName, instances, generations, cem, l2, design = 'once', seed, out, resume = false, ...pool } = options;
  const features = options.features ?? OFFLINE_READS[design];
  const names = featuresOf(design);
  const unknown = features.filter((f) => !names.includes(f));
  if (unknown.length > 0) throw new RangeError(`features: unknown ${unknown.join(', ')} (known: ${names.join(', ')})`);
  const multiples = OFFLINE_MULTIPLES[design];
  if (!Number.isInteger(instances) || instances < 2) throw new RangeError(`instances: need at least 2 task instances, got ${instances}`);
  const distribution = options.distribution ?? taskDistribution(tasksName);
  await claimRunFolder(out, { command: 'train-agent', design, tasks: distribution.name, instances, generations, cem, l2, features, seed, multiples }, resume);
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  const log = await RunLog.open(out);
  const grid = await relativeGridRuns(configs, multiples, log, pool);
  const tasks = onceTasks(grid.tasks, design);
  const settings: OnceSettings = { generations, cem, l2, seed, features, design };
  const { params, curve } = fitOncePolicy(tasks, settings);
  const epochs = grid.results.reduce((a, r) => a + r.history.length, 0);
  const trainSeconds = grid.results.reduce((a, r) => a + r.wallSeconds, 0);
  const families = crossFamily(tasks, settings);
  const rule = ruleFileOf(grid.tasks, multiples, { tasks: distribution.name, description: distribution.description, instances, seed });
  const ruleGain = rule.table.find((row) => row.multiple === rule.multiple)?.valGain.mean;
  const agentGain = policyGain(params, tasks, design);
  const agent = agentOf(design, SCHEDULES[design], params, {
    tasks: distribution.name,
    taskDescription: distribution.description,
    learner: 'cross-entropy method on every multiple\'s logged outcome (contextual bandit, full information)',
    instances,
    reads: features.join(', '),
    multiples: `${multiples[0]}-${multiples.at(-1)} x scale, ${multiples.length} runs per task`,
    generations,
    population: cem.population,
    episodes: grid.results.length,
    epochs,
    seed,
    // Summed over the trainings (logged ones included), so a resumed training reports its whole compute.
    workerSeconds: trainSeconds,
    finalMeanFitness: agentGain,
    ruleMultiple: rule.multiple,
    ruleGain,
  });
  await saveAgent(path.join(out, AGENT_FILE), agent);
  await writeFile(path.join(out, RULE_FILE), `${JSON.stringify(rule, null, 2)}\n`);
  await writeJsonl(path.join(out, LEARNING_FILE), curve);
  await writeSummary(out, 'train-agent', { agentFile: AGENT_FILE, learningFile: LEARNING_FILE, ruleFile: RULE_FILE, training: agent.training, families });
  await log.deleteCheckpoints();
  return { agent, rule, curve, families };
}
