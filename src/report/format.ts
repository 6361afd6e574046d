/**
 * Text formatting shared by the reports: accuracies as percentages, flood levels, mean ± std
 * over seeds, paired differences in percentage points, durations, and the names of readings,
 * noise rates and datasets.
 */
import type { PairedDifference } from '../core/stats.js';
import type { Reading } from '../methods/select.js';
import type { Stat } from '../core/stats.js';
import { formatLevel } from './charts.js';

/** Long names of the two readings of a run. */
export const READING_LABEL: Record<Reading, string> = {
  last: 'last epoch (no early stopping)',
  bestVal: 'best-validation epoch (early stopping)',
};

/** Short names of the two readings (chart legends, compact tables). */
export const READING_SHORT: Record<Reading, string> = { last: 'last epoch', bestVal: 'early stopping' };

/** Accuracy in [0, 1] as a percentage with 2 decimals; mean ± std when over several seeds. */
export function pct(s: Stat): string {
  if (s.n === 0) return '—';
  return s.n > 1 ? `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)}%` : `${(100 * s.mean).toFixed(2)}%`;
}

/** One accuracy in [0, 1] as a percentage with 2 decimals. */
export function percent(value: number): string {
  return Number.isFinite(value) ? `${(100 * value).toFixed(2)}%` : '—';
}

/** A flood level over seeds: mean ± std with 3 decimals, or the one value as it is. */
export function level(s: Stat): string {
  if (s.n === 0) return '—';
  return s.n > 1 ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : formatLevel(s.mean);
}

/** A number with an explicit sign and fixed decimals: +0.53, -1.20, +0.00. */
export function signed(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '—';
  const text = value.toFixed(digits);
  return text.startsWith('-') ? text : `+${text}`;
}

/**
 * A paired difference of accuracies in percentage points with its 95% interval:
 * "+0.53 ± 0.80 points (95% CI, n = 6)"; without an interval (n < 2) "+0.53 points (n = 1, no interval)".
 */
export function pairedPoints(d: PairedDifference): string {
  if (d.n === 0) return '—';
  if (!Number.isFinite(d.halfWidth)) return `${signed(100 * d.mean)} points (n = ${d.n}, no interval)`;
  return `${signed(100 * d.mean)} ± ${(100 * d.halfWidth).toFixed(2)} points (95% CI, n = ${d.n})`;
}

/** Seconds in a readable unit: 42.0 s, 3.5 min, 1.2 h. */
export function duration(seconds: number): string {
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 60) return `${(seconds / 60).toFixed(1)} min`;
  return `${seconds.toFixed(1)} s`;
}

/** Seconds over seeds, mean ± std in the unit the mean reads best in. */
export function durationStat(s: Stat): string {
  if (s.n === 0) return '—';
  if (s.n === 1) return duration(s.mean);
  const [unit, scale] = s.mean >= 3600 ? ['h', 3600] as const : s.mean >= 60 ? ['min', 60] as const : ['s', 1] as const;
  return `${(s.mean / scale).toFixed(1)} ± ${(s.std / scale).toFixed(1)} ${unit}`;
}

/** A count with thousands separators: 12,345. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count over seeds: "120" when it is the same on every seed, "118 ± 3" otherwise. */
export function countStat(s: Stat): string {
  if (s.n === 0) return '—';
  return s.std === 0 ? count(Math.round(s.mean)) : `${count(Math.round(s.mean))} ± ${count(Math.round(s.std))}`;
}

/** A label-noise rate in [0, 1] as a percentage without trailing zeros: 10%, 2.5%. */
export function noiseRate(noise: number): string {
  return `${Number((100 * noise).toFixed(2))}%`;
}

/** The paper's names of its three label-noise rates. */
const NOISE_NAMES: Record<string, string> = { '0.01': 'low', '0.05': 'middle', '0.1': 'high' };

/** A label-noise rate with the paper's name when it has one: "high (10%)", else "15%". */
export function noiseLabel(noise: number): string {
  const name = NOISE_NAMES[String(noise)];
  return name === undefined ? noiseRate(noise) : `${name} (${noiseRate(noise)})`;
}

const DATASET_NAMES: Record<string, string> = {
  'two-gaussians': 'Two Gaussians',
  spiral: 'Spiral',
  sinusoid: 'Sinusoid',
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  'kuzushiji-mnist': 'Kuzushiji-MNIST',
  cifar10: 'CIFAR-10',
  cifar100: 'CIFAR-100',
  svhn: 'SVHN',
};

/** A dataset's display name (the paper's spelling), or its id when unknown. */
export function datasetName(dataset: string): string {
  return DATASET_NAMES[dataset] ?? dataset;
}

/** Distinct numbers, ascending. */
export const sortedUnique = (values: number[]): number[] => [...new Set(values)].sort((a, b) => a - b);
