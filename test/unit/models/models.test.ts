import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';
import { augmentBatch } from '../../../src/models/augment.js';
import {
  buildMlp, buildModel, buildResNet, countParams, defaultModelSpec, MNIST_MLP, PAPER_MLP, ShortcutA,
} from '../../../src/models/index.js';

before(async () => {
  await initBackend('wasm');
});

/** A uniform source that replays `values` in order and fails if asked for more. */
function replay(values: number[]): () => number {
  let i = 0;
  return () => {
    assert.ok(i < values.length, 'uniform source exhausted');
    return values[i++];
  };
}

/** Flat weight values of a model, in layer order. */
function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

/** One-hot labels [n, k] for classes 0, 1, 2, ... (mod k). */
function labels(n: number, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % k), 'int32'), k).toFloat() as tf.Tensor2D);
}

describe('CIFAR ResNet', () => {
  it('has the parameter counts of the option-A reference (ResNet-44: 0.66M)', (t) => {
    const expected: Record<number, number> = { 20: 269_722, 32: 464_154, 44: 658_586, 56: 853_018 };
    for (const [depth, params] of Object.entries(expected)) {
      const model = buildResNet({ depth: Number(depth), numClasses: 10, seed: 1 });
      const n = countParams(model);
      t.diagnostic(`ResNet-${depth}: ${n} trainable parameters, ${countParams(model, 'all')} weights in all`);
      if (depth === '44') assert.ok(n >= 650_000 && n <= 670_000, `ResNet-44 has ${n}`);
      assert.equal(n, params, `ResNet-${depth}`);
      assert.deepEqual(model.outputs[0].shape, [null, 10]);
      model.dispose();
    }
  });

  it('rejects depths that are not 6n + 2, naming the field', () => {
    assert.throws(() => buildModel({ kind: 'resnet', depth: 45 }, [32, 32, 3], 10, 1), /depth/);
    assert.throws(() => buildModel({ kind: 'resnet', depth: 2 }, [32, 32, 3], 10, 1), /depth/);
    assert.throws(() => buildModel({ kind: 'resnet', width: 64 }, [32, 32, 3], 10, 1), /width/);
    assert.throws(() => buildModel({ kind: 'resnet' }, [10], 2, 1), /kind/);
  });

  it('option-A shortcut keeps every second pixel from (0, 0) and zero-pads channels evenly', () => {
    const layer = new ShortcutA({ stride: 2, filters: 4 });
    // x[0, h, w, c] = 10*h + w + 100*c, shape [1, 5, 5, 2] (odd size).
    const x = tf.tidy(() => tf.add(
      tf.add(tf.mul(tf.range(0, 5).reshape([1, 5, 1, 1]), 10), tf.range(0, 5).reshape([1, 1, 5, 1])),
      tf.mul(tf.range(0, 2).reshape([1, 1, 1, 2]), 100),
    ));
    const y = layer.apply(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 3, 3, 4]);
    assert.deepEqual(layer.computeOutputShape([null, 5, 5, 2]), [null, 3, 3, 4]);
    const v = y.arraySync() as number[][][][];
    assert.deepEqual(v[0][1][2], [0, 24, 124, 0]);
    assert.deepEqual(v[0][2][0], [0, 40, 140, 0]);
    tf.dispose([x, y]);
  });

  it('serialises and loads back with the custom shortcut layer', async () => {
    const model = buildResNet({ depth: 20, inputShape: [8, 8, 3], numClasses: 3, seed: 2 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    assert.ok(loaded.layers.some((l) => l instanceof ShortcutA));
    assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-6);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('ResNet-20 trains on wasm: finite gradients for every variable, loss falls on a repeated batch', () => {
    const model = buildResNet({ depth: 20, numClasses: 10, seed: 3 });
    const x = tf.randomNormal([8, 32, 32, 3], 0, 1, 'float32', 4);
    const y = labels(8, 10);
    const loss = () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss);
    assert.equal(Object.keys(grads).length, model.trainableWeights.length);
    for (const [name, g] of Object.entries(grads)) {
      const norm = tf.norm(g).dataSync()[0];
      assert.ok(Number.isFinite(norm), `gradient of ${name} is finite`);
    }
    assert.ok(tf.norm(grads[model.trainableWeights[0].originalName]).dataSync()[0] > 0, 'first conv gets a gradient');
    tf.dispose([value, ...Object.values(grads)]);

    const optimizer = tf.train.momentum(0.05, 0.9);
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      const l = optimizer.minimize(loss, true) as tf.Scalar;
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
    assert.ok(losses[5] < 0.5 * losses[0], `loss fell: ${losses.map((v) => v.toFixed(3)).join(' ')}`);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('ResNet-20 gradients on wasm match the cpu backend', async () => {
    const run = async (backend: string, weights?: Float32Array[]) => {
      await tf.setBackend(backend);
      const model = buildResNet({ depth: 20, inputShape: [12, 12, 3], numClasses: 4, seed: 6 });
      if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
      const x = tf.randomNormal([4, 12, 12, 3], 0, 1, 'float32', 7);
      const y = labels(4, 4);
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
        variables,
      );
      const out = {
        weights: weightValues(model),
        loss: value.dataSync()[0],
        grads: variables.map((v) => Float32Array.from(grads[v.name].dataSync())),
      };
      tf.dispose([x, y, value, ...Object.values(grads)]);
      model.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm', cpu.weights);
    assert.ok(Math.abs(cpu.loss - wasm.loss) < 1e-4 * Math.max(1, cpu.loss), `loss ${cpu.loss} vs ${wasm.loss}`);
    cpu.grads.forEach((g, k) => {
      let diff = 0;
      let scale = 1e-3;
      for (let i = 0; i < g.length; i++) {
        diff = Math.max(diff, Math.abs(g[i] - wasm.grads[k][i]));
        scale = Math.max(scale, Math.abs(g[i]));
      }
      assert.ok(diff <= 1e-3 * scale, `variable ${k}: max diff ${diff}, scale ${scale}`);
    });
  });
});

describe('MLP', () => {
  it('same seed gives identical weights, another seed different ones', () => {
    const a = weightValues(buildMlp({ inputDim: 10, numClasses: 2, seed: 7 }));
    const b = weightValues(buildMlp({ inputDim: 10, numClasses: 2, seed: 7 }));
    const c = weightValues(buildMlp({ inputDim: 10, numClasses: 2, seed: 8 }));
    assert.deepEqual(a, b);
    assert.equal(a.length, c.length);
    assert.notDeepEqual(a[0], c[0]);
    // Layers get their own seeds: two hidden kernels of equal shape differ.
    const d = weightValues(buildMlp({ inputDim: 5, numClasses: 2, depth: 2, width: 5, batchNorm: false, seed: 7 }));
    assert.notDeepEqual(d[0], d[2]);
  });

  it('honours depth, width and batchNorm', () => {
    const bn = buildMlp({ inputDim: 10, numClasses: 3, depth: 3, width: 20, seed: 1 });
    const dense = bn.layers.filter((l) => l.getClassName() === 'Dense');
    assert.equal(dense.length, 4);
    assert.deepEqual(dense.map((l) => l.getWeights()[0].shape), [[10, 20], [20, 20], [20, 20], [20, 3]]);
    assert.deepEqual(dense.map((l) => l.getWeights().length), [1, 1, 1, 2], 'no bias before batch norm');
    assert.equal(bn.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 3);
    const plain = buildMlp({ inputDim: 10, numClasses: 3, depth: 2, width: 7, batchNorm: false, seed: 1 });
    assert.equal(plain.layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 0);
    assert.equal(countParams(plain), 10 * 7 + 7 + 7 * 7 + 7 + 7 * 3 + 3);
    const paper = buildMlp({ inputDim: 10, numClasses: 2, seed: 1 });
    assert.equal(countParams(paper), 10 * 500 + 3 * 500 * 500 + 4 * 2 * 500 + 500 * 2 + 2);
    assert.throws(() => buildMlp({ inputDim: 10, numClasses: 2, width: 0, seed: 1 }), /width/);
    assert.throws(() => buildMlp({ inputDim: 10, numClasses: 2, depth: 1.5, seed: 1 }), /depth/);
  });

  it('initialises like PyTorch: U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    const model = buildMlp({ inputDim: 400, numClasses: 2, depth: 1, width: 300, batchNorm: false, seed: 1 });
    const [kernel, bias] = weightValues(model);
    const limit = 1 / Math.sqrt(400);
    const maxAbs = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(maxAbs(kernel) <= limit && maxAbs(kernel) > 0.99 * limit, `kernel max ${maxAbs(kernel)}`);
    assert.ok(maxAbs(bias) <= limit && maxAbs(bias) > 0.9 * limit, `bias max ${maxAbs(bias)}`);
  });

  it('buildModel flattens image inputs for an MLP', () => {
    const model = buildModel({ kind: 'mlp', depth: 1, width: 8 }, [4, 4, 1], 3, 1);
    const out = tf.tidy(() => (model.predict(tf.ones([2, 4, 4, 1])) as tf.Tensor).shape);
    assert.deepEqual(out, [2, 3]);
    assert.throws(() => buildModel({ kind: 'cnn' as 'mlp' }, [4], 3, 1), /kind/);
  });
});

describe('defaultModelSpec', () => {
  it('gives the paper\'s model per dataset', () => {
    for (const name of ['two-gaussians', 'spiral', 'sinusoid', 'csv:data.csv']) {
      assert.deepEqual(defaultModelSpec(name), { kind: 'mlp', ...PAPER_MLP });
    }
    assert.deepEqual(defaultModelSpec('mnist'), { kind: 'mlp', ...MNIST_MLP });
    assert.deepEqual(defaultModelSpec('fashion-mnist'), { kind: 'mlp', ...MNIST_MLP });
    assert.deepEqual(defaultModelSpec('cifar10'), { kind: 'resnet', depth: 44 });
    assert.throws(() => defaultModelSpec('imagenet'), /imagenet/);
  });
});

describe('augmentBatch', () => {
  /** [2, 6, 5, 3] with distinct positive values. */
  const batch = () => tf.tidy(() => tf.add(tf.reshape(tf.range(0, 180), [2, 6, 5, 3]), 1) as tf.Tensor4D);
  // A uniform u picks offset floor(9u) - 4: CENTRE gives 0, DOWN2 gives +2.
  const CENTRE = 4.5 / 9;
  const DOWN2 = 6.5 / 9;
  const FLIP = 0.25;
  const KEEP = 0.75;

  it('keeps the shape, draws 3 uniforms per example and leaks no tensors', () => {
    const x = batch();
    const before = tf.memory().numTensors;
    const y = augmentBatch(x, replay([CENTRE, CENTRE, KEEP, CENTRE, CENTRE, KEEP]));
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(y.shape, x.shape);
    assert.deepEqual(y.arraySync(), x.arraySync(), 'no shift, no flip: unchanged');
    tf.dispose([x, y]);
  });

  it('flips horizontally', () => {
    const x = batch();
    const y = augmentBatch(x, replay([CENTRE, CENTRE, FLIP, CENTRE, CENTRE, KEEP]));
    const [flipped, kept] = tf.unstack(y);
    const [x0, x1] = tf.unstack(x);
    assert.deepEqual(flipped.arraySync(), tf.reverse(x0, 1).arraySync());
    assert.deepEqual(kept.arraySync(), x1.arraySync());
    tf.dispose([x, y, flipped, kept, x0, x1]);
  });

  it('crops with zero padding: content shifts, the uncovered border is zero', () => {
    const x = batch();
    // Example 0: 2 rows down; example 1: 2 columns right, then flipped.
    const y = augmentBatch(x, replay([DOWN2, CENTRE, KEEP, CENTRE, DOWN2, FLIP]));
    const xs = x.arraySync();
    const ys = y.arraySync();
    for (let h = 0; h < 6; h++) {
      for (let w = 0; w < 5; w++) {
        assert.deepEqual(ys[0][h][w], h + 2 < 6 ? xs[0][h + 2][w] : [0, 0, 0], `example 0 (${h}, ${w})`);
        const col = 4 - w + 2;
        assert.deepEqual(ys[1][h][w], col < 5 ? xs[1][h][col] : [0, 0, 0], `example 1 (${h}, ${w})`);
      }
    }
    tf.dispose([x, y]);
  });

  it('is deterministic given the uniforms and covers all 9 offsets and both flips', () => {
    const x = tf.randomUniform([64, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    let s = 12345;
    const lcg = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const seq = Array.from({ length: 3 * 64 }, lcg);
    const a = augmentBatch(x, replay(seq));
    const b = augmentBatch(x, replay(seq));
    assert.equal(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0], 0);
    const offsets = new Set(seq.filter((_, i) => i % 3 === 0).map((u) => Math.floor(u * 9)));
    assert.equal(offsets.size, 9);
    tf.dispose([x, a, b]);
  });
});
