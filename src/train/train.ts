/**
 * `train()`: one full training run, with the flood level from a controller before every epoch.
 */
import { OptionError } from '../core/errors.js';
import * as tf from '@tensorflow/tfjs';
import { checkFloodLevel } from '../core/flood.js';
import { loadDataset } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import type { TrainConfig } from './config.js';
import { constantFlood, type EpochMetrics, type FloodController } from './controller.js';
import type { TrainerCheckpoint } from './checkpoint.js';
import { Trainer, type Readout } from './trainer.js';

/** How `train()` runs: who chooses b, callbacks, the dataset if already loaded, segments. */
export interface TrainOptions {
  /** Chooses b before each epoch. Default: the constant `config.flood`. */
  controller?: FloodController;
  /** Called after every epoch (progress, appending metrics to disk). */
  onEpoch?: (metrics: EpochMetrics) => void | Promise<void>;
  /** Aborts between epochs. */
  signal?: AbortSignal;
  /** A dataset already loaded for this config (grid search loads it once). */
  dataset?: Dataset;
  /** Stop after this epoch (default: config.epochs); the readouts are of that point. */
  until?: number;
  /** Continue this state (a segment after another) instead of starting afresh. */
  start?: TrainerCheckpoint;
  /** Return the trainer's state at the end, so another segment can continue it. */
  keepCheckpoint?: boolean;
}

/** A finished training: its config, every epoch's metrics and the two test readings. */
export interface TrainResult {
  config: TrainConfig;
  /** tfjs backend that ran it. */
  backend: string;
  /** Controller name ('constant' for a fixed b). */
  controller: string;
  controllerConfig?: Record<string, unknown>;
  /** Number of classes of the task. */
  classes: number;
  history: EpochMetrics[];
  /** Test reading of the last epoch (no early stopping). */
  last: Readout;
  /** Test reading of the epoch with the best validation accuracy (early stopping). */
  bestVal: Readout;
  /** Seconds for the whole run including evaluation. */
  wallSeconds: number;
  /** The state at the end (with `keepCheckpoint`). */
  checkpoint?: TrainerCheckpoint;
}

/** The dataset options a training config implies. */
export function datasetOptionsOf(config: TrainConfig) {
  return {
    name: config.dataset,
    seed: config.seed,
    noise: config.noise,
    trainSize: config.trainSize || undefined,
    valSize: config.valSize || undefined,
    testSize: config.testSize || undefined,
    dataDir: config.dataDir,
    labelColumn: config.labelColumn,
    csvHeader: config.csvHeader,
  };
}

/** Trains one model to the end and reads its test accuracy at the last and best-validation epochs. */
export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const controller = options.controller ?? constantFlood(checkFloodLevel(config.flood, 'flood'));
  const dataset = options.dataset ?? (await loadDataset(datasetOptionsOf(config)));
  const start = performance.now();
  const trainer = options.start === undefined ? new Trainer(config, dataset) : await Trainer.fromCheckpoint(config, dataset, options.start);
  try {
    const until = options.until ?? config.epochs;
    if (!(Number.isInteger(until) && until >= 1 && until <= config.epochs)) throw new OptionError('until', `expected an integer from 1 to ${config.epochs}, got ${until}`);
    if (until <= trainer.epochsDone) throw new OptionError('until', `the run is already at epoch ${trainer.epochsDone}, got ${until}`);
    for (let epoch = trainer.epochsDone + 1; epoch <= until; epoch++) {
      if (options.signal?.aborted) throw new Error('training aborted');
      const b = checkFloodLevel(
        await controller.floodLevel(trainer.history, { epoch, epochs: config.epochs, classes: dataset.numClasses }),
        `flood level from controller "${controller.name}"`,
      );
      const metrics = trainer.runEpoch(b);
      await options.onEpoch?.(metrics);
    }
    const checkpoint = options.keepCheckpoint ? await trainer.checkpoint() : undefined;
    const { last, bestVal } = trainer.readouts();
    return {
      config,
      backend: tf.getBackend(),
      controller: controller.name,
      controllerConfig: controller.describe?.(),
      classes: dataset.numClasses,
      history: trainer.history,
      last,
      bestVal,
      wallSeconds: (performance.now() - start) / 1000,
      checkpoint,
    };
  } finally {
    trainer.dispose();
    controller.dispose?.();
  }
}
