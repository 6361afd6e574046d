/** Summary statistics shared by every comparison: mean ± std over seeds, paired 95% intervals. */

/** Mean and sample standard deviation (0 for a single value). */
export interface Stat {
  mean: number;
  std: number;
  n: number;
}

export function stat(values: number[]): Stat {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), n };
}

export const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** Two-sided 97.5% quantile of Student's t for small degrees of freedom (95% intervals). */
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** A mean with the half-width of its 95% interval: of paired differences, or of values (meanInterval). */
export interface PairedDifference {
  mean: number;
  /** Half-width of the 95% confidence interval (t distribution). */
  halfWidth: number;
  n: number;
}

/** Mean of values with a 95% t interval (half-width NaN below two values). */
export function meanInterval(values: number[]): PairedDifference {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, halfWidth: NaN, n };
  const sd = Math.sqrt(values.reduce((x, v) => x + (v - m) ** 2, 0) / (n - 1));
  const t = n - 1 < T975.length ? T975[n - 1] : 1.96;
  return { mean: m, halfWidth: (t * sd) / Math.sqrt(n), n };
}

/** Mean of paired differences a_i - b_i with a 95% t interval. */
export function pairedDifference(a: number[], b: number[]): PairedDifference {
  if (a.length !== b.length) throw new Error('pairedDifference: need pairs');
  return meanInterval(a.map((v, i) => v - b[i]));
}
