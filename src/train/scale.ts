/**
 * How a run is measured in its own units, so flood levels and scores carry across datasets:
 * the loss scale (what a noisy task's held-out loss bottoms out at), the warm-up that measures it,
 * the "end" of a run and its score, and the entropy of label noise (the loss noisy labels alone
 * make irreducible). Plain functions of a run's per-epoch metrics.
 */
import type { EpochMetrics } from './controller.js';

/** The default levels relative to the scale: b = c x scale for c in 0, 0.1, ..., 1.0 (11 levels). */
export const RELATIVE_LEVELS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * The level b = c x scale, rounded to 1e-4 nats: levels are training settings, so the same multiple
 * of the same scale must give the same level (and the same trial) wherever it is computed.
 */
export function relativeLevel(multiple: number, scale: number): number {
  return Math.round(multiple * scale * 1e4) / 1e4;
}

/** Share of a run's epochs trained without flooding to measure its loss scale (the searches' warm-up). */
export const WARMUP_FRACTION = 0.2;

/** Warm-up epochs for a run of `epochs` epochs: 20%, at least 1. */
export function warmupEpochs(epochs: number): number {
  return Math.max(1, Math.round(WARMUP_FRACTION * epochs));
}

/**
 * The loss scale of a run so far: its lowest validation loss (nats). Flooding acts only once the
 * training loss falls below b, and what a noisy task cannot go below is where its held-out loss
 * bottoms out; measured over the warm-up, it sets the relative levels b = c x scale.
 */
export function lossScale(history: readonly Pick<EpochMetrics, 'valLoss'>[]): number {
  if (history.length === 0) throw new Error('lossScale: need at least one finished epoch');
  return Math.max(1e-6, Math.min(...history.map((m) => m.valLoss)));
}

/**
 * Why a run's lowest validation loss cannot be a mean cross-entropy per example in nats (above
 * 4 x ln(classes): a loss summed over a batch, in bits, or not a cross-entropy), or undefined.
 */
export function lossUnitsProblem(lowest: number, classes: number): string | undefined {
  const most = 4 * Math.log(classes);
  if (lowest <= most) return undefined;
  const fmt = (x: number) => String(Number(x.toPrecision(5)));
  return `the lowest validation loss is ${fmt(lowest)}, above 4 x ln(${classes}) = ${fmt(most)}: losses must be the mean ` +
    'cross-entropy per example in nats (a loss summed over a batch, or in bits, or not a cross-entropy, cannot be read)';
}

/** A run's last tenth of epochs (at least one): what "end" means in features and scores. */
export function lastTenth<T>(history: readonly T[]): readonly T[] {
  return history.slice(-Math.max(1, Math.round(history.length / 10)));
}

/** A run's score: its mean validation accuracy over the last tenth of its epochs (less noisy than one epoch's). */
export function score(history: readonly Pick<EpochMetrics, 'valAcc'>[]): number {
  const tail = lastTenth(history);
  return tail.reduce((s, m) => s + m.valAcc, 0) / tail.length;
}

/**
 * The entropy (nats) of symmetric label noise at `rate` over `classes` classes: the loss that
 * noisy labels alone make irreducible, -(1-r) ln(1-r) - r ln(r / (K-1)) (a lower bound on the
 * noisy risk; Toner & Storkey 2023).
 */
export function noiseEntropy(rate: number, classes: number): number {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`rate: expected a noise rate in [0, 1), got ${rate}`);
  if (!(Number.isInteger(classes) && classes >= 2)) throw new RangeError(`classes: expected an integer >= 2, got ${classes}`);
  if (rate === 0) return 0;
  return -(1 - rate) * Math.log(1 - rate) - rate * Math.log(rate / (classes - 1));
}
