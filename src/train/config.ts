/**
 * Every hyperparameter of one training run, in one typed place, with its unit: what decides a
 * result and nothing else (the backend is a process setting; how b changes during a run is a
 * controller). `TRAIN_OPTIONS` is the single table that drives CLI flags, defaults, help and
 * validation.
 */
import { SYNTHETIC_NAMES } from '../data/synthetic.js';
import { boolean, checkValue, integer, listOf, oneOf, real, text, type ValueKind } from '../core/values.js';

export type OptimizerName = 'adam' | 'sgd';
export type FloodMode = 'flood' | 'iflood';

export interface TrainConfig {
  /** Dataset name: two-gaussians | spiral | sinusoid | mnist | fashion-mnist | cifar10 | csv:<path>. */
  dataset: string;
  /** Symmetric label-noise rate (fraction of labels flipped in each split), in [0, 1). */
  noise: number;
  /** Seed for data, initialisation, shuffling and augmentation. */
  seed: number;
  /** Training examples (synthetic: total; real data: optional subset). 0 = dataset default. */
  trainSize: number;
  /** Validation examples. 0 = dataset default. */
  valSize: number;
  /** Test examples. 0 = dataset default. */
  testSize: number;
  /** Directory with data files (CIFAR-10 binaries; or MNIST-family IDX files). */
  dataDir?: string;
  /** CSV datasets: label column, by header name or 0-based index. Default: last column. */
  labelColumn?: string;
  /** CSV datasets: whether the first row is a header. Default (absent): detected. */
  csvHeader?: boolean;
  /** Model: 'mlp' | 'resnet' | 'auto' (the paper's model for the dataset). */
  model: 'auto' | 'mlp' | 'resnet';
  /** MLP hidden layers / ResNet depth (6n+2). 0 = model default. */
  depth: number;
  /** MLP hidden units per layer. 0 = model default. */
  width: number;
  /** Flood level b (loss units, nats) used when no controller is given. */
  flood: number;
  /** 'flood' = |mean loss - b| + b (the paper); 'iflood' = mean of per-sample |l_i - b| + b. */
  floodMode: FloodMode;
  /** Optimiser. */
  optimizer: OptimizerName;
  /** Learning rate (per step). */
  lr: number;
  /** SGD momentum coefficient. */
  momentum: number;
  /** L2 weight decay coefficient (adds wd/2 * ||w||^2 to the objective, unflooded). */
  weightDecay: number;
  /** Epochs at which the learning rate is multiplied by `lrGamma`. */
  lrMilestones: number[];
  /** Learning-rate decay factor at each milestone. */
  lrGamma: number;
  /** Mini-batch size (examples). */
  batchSize: number;
  /** Training epochs. */
  epochs: number;
  /** Random crop (4-pixel padding) + horizontal flip for image data. */
  augment: boolean;
  /** Evaluate the test split every this many epochs for the loss curves (0 = only last/best epochs). */
  testEvery: number;
  /**
   * Also record validation loss and accuracy on a fixed random subset of this many validation
   * examples (chosen by the seed), to measure how selection on a small validation set behaves
   * beside the whole one (Table 1's selection noise). Absent = off; it never changes training.
   */
  valSubset?: number;
}

/** One row of the training-option table: the field, its flag, its help and its kind of value. */
export interface OptionSpec {
  key: keyof TrainConfig;
  flag: string;
  help: string;
  kind: ValueKind<unknown>;
  /** Absent is allowed (optional fields). */
  optional?: boolean;
}

const DATASET_HELP = `${SYNTHETIC_NAMES.join(' | ')} | clusters:<features>:<classes> | mnist | fashion-mnist | cifar10 | csv:<path>`;

/** Defaults: the paper's synthetic setting, scaled to a few minutes of CPU (epochs). */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  dataset: 'two-gaussians',
  noise: 0,
  seed: 0,
  trainSize: 0,
  valSize: 0,
  testSize: 0,
  model: 'auto',
  depth: 0,
  width: 0,
  flood: 0,
  floodMode: 'flood',
  optimizer: 'adam',
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 0,
  lrMilestones: [],
  lrGamma: 0.1,
  batchSize: 200,
  epochs: 100,
  augment: false,
  testEvery: 0,
};

