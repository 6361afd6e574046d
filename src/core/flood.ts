/**
 * Flooding (Ishida et al., ICML 2020) and iFlood (Xie et al., ICLR 2022).
 *
 * flood:  |L - b| + b on the mini-batch MEAN loss L. Above b this is L (plain descent);
 *         below b its gradient is -dL (ascent), so the training loss hovers around b.
 * iflood: mean_i(|l_i - b| + b) on PER-SAMPLE losses: each sample is flooded on its own.
 * b = 0 gives back the plain loss in both (losses are >= 0).
 */
import * as tf from '@tensorflow/tfjs';

/** Throws unless b is a finite number >= 0; `field` names the option in the message. */
export function checkFloodLevel(b: number, field = 'flood level'): number {
  if (typeof b !== 'number' || !Number.isFinite(b) || b < 0) {
    throw new RangeError(`${field} must be a finite number >= 0, got ${String(b)}`);
  }
  return b;
}

/**
 * @param meanLoss scalar: the mini-batch mean loss.
 * @param b flood level >= 0.
 * @returns scalar |meanLoss - b| + b.
 */
export function flood(meanLoss: tf.Scalar, b: number): tf.Scalar {
  checkFloodLevel(b);
  if (b === 0) return meanLoss;
  return tf.tidy(() => tf.add(tf.abs(tf.sub(meanLoss, b)), b) as tf.Scalar);
}

/**
 * @param perSampleLosses [n]: one loss per example.
 * @param b flood level >= 0.
 * @returns scalar mean_i(|l_i - b| + b).
 */
export function iflood(perSampleLosses: tf.Tensor1D, b: number): tf.Scalar {
  checkFloodLevel(b);
  return tf.tidy(() => tf.mean(tf.add(tf.abs(tf.sub(perSampleLosses, b)), b)) as tf.Scalar);
}
