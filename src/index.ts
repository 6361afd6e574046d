/**
 * autoflood's library entry: flooding itself, the backends, datasets, models, the training
 * loop, grid search and the flood-level controllers. The CLI is a thin layer over these.
 */
export { flood, iflood, checkFloodLevel } from './flood.js';
export { initBackend, describeBackend, type BackendInfo, type BackendChoice } from './backend/index.js';
export { loadDataset, DATASET_NAMES, Rng, applyLabelNoise, type Dataset, type DatasetOptions, type Split } from './data/index.js';
export { buildModel, defaultModelSpec, countParams, augmentBatch, type ModelSpec } from './models/index.js';
export { resolveTrainConfig, DEFAULT_TRAIN_CONFIG, TRAIN_OPTIONS, type TrainConfig } from './train/config.js';
export { constantFlood, type FloodController, type EpochMetrics, type ControllerContext } from './train/controller.js';
export { Trainer, type Readout } from './train/trainer.js';
export { train, type TrainOptions, type TrainResult } from './train/train.js';
export { runGrid, gridTrials, type GridOptions, type GridSummary } from './grid/grid.js';
export { parseLevels } from './grid/levels.js';
export { summarizeGrid, chooseLevel } from './grid/select.js';
export { WorkerPool, runTrials } from './pool/pool.js';
