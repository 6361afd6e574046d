/**
 * Training speed on this machine: `npm run bench [-- --backend wasm|cpu|node|auto] [-- --quick]`.
 *
 * Every training figure times the real `Trainer` epoch (`Trainer.runEpoch`, the code
 * `autoflood train` runs): mini-batch copies, augmentation when the config asks for it, the
 * optimiser steps, the once-per-epoch metric read and the validation pass that ends each epoch.
 *
 * (a) the paper's synthetic MLP (10-500x4-2, batch norm) on Two Gaussians (1000 examples),
 *     batch 200, Adam 1e-3, flooded at b = 0.3: epochs/s (each epoch includes a validation
 *     pass over 100 examples);
 * (b) ResNet-44 at batch 128 on random 32x32x3 images (the cifar10 training config: SGD
 *     momentum 0.9, crop + flip augmentation): steps/s = steps per epoch / epoch seconds, the
 *     epoch including a validation pass over a few images;
 * (c) CIFAR augmentation (random crop + flip) of a 128-image batch (`augmentBatch` itself).
 * One warm-up epoch (Adam's slot variables, wasm kernel set-up) is excluded; each figure is the
 * median of several timed epochs. `--quick` (or BENCH_QUICK=1) times fewer epochs and runs.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_CHOICES, type BackendChoice, describeBackend, initBackend } from '../src/backend/index.js';
import { loadDataset } from '../src/data/index.js';
import { Rng } from '../src/data/rng.js';
import type { Dataset, Split } from '../src/data/types.js';
import { augmentBatch } from '../src/models/augment.js';
import { countParams } from '../src/models/index.js';
import { resolveTrainConfig, type TrainConfig } from '../src/train/config.js';
import { Trainer } from '../src/train/trainer.js';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick') || ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');

const MLP_EPOCHS = QUICK ? 3 : 7;
const MLP_FLOOD = 0.3;
const MLP_VAL = 100;

const RESNET_BATCH = 128;
const RESNET_TRAIN = 256; // 2 steps per epoch
const RESNET_VAL = 16;
const RESNET_EPOCHS = QUICK ? 1 : 3;
const RESNET_FLOOD = 0.01;

const AUGMENT_RUNS = QUICK ? 5 : 20;

function parseBackend(args: string[]): BackendChoice {
  const i = args.indexOf('--backend');
  if (i < 0) return 'auto';
  const value = args[i + 1] as BackendChoice;
  if (!BACKEND_CHOICES.includes(value)) throw new Error(`--backend must be one of ${BACKEND_CHOICES.join(', ')}`);
  return value;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall-clock milliseconds of `f`, which must finish its device work (e.g. by reading a value). */
function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/**
 * Builds a real Trainer, runs one warm-up epoch, then times `epochs` calls of
 * `trainer.runEpoch(level)` (each ends by reading its metrics, so device work is done).
 */
function timeEpochs(config: TrainConfig, dataset: Dataset, level: number, epochs: number): { params: number; times: number[] } {
  const trainer = new Trainer(config, dataset);
  try {
    trainer.runEpoch(level); // warm-up: kernel setup and the optimiser's slot variables
    const times = Array.from({ length: epochs }, () => time(() => trainer.runEpoch(level)));
    return { params: countParams(trainer.model), times };
  } finally {
    trainer.dispose();
  }
}

/** (a) Paper MLP on Two Gaussians: per-epoch milliseconds of the timed epochs. */
async function benchMlp(): Promise<number[]> {
  const dataset = await loadDataset({ name: 'two-gaussians', seed: 0, noise: 0.1, trainSize: 1000, valSize: MLP_VAL, testSize: 100 });
  const config = resolveTrainConfig({
    dataset: 'two-gaussians', noise: 0.1, seed: 0, trainSize: 1000, valSize: MLP_VAL, testSize: 100,
    model: 'mlp', optimizer: 'adam', lr: 1e-3, batchSize: 200, flood: MLP_FLOOD, floodMode: 'flood',
    epochs: MLP_EPOCHS + 1, testEvery: 0,
  });
  return timeEpochs(config, dataset, MLP_FLOOD, MLP_EPOCHS).times;
}

