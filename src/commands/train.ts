/**
 * `autoflood train`: one run, saved as runs/<id>/{config.json, metrics.jsonl, summary.json}.
 */
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { appendJsonl, defaultRunDir, ensureDir, writeJson } from '../runs.js';
import type { TrainConfig } from '../train/config.js';
import type { EpochMetrics, FloodController } from '../train/controller.js';
import { loadDataset } from '../data/index.js';
import { datasetOptionsOf, train, type TrainResult } from '../train/train.js';
import type { Readout } from '../train/trainer.js';

export interface TrainSummary {
  dataset: string;
  noise: number;
  seed: number;
  backend: string;
  epochs: number;
  /** The constant flood level, or the controller's name when b changed during training. */
  floodLevel: number | string;
  floodMode: string;
  floodAfterLoss: number;
  last: Readout;
  bestVal: Readout;
  wallSeconds: number;
}

export interface RunTrainOptions {
  config: TrainConfig;
  /** Output folder; default runs/<dataset>-b<flood>-<timestamp>. */
  out?: string;
  controller?: FloodController;
  onEpoch?: (metrics: EpochMetrics) => void;
  signal?: AbortSignal;
}

export function summarize(result: TrainResult): TrainSummary {
  const { config } = result;
  return {
    dataset: config.dataset,
    noise: config.noise,
    seed: config.seed,
    backend: result.backend,
    epochs: config.epochs,
    floodLevel: result.controller === 'constant' ? config.flood : result.controller,
    floodMode: config.floodMode,
    floodAfterLoss: config.floodAfterLoss,
    last: result.last,
    bestVal: result.bestVal,
    wallSeconds: result.wallSeconds,
  };
}

/** Trains and writes the run folder; returns the folder and the summary. */
export async function runTrain(options: RunTrainOptions): Promise<{ dir: string; summary: TrainSummary }> {
  const { config } = options;
  // Load first: bad options or missing data fail before any folder is made.
  const dataset = await loadDataset(datasetOptionsOf(config));
  const dir = await ensureDir(options.out ?? defaultRunDir(`${config.dataset.replace(/^csv:.*[\\/]/, 'csv-')}-b${config.flood}`));
  const metricsFile = path.join(dir, 'metrics.jsonl');
  await rm(metricsFile, { force: true });
  await rm(path.join(dir, 'summary.json'), { force: true });
  await writeJson(path.join(dir, 'config.json'), {
    ...config,
    controller: options.controller?.name ?? 'constant',
    controllerConfig: options.controller?.describe?.(),
  });
  const result = await train(config, {
    dataset,
    controller: options.controller,
    signal: options.signal,
    onEpoch: async (metrics) => {
      await appendJsonl(metricsFile, metrics);
      options.onEpoch?.(metrics);
    },
  });
  const summary = summarize(result);
  await writeJson(path.join(dir, 'summary.json'), summary);
  return { dir, summary };
}
