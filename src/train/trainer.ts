/**
 * The one training loop. A `Trainer` owns a model, an optimiser and a dataset and runs one
 * epoch at a time with the flood level it is given; `train()` drives it to the end with a
 * controller. The RL environments step the same `Trainer` k epochs at a time.
 *
 * Data stays in JS typed arrays; each mini-batch is copied into a fresh tensor, so device
 * memory holds only the model and one batch (CIFAR-10's 40k images would not fit in wasm).
 * Metrics are summed on the device and read once per epoch.
 */
import { OptionError } from '../core/errors.js';
import * as tf from '@tensorflow/tfjs';
import { flood, iflood } from '../core/flood.js';
import { Rng } from '../data/rng.js';
import type { Dataset, Split } from '../data/types.js';
import { buildModel, defaultModelSpec, type ModelSpec } from '../models/index.js';
import { augmentBatch } from '../models/augment.js';
import { CHECKPOINT_FORMAT_VERSION, type TensorData, type TrainerCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import type { EpochMetrics } from './controller.js';
import { lossStats } from './noise.js';

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

/**
 * tfjs's `AdamOptimizer.setWeights` recomputes the bias-correction powers beta^(t+1) with `pow`,
 * which differs in the last float32 bits from the running product the steps keep (acc *= beta
 * once per step). Sets the running product, so a restored Adam continues bit-identically.
 */
function restoreAdamPowers(optimizer: tf.Optimizer): void {
  const adam = optimizer as unknown as { beta1: number; beta2: number; accBeta1: tf.Variable; accBeta2: tf.Variable };
  const running = (beta: number) => {
    let acc = Math.fround(beta);
    for (let i = 0; i < optimizer.iterations; i++) acc = Math.fround(acc * Math.fround(beta));
    return acc;
  };
  tf.tidy(() => {
    adam.accBeta1.assign(tf.scalar(running(adam.beta1)));
    adam.accBeta2.assign(tf.scalar(running(adam.beta2)));
  });
}

/** Frees an optimiser; tfjs's MomentumOptimizer.dispose forgets its learning-rate scalar `c`. */
function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
}

/** A tensor's shape and values, copied (some backends hand out their own storage). */
async function tensorData(t: tf.Tensor): Promise<TensorData> {
  const raw = (await t.data()) as ArrayLike<number>;
  const values = new Float32Array(raw);
  if (t.dtype !== 'float32' && values.some((v, i) => v !== raw[i])) {
    throw new RangeError(`checkpoint: ${t.dtype} values of a tensor do not fit float32 exactly`);
  }
  return { shape: t.shape.slice(), values };
}

const toTensors = (ts: TensorData[]) => ts.map((t) => tf.tensor(t.values, t.shape));
const shapeText = (ts: { shape: number[] }[]) => ts.map((t) => `[${t.shape}]`).join(' ');

/**
 * One model, its optimiser and its data, trained an epoch at a time:
 * `new Trainer(config, dataset)`, then `runEpoch(b)` per epoch (metrics also in `history`),
 * `readouts()` for the test readings, `dispose()` to free the tensors. `train()` drives it with
 * a `FloodController`; drive it yourself to choose b another way.
 */
export class Trainer {
  readonly config: TrainConfig;
  readonly dataset: Dataset;
  readonly model: tf.LayersModel;
  readonly history: EpochMetrics[] = [];
  private optimizer: tf.Optimizer;
  private shuffleRng: Rng;
  private augmentRng: Rng;
  private readonly exampleSize: number;
  private startTime = performance.now();
  private best: { epoch: number; valAcc: number; valAccClean: number; weights: tf.Tensor[] } | undefined;
  /** 1 for the validation examples of the config's `valSubset`, 0 elsewhere (absent: none). */
  private readonly valMask: Float32Array | undefined;