/** A split of `n` random [32, 32, 3] images with random labels in [0, 10). */
function randomImages(n: number, rng: Rng): Split {
  const x = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const y = Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * 10) % 10);
  return { x, y, yClean: y.slice(), n };
}

/** (b) ResNet-44, batch 128, the cifar10 training config: per-epoch milliseconds. */
function benchResNet(): { params: number; times: number[] } {
  const rng = new Rng(4);
  const dataset: Dataset = {
    name: 'random-32x32x3',
    featureShape: [32, 32, 3],
    numClasses: 10,
    train: randomImages(RESNET_TRAIN, rng.fork('train')),
    val: randomImages(RESNET_VAL, rng.fork('val')),
    test: randomImages(RESNET_VAL, rng.fork('test')),
  };
  // dataset 'cifar10' selects ResNet-44 and the cifar10 defaults (SGD lr 0.1, momentum 0.9, batch 128, augment).
  const config = resolveTrainConfig({
    dataset: 'cifar10', seed: 1, batchSize: RESNET_BATCH, flood: RESNET_FLOOD, epochs: RESNET_EPOCHS + 1, testEvery: 0,
  });
  return timeEpochs(config, dataset, RESNET_FLOOD, RESNET_EPOCHS);
}

/** (c) Augmentation of a [128, 32, 32, 3] batch: per-batch milliseconds. */
function benchAugment(): number[] {
  const x = tf.randomUniform([128, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  const rng = new Rng(6);
  const uniform = () => rng.uniform();
  const once = () => {
    const out = augmentBatch(x, uniform);
    out.dataSync();
    out.dispose();
  };
  once();
  const times = Array.from({ length: AUGMENT_RUNS }, () => time(once));
  x.dispose();
  return times;
}

const info = await initBackend(parseBackend(argv));
console.log(describeBackend(info) + (QUICK ? ' [quick]' : ''));

const epochMs = median(await benchMlp());
console.log(
  `(a) MLP 10-500x4-2 BN, Two Gaussians n=1000, batch 200, Adam 1e-3, flood b=${MLP_FLOOD}, real Trainer epoch: ` +
  `${(1000 / epochMs).toFixed(2)} epochs/s (${epochMs.toFixed(0)} ms/epoch incl. a validation pass over ${MLP_VAL} examples, ` +
  `median of ${MLP_EPOCHS} epochs)`,
);

if (info.name === 'cpu') {
  console.log('(b) ResNet-44: skipped on the cpu backend (minutes per step)');
} else {
  const { params, times } = benchResNet();
  const steps = Math.ceil(RESNET_TRAIN / RESNET_BATCH);
  const stepMs = median(times) / steps;
  const epochMinutes = (40_000 / RESNET_BATCH) * stepMs / 60_000;
  console.log(
    `(b) ResNet-44 (${params.toLocaleString('en-US')} params), batch ${RESNET_BATCH}, 32x32x3, SGD momentum 0.9, crop + flip, ` +
    `real Trainer epoch of ${RESNET_TRAIN} images (${steps} steps; the epoch includes a validation pass over ${RESNET_VAL} images): ` +
    `${(1000 / stepMs).toFixed(3)} steps/s (${(stepMs / 1000).toFixed(2)} s/step, ${(RESNET_BATCH * 1000 / stepMs).toFixed(1)} images/s, ` +
    `median of ${RESNET_EPOCHS} epoch${RESNET_EPOCHS === 1 ? '' : 's'}; a 40k-image CIFAR-10 epoch ~ ${epochMinutes.toFixed(0)} min)`,
  );
}

const augmentMs = median(benchAugment());
console.log(`(c) augmentation (crop 4 + flip), batch 128 x 32x32x3: ${augmentMs.toFixed(1)} ms/batch (median of ${AUGMENT_RUNS})`);
