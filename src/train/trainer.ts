/**
 * The one training loop. A `Trainer` owns a model, an optimiser and a dataset and runs one
 * epoch at a time with the flood level it is given; `train()` drives it to the end with a
 * controller. The RL environments step the same `Trainer` k epochs at a time.
 *
 * Data stays in JS typed arrays; each mini-batch is copied into a fresh tensor, so device
 * memory holds only the model and one batch (CIFAR-10's 40k images would not fit in wasm).
 * Metrics are summed on the device and read once per epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { flood, iflood } from '../flood.js';
import { Rng } from '../data/rng.js';
import type { Dataset, Split } from '../data/types.js';
import { buildModel, defaultModelSpec, type ModelSpec } from '../models/index.js';
import { augmentBatch } from '../models/augment.js';
import type { TrainConfig } from './config.js';
import type { EpochMetrics } from './controller.js';

/** Test-set reading of one epoch's weights. */
export interface Readout {
  /** 1-based epoch whose weights were evaluated. */
  epoch: number;
  valAcc: number;
  valAccClean: number;
  testLoss: number;
  testAcc: number;
  testLossClean: number;
  testAccClean: number;
}

interface Evaluation {
  loss: number;
  acc: number;
  lossClean: number;
  accClean: number;
}

/** Examples per forward pass when evaluating. */
const EVAL_BATCH = 1000;

/** The model the config asks for, on the dataset's shapes. */
export function modelSpecFor(config: TrainConfig): ModelSpec {
  const base = defaultModelSpec(config.dataset);
  const kind = config.model === 'auto' ? base.kind : config.model;
  const spec: ModelSpec = kind === base.kind ? { ...base } : { kind };
  if (config.depth > 0) spec.depth = config.depth;
  if (config.width > 0) spec.width = config.width;
  return spec;
}

/** Learning rate in force during 1-based `epoch` (multi-step decay). */
export function learningRateAt(config: TrainConfig, epoch: number): number {
  const decays = config.lrMilestones.filter((m) => m < epoch).length;
  return config.lr * config.lrGamma ** decays;
}

function makeOptimizer(config: TrainConfig): tf.Optimizer {
  return config.optimizer === 'adam'
    ? tf.train.adam(config.lr)
    : tf.train.momentum(config.lr, config.momentum);
}

/** SGD and momentum keep lr in a scalar that `setLearningRate` refreshes; Adam reads the field each step. */
function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === lr) return;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}

export class Trainer {
  readonly config: TrainConfig;
  readonly dataset: Dataset;
  readonly model: tf.LayersModel;
  readonly history: EpochMetrics[] = [];
  private readonly optimizer: tf.Optimizer;
  private readonly shuffleRng: Rng;
  private readonly augmentRng: Rng;
  private readonly exampleSize: number;
  private readonly startTime = performance.now();
  private best: { epoch: number; valAcc: number; valAccClean: number; weights: tf.Tensor[] } | undefined;

  constructor(config: TrainConfig, dataset: Dataset) {
    this.config = config;
    this.dataset = dataset;
    this.model = buildModel(modelSpecFor(config), dataset.featureShape, dataset.numClasses, config.seed);
    this.optimizer = makeOptimizer(config);
    const rng = new Rng(config.seed);
    this.shuffleRng = rng.fork('shuffle');
    this.augmentRng = rng.fork('augment');
    this.exampleSize = dataset.featureShape.reduce((a, b) => a * b, 1);
  }

  get epochsDone(): number {
    return this.history.length;
  }

  /**
   * Copies rows `indices[start, start+size)` of a split (rows start.. when `indices` is null)
   * into tensors. x: [size, ...featureShape]; y: one-hot [size, numClasses] of the labels read
   * from `labels` (the noisy ones for training, either for evaluation).
   */
  private batch(split: Split, indices: Int32Array | null, start: number, size: number, labels: Int32Array[]) {
    const d = this.exampleSize;
    const x = new Float32Array(size * d);
    const ys = labels.map(() => new Int32Array(size));
    for (let i = 0; i < size; i++) {
      const row = indices ? indices[start + i] : start + i;
      x.set(split.x.subarray(row * d, (row + 1) * d), i * d);
      labels.forEach((l, j) => (ys[j][i] = l[row]));
    }
    const k = this.dataset.numClasses;
    return tf.tidy(() => ({
      x: tf.tensor(x, [size, ...this.dataset.featureShape]),
      y: ys.map((y) => tf.oneHot(tf.tensor1d(y, 'int32'), k).toFloat() as tf.Tensor2D),
    }));
  }

