/**
 * The agent's view of a training run: the four raw metrics of the last epoch plus scale-free
 * features (losses on a log scale, loss relative to its start, generalisation gaps, progress,
 * the flood level in force). Every feature is O(1) so one small policy fits every task.
 */
import type { EpochMetrics } from '../src/train/controller.js';

export const STATE_FEATURES = [
  'log10 train loss / 4',
  'train accuracy',
  'log10 val loss / 4',
  'val accuracy',
  'train loss / first-epoch train loss',
  'val loss - train loss (clipped to [-4, 4]) / 4',
  'train accuracy - val accuracy',
  'epoch / epochs',
  'current flood level',
] as const;

const log4 = (loss: number) => Math.log10(loss + 1e-4) / 4;
const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * @param history the run's epochs so far (at least one).
 * @param level the flood level in force.
 * @param epochs the run's total epochs.
 * @returns [STATE_FEATURES.length] numbers.
 */
export function stateFeatures(history: readonly EpochMetrics[], level: number, epochs: number): number[] {
  const last = history[history.length - 1];
  if (last == null) throw new Error('stateFeatures: need at least one finished epoch');
  const first = history[0];
  return [
    log4(last.trainLoss),
    last.trainAcc,
    log4(last.valLoss),
    last.valAcc,
    clip(last.trainLoss / Math.max(first.trainLoss, 1e-8), 0, 2),
    clip(last.valLoss - last.trainLoss, -4, 4) / 4,
    last.trainAcc - last.valAcc,
    last.epoch / epochs,
    level,
  ];
}
