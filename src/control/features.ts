/**
 * What the agent sees of a training run (its environment) at a decision: the four metrics
 * [train loss, train accuracy, val loss, val accuracy] made scale-free, so one policy reads every
 * task alike. Losses are divided by the run's own scale, the best validation loss so far (what a
 * noisy task cannot go below), accuracies are read against their best so far, and time and the
 * level in force are relative too. Every feature is O(1).
 */
import type { EpochMetrics } from '../train/controller.js';
import { lastTenth, lossScale } from '../train/scale.js';

export const STATE_FEATURES = [
  'train loss / best val loss',
  'val loss / best val loss - 1',
  'train accuracy',
  'val accuracy - best val accuracy',
  'train accuracy - val accuracy',
  'epoch / epochs',
  'flood level / best val loss',
  'constant 1',
] as const;

const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * @param history the run's epochs so far (at least one).
 * @param level the flood level in force (nats).
 * @param epochs the run's total epochs.
 * @returns [STATE_FEATURES.length] numbers.
 */
export function stateFeatures(history: readonly EpochMetrics[], level: number, epochs: number): number[] {
  const last = history[history.length - 1];
  if (last === undefined) throw new Error('stateFeatures: need at least one finished epoch');
  const scale = lossScale(history);
  const bestValAcc = Math.max(...history.map((m) => m.valAcc));
  return [
    clip(last.trainLoss / scale, 0, 4),
    clip(last.valLoss / scale - 1, 0, 4),
    last.trainAcc,
    last.valAcc - bestValAcc,
    last.trainAcc - last.valAcc,
    last.epoch / epochs,
    clip(level / scale, 0, 4),
    1,
  ];
}

/**
 * What a whole run says of its task: the loss scale against a uniform guess's ln(classes), and
 * the best validation accuracy above chance.
 */
function taskFeatures(history: readonly EpochMetrics[], classes: number, scale: number, who: string): number[] {
  if (!(Number.isInteger(classes) && classes >= 2)) throw new RangeError(`${who}: classes must be an integer >= 2, got ${classes}`);
  const chance = 1 / classes;
  const bestValAcc = Math.max(...history.map((m) => m.valAcc));
  return [clip(scale / Math.log(classes), 0, 2), (bestValAcc - chance) / (1 - chance)];
}

/**
 * What the `twin` agent sees: the whole run without flooding (the `none` run, trained first, same
 * data and initialisation), read once it has finished. How far it memorised decides how much
 * flooding can give back: the validation loss rising from its minimum, the training loss falling
 * far below it, the train/validation accuracy gap and the validation accuracy lost since its best.
 * "End" is the mean over the last tenth of the epochs. Every feature is O(1) on any dataset.
 */
export const TWIN_FEATURES = [
  'best val loss / ln(classes)',
  'best val accuracy above chance',
  'end val loss / best val loss - 1',
  'end train loss / best val loss',
  'end train accuracy - end val accuracy',
  'best val accuracy - end val accuracy',
  'constant 1',
] as const;

/**
 * @param history the finished run without flooding (at least one epoch).
 * @param classes the task's number of classes (at least 2).
 * @returns [TWIN_FEATURES.length] numbers.
 */
export function twinFeatures(history: readonly EpochMetrics[], classes: number): number[] {
  if (history.length === 0) throw new Error('twinFeatures: need at least one finished epoch');
  const scale = lossScale(history);
  const tail = lastTenth(history);
  const end = (f: (m: EpochMetrics) => number) => tail.reduce((s, m) => s + f(m), 0) / tail.length;
  const bestValAcc = Math.max(...history.map((m) => m.valAcc));
  const endValAcc = end((m) => m.valAcc);
  return [
    ...taskFeatures(history, classes, scale, 'twinFeatures'),
    clip(end((m) => m.valLoss) / scale - 1, 0, 4),
    clip(end((m) => m.trainLoss) / scale, 0, 4),
    end((m) => m.trainAcc) - endValAcc,
    bestValAcc - endValAcc,
    1,
  ];
}