  /** Loss and accuracy of the current weights on a split, in evaluation mode. */
  evaluate(split: Split): Evaluation {
    const sums = tf.tidy(() => {
      let acc = tf.zeros([4]);
      for (let start = 0; start < split.n; start += EVAL_BATCH) {
        const size = Math.min(EVAL_BATCH, split.n - start);
        const { x, y: [y, yClean] } = this.batch(split, null, start, size, [split.y, split.yClean]);
        const logits = this.model.apply(x, { training: false }) as tf.Tensor2D;
        const predicted = tf.argMax(logits, 1);
        const red = tf.Reduction.SUM;
        const parts = tf.stack([
          tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, red),
          tf.sum(tf.cast(tf.equal(predicted, tf.argMax(y, 1)), 'float32')),
          tf.losses.softmaxCrossEntropy(yClean, logits, undefined, 0, red),
          tf.sum(tf.cast(tf.equal(predicted, tf.argMax(yClean, 1)), 'float32')),
        ]);
        acc = tf.add(acc, parts);
      }
      return acc;
    });
    const [loss, correct, lossClean, correctClean] = Array.from(sums.dataSync());
    sums.dispose();
    const n = split.n;
    return { loss: loss / n, acc: correct / n, lossClean: lossClean / n, accClean: correctClean / n };
  }

  /**
   * One pass over the training split with flood level `level` (0 = plain training).
   * @returns the epoch's metrics, also appended to `history`.
   */
  runEpoch(level: number): EpochMetrics {
    const { config } = this;
    const epoch = this.epochsDone + 1;
    const lr = learningRateAt(config, epoch);
    setLearningRate(this.optimizer, lr);
    const train = this.dataset.train;
    const order = this.shuffleRng.permutation(train.n);
    const augment = config.augment && this.dataset.featureShape.length === 3;
    const uniform = () => this.augmentRng.uniform();
    // [loss sum, correct count, flooded batches], summed on the device.
    let sums = tf.zeros([3]);
    let batches = 0;
    for (let start = 0; start < train.n; start += config.batchSize) {
      const size = Math.min(config.batchSize, train.n - start);
      const b = this.batch(train, order, start, size, [train.y]);
      const y = b.y[0];
      const x = augment ? augmentBatch(b.x as tf.Tensor4D, uniform) : b.x;
      let stats: tf.Tensor | undefined;
      const objective = this.optimizer.minimize(() => {
        const logits = this.model.apply(x, { training: true }) as tf.Tensor2D;
        const perSample = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE) as tf.Tensor1D;
        const mean = tf.mean(perSample) as tf.Scalar;
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32'));
        stats = tf.keep(tf.stack([mean, correct, tf.cast(tf.less(mean, level), 'float32')]));
        let loss = config.floodMode === 'iflood' ? iflood(perSample, level) : flood(mean, level);
        if (config.weightDecay > 0) {
          const squares = this.model.trainableWeights.map((w) => tf.sum(tf.square(w.read())));
          loss = tf.add(loss, tf.mul(0.5 * config.weightDecay, tf.addN(squares)));
        }
        return loss as tf.Scalar;
      }, true);
      const next = tf.add(sums, stats as tf.Tensor);
      tf.dispose([sums, stats as tf.Tensor, objective as tf.Scalar, b.x, y, x]);
      sums = next;
      batches++;
    }
    const [lossSum, correct, flooded] = Array.from(sums.dataSync());
    sums.dispose();
    const trainLoss = lossSum / batches;

    const val = this.evaluate(this.dataset.val);
    const metrics: EpochMetrics = {
      epoch,
      trainLoss,
      trainAcc: correct / train.n,
      valLoss: val.loss,
      valAcc: val.acc,
      valLossClean: val.lossClean,
      valAccClean: val.accClean,
      floodedFraction: flooded / batches,
      floodLevel: level,
      lr,
      wallSeconds: 0,
    };
    if (config.testEvery > 0 && epoch % config.testEvery === 0) {
      const test = this.evaluate(this.dataset.test);
      Object.assign(metrics, {
        testLoss: test.loss, testAcc: test.acc, testLossClean: test.lossClean, testAccClean: test.accClean,
      });
    }
    if (this.best == null || val.acc > this.best.valAcc) this.snapshotBest(epoch, val);
    metrics.wallSeconds = (performance.now() - this.startTime) / 1000;
    this.history.push(metrics);
    return metrics;
  }

  private snapshotBest(epoch: number, val: Evaluation): void {
    if (this.best) tf.dispose(this.best.weights);
    const weights = this.model.getWeights().map((w) => w.clone());
    this.best = { epoch, valAcc: val.acc, valAccClean: val.accClean, weights };
  }

  /**
   * Test readings of the last epoch's weights and of the best-validation epoch's weights.
   * Leaves the model holding the last epoch's weights.
   */
  readouts(): { last: Readout; bestVal: Readout } {
    const lastMetrics = this.history[this.history.length - 1];
    if (lastMetrics == null || this.best == null) throw new Error('readouts: no epoch has been trained yet');
    const toReadout = (epoch: number, valAcc: number, valAccClean: number, t: Evaluation): Readout => ({
      epoch, valAcc, valAccClean, testLoss: t.loss, testAcc: t.acc, testLossClean: t.lossClean, testAccClean: t.accClean,
    });
    const lastTest = this.evaluate(this.dataset.test);
    const last = toReadout(lastMetrics.epoch, lastMetrics.valAcc, lastMetrics.valAccClean, lastTest);
    if (this.best.epoch === lastMetrics.epoch) return { last, bestVal: { ...last } };
    const current = this.model.getWeights().map((w) => w.clone());
    this.model.setWeights(this.best.weights);
    const bestTest = this.evaluate(this.dataset.test);
    this.model.setWeights(current);
    tf.dispose(current);
    return { last, bestVal: toReadout(this.best.epoch, this.best.valAcc, this.best.valAccClean, bestTest) };
  }

  /** Frees the model, optimiser state and snapshot. */
  dispose(): void {
    if (this.best) tf.dispose(this.best.weights);
    this.optimizer.dispose();
    this.model.dispose();
  }
}
