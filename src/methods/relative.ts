/**
 * Flood levels relative to the task's own loss scale (train/scale.ts), so one grid of multiples
 * suits every dataset: the warm-up trial that measures the scale (b = 0, the first 20% of the
 * epochs, same data and initialisation as the task's other runs) and the levels b = c x scale.
 */
import { OptionError } from '../core/errors.js';
import type { TrainConfig } from '../train/config.js';
import { RELATIVE_LEVELS, relativeLevel, warmupEpochs } from '../train/scale.js';
import { makeTrial, type TrialSpec } from '../trials/trial.js';

/** The warm-up trial that measures a task's scale (b = 0, stopped after the warm-up). */
export function scaleTrial(config: TrainConfig): TrialSpec {
  return makeTrial({ ...config, flood: 0 }, { kind: 'constant' }, 'scale', { until: warmupEpochs(config.epochs) });
}

/** Flood levels b = c x scale, rounded to 4 decimals (1e-4 nats), without repeats. */
export function relativeLevels(scale: number, multiples: readonly number[] = RELATIVE_LEVELS): number[] {
  if (!(Number.isFinite(scale) && scale > 0)) throw new OptionError('scale', `expected a loss > 0, got ${scale}`);
  return [...new Set(multiples.map((c) => relativeLevel(c, scale)))].sort((a, b) => a - b);
}
