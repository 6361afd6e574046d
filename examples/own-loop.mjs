// Your own TensorFlow.js training loop, flooded, with b chosen each epoch by autoflood's agent.
// Run: node examples/own-loop.mjs [epochs]
import * as tf from '@tensorflow/tfjs';
import { AgentController, DEFAULT_AGENT_FILE, flood, initBackend, loadAgent } from 'autoflood';

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

const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [10], units: 100, activation: 'relu' }), tf.layers.dense({ units: 2 })],
});
const optimizer = tf.train.adam(0.01);

/** Loss and accuracy on a split, as the agent reads them: { <name>Loss, <name>Acc }. */
const measure = (name, { x, y }) => tf.tidy(() => {
  const logits = model.apply(x);
  const correct = tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)).toFloat();
  return { [`${name}Loss`]: tf.losses.softmaxCrossEntropy(y, logits).arraySync(), [`${name}Acc`]: correct.mean().arraySync() };
});

const agent = new AgentController(await loadAgent(DEFAULT_AGENT_FILE));
const history = []; // one entry per finished epoch: what the agent decides from
for (let epoch = 1; epoch <= epochs; epoch++) {
  const b = agent.floodLevel(history, { epoch, epochs, classes: 2 });
  for (let start = 0; start < 500; start += 50) {
    tf.tidy(() => {
      const [x, y] = [train.x.slice(start, 50), train.y.slice(start, 50)];
      optimizer.minimize(() => flood(tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })), b));
    });
  }
  history.push({ epoch, floodLevel: b, ...measure('train', train), ...measure('val', val) });
  const last = history[history.length - 1];
  console.log(`epoch ${epoch} b ${b.toFixed(4)} train loss ${last.trainLoss.toFixed(4)} val acc ${last.valAcc.toFixed(3)}`);
}
