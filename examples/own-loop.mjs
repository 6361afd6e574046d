// Your own TensorFlow.js training loop, flooded at the level autoflood's agent picks: train once
// without flooding, let the agent read that run, train again from the same start with b, and keep
// the run that validates better (what `autoflood tune` does). Run: node examples/own-loop.mjs [epochs]
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_AGENT_FILE, flood, initBackend, loadAgent, twinLevel } from 'autoflood';

await initBackend(); // the fastest tfjs backend that loads: tfjs-node if installed, else wasm
const epochs = Number(process.argv[2] ?? 30);

// Your data. Here: two overlapping Gaussian classes in 10-D (about 20% of points lie on the
// other class's side), so driving the training loss to 0 means memorising noise.
function blobs(n, seed) {
  return tf.tidy(() => {
    const labels = tf.randomUniform([n], 0, 2, 'int32', seed);
    const centres = labels.toFloat().sub(0.5).expandDims(1); // -0.5 or +0.5 in every dimension
    return { x: tf.randomNormal([n, 10], 0, 2, 'float32', seed + 1).add(centres), y: tf.oneHot(labels, 2).toFloat() };
  });
}
const train = blobs(500, 1);
const val = blobs(500, 2);

/** Trains a fresh model (the same initial weights every time) with flood level b; returns its epochs as the agent reads them. */
function fit(b) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [10], units: 100, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.dense({ units: 2, kernelInitializer: init(4) }),
    ],
  });
  const optimizer = tf.train.adam(0.01);
  const measure = (name, { x, y }) => tf.tidy(() => {
    const logits = model.apply(x);
    const correct = tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)).toFloat();
    return { [`${name}Loss`]: tf.losses.softmaxCrossEntropy(y, logits).arraySync(), [`${name}Acc`]: correct.mean().arraySync() };
  });
  const history = []; // one entry per finished epoch: { epoch, trainLoss, trainAcc, valLoss, valAcc }
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let start = 0; start < 500; start += 50) {
      tf.tidy(() => {
        const [x, y] = [train.x.slice(start, 50), train.y.slice(start, 50)];
        optimizer.minimize(() => flood(tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), b));
      });
    }
    history.push({ epoch, ...measure('train', train), ...measure('val', val) });
  }
  model.dispose();
  optimizer.dispose();
  return history;
}

const agent = await loadAgent(DEFAULT_AGENT_FILE);
const first = fit(0);
const { multiple, scale, level } = twinLevel(agent, first, 2);
const second = level > 0 ? fit(level) : first;
const valAcc = (history) => history[history.length - 1].valAcc;
console.log(`run 1 b 0 val acc ${valAcc(first).toFixed(3)}`);
console.log(`run 2 b ${level} (${multiple} x scale ${scale.toFixed(4)}) val acc ${valAcc(second).toFixed(3)}`);
console.log(`keep b = ${valAcc(second) > valAcc(first) ? level : 0}`);
