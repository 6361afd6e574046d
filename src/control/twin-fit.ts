/**
 * Fitting the twin agent offline, from every choice's outcome. The twin decides once, so on a
 * given task every policy sees the same state (the features of the run without flooding) and
 * differs only in the multiple c it picks (b = c x the task's loss scale). Training runs each
 * task once at every multiple (TWIN_MULTIPLES, the relative grid's runs, b = 0 included): the
 * outcome of every action is known, a contextual bandit with full information. The cross-entropy
 * method then searches the policy's weights against those outcomes (a policy's reward on a task
 * is the validation gain over no flooding, interpolated between the two nearest multiples), which
 * costs no further training.
 *
 * The same outcomes give the fixed rule (the single best constant c) and a leave-one-family-out
 * check: fit on all families but one and score on that one, for the agent and the rule alike.
 */
import { mean, pairedDifference, type PairedDifference } from '../core/stats.js';
import { decide, TWIN_FEATURES_READ, type LearningPoint } from './agent.js';
import { initialCem, sampleCandidates, updateCem, type CemSettings } from './cem.js';
import { RELATIVE_LEVELS } from '../train/scale.js';
import { TWIN_FEATURES } from './features.js';

/** The multiples of the loss scale every training task is run at: 0, 0.1, ..., 1 (the relative grid's). */
export const TWIN_MULTIPLES = RELATIVE_LEVELS;

/** What training knows of one task: the state the agent would see, and every action's reward. */
export interface TwinTask {
  /** Dataset family ('synthetic', 'mnist', 'clusters', ...), for the leave-one-family-out check. */
  family: string;
  /** The features of the run without flooding (TWIN_FEATURES). */
  features: number[];
  /** Validation score minus no flooding's at each of TWIN_MULTIPLES (accuracy units). */
  gains: number[];
}

export interface TwinFitSettings {
  /** Generations of the search (no training: each scores the population on the logged outcomes). */
  generations: number;
  cem: CemSettings;
  /** Weight of the squared weights (features standardised) subtracted from the fitness. */
  l2: number;
  seed: number;
  /** Features the policy may read (the rest get weight 0); default TWIN_FEATURES_READ. */
  features?: readonly string[];
}

/**
 * The penalty on the twin's standardised weights: chosen by leave-one-family-out on the training
 * families (docs/agent.md); 1e-5 and 1e-3 fitted the training families, 0.1 flattened the policy.
 */
export const TWIN_L2 = 0.01;

export const TWIN_FIT_DEFAULTS = {
  instances: 48,
  generations: 150,
  cem: { population: 64, eliteFraction: 0.2, initialStd: 1, minStd: 0.01, smoothing: 0.2 } satisfies CemSettings,
  l2: TWIN_L2,
};

/** The gain of multiple `c` on a task: linear between the two nearest multiples, clamped to the range. */
export function gainAt(task: TwinTask, c: number): number {
  const step = TWIN_MULTIPLES[1];
  const x = Math.min(Math.max(c / step, 0), TWIN_MULTIPLES.length - 1);
  const k = Math.min(Math.floor(x), TWIN_MULTIPLES.length - 2);
  return task.gains[k] + (x - k) * (task.gains[k + 1] - task.gains[k]);
}

/** The multiple the policy `params` picks for `features` (the agent's own action at scale 1). */
export function multipleOf(params: readonly number[], features: readonly number[]): number {
  return decide('twin', [features.reduce((s, x, i) => s + params[i] * x, 0)], 1, 0, true);
}

/** Mean gain of a policy over tasks. */
export function policyGain(params: readonly number[], tasks: readonly TwinTask[]): number {
  return mean(tasks.map((t) => gainAt(t, multipleOf(params, t.features))));
}

/**
 * Fits the policy by the cross-entropy method on the tasks' logged outcomes. Features are
 * standardised over the tasks for the search (so one initial spread suits all) and folded back
 * into raw-feature weights at the end.
 * @returns the weights over TWIN_FEATURES, and the curve of every generation.
 */
export function fitTwinPolicy(tasks: readonly TwinTask[], settings: TwinFitSettings): { params: number[]; curve: LearningPoint[] } {
  if (tasks.length === 0) throw new RangeError('twin: need at least one task');
  const names: readonly string[] = TWIN_FEATURES;
  const reads = settings.features ?? TWIN_FEATURES_READ;
  const used = names.map((f) => f === 'constant 1' || reads.includes(f));
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
    return policyGain(w, standard) - settings.l2 * w.reduce((s, x, i) => s + (names[i] === 'constant 1' ? 0 : x * x), 0);
  };
  let state = initialCem(new Array<number>(names.length).fill(0), settings.cem);
  const curve: LearningPoint[] = [];
  for (let g = 0; g < settings.generations; g++) {
    const candidates = sampleCandidates(state, settings.cem, settings.seed).map(masked);
    const scores = candidates.map(fitness);
    state = updateCem(state, candidates, scores, settings.cem);
    curve.push({
      generation: g, meanFitness: scores[0], bestFitness: Math.max(...scores), populationFitness: mean(scores),
      std: mean(state.std.filter((_, i) => used[i])), meanMultiple: mean(standard.map((t) => multipleOf(candidates[0], t.features))),
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
export function bestConstant(tasks: readonly TwinTask[]): { multiple: number; gain: number } {
  return TWIN_MULTIPLES.map((multiple, k) => ({ multiple, gain: mean(tasks.map((t) => t.gains[k])) }))
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
export function crossFamily(tasks: readonly TwinTask[], settings: TwinFitSettings): FamilyCheck[] {
  const families = [...new Set(tasks.map((t) => t.family))].sort();
  if (families.length < 2) return [];
  return families.map((family) => {
    const train = tasks.filter((t) => t.family !== family);
    const test = tasks.filter((t) => t.family === family);
    const { params } = fitTwinPolicy(train, settings);
    const rule = bestConstant(train);
    const agentGains = test.map((t) => gainAt(t, multipleOf(params, t.features)));
    const ruleGains = test.map((t) => gainAt(t, rule.multiple));
    return {
      family, tasks: test.length, agentGain: mean(agentGains), ruleGain: mean(ruleGains),
      ruleMultiple: rule.multiple, agentMinusRule: pairedDifference(agentGains, ruleGains),
    };
  });
}
