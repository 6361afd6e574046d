/**
 * Symmetric label noise: exactly floor(n * rate) labels, chosen uniformly without replacement
 * from all examples pooled, are flipped — binary labels to the other class, multi-class labels
 * to a uniformly chosen other class.
 */
import type { Rng } from './rng.js';

export function checkNoiseRate(rate: number): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate >= 1) {
    throw new RangeError(`noise: must be a number in [0, 1), got ${String(rate)}`);
  }
  return rate;
}

/**
 * @param y clean labels in [0, numClasses).
 * @returns a new array with floor(y.length * rate) labels flipped.
 */
export function applyLabelNoise(y: Int32Array, rate: number, numClasses: number, rng: Rng): Int32Array {
  checkNoiseRate(rate);
  if (numClasses < 2) throw new RangeError(`numClasses: label noise needs at least 2 classes, got ${numClasses}`);
  const noisy = Int32Array.from(y);
  const count = Math.floor(y.length * rate);
  const chosen = rng.permutation(y.length).subarray(0, count);
  for (const i of chosen) {
    const other = rng.int(numClasses - 1);
    noisy[i] = other >= y[i] ? other + 1 : other;
  }
  return noisy;
}
