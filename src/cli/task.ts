/**
 * The task a training command runs on, checked in the main process before anything is created:
 * the data loads, the model fits it, and the config is resolved to what will really run (split
 * sizes, model, depth, width instead of "0 = default"), so config.json records it.
 */
import { existsSync } from 'node:fs';
import type winston from 'winston';
import { loadDataset, type Dataset } from '../data/index.js';
import type { TrainConfig } from '../train/config.js';
import type { DataFile } from '../core/files.js';
import { OptionError } from '../core/errors.js';
import { trainConfigOf, UsageError, usageOf } from './options.js';
import type { AgentFile } from '../control/agent.js';

export interface Task {
  /** The config with sizes and model resolved. */
  config: TrainConfig;
  /** What the data turned out to be, for the run folder's data.json (the backend is added when it has started). */
  data: Omit<DataFile, 'backend'>;
}

/** Loads the data of a config, or throws UsageError naming the flag at fault (--dataset, --data-dir, --train-size, ...). */
export async function loadTaskData(config: TrainConfig): Promise<Dataset> {
  const { datasetOptionsOf } = await import('../train/train.js');
  try {
    return await loadDataset(datasetOptionsOf(config));
  } catch (err) {
    throw err instanceof OptionError ? usageOf(err) : err;
  }
}

/**
 * Loads and checks the task of parsed training flags (`omit`: settings the command sets itself).
 * Throws UsageError naming the flag at fault.
 */
export async function prepareTask(options: Record<string, unknown>, logger: winston.Logger, omit: (keyof TrainConfig)[] = []): Promise<Task & { dataset: Dataset }> {
  const config = trainConfigOf(options, omit);
  if (config.labelColumn !== undefined && !config.dataset.startsWith('csv:')) {
    throw new UsageError(`--label-column: only csv:<path> datasets have columns to choose from, not ${config.dataset}`);
  }
  if (config.csvHeader !== undefined && !config.dataset.startsWith('csv:')) {
    throw new UsageError(`--header: only csv:<path> datasets have a header row, not ${config.dataset}`);
  }
  const dataset = await loadTaskData(config);
  checkSplits(dataset, logger);
  // Loaded here, when a command runs: these load TensorFlow.js.
  const [{ modelSpecFor }, { defaultModelSpec, PAPER_MLP }] = await Promise.all([import('../train/trainer.js'), import('../models/index.js')]);
  if (config.augment && dataset.featureShape.length !== 3) {
    throw new UsageError(`--augment: random crops and flips need images; ${config.dataset} has features of shape [${dataset.featureShape.join(', ')}]`);
  }
  const spec = modelSpecFor(config);
  if (spec.kind === 'resnet') {
    if (dataset.featureShape.length !== 3) {
      throw new UsageError(`--model resnet: a ResNet needs images [height, width, channels]; ${config.dataset} has features of shape [${dataset.featureShape.join(', ')}] (use --model mlp)`);
    }
    if (config.width > 0) throw new UsageError('--width: a ResNet has fixed widths 16/32/64; leave --width out');
  }
  const depth = spec.depth ?? (spec.kind === 'resnet' ? defaultModelSpec('cifar10').depth : PAPER_MLP.depth) ?? 0;
  if (spec.kind === 'resnet' && (depth < 8 || (depth - 2) % 6 !== 0)) {
    throw new UsageError(`--depth: a ResNet has 6n + 2 layers (20, 32, 44, 56, 110), got ${depth}`);
  }
  return {
    dataset,
    data: {
      dataset: config.dataset,
      sizes: { train: dataset.train.n, val: dataset.val.n, test: dataset.test.n },
      featureShape: dataset.featureShape,
      classes: dataset.numClasses,
      ...(dataset.classNames === undefined ? {} : { classNames: dataset.classNames }),
    },
    config: {
      ...config,
      trainSize: dataset.train.n, valSize: dataset.val.n, testSize: dataset.test.n,
      model: spec.kind, depth, width: spec.kind === 'resnet' ? 0 : (spec.width ?? PAPER_MLP.width),
    },
  };
}

/**
 * Refuses data whose training split lacks a class (the model could never predict it), and warns
 * when the validation or test split has fewer examples than classes (its accuracy says little).
 */
function checkSplits(dataset: Dataset, logger: winston.Logger): void {
  const k = dataset.numClasses;
  const name = (c: number) => (dataset.classNames === undefined ? `class ${c}` : `class ${c} ("${dataset.classNames[c]}")`);
  const seen = new Set(dataset.train.yClean);
  const missing = Array.from({ length: k }, (_, c) => c).filter((c) => !seen.has(c));
  const sizes = `${dataset.train.n} training, ${dataset.val.n} validation and ${dataset.test.n} test examples`;
  if (missing.length > 0) {
    throw new UsageError(`--dataset: ${missing.map(name).slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} ` +
      `of ${k} classes ${missing.length === 1 ? 'has' : 'have'} no training example (${sizes}); use more data or larger splits (--train-size)`);
  }
  for (const [split, n] of [['validation', dataset.val.n], ['test', dataset.test.n]] as const) {
    if (n < k) logger.warn(`the ${split} split has ${n} examples for ${k} classes (${sizes}): its accuracy will say little`);
  }
}

/** Warns when flood levels lie far above the task's loss scale, where flooding only pushes the loss up. */
export function warnHighLevels(task: Task, levels: number[], flag: string, logger: winston.Logger): void {
  const top = Math.max(...levels);
  // A model starts near the loss of a uniform guess, ln(classes) nats, and only goes down from there.
  const scale = Math.log(task.data.classes);
  if (top > scale) {
    logger.warn(
      `${flag} ${top} is above ln(${task.data.classes} classes) = ${scale.toFixed(3)} nats, the loss of a uniform guess: ` +
        'the training loss starts below it, so flooding pushes the loss up (gradient ascent) from the first step',
    );
  }
}

/** Reads an agent file for `--agent`, so a missing or corrupt one stops the command before it starts. */
export async function loadAgentFlag(file: string): Promise<AgentFile> {
  if (!existsSync(file)) throw new UsageError(`--agent: no such file: ${file}`);
  const { loadAgent } = await import('../control/agent.js');
  try {
    return await loadAgent(file);
  } catch (err) {
    if (err instanceof OptionError) throw new UsageError(`--agent: ${err.detail}`);
    throw err;
  }
}
