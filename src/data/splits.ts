/** Building splits from row arrays: seeded train/validation splits and subsets. */
import type { Rng } from './rng.js';
import type { Split } from './types.js';

/** Rows `indices` of x ([n, d] row-major) and y, as a split (clean labels = labels). */
export function takeRows(x: Float32Array, y: Int32Array, d: number, indices: ArrayLike<number>): Split {
  const n = indices.length;
  const xs = new Float32Array(n * d);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = indices[i];
    xs.set(x.subarray(row * d, (row + 1) * d), i * d);
    ys[i] = y[row];
  }
  return { x: xs, y: ys, yClean: Int32Array.from(ys), n };
}

/** Checks an optional subset size; `field` names the option in errors. */
export function checkSize(size: number | undefined, available: number, field: string): number {
  if (size === undefined) return available;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${field}: must be an integer >= 1, got ${size}`);
  if (size > available) throw new RangeError(`${field}: ${size} requested but only ${available} examples are available`);
  return size;
}

/**
 * Splits n rows into train and validation by a seeded permutation (`valFraction` held out),
 * then takes optional seeded subsets of each.
 */
export function trainValIndices(
  n: number, valFraction: number, rng: Rng, trainSize?: number, valSize?: number,
): { train: Int32Array; val: Int32Array } {
  if (!(valFraction > 0 && valFraction < 1)) throw new RangeError(`valFraction: must be in (0, 1), got ${valFraction}`);
  const perm = rng.permutation(n);
  const nVal = Math.round(n * valFraction);
  const val = perm.subarray(0, nVal);
  const train = perm.subarray(nVal);
  return {
    train: train.subarray(0, checkSize(trainSize, train.length, 'trainSize')),
    val: val.subarray(0, checkSize(valSize, val.length, 'valSize')),
  };
}

/** A seeded subset of `n` rows (all rows, in order, when size is undefined). */
export function subsetIndices(n: number, rng: Rng, size: number | undefined, field: string): Int32Array {
  const k = checkSize(size, n, field);
  if (k === n) return Int32Array.from({ length: n }, (_, i) => i);
  return rng.permutation(n).subarray(0, k);
}
