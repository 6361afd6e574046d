/**
 * The loss scale of a task, measured in the task itself, so flood levels can be set relative
 * to it on any dataset. Flooding acts only once the training loss falls below b; what a noisy
 * task cannot go below is what its held-out loss bottoms out at. The scale is the lowest
 * validation loss of a short warm-up without flooding (the first `WARMUP_FRACTION` of the
 * epochs, same data and initialisation as the task's other runs).
 */
import type { TrainConfig } from '../train/config.js';
import { warmupEpochs } from '../../envs/features.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';


/** The default grid relative to the scale: b = c x scale for c in 0, 0.1, ..., 1.0 (11 levels). */
export const RELATIVE_LEVELS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export { WARMUP_FRACTION, warmupEpochs } from '../../envs/features.js';

/** The warm-up trial that measures a task's scale (b = 0, stopped after the warm-up). */
export function scaleTrial(config: TrainConfig): TrialSpec {
  return makeTrial({ ...config, flood: 0 }, { kind: 'constant' }, 'scale', { until: warmupEpochs(config.epochs) });
}

/** The scale (nats) a finished scale trial measured: its lowest validation loss. */
export function lossScale(result: TrialResult): number {
  if (result.history.length === 0) throw new Error(`scale: trial ${result.id} has no epochs`);
  return Math.min(...result.history.map((m) => m.valLoss));
}

/** Flood levels b = c x scale, rounded to 4 decimals (1e-4 nats), without repeats. */
export function relativeLevels(scale: number, multiples: readonly number[] = RELATIVE_LEVELS): number[] {
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`scale: expected a loss > 0, got ${scale}`);
  return [...new Set(multiples.map((c) => Math.round(c * scale * 1e4) / 1e4))].sort((a, b) => a - b);
}

/**
 * The entropy (nats) of symmetric label noise at `rate` over `classes` classes: the loss that
 * noisy labels alone make irreducible, -(1-r) ln(1-r) - r ln(r / (K-1)). An alternative scale
 * when the rate is known; compared with the warm-up scale in the README.
 */
export function noiseEntropy(rate: number, classes: number): number {
  if (rate <= 0) return 0;
  return -(1 - rate) * Math.log(1 - rate) - rate * Math.log(rate / (classes - 1));
}