  constructor(config: TrainConfig, dataset: Dataset) {
    this.config = config;
    this.dataset = dataset;
    this.model = buildModel(modelSpecFor(config), dataset.featureShape, dataset.numClasses, config.seed);
    this.optimizer = makeOptimizer(config);
    const rng = new Rng(config.seed);
    this.shuffleRng = rng.fork('shuffle');
    this.augmentRng = rng.fork('augment');
    this.exampleSize = dataset.featureShape.reduce((a, b) => a * b, 1);
    const subset = config.valSubset ?? 0;
    if (subset > 0) {
      const n = dataset.val.n;
      if (subset >= n) throw new OptionError('valSubset', `must be below the ${n} validation examples, got ${subset}`);
      this.valMask = new Float32Array(n);
      for (const i of rng.fork('val-subset').permutation(n).subarray(0, subset)) this.valMask[i] = 1;
    }
  }

  /**
   * A trainer that continues from `checkpoint` (see `restore`). `config` and `dataset` must
   * describe the same model and data as the run that made it; the flood level may differ.
   */
  static async fromCheckpoint(config: TrainConfig, dataset: Dataset, checkpoint: TrainerCheckpoint): Promise<Trainer> {
    const trainer = new Trainer(config, dataset);
    try {
      await trainer.restore(checkpoint);
      return trainer;
    } catch (error) {
      trainer.dispose();
      throw error;
    }
  }

  get epochsDone(): number {
    return this.history.length;
  }

