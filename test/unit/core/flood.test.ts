import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';
import { checkFloodLevel, flood, iflood } from '../../../src/core/flood.js';

before(async () => {
  await initBackend('wasm');
});

/** d/dw of objective(w * L0) at w = 1, i.e. the gradient direction the optimiser follows. */
function gradSign(loss: number, b: number): number {
  const g = tf.grad((w: tf.Tensor) => flood(tf.mul(w, loss) as tf.Scalar, b))(tf.scalar(1));
  const value = g.dataSync()[0];
  g.dispose();
  return Math.sign(value);
}

describe('flood', () => {
  it('equals |L - b| + b', () => {
    for (const [L, b] of [[0.7, 0.3], [0.1, 0.3], [0.3, 0.3], [2, 0]]) {
      const out = flood(tf.scalar(L), b);
      assert.ok(Math.abs(out.dataSync()[0] - (Math.abs(L - b) + b)) < 1e-6, `L=${L} b=${b}`);
    }
  });

  it('keeps the gradient sign above b and flips it below b', () => {
    assert.equal(gradSign(0.8, 0.3), 1, 'above b: descent');
    assert.equal(gradSign(0.1, 0.3), -1, 'below b: ascent');
  });

  it('is the plain loss, value and gradient, at b = 0', () => {
    const loss = (w: tf.Tensor) => tf.sum(tf.square(tf.sub(w, tf.tensor1d([1, -2, 3])))) as tf.Scalar;
    const w = tf.tensor1d([0.5, 0.5, 0.5]);
    const plain = tf.grad(loss)(w).arraySync();
    const flooded = tf.grad((v: tf.Tensor) => flood(loss(v), 0))(w).arraySync();
    assert.deepEqual(flooded, plain);
    assert.equal(flood(tf.scalar(1.25), 0).dataSync()[0], 1.25);
  });

  it('rejects negative, NaN and infinite b with a message naming the field', () => {
    for (const b of [-0.1, NaN, Infinity]) {
      assert.throws(() => flood(tf.scalar(1), b), /flood level must be a finite number >= 0/);
    }
    assert.throws(() => checkFloodLevel(-1, 'flood'), /^RangeError: flood must be/);
  });
});

describe('iflood', () => {
  it('floods each sample and differs from flood on a batch mixing losses above and below b', () => {
    const losses = tf.tensor1d([0.05, 0.9]);
    const b = 0.3;
    const perSample = iflood(losses, b).dataSync()[0];
    const batch = flood(tf.mean(losses) as tf.Scalar, b).dataSync()[0];
    // iflood: mean(|0.05-0.3|+0.3, |0.9-0.3|+0.3) = mean(0.55, 0.9) = 0.725; flood: mean is 0.475 > b -> 0.475.
    assert.ok(Math.abs(perSample - 0.725) < 1e-6);
    assert.ok(Math.abs(batch - 0.475) < 1e-6);
    const grads = tf.grad((l: tf.Tensor) => iflood(l as tf.Tensor1D, b))(losses).arraySync() as number[];
    assert.deepEqual(grads.map(Math.sign), [-1, 1], 'the sample below b ascends, the one above descends');
  });

  it('is the mean loss at b = 0', () => {
    const losses = tf.tensor1d([0.2, 0.4, 1.2]);
    assert.ok(Math.abs(iflood(losses, 0).dataSync()[0] - 0.6) < 1e-6);
  });
});
