/**
 * autoflood as a library (`import { flood, loadAgent, ... } from 'autoflood'`). The CLI is a thin
 * layer over the same functions. Nothing here prints or exits: results come back as values,
 * progress through callbacks, and the searches write their run folders where they are told.
 *
 * - Flooding: `flood(loss, b)` = |L - b| + b of a mini-batch loss; `iflood` per example.
 * - The training loop: `train(config, options)` with a `FloodController` choosing b before each
 *   epoch (`constantFlood(b)`, `HeuristicController`, `AgentController`), or a `Trainer` driven
 *   an epoch at a time. A controller can also drive a loop of your own: ask it
 *   `floodLevel(history, { epoch, epochs, classes })` before each epoch.
 * - The shipped agent (design twin): `twinLevel(await loadAgent(DEFAULT_AGENT_FILE), history, classes)`
 *   gives b for a second run from the history of a finished run without flooding. An agent that
 *   sets b during one run: `new AgentController(await loadAgent(INRUN_AGENT_FILE))`.
 * - Searches over b, resumable from their run folder, on local worker threads or any `Runner`
 *   (a `QueueRunner` for machines on a Redis queue): `runGrid`, `tune`, `evaluateAgent`.
 * - Data, models, backends: `loadDataset`, `buildModel`, `initBackend`.
 */
export { flood, iflood, checkFloodLevel } from './core/flood.js';
export { OptionError, TrialFailed } from './core/errors.js';
export { initBackend, describeBackend, type BackendInfo, type BackendChoice } from './backend/index.js';
export { loadDataset, DATASET_NAMES, Rng, applyLabelNoise, type Dataset, type DatasetOptions, type Split } from './data/index.js';
export { buildModel, defaultModelSpec, countParams, augmentBatch, type ModelSpec } from './models/index.js';
export { resolveTrainConfig, DEFAULT_TRAIN_CONFIG, TRAIN_OPTIONS, type TrainConfig } from './train/config.js';
export { backwardFlood, constantFlood, type FloodController, type EpochMetrics, type ControllerContext } from './train/controller.js';
export { lossScale, noiseEntropy, score, warmupEpochs } from './train/scale.js';
export { Trainer, type Readout } from './train/trainer.js';
export { train, type TrainOptions, type TrainResult } from './train/train.js';
export { runTrain, type TrainSummary } from './train/run-train.js';
export { loadTasks, type TaskDistribution, type TaskFile } from './tasks/tasks.js';
export { HeuristicController, HEURISTIC_DEFAULTS, type HeuristicOptions } from './control/heuristic.js';
export { AgentController, loadAgent, twinLevel, twinMultiple, inrunLevel, type AgentFile } from './control/agent.js';
export { DEFAULT_AGENT_FILE, INRUN_AGENT_FILE, STEPS_AGENT_FILE } from './control/shipped.js';
export { DEFAULT_RULE_FILE, defaultRuleMultiple } from './methods/rule.js';
export { RuleController, BoundController, ruleLevel, boundRuleLevel } from './control/rule-controller.js';
export { readLog, parseLog, LOG_FORMATS, type TrainingLog, type LogReadOptions, type LogFormat } from './train/logs.js';
export { startServer, type ServeOptions, type RunningServer } from './serve/server.js';
export { makeTrial, type TrialSpec, type TrialResult, type ControllerSpec } from './trials/trial.js';
export { RunLog, runLogged, readRunLog } from './trials/run-log.js';
export { WorkerPool } from './trials/pool.js';
export type { Runner } from './trials/runner.js';
export { QueueRunner } from './queue/coordinator.js';
export { gridTrials } from './methods/grid.js';
export { parseLevels } from './methods/levels.js';
export { summarizeGrid, chooseLevel } from './methods/select.js';
export { runGrid, type GridOptions, type GridSummary } from './studies/grid.js';
export { tune, type TuneOptions, type TuneSummary } from './studies/tune.js';
export { evaluateAgent, type EvaluateOptions, type EvaluateSummary } from './studies/evaluate-agent.js';