/** The option table: one row per setting. Order is the order of `--help`. */
export const TRAIN_OPTIONS: OptionSpec[] = [
  { key: 'dataset', flag: '--dataset <name>', help: DATASET_HELP, kind: text },
  { key: 'noise', flag: '--noise <rate>', help: 'label-noise rate: floor(n*rate) labels flipped per split', kind: real({ min: 0, max: 1, below: true }) },
  { key: 'seed', flag: '--seed <n>', help: 'seed for data, init, shuffling, augmentation', kind: integer(0) },
  { key: 'trainSize', flag: '--train-size <n>', help: 'training examples (0 = dataset default)', kind: integer(0) },
  { key: 'valSize', flag: '--val-size <n>', help: 'validation examples (0 = dataset default)', kind: integer(0) },
  { key: 'testSize', flag: '--test-size <n>', help: 'test examples (0 = dataset default)', kind: integer(0) },
  { key: 'dataDir', flag: '--data-dir <dir>', help: 'directory with CIFAR-10 binaries or MNIST-family IDX files', kind: text, optional: true },
  { key: 'labelColumn', flag: '--label-column <col>', help: 'CSV label column: header name or 0-based index (default: last)', kind: text, optional: true },
  { key: 'csvHeader', flag: '--header <bool>', help: 'CSV: whether the first row is a header (default: detected from the cells)', kind: boolean, optional: true },
  { key: 'model', flag: '--model <kind>', help: "auto | mlp | resnet (auto: the paper's model for the dataset)", kind: oneOf(['auto', 'mlp', 'resnet']) },
  { key: 'depth', flag: '--depth <n>', help: 'MLP hidden layers or ResNet depth 6n+2 (0 = the dataset\'s model: MLP 4, MNIST MLP 2, ResNet 44)', kind: integer(0) },
  { key: 'width', flag: '--width <n>', help: 'MLP hidden units (0 = 500)', kind: integer(0) },
  { key: 'flood', flag: '--flood <b>', help: 'flood level b (nats); 0 = no flooding', kind: real({ min: 0 }) },
  { key: 'floodMode', flag: '--flood-mode <mode>', help: 'flood (mini-batch mean, the paper) | iflood (per sample)', kind: oneOf(['flood', 'iflood']) },
  { key: 'optimizer', flag: '--optimizer <name>', help: 'adam | sgd (with momentum)', kind: oneOf(['adam', 'sgd']) },
  { key: 'lr', flag: '--lr <rate>', help: 'learning rate', kind: real({ min: 0, above: true }) },
  { key: 'momentum', flag: '--momentum <m>', help: 'SGD momentum', kind: real({ min: 0, max: 1, below: true }) },
  { key: 'weightDecay', flag: '--weight-decay <wd>', help: 'L2 weight decay coefficient', kind: real({ min: 0 }) },
  { key: 'lrMilestones', flag: '--lr-milestones <epochs>', help: 'comma-separated epochs where lr *= lr-gamma', kind: listOf(integer(1), true) },
  { key: 'lrGamma', flag: '--lr-gamma <g>', help: 'lr decay factor at milestones', kind: real({ min: 0, above: true }) },
  { key: 'batchSize', flag: '--batch-size <n>', help: 'mini-batch size', kind: integer(1) },
  { key: 'epochs', flag: '--epochs <n>', help: 'training epochs (at most 100000)', kind: integer(1, 100_000) },
  { key: 'augment', flag: '--augment <bool>', help: 'random crop + flip for images (default: on for cifar10)', kind: boolean },
  { key: 'testEvery', flag: '--test-every <n>', help: 'evaluate test split every n epochs for curves (0 = last/best only)', kind: integer(0) },
  { key: 'valSubset', flag: '--val-subset <n>', help: 'also record validation accuracy on a fixed random subset of n validation examples (0 = off)', kind: integer(0), optional: true },
];

/** Per-dataset defaults applied under the user's explicit options (the reference's settings). */
export function datasetDefaults(dataset: string): Partial<TrainConfig> {
  if (dataset === 'cifar10') {
    return {
      optimizer: 'sgd', lr: 0.1, momentum: 0.9, batchSize: 128, augment: true,
      epochs: 500, lrMilestones: [250, 400],
    };
  }
  if (dataset === 'mnist' || dataset === 'fashion-mnist') return { batchSize: 100 };
  return {};
}

/** Validates a config against the option table; every error names the offending field. */
export function validateTrainConfig(c: TrainConfig): TrainConfig {
  for (const row of TRAIN_OPTIONS) {
    if (row.optional && c[row.key] === undefined) continue;
    checkValue(row.key, row.kind, c[row.key]);
  }
  return c;
}

/** Defaults, then the dataset's defaults, then what the user set; validated. */
export function resolveTrainConfig(user: Partial<TrainConfig>): TrainConfig {
  const dataset = user.dataset ?? DEFAULT_TRAIN_CONFIG.dataset;
  const known = new Set<string>(TRAIN_OPTIONS.map((row) => row.key));
  const unknown = Object.keys(user).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new RangeError(`training config: unknown setting ${unknown.map((k) => `"${k}"`).join(', ')}`);
  // valSubset 0 is the same as absent, so it leaves trial ids as they were.
  const defined = Object.fromEntries(Object.entries(user).filter(([k, v]) => v !== undefined && !(k === 'valSubset' && v === 0)));
  return validateTrainConfig({ ...DEFAULT_TRAIN_CONFIG, ...datasetDefaults(dataset), ...defined } as TrainConfig);
}
