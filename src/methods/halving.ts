/**
 * Successive halving over flood levels (ASHA's synchronous form). Rung r trains the surviving
 * levels up to a budget of E / eta^(R-r) epochs, continuing each promoted run from where its
 * previous rung stopped (a checkpoint of weights, optimiser and data-order state); after each
 * rung the best 1/eta by validation accuracy (ties to the smaller b) go on. With 11 levels,
 * eta = 3 and E epochs: 11 runs to E/9, 3 continued to E/3, 1 to E: 23/9 E epochs in all, 23%
 * of an 11-level grid.
 */
import { OptionError } from '../core/errors.js';
import type { TrainConfig } from '../train/config.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { finished, nextOfStages, runOutcome, type Done, type MethodPlan } from './plan.js';

export interface HalvingSettings {
  /** Reduction factor: each rung keeps the best 1/eta and multiplies the budget by eta. */
  eta: number;
  /** Smallest budget (epochs) of the first rung; 0 = as many rungs as the levels allow. */
  minEpochs: number;
}

export const HALVING_DEFAULTS: HalvingSettings = { eta: 3, minEpochs: 0 };

/** Epoch budgets of the rungs, smallest first, the last = `epochs`. */
export function rungBudgets(levels: number, epochs: number, settings: HalvingSettings): number[] {
  const { eta, minEpochs } = settings;
  if (!(Number.isInteger(eta) && eta >= 2)) throw new OptionError('eta', `expected an integer >= 2, got ${eta}`);
  let rungs = Math.max(0, Math.floor(Math.log(levels) / Math.log(eta) + 1e-9));
  while (rungs > 0 && Math.round(epochs / eta ** rungs) < Math.max(1, minEpochs)) rungs--;
  return Array.from({ length: rungs + 1 }, (_, r) => Math.max(1, Math.round(epochs / eta ** (rungs - r))));
}

/** How many of `n` runs go on to the next rung. */
export const survivors = (n: number, eta: number): number => Math.max(1, Math.floor(n / eta));

/** Runs ranked best first by validation accuracy at their last epoch, ties to the smaller b. */
export function rank(runs: TrialResult[]): TrialResult[] {
  return [...runs].sort((a, b) => b.last.valAcc - a.last.valAcc || a.config.flood - b.config.flood);
}

export function halvingPlan(config: TrainConfig, levels: number[], settings: HalvingSettings): MethodPlan {
  const budgets = rungBudgets(levels.length, config.epochs, settings);
  const segment = (flood: number, until: number, from?: string): TrialSpec =>
    makeTrial({ ...config, flood }, { kind: 'constant' }, 'sh', until === config.epochs && from === undefined ? undefined : { from, until });
  /** The trials of rung r; rungs after the first continue the previous rung's best runs. */
  const rung = (r: number, done: Done): TrialSpec[] => {
    if (r === 0) return levels.map((b) => segment(b, budgets[0]));
    const previous = rung(r - 1, done).map((t) => finished(done, t));
    return rank(previous).slice(0, survivors(previous.length, settings.eta)).map((run) => segment(run.config.flood, budgets[r], run.id));
  };
  const stages = budgets.map((_, r) => (done: Done) => rung(r, done));
  return {
    method: 'sh',
    next: (done) => nextOfStages(stages, done),
    outcome(done) {
      const all = budgets.flatMap((_, r) => rung(r, done));
      const best = rank(rung(budgets.length - 1, done).map((t) => finished(done, t)))[0];
      return { ...runOutcome('sh', best, all.map((t) => t.id), done), levels };
    },
  };
}
