/**
 * The cross-entropy method over a parameter vector: sample a population from a diagonal
 * Gaussian, score it, refit the Gaussian to the best (the elite), repeat. Robust on small, noisy
 * control problems where gradients are poor (the dynamic-algorithm-configuration literature's
 * recommendation). Candidate 0 of every generation is the mean itself, so the curve tracks the
 * policy the search would return. Sampling is seeded by (seed, generation): a resumed search
 * replays exactly.
 */
import { OptionError } from '../core/errors.js';
import { Rng } from '../data/rng.js';

export interface CemSettings {
  /** Candidates per generation (the mean included). */
  population: number;
  /** Share of the population refitted to. */
  eliteFraction: number;
  /** Initial standard deviation of every parameter. */
  initialStd: number;
  /** Floor of the standard deviation (keeps exploring). */
  minStd: number;
  /** Weight of the old mean/std in each update (0: replace). */
  smoothing: number;
}

export const CEM_DEFAULTS: CemSettings = { population: 8, eliteFraction: 0.375, initialStd: 1, minStd: 0.05, smoothing: 0.2 };

export interface CemState {
  generation: number;
  mean: number[];
  std: number[];
}

export function initialCem(mean: number[], settings: CemSettings): CemState {
  return { generation: 0, mean: [...mean], std: mean.map(() => settings.initialStd) };
}

/** The generation's candidates: the mean, then population - 1 samples. */
export function sampleCandidates(state: CemState, settings: CemSettings, seed: number): number[][] {
  if (!(Number.isInteger(settings.population) && settings.population >= 2)) throw new OptionError('population', `expected an integer >= 2, got ${settings.population}`);
  const rng = new Rng(seed).fork(`cem-${state.generation}`);
  const samples = Array.from({ length: settings.population - 1 }, () => state.mean.map((m, i) => m + state.std[i] * rng.normal()));
  return [[...state.mean], ...samples];
}

/** Refits mean and std to the elite of `candidates` by `fitness` (higher is better). */
export function updateCem(state: CemState, candidates: number[][], fitness: number[], settings: CemSettings): CemState {
  const eliteCount = Math.max(1, Math.round(settings.eliteFraction * candidates.length));
  const elite = candidates.map((c, i) => ({ c, f: fitness[i] })).sort((a, b) => b.f - a.f).slice(0, eliteCount).map((e) => e.c);
  const a = settings.smoothing;
  const mean = state.mean.map((m, i) => a * m + (1 - a) * elite.reduce((s, c) => s + c[i], 0) / elite.length);
  const std = state.std.map((s, i) => {
    const spread = Math.sqrt(elite.reduce((v, c) => v + (c[i] - mean[i]) ** 2, 0) / elite.length);
    return Math.max(settings.minStd, a * s + (1 - a) * spread);
  });
  return { generation: state.generation + 1, mean, std };
}
