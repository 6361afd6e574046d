/**
 * Grid search over b, as the paper does: one training per level (b = 0 included), every level on
 * the same data and initialisation, b chosen by validation accuracy under each reading. Without
 * given levels the grid is relative to the task's loss scale (relative.ts), measured by a
 * warm-up trial that counts toward the grid's compute.
 */
import type { TrainConfig } from '../train/config.js';
import { lossScale } from '../train/scale.js';
import { makeTrial, type TrialSpec } from '../trials/trial.js';
import { finished, nextOfStages, spent, type Done, type MethodPlan } from './plan.js';
import { relativeLevels, scaleTrial } from './relative.js';
import { chooseLevel, READINGS, type Reading } from './select.js';

/** Where a task's levels come from: given, or multiples of its loss scale. */
export interface LevelSpec {
  /** Flood levels; absent: relative to the task's loss scale. */
  levels?: number[];
  /** Multiples of the loss scale the relative levels use (default 0, 0.1, ..., 1). */
  multiples?: readonly number[];
}

/** A training at a constant level. */
export const constantTrial = (config: TrainConfig, flood: number, tag: string): TrialSpec =>
  makeTrial({ ...config, flood }, { kind: 'constant' }, tag);

/** The b = 0 run: shared by none, grid, the check, the twin agent and the agent's training (same id). */
export const noFlood = (config: TrainConfig): TrialSpec => constantTrial(config, 0, 'grid');

/** The grid's trials at given levels for some seeds: one per (seed, level). */
export function gridTrials(base: TrainConfig, levels: number[], seeds: number[]): TrialSpec[] {
  return seeds.flatMap((seed) => levels.map((flood) => makeTrial({ ...base, seed, flood })));
}

/** The task's levels: given, or relative to its scale once the scale trial has finished. */
export function levelsOf(config: TrainConfig, spec: LevelSpec, done: Done): { levels?: number[]; scale?: number; scaleIds: string[] } {
  if (spec.levels !== undefined) return { levels: spec.levels, scaleIds: [] };
  const trial = scaleTrial(config);
  const result = done.get(trial.id);
  if (result === undefined) return { scaleIds: [trial.id] };
  const scale = lossScale(result.history);
  return { levels: relativeLevels(scale, spec.multiples), scale, scaleIds: [trial.id] };
}

/** A stage that needs the levels first: the scale trial until it has finished. */
export function withLevels(config: TrainConfig, spec: LevelSpec, then: (levels: number[]) => TrialSpec[]) {
  return (done: Done): TrialSpec[] => {
    const { levels } = levelsOf(config, spec, done);
    return levels === undefined ? [scaleTrial(config)] : then(levels);
  };
}

export function gridPlan(config: TrainConfig, spec: LevelSpec): MethodPlan {
  const trials = (levels: number[]) => [0, ...levels.filter((b) => b > 0)].map((b) => constantTrial(config, b, 'grid'));
  return {
    method: 'grid',
    next: (done) => nextOfStages([withLevels(config, spec, trials)], done),
    outcome(done) {
      const { levels, scale, scaleIds } = levelsOf(config, spec, done);
      const runs = trials(levels as number[]).map((t) => finished(done, t));
      const chosen = Object.fromEntries(READINGS.map((r) => [r, chooseLevel(runs, r)])) as Record<Reading, ReturnType<typeof chooseLevel>>;
      const best = finished(done, chosen.last.trialId);
      const trialIds = [...scaleIds, ...runs.map((r) => r.id)];
      return {
        method: 'grid', seed: config.seed, trialIds,
        runs: { last: chosen.last.trialId, bestVal: chosen.bestVal.trialId },
        readouts: { last: chosen.last.readout, bestVal: chosen.bestVal.readout },
        floodLevel: { last: chosen.last.floodLevel, bestVal: chosen.bestVal.floodLevel },
        trajectory: best.history.map((m) => m.floodLevel),
        ...spent(trialIds, done), scale, levels,
      };
    },
  };
}
