/**
 * One training saved as a run folder: config.json, metrics.jsonl (one line per epoch, appended
 * as it runs) and summary.json. `autoflood train` is this.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Dataset } from '../data/types.js';
import { appendJsonl, ensureDir, writeJson, writeSummary, SUMMARY_FILE, type RunHeader } from '../core/files.js';
import { OptionError } from '../core/errors.js';
import { lockRunFolder } from '../core/lock.js';
import type { TrainConfig } from './config.js';
import type { EpochMetrics, FloodController } from './controller.js';
import { train } from './train.js';
import type { Readout } from './trainer.js';

export const METRICS_FILE = 'metrics.jsonl';

export interface TrainSummary {
  dataset: string;
  noise: number;
  seed: number;
  backend: string;
  epochs: number;
  /** The controller that set b ('constant', 'backward', 'heuristic', 'agent', ...). */
  controller: string;
  controllerConfig?: Record<string, unknown>;
  /** The flood level in force in the last epoch. */
  lastFloodLevel: number;
  floodMode: string;
  last: Readout;
  bestVal: Readout;
  wallSeconds: number;
}

export interface RunTrainOptions {
  config: TrainConfig;
  /** The loaded dataset of `config` (load it before making the folder: a bad start leaves nothing). */
  dataset: Dataset;
  /** Output folder. */
  out: string;
  /** Replace a run already in `out`; without it an existing run is an error. */
  overwrite?: boolean;
  controller?: FloodController;
  onEpoch?: (metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

/** Trains and writes the run folder; returns its summary. */
export async function runTrain(options: RunTrainOptions): Promise<RunHeader & TrainSummary> {
  const dir = await ensureDir(options.out);
  const release = await lockRunFolder(dir);
  try {
    return await trainInFolder(options, dir);
  } finally {
    await release();
  }
}

async function trainInFolder(options: RunTrainOptions, dir: string): Promise<RunHeader & TrainSummary> {
  const { config, out } = options;
  if (existsSync(path.join(out, SUMMARY_FILE)) || existsSync(path.join(out, METRICS_FILE))) {
    if (!options.overwrite) throw new OptionError('out', `${out} already holds a run; choose another --out or pass --overwrite`);
  }
  const metricsFile = path.join(dir, METRICS_FILE);
  await rm(metricsFile, { force: true });
  await rm(path.join(dir, SUMMARY_FILE), { force: true });
  await writeJson(path.join(dir, 'config.json'), {
    ...config,
    controller: options.controller?.name ?? 'constant',
    controllerConfig: options.controller?.describe?.(),
    backend: tf.getBackend(),
  });
  const result = await train(config, {
    dataset: options.dataset,
    controller: options.controller,
    signal: options.signal,
    onEpoch: async (metrics) => {
      await appendJsonl(metricsFile, metrics);
      options.onEpoch?.(metrics);
    },
  });
  return writeSummary(dir, 'train', {
    dataset: config.dataset,
    noise: config.noise,
    seed: config.seed,
    backend: result.backend,
    epochs: config.epochs,
    controller: result.controller,
    controllerConfig: result.controllerConfig,
    lastFloodLevel: result.history[result.history.length - 1].floodLevel,
    floodMode: config.floodMode,
    last: result.last,
    bestVal: result.bestVal,
    wallSeconds: result.wallSeconds,
  } satisfies TrainSummary);
}
