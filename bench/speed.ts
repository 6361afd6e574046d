/**
 * Training speed on this machine: `npm run bench [-- --backend wasm|cpu|node|auto]`.
 *
 * (a) the paper's synthetic MLP (10-500x4-2, batch norm) on Two Gaussians (1000 examples),
 *     batch 200, Adam 1e-3, flooded at b = 0.1: epochs/s, training only;
 * (b) ResNet-44 at batch 128 on random 32x32x3 images, SGD momentum 0.9: steps/s;
 * (c) CIFAR augmentation (random crop + flip) of a 128-image batch.
 * Warm-up runs are excluded; each figure is the median of several timed runs.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_CHOICES, type BackendChoice, describeBackend, initBackend } from '../src/backend/index.js';
import { flood } from '../src/flood.js';
import { augmentBatch } from '../src/models/augment.js';
import { buildMlp, buildResNet, countParams, PAPER_MLP } from '../src/models/index.js';

const MLP_EPOCHS = 7;
const RESNET_STEPS = 3;
const AUGMENT_RUNS = 20;

function parseBackend(argv: string[]): BackendChoice {
  const i = argv.indexOf('--backend');
  if (i < 0) return 'auto';
  const value = argv[i + 1] as BackendChoice;
  if (!BACKEND_CHOICES.includes(value)) throw new Error(`--backend must be one of ${BACKEND_CHOICES.join(', ')}`);
  return value;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Seeded uniforms in [0, 1) (32-bit LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Wall-clock milliseconds of `f`, which must finish its device work (e.g. by reading a value). */
function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/** (a) Paper MLP on Two Gaussians: returns per-epoch milliseconds of the timed epochs. */
function benchMlp(): number[] {
  const n = 1000;
  const d = 10;
  const batchSize = 200;
  const b = 0.1;
  // Class 0 ~ N(0, I), class 1 ~ N(1, I); half each.
  const x = tf.tidy(() => tf.concat([
    tf.randomNormal([n / 2, d], 0, 1, 'float32', 1),
    tf.randomNormal([n / 2, d], 1, 1, 'float32', 2),
  ]).dataSync() as Float32Array);
  const y = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  const model = buildMlp({ inputDim: d, numClasses: 2, ...PAPER_MLP, seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const uniform = lcg(3);

  const epoch = () => {
    // Fisher-Yates shuffle, then mini-batches copied into fresh tensors, as the trainer does.
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = tf.scalar(0);
    for (let start = 0; start < n; start += batchSize) {
      const rows = order.subarray(start, start + batchSize);
      const xb = new Float32Array(rows.length * d);
      rows.forEach((r, i) => xb.set(x.subarray(r * d, (r + 1) * d), i * d));
      const xs = tf.tensor2d(xb, [rows.length, d]);
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(rows, (r) => y[r]), 'int32'), 2).toFloat());
      const loss = optimizer.minimize(
        () => flood(tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, b),
        true,
      ) as tf.Scalar;
      const next = tf.add(lossSum, loss);
      tf.dispose([lossSum, loss, xs, ys]);
      lossSum = next as tf.Scalar;
    }
    lossSum.dataSync(); // one read per epoch
    lossSum.dispose();
  };

  epoch(); // warm-up: kernel setup and Adam's slot variables
  const times = Array.from({ length: MLP_EPOCHS }, () => time(epoch));
  optimizer.dispose();
  model.dispose();
  return times;
}

/** (b) ResNet-44, batch 128: returns per-step milliseconds of the timed steps. */
function benchResNet(): { params: number; times: number[] } {
  const batchSize = 128;
  const model = buildResNet({ depth: 44, numClasses: 10, seed: 1 });
  const optimizer = tf.train.momentum(0.1, 0.9);
  const x = tf.randomUniform([batchSize, 32, 32, 3], 0, 1, 'float32', 4);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batchSize }, (_, i) => i % 10), 'int32'), 10).toFloat());
  const step = () => {
    const loss = optimizer.minimize(
      () => flood(tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, 0.01),
      true,
    ) as tf.Scalar;
    loss.dataSync();
    loss.dispose();
  };
  step(); // warm-up
  const times = Array.from({ length: RESNET_STEPS }, () => time(step));
  const params = countParams(model);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { params, times };
}

/** (c) Augmentation of a [128, 32, 32, 3] batch: returns per-batch milliseconds. */
function benchAugment(): number[] {
  const x = tf.randomUniform([128, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  const uniform = lcg(6);
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

const info = await initBackend(parseBackend(process.argv.slice(2)));
console.log(describeBackend(info));

const mlp = benchMlp();
const epochMs = median(mlp);
console.log(
  `(a) MLP 10-500x4-2 BN, Two Gaussians n=1000, batch 200, Adam 1e-3, flood b=0.1: ` +
  `${(1000 / epochMs).toFixed(2)} epochs/s (${epochMs.toFixed(0)} ms/epoch, median of ${MLP_EPOCHS} epochs)`,
);

if (info.name === 'cpu') {
  console.log('(b) ResNet-44: skipped on the cpu backend (minutes per step)');
} else {
  const { params, times } = benchResNet();
  const stepMs = median(times);
  const epochMinutes = (40_000 / 128) * stepMs / 60_000;
  console.log(
    `(b) ResNet-44 (${params.toLocaleString('en-US')} params), batch 128, 32x32x3, SGD momentum 0.9: ` +
    `${(1000 / stepMs).toFixed(3)} steps/s (${(stepMs / 1000).toFixed(2)} s/step, ${(128_000 / stepMs).toFixed(1)} images/s, ` +
    `median of ${RESNET_STEPS} steps; a 40k-image CIFAR-10 epoch ~ ${epochMinutes.toFixed(0)} min)`,
  );
}

const augmentMs = median(benchAugment());
console.log(`(c) augmentation (crop 4 + flip), batch 128 x 32x32x3: ${augmentMs.toFixed(1)} ms/batch (median of ${AUGMENT_RUNS})`);
