/**
 * The hook between the training loop and whatever chooses the flood level.
 * The loop asks the controller for b before every epoch, showing it the metrics so far.
 */
import { OptionError } from '../core/errors.js';

/** What one epoch measured. Losses in nats (mean cross-entropy), accuracies in [0, 1]. */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean unflooded mini-batch loss over the epoch: each mini-batch counts once, as flooding sees it (a smaller last batch counts as much as a full one; training mode, noisy labels). */
  trainLoss: number;
  /** Accuracy over the epoch's mini-batches (training mode, noisy labels). */
  trainAcc: number;
  /** Validation loss against the (noisy) labels, evaluation mode. */
  valLoss: number;
  valAcc: number;
  /** Validation loss/accuracy against the clean labels. */
  valLossClean: number;
  valAccClean: number;
  /** Validation loss/accuracy (noisy labels) on the config's `valSubset` examples, when it sets one. */
  valLossSubset?: number;
  valAccSubset?: number;
  /** Fraction of the epoch's mini-batches whose loss was below b (gradient ascent). */
  floodedFraction: number;
  /**
   * Per-example training losses of the epoch (as its mini-batches computed them, noisy labels):
   * quantiles 10/25/50/75/90%, the share above ln(classes), and the high group's share of a
   * two-Gaussian mixture on their logs (noise.ts). Absent in runs logged before they were kept.
   */
  lossQuantiles?: number[];
  highLossShare?: number;
  noisyShare?: number;
  /** Flood level in force during the epoch. */
  floodLevel: number;
  /** Learning rate in force during the epoch. */
  lr: number;
  /** Seconds since training started, at the end of this epoch. */
  wallSeconds: number;
  /** Test loss/accuracy (noisy and clean), present on epochs where the test split was evaluated. */
  testLoss?: number;
  testAcc?: number;
  testLossClean?: number;
  testAccClean?: number;
}

/** What a controller knows of the run besides its metrics. */
export interface ControllerContext {
  /** The epoch about to run, 1-based. */
  epoch: number;
  /** Total epochs of the run. */
  epochs: number;
  /** Number of classes of the task (ln of it is the loss of a uniform guess). */
  classes: number;
}

/** Chooses the flood level before each epoch. A fixed b is the trivial controller. */
export interface FloodController {
  /** Short name recorded in summaries ('constant', 'heuristic', 'agent', ...). */
  readonly name: string;
  /**
   * @param history metrics of the finished epochs, oldest first (empty before epoch 1).
   * @returns the flood level b >= 0 for the coming epoch.
   */
  floodLevel(history: readonly EpochMetrics[], context: ControllerContext): number | Promise<number>;
  /** Optional: what the controller wants recorded with the run (its parameters). */
  describe?(): Record<string, unknown>;
  /** Optional: frees what the controller holds (a policy network's tensors). Called after the run. */
  dispose?(): void;
}

/** The trivial controller: the same b every epoch. */
export function constantFlood(b: number): FloodController {
  return {
    name: 'constant',
    floodLevel: () => b,
    describe: () => ({ floodLevel: b }),
  };
}

/** The first epoch whose training loss fell below `threshold` (nats), or undefined. */
export function epochBelowLoss(history: readonly EpochMetrics[], threshold: number): number | undefined {
  return history.find((m) => m.trainLoss < threshold)?.epoch;
}

/**
 * The reference's backward ("inside to outside") variant: no flooding until the training loss
 * has fallen below `afterLoss` (memorisation), then the constant b from the next epoch on.
 */
export function backwardFlood(b: number, afterLoss: number): FloodController {
  if (!(Number.isFinite(afterLoss) && afterLoss > 0)) throw new OptionError('afterLoss', `expected a number > 0, got ${afterLoss}`);
  return {
    name: 'backward',
    floodLevel: (history) => (epochBelowLoss(history, afterLoss) === undefined ? 0 : b),
    describe: () => ({ floodLevel: b, afterLoss }),
  };
}
