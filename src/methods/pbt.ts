/**
 * Population Based Training over flood levels (Jaderberg et al. 2017, with Ray Tune's defaults).
 * A population starts spread over the levels; every `interval` epochs (a generation) each member
 * is ranked by validation accuracy; the bottom quarter copy a random top-quarter member (its
 * weights, optimiser and data-order state: the member continues from that member's checkpoint)
 * and move b to a level next to the copied one (explore). At the end the best member is read.
 * Choices are seeded by the task's seed and the generation, so a resumed run plans the same.
 */
import { OptionError } from '../core/errors.js';
import { Rng } from '../data/rng.js';
import type { TrainConfig } from '../train/config.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { rank } from './halving.js';
import { finished, nextOfStages, runOutcome, type Done, type MethodPlan } from './plan.js';

export interface PbtSettings {
  /** Members of the population. */
  population: number;
  /** Epochs per generation (0 = a tenth of the run, at least 1). */
  interval: number;
  /** Share of the population that copies (bottom) and is copied (top). */
  quantile: number;
}

export const PBT_DEFAULTS: PbtSettings = { population: 8, interval: 0, quantile: 0.25 };

/** A member in one generation: its level and the trial it continues (absent in generation 0). */
interface Member {
  flood: number;
  from?: string;
}

export function pbtPlan(config: TrainConfig, levels: number[], settings: PbtSettings): MethodPlan {
  const { population, quantile } = settings;
  if (!(Number.isInteger(population) && population >= 2)) throw new OptionError('population', `expected an integer >= 2, got ${population}`);
  const interval = settings.interval > 0 ? settings.interval : Math.max(1, Math.round(config.epochs / 10));
  const generations = Math.ceil(config.epochs / interval);
  const untilOf = (g: number) => Math.min((g + 1) * interval, config.epochs);
  const index = (b: number) => levels.indexOf(b);

  // Two members with the same state and level would train identically: they share one trial.
  const memberTrial = (m: Member, g: number): TrialSpec =>
    makeTrial({ ...config, flood: m.flood }, { kind: 'constant' }, 'pbt', { from: m.from, until: untilOf(g) });

  /** The members of generation g, planned from the finished generation g - 1. */
  const members = (g: number, done: Done): Member[] => {
    if (g === 0) return Array.from({ length: population }, (_, i) => ({ flood: levels[Math.round((i * (levels.length - 1)) / Math.max(1, population - 1))] }));
    const previous = members(g - 1, done).map((m) => ({ run: finished(done, memberTrial(m, g - 1)) }));
    const order = rank(previous.map((p) => p.run));
    const cut = Math.max(1, Math.floor(population * quantile));
    const top = order.slice(0, cut);
    const bottom = new Set(order.slice(-cut).map((r) => r.id));
    const rng = new Rng(config.seed).fork(`pbt-${g}`);
    return previous.map(({ run }) => {
      if (!bottom.has(run.id)) return { flood: run.config.flood, from: run.id };
      const source = top[Math.floor(rng.uniform() * top.length)];
      // Explore one level up or down; at an edge the only neighbour is inward.
      const from = index(source.config.flood);
      const up = from === 0 || (from < levels.length - 1 && rng.uniform() < 0.5);
      const at = Math.min(levels.length - 1, Math.max(0, from + (up ? 1 : -1)));
      return { flood: levels[at], from: source.id };
    });
  };
  const generation = (g: number, done: Done) => members(g, done).map((m) => memberTrial(m, g));
  const stages = Array.from({ length: generations }, (_, g) => (done: Done) => generation(g, done));

  return {
    method: 'pbt',
    next: (done) => nextOfStages(stages, done),
    outcome(done) {
      const all = stages.flatMap((stage) => stage(done));
      const final: TrialResult[] = generation(generations - 1, done).map((t) => finished(done, t));
      const best = rank(final)[0];
      return { ...runOutcome('pbt', best, all.map((t) => t.id), done), levels };
    },
  };
}
