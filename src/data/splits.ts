/** Building splits from row arrays: seeded train/validation/test splits and subsets. */
import { OptionError } from '../core/errors.js';
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

/** Checks an optional subset size against what is available; `field` names the option in errors. */
export function checkSize(size: number | undefined, available: number, field: string): number {
  if (size === undefined) return available;
  if (!Number.isInteger(size) || size < 1) throw new OptionError(field, `must be an integer >= 1, got ${size}`);
  if (size > available) throw new OptionError(field, `${size} requested but only ${available} examples are available`);
  return size;
}

/**
 * Splits n rows into train and validation by a seeded permutation (`valFraction` held out),
 * then takes optional seeded subsets of each.
 */
export function trainValIndices(
  n: number, valFraction: number, rng: Rng, trainSize?: number, valSize?: number,
): { train: Int32Array; val: Int32Array } {
  if (!(valFraction > 0 && valFraction < 1)) throw new OptionError('valFraction', `must be in (0, 1), got ${valFraction}`);
  const nVal = Math.round(n * valFraction);
  if (nVal === 0 || nVal === n) throw new OptionError('valFraction', `${valFraction} of ${n} examples leaves an empty training or validation split`);
  const perm = rng.permutation(n);
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

/**
 * Splits n rows (named `source` in errors) by a seeded permutation into disjoint test,
 * validation and training parts. Without sizes: 20% test, 20% validation (rounded), the rest
 * training (60/20/20). A given size replaces its default; the three must fit in n together.
 */
export function carveSplits(
  n: number, rng: Rng, source: string, sizes: { trainSize?: number; valSize?: number; testSize?: number },
): { train: Int32Array; val: Int32Array; test: Int32Array } {
  const perm = rng.permutation(n);
  const nTest = sizes.testSize === undefined ? Math.round(0.2 * n) : checkSize(sizes.testSize, n, 'testSize');
  const afterTest = n - nTest;
  const nVal = sizes.valSize === undefined ? Math.min(Math.round(0.2 * n), afterTest) : checkSize(sizes.valSize, afterTest, 'valSize');
  const nTrain = checkSize(sizes.trainSize, afterTest - nVal, 'trainSize');
  if (nTest === 0 || nVal === 0 || nTrain === 0) {
    throw new RangeError(`${source}: ${n} examples give an empty split (train ${nTrain}, validation ${nVal}, test ${nTest})`);
  }
  return {
    test: perm.subarray(0, nTest),
    val: perm.subarray(nTest, nTest + nVal),
    train: perm.subarray(nTest + nVal, nTest + nVal + nTrain),
  };
}
