/**
 * Symmetric label noise: exactly floor(n * rate) labels, chosen uniformly without replacement
 * from all examples pooled, are flipped — binary labels to the other class, multi-class labels
 * to a uniformly chosen other class.
 */
import { OptionError } from '../core/errors.js';
import type { Rng } from './rng.js';

/** Returns `rate` if it is a number in [0, 1); otherwise throws an error naming `noise`. */
export function checkNoiseRate(rate: number): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new OptionError('noise', `must be a number in [0, 1), got ${String(rate)}`);
  }
  return rate;
}

/**
 * Flips exactly floor(y.length * rate) labels; `y` itself is not modified.
 * @param y clean labels in [0, numClasses).
 * @param rate noise rate in [0, 1).
 * @param numClasses number of classes, at least 2.
 * @param rng the stream that picks the examples and their new classes.
 * @returns a new array holding the noisy labels.
 */
export function applyLabelNoise(y: Int32Array, rate: number, numClasses: number, rng: Rng): Int32Array {
  checkNoiseRate(rate);
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`numClasses: label noise needs an integer >= 2, got ${numClasses}`);
  }
  const bad = y.findIndex((label) => label < 0 || label >= numClasses);
  if (bad >= 0) throw new RangeError(`y: label ${y[bad]} at index ${bad} is not a class in [0, ${numClasses})`);
  const noisy = Int32Array.from(y);
  const count = Math.floor(y.length * rate);
  const chosen = rng.permutation(y.length).subarray(0, count);
  for (const i of chosen) {
    const other = rng.int(numClasses - 1);
    noisy[i] = other >= y[i] ? other + 1 : other;
  }
  return noisy;
}
