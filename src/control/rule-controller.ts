/**
 * The fixed rule and the noise-bound rule as controllers of one run, for a training loop that asks
 * for b epoch by epoch (`autoflood serve`, or a loop of your own): b = 0 through the warm-up (the
 * first 20% of the epochs, `warmupEpochs`), then b = c x the warm-up's loss scale (its lowest
 * validation loss) for the rest of the run, rounded to 1e-4 nats, as the in-run agent does
 * (`inrunLevel`). The bound rule is the same as `--method bound` in `tune` (a warm-up continued,
 * methods/branch.ts). The fixed rule differs from `--method rule` in `tune`, which trains a second
 * run flooded from its first epoch at c x the warm-up's scale (and checks it against no flooding):
 * in a single loop there is no second run. The fixed rule's c is a constant
 * (`DEFAULT_RULE_MULTIPLE`, 0.8); the bound rule's is `boundMultiple` of the warm-up,
 * which reads its per-example loss statistics. Both are pure functions of the warm-up's epochs:
 * the same metrics give the same levels, however often they are asked.
 */
import type { ControllerContext, EpochMetrics, FloodController } from '../train/controller.js';
import { lossScale, relativeLevel, warmupEpochs } from '../train/scale.js';
import { OptionError } from '../core/errors.js';
import { boundMultiple, noiseEstimate } from './inrun.js';

/** A level b = c x scale, rounded to 1e-4 nats like every relative level. */

/** The fixed rule's level after a warm-up: b = multiple x its loss scale. */
export function ruleLevel(warmup: readonly EpochMetrics[], multiple: number): { multiple: number; scale: number; level: number } {
  const scale = lossScale(warmup);
  return { multiple, scale, level: relativeLevel(multiple, scale) };
}

/**
 * The noise-bound rule's level after a warm-up: c = factor x the entropy of the noise the warm-up's
 * per-example losses estimate, over its scale, in tenths from 0 to 1; b = c x scale.
 * Throws when the warm-up's epoch of lowest validation loss has no per-example statistics.
 */
export function boundRuleLevel(
  warmup: readonly EpochMetrics[], classes: number, factor: number,
): { multiple: number; scale: number; level: number; noise: number; noiseEpoch: number } {
  const noise = noiseEstimate(warmup);
  const multiple = boundMultiple(warmup, classes, factor);
  const scale = lossScale(warmup);
  return { multiple, scale, level: relativeLevel(multiple, scale), noise: noise.rate, noiseEpoch: noise.epoch };
}

/** The warm-up of a run of `epochs` epochs out of its history so far, or an error naming what is missing. */
function warmupOf(history: readonly EpochMetrics[], epochs: number, who: string): readonly EpochMetrics[] {
  const warm = warmupEpochs(epochs);
  if (history.length < warm) throw new Error(`${who}: needs the warm-up's ${warm} epochs before epoch ${warm + 1}, got ${history.length}`);
  return history.slice(0, warm);
}

const checkNumber = (option: string, value: number): number => {
  if (!(Number.isFinite(value) && value >= 0)) throw new OptionError(option, `expected a number >= 0, got ${value}`);
  return value;
};

/** The fixed rule in one run: b = 0 for the warm-up, then `multiple` x the warm-up's scale. */
export class RuleController implements FloodController {
  readonly name = 'rule';
  readonly multiple: number;

  constructor(multiple: number) {
    this.multiple = checkNumber('ruleMultiple', multiple);
  }

  floodLevel(history: readonly EpochMetrics[], { epoch, epochs }: ControllerContext): number {
    if (epoch <= warmupEpochs(epochs)) return 0;
    return ruleLevel(warmupOf(history, epochs, 'rule'), this.multiple).level;
  }

  describe(): Record<string, unknown> {
    return { multiple: this.multiple };
  }
}

/** The noise-bound rule in one run: b = 0 for the warm-up, then `boundMultiple(warm-up, classes, factor)` x its scale. */
export class BoundController implements FloodController {
  readonly name = 'bound';
  readonly factor: number;

  constructor(factor: number) {
    this.factor = checkNumber('boundFactor', factor);
  }

  floodLevel(history: readonly EpochMetrics[], { epoch, epochs, classes }: ControllerContext): number {
    if (epoch <= warmupEpochs(epochs)) return 0;
    return boundRuleLevel(warmupOf(history, epochs, 'bound'), classes, this.factor).level;
  }

  describe(): Record<string, unknown> {
    return { factor: this.factor };
  }
}
