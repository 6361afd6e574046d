/**
 * autoflood's library entry: flooding itself, the backends, datasets, models, the training
 * loop and its controllers, trials and the worker pool, and the searches. The CLI is a thin
 * layer over these.
 */
export { flood, iflood, checkFloodLevel } from './flood.js';
export { initBackend, describeBackend, type BackendInfo, type BackendChoice } from './backend/index.js';
export { loadDataset, DATASET_NAMES, Rng, applyLabelNoise, type Dataset, type DatasetOptions, type Split } from './data/index.js';
export { buildModel, defaultModelSpec, countParams, augmentBatch, type ModelSpec } from './models/index.js';
export { resolveTrainConfig, DEFAULT_TRAIN_CONFIG, TRAIN_OPTIONS, type TrainConfig } from './train/config.js';
export { backwardFlood, constantFlood, type FloodController, type EpochMetrics, type ControllerContext } from './train/controller.js';
export { Trainer, type Readout } from './train/trainer.js';
export { train, type TrainOptions, type TrainResult } from './train/train.js';
export { runTrain, type TrainSummary } from './train/run-folder.js';
export { HeuristicController, HEURISTIC_DEFAULTS, type HeuristicOptions } from '../agents/heuristic.js';
export { AgentController, loadAgent } from '../agents/agent.js';
export { makeTrial, type TrialSpec, type TrialResult, type ControllerSpec } from './trials/trial.js';
export { RunLog, runLogged, readRunLog } from './trials/run-log.js';
export { WorkerPool, runJobs } from './trials/pool.js';
export { runGrid, gridTrials, type GridOptions, type GridSummary } from './search/grid.js';
export { parseLevels } from './search/levels.js';
export { summarizeGrid, chooseLevel } from './search/select.js';
export { tune, type TuneOptions, type TuneSummary } from './search/tune.js';
export { evaluateAgent, type EvaluateOptions, type EvaluateSummary } from './search/evaluate.js';