  /**
   * Everything the next epochs depend on, as plain data: weights, optimiser state (iteration
   * count and slots), both random streams, history and the best-validation snapshot.
   * Between epochs only; the tensors' values are copied.
   */
  async checkpoint(): Promise<TrainerCheckpoint> {
    const named = await this.optimizer.getWeights();
    let optimizer: TrainerCheckpoint['optimizer'];
    try {
      optimizer = await Promise.all(named.map(async ({ name, tensor }) => ({ name, ...(await tensorData(tensor)) })));
    } finally {
      named[0].tensor.dispose(); // the iteration count is a fresh scalar; the slots are the optimiser's own
    }
    const checkpoint: TrainerCheckpoint = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      epoch: this.epochsDone,
      weights: await Promise.all(this.model.getWeights().map(tensorData)),
      optimizer,
      rng: { shuffle: this.shuffleRng.state(), augment: this.augmentRng.state() },
      history: this.history.map((m) => ({ ...m })),
    };
    if (this.best) {
      const { epoch, valAcc, valAccClean, weights } = this.best;
      checkpoint.best = { epoch, valAcc, valAccClean, weights: await Promise.all(weights.map(tensorData)) };
    }
    return checkpoint;
  }

  /**
   * Replaces this trainer's state with `checkpoint`'s (from this or another trainer of the same
   * model and optimiser kind): weights, optimiser state, random streams, history (so epoch
   * numbers and the learning-rate schedule continue) and the best snapshot. The next
   * `runEpoch` gives what the checkpointed trainer's next `runEpoch` would have given.
   * `wallSeconds` continues from the checkpoint's last epoch.
   */
  async restore(checkpoint: TrainerCheckpoint): Promise<void> {
    this.checkCheckpoint(checkpoint);
    const shuffleRng = Rng.fromState(checkpoint.rng.shuffle);
    const augmentRng = Rng.fromState(checkpoint.rng.augment);
    const optimizer = makeOptimizer(this.config);
    const named = checkpoint.optimizer.map(({ name, shape, values }) => ({ name, tensor: tf.tensor(values, shape) }));
    try {
      await optimizer.setWeights(named); // the slots become new variables sharing these tensors' data
      if (this.config.optimizer === 'adam') restoreAdamPowers(optimizer);
    } catch (error) {
      disposeOptimizer(optimizer);
      throw error;
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
    disposeOptimizer(this.optimizer);
    this.optimizer = optimizer;

    const weights = toTensors(checkpoint.weights);
    this.model.setWeights(weights);
    tf.dispose(weights);
    this.shuffleRng = shuffleRng;
    this.augmentRng = augmentRng;
    this.history.splice(0, this.history.length, ...checkpoint.history.map((m) => ({ ...m })));
    if (this.best) tf.dispose(this.best.weights);
    const best = checkpoint.best;
    this.best = best && { epoch: best.epoch, valAcc: best.valAcc, valAccClean: best.valAccClean, weights: toTensors(best.weights) };
    this.startTime = performance.now() - 1000 * (this.history.at(-1)?.wallSeconds ?? 0);
  }

  /** Throws, naming the mismatch, unless `c` fits this trainer's model and optimiser. */
  private checkCheckpoint(c: TrainerCheckpoint): void {
    if (c.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
      throw new Error(`restore: checkpoint format version ${c.formatVersion}, expected ${CHECKPOINT_FORMAT_VERSION}`);
    }
    if (c.epoch !== c.history.length || c.history.some((m, i) => m.epoch !== i + 1)) {
      throw new Error(`restore: checkpoint at epoch ${c.epoch} has a history of epochs ${c.history.map((m) => m.epoch)}`);
    }
    const expected = shapeText(this.model.getWeights());
    const checkShapes = (what: string, weights: TensorData[]) => {
      if (shapeText(weights) !== expected) {
        throw new Error(`restore: checkpoint ${what} have shapes ${shapeText(weights)}, this model ${expected}`);
      }
    };
    checkShapes('weights', c.weights);
    if (c.best) checkShapes('best weights', c.best.weights);
    const slots = (this.config.optimizer === 'adam' ? 2 : 1) * this.model.trainableWeights.length;
    if (c.optimizer[0]?.name !== 'iter' || (c.optimizer.length !== 1 && c.optimizer.length !== 1 + slots)) {
      throw new Error(
        `restore: checkpoint has ${c.optimizer.length} optimizer weights, ` +
        `${this.config.optimizer} on this model has the iteration count and 0 or ${slots} slots`,
      );
    }
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

  /**
   * Loss and accuracy of the current weights on a split, in evaluation mode; with `mask`, also
   * the loss and accuracy (noisy labels) over the examples where it is 1.
   */
  evaluate(split: Split, mask?: Float32Array): Evaluation & { lossSubset?: number; accSubset?: number } {
    const sums = tf.tidy(() => {
      let acc = tf.zeros([4]);
      let subset = tf.zeros([2]);
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
        if (mask !== undefined) {
          const m = tf.tensor1d(mask.subarray(start, start + size));
          const losses = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE);
          const hits = tf.cast(tf.equal(predicted, tf.argMax(y, 1)), 'float32');
          subset = tf.add(subset, tf.stack([tf.sum(tf.mul(losses, m)), tf.sum(tf.mul(hits, m))]));
        }
      }
      return tf.concat([acc, subset]);
    });
    const [loss, correct, lossClean, correctClean, subsetLoss, subsetCorrect] = Array.from(sums.dataSync());
    sums.dispose();
    const n = split.n;
    const out = { loss: loss / n, acc: correct / n, lossClean: lossClean / n, accClean: correctClean / n };
    if (mask === undefined) return out;
    const k = mask.reduce((a, v) => a + v, 0);
    return { ...out, lossSubset: subsetLoss / k, accSubset: subsetCorrect / k };
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
    // [loss sum, correct count, flooded batches], summed on the device; the per-example losses kept to read once.
    let sums = tf.zeros([3]);
    let batches = 0;
    const perExample: tf.Tensor1D[] = [];
    for (let start = 0; start < train.n; start += config.batchSize) {
      const size = Math.min(config.batchSize, train.n - start);
      const b = this.batch(train, order, start, size, [train.y]);
      const y = b.y[0];
      const x = augment ? augmentBatch(b.x as tf.Tensor4D, uniform) : b.x;
      let stats: tf.Tensor | undefined;
      const objective = this.optimizer.minimize(() => {
        const logits = this.model.apply(x, { training: true }) as tf.Tensor2D;
        const perSample = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.NONE) as tf.Tensor1D;
        perExample.push(tf.keep(perSample));
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
    const losses = tf.tidy(() => tf.concat(perExample));
    const lossValues = losses.dataSync();
    tf.dispose([losses, ...perExample]);

    const val = this.evaluate(this.dataset.val, this.valMask);
    const metrics: EpochMetrics = {
      epoch,
      trainLoss,
      trainAcc: correct / train.n,
      valLoss: val.loss,
      valAcc: val.acc,
      valLossClean: val.lossClean,
      valAccClean: val.accClean,
      ...(val.accSubset === undefined ? {} : { valLossSubset: val.lossSubset, valAccSubset: val.accSubset }),
      floodedFraction: flooded / batches,
      ...lossStats(lossValues, this.dataset.numClasses),
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
    disposeOptimizer(this.optimizer);
    this.model.dispose();
  }
}
