/**
 * Every hyperparameter of one training run, in one typed place, with its unit.
 * `TRAIN_OPTIONS` is the single table that drives CLI flags, defaults, help and validation.
 */

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
  /** Flooding starts only once the epoch's training loss first falls below this (nats); 0 = from the start. */
  floodAfterLoss: number;
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
  /** Backend: auto | node-gpu | node | wasm | cpu. */
  backend: string;
}

type Parse = (raw: string) => unknown;

export interface OptionSpec {
  key: keyof TrainConfig;
  flag: string;
  help: string;
  parse?: Parse;
}

const num: Parse = (raw) => Number(raw);
const list: Parse = (raw) => (raw.trim() === '' ? [] : raw.split(',').map((s) => Number(s.trim())));
const bool: Parse = (raw) => !['false', '0', 'no', 'off'].includes(raw.toLowerCase());

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
  floodAfterLoss: 0,
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
  backend: 'auto',
};

/** The option table: one row per flag. Order is the order of `--help`. */
export const TRAIN_OPTIONS: OptionSpec[] = [
  { key: 'dataset', flag: '--dataset <name>', help: 'two-gaussians | spiral | sinusoid | mnist | fashion-mnist | cifar10 | csv:<path>' },
  { key: 'noise', flag: '--noise <rate>', help: 'label-noise rate in [0,1): floor(n*rate) labels flipped per split', parse: num },
  { key: 'seed', flag: '--seed <n>', help: 'seed for data, init, shuffling, augmentation', parse: num },
  { key: 'trainSize', flag: '--train-size <n>', help: 'training examples (0 = dataset default)', parse: num },
  { key: 'valSize', flag: '--val-size <n>', help: 'validation examples (0 = dataset default)', parse: num },
  { key: 'testSize', flag: '--test-size <n>', help: 'test examples (0 = dataset default)', parse: num },
  { key: 'dataDir', flag: '--data-dir <dir>', help: 'directory with CIFAR-10 binaries or MNIST-family IDX files' },
  { key: 'labelColumn', flag: '--label-column <col>', help: 'CSV label column: header name or 0-based index (default: last)' },
  { key: 'model', flag: '--model <kind>', help: 'auto | mlp | resnet (auto: the paper\'s model for the dataset)' },
  { key: 'depth', flag: '--depth <n>', help: 'MLP hidden layers or ResNet depth 6n+2 (0 = default)', parse: num },
  { key: 'width', flag: '--width <n>', help: 'MLP hidden units (0 = default)', parse: num },
  { key: 'flood', flag: '--flood <b>', help: 'flood level b >= 0 (nats); 0 = no flooding', parse: num },
  { key: 'floodMode', flag: '--flood-mode <mode>', help: 'flood (mini-batch mean, the paper) | iflood (per sample)' },
  { key: 'floodAfterLoss', flag: '--flood-after-loss <loss>', help: 'start flooding once training loss < this (backward variant; 0 = off)', parse: num },
  { key: 'optimizer', flag: '--optimizer <name>', help: 'adam | sgd (with momentum)' },
  { key: 'lr', flag: '--lr <rate>', help: 'learning rate', parse: num },
  { key: 'momentum', flag: '--momentum <m>', help: 'SGD momentum', parse: num },
  { key: 'weightDecay', flag: '--weight-decay <wd>', help: 'L2 weight decay coefficient', parse: num },
  { key: 'lrMilestones', flag: '--lr-milestones <epochs>', help: 'comma-separated epochs where lr *= lr-gamma', parse: list },
  { key: 'lrGamma', flag: '--lr-gamma <g>', help: 'lr decay factor at milestones', parse: num },
  { key: 'batchSize', flag: '--batch-size <n>', help: 'mini-batch size', parse: num },
  { key: 'epochs', flag: '--epochs <n>', help: 'training epochs', parse: num },
  { key: 'augment', flag: '--augment <bool>', help: 'random crop + flip for images (default: on for cifar10)', parse: bool },
  { key: 'testEvery', flag: '--test-every <n>', help: 'evaluate test split every n epochs for curves (0 = last/best only)', parse: num },
  { key: 'backend', flag: '--backend <name>', help: 'auto | node-gpu | node | wasm | cpu' },
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

function fail(field: string, message: string): never {
  throw new RangeError(`${field}: ${message}`);
}

const isInt = (v: unknown, min: number): boolean => Number.isInteger(v) && (v as number) >= min;

/** Validates a config; every error names the offending field. */
export function validateTrainConfig(c: TrainConfig): TrainConfig {
  if (typeof c.dataset !== 'string' || c.dataset === '') fail('dataset', 'must be a dataset name');
  if (!(Number.isFinite(c.noise) && c.noise >= 0 && c.noise < 1)) fail('noise', `must be in [0, 1), got ${c.noise}`);
  if (!isInt(c.seed, 0)) fail('seed', `must be an integer >= 0, got ${c.seed}`);
  for (const k of ['trainSize', 'valSize', 'testSize', 'depth', 'width', 'testEvery'] as const) {
    if (!isInt(c[k], 0)) fail(k, `must be an integer >= 0, got ${c[k]}`);
  }
  if (!['auto', 'mlp', 'resnet'].includes(c.model)) fail('model', `must be auto, mlp or resnet, got "${c.model}"`);
  if (!(Number.isFinite(c.flood) && c.flood >= 0)) fail('flood', `must be a finite number >= 0, got ${c.flood}`);
  if (!['flood', 'iflood'].includes(c.floodMode)) fail('floodMode', `must be flood or iflood, got "${c.floodMode}"`);
  if (!(Number.isFinite(c.floodAfterLoss) && c.floodAfterLoss >= 0)) {
    fail('floodAfterLoss', `must be a finite number >= 0, got ${c.floodAfterLoss}`);
  }
  if (!['adam', 'sgd'].includes(c.optimizer)) fail('optimizer', `must be adam or sgd, got "${c.optimizer}"`);
  if (!(Number.isFinite(c.lr) && c.lr > 0)) fail('lr', `must be > 0, got ${c.lr}`);
  if (!(Number.isFinite(c.momentum) && c.momentum >= 0 && c.momentum < 1)) fail('momentum', `must be in [0, 1), got ${c.momentum}`);
  if (!(Number.isFinite(c.weightDecay) && c.weightDecay >= 0)) fail('weightDecay', `must be >= 0, got ${c.weightDecay}`);
  if (!Array.isArray(c.lrMilestones) || !c.lrMilestones.every((m) => isInt(m, 1))) {
    fail('lrMilestones', `must be positive integer epochs, got ${String(c.lrMilestones)}`);
  }
  if (!(Number.isFinite(c.lrGamma) && c.lrGamma > 0)) fail('lrGamma', `must be > 0, got ${c.lrGamma}`);
  if (!isInt(c.batchSize, 1)) fail('batchSize', `must be an integer >= 1, got ${c.batchSize}`);
  if (!isInt(c.epochs, 1)) fail('epochs', `must be an integer >= 1, got ${c.epochs}`);
  if (typeof c.augment !== 'boolean') fail('augment', 'must be true or false');
  return c;
}

/** Defaults, then the dataset's defaults, then what the user set; validated. */
export function resolveTrainConfig(user: Partial<TrainConfig>): TrainConfig {
  const dataset = user.dataset ?? DEFAULT_TRAIN_CONFIG.dataset;
  const defined = Object.fromEntries(Object.entries(user).filter(([, v]) => v !== undefined));
  return validateTrainConfig({ ...DEFAULT_TRAIN_CONFIG, ...datasetDefaults(dataset), ...defined } as TrainConfig);
}
