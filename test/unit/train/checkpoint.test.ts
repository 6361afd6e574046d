import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';
import { loadDataset } from '../../../src/data/index.js';
import { Rng } from '../../../src/data/rng.js';
import type { Dataset } from '../../../src/data/types.js';
import { decodeCheckpoint, encodeCheckpoint, type TrainerCheckpoint } from '../../../src/train/checkpoint.js';
import type { TrainConfig } from '../../../src/train/config.js';
import type { EpochMetrics } from '../../../src/train/controller.js';
import { datasetOptionsOf } from '../../../src/train/train.js';
import { Trainer } from '../../../src/train/trainer.js';
import { tinyConfig } from '../../helpers.js';

before(async () => {
  await initBackend('wasm');
});

const strip = (h: EpochMetrics[]) => h.map(({ wallSeconds: _w, ...rest }) => rest);
const values = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

/** Flood levels of epochs 1-6: plain for three epochs, then flooded (the restart is after epoch 3). */
const LEVELS = [0, 0, 0, 0.3, 0.3, 0.3];

/**
 * 10 steps an epoch: at the restart (30 steps) tfjs's pow(beta, t + 1) differs from Adam's running
 * product for both betas, so the test sees whether the restore keeps the running product.
 */
async function setup(overrides: Partial<TrainConfig>): Promise<{ config: TrainConfig; dataset: Dataset }> {
  const config = tinyConfig({ seed: 5, epochs: 6, batchSize: 20, ...overrides });
  return { config, dataset: await loadDataset(datasetOptionsOf(config)) };
}

for (const [name, overrides] of [
  ['Adam', {}],
  ['SGD momentum', { optimizer: 'sgd', lr: 0.05 }],
] as const) {
  describe(`checkpoint and restore, ${name}`, () => {
    it('6 epochs straight = 3 epochs, encode, decode, restore in a new Trainer, 3 more', async () => {
      const { config, dataset } = await setup(overrides);
      const straight = new Trainer(config, dataset);
      for (const b of LEVELS) straight.runEpoch(b);

      const first = new Trainer(config, dataset);
      for (const b of LEVELS.slice(0, 3)) first.runEpoch(b);
      const checkpoint = await first.checkpoint();
      first.dispose();
      const bytes = encodeCheckpoint(checkpoint);
      const tensorsBefore = tf.memory().numTensors;
      const second = await Trainer.fromCheckpoint(config, dataset, decodeCheckpoint(bytes));
      assert.equal(second.epochsDone, 3);
      for (const b of LEVELS.slice(3)) second.runEpoch(b);

      assert.deepEqual(strip(second.history), strip(straight.history));
      assert.deepEqual(second.readouts(), straight.readouts());
      assert.deepEqual(values(second.model.getWeights()), values(straight.model.getWeights()));
      straight.dispose();
      second.dispose();
      assert.ok(tf.memory().numTensors < tensorsBefore, 'the restored trainer freed what it made');
    });

    it('a copy: B restored from A has A\'s weights and optimizer state, and continues like A', async () => {
      const { config, dataset } = await setup(overrides);
      const a = new Trainer(config, dataset);
      for (const b of LEVELS.slice(0, 2)) a.runEpoch(b);
      const b = new Trainer({ ...config, seed: 6 }, dataset); // another member, already trained
      b.runEpoch(0.1);
      const tensorsBefore = tf.memory().numTensors;
      const fromA = structuredClone(await a.checkpoint()); // as if posted to a worker
      await b.restore(fromA);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'restore replaces the state without leaking');

      assert.deepEqual(values(b.model.getWeights()), values(a.model.getWeights()));
      const [optA, optB] = [await a.checkpoint(), await b.checkpoint()];
      assert.deepEqual(optB.optimizer.map((w) => w.shape), optA.optimizer.map((w) => w.shape));
      assert.deepEqual(optB.optimizer.map((w) => w.values), optA.optimizer.map((w) => w.values));
      assert.deepEqual(optB.rng, optA.rng);
      assert.deepEqual(optB.best, optA.best);
      assert.deepEqual(strip(b.history), strip(a.history));

      // PBT: both continue with another flood level, in step.
      assert.deepEqual(strip([b.runEpoch(0.4)]), strip([a.runEpoch(0.4)]));
      a.dispose();
      b.dispose();
    });
  });
}

describe('checkpoint bytes', () => {
  let checkpoint: TrainerCheckpoint;
  before(async () => {
    const { config, dataset } = await setup({ epochs: 2 });
    const trainer = new Trainer(config, dataset);
    trainer.runEpoch(0);
    trainer.runEpoch(0.1);
    checkpoint = await trainer.checkpoint();
    trainer.dispose();
  });

  it('round-trip: every field and value, including non-finite metrics', () => {
    const diverged = { ...checkpoint, history: checkpoint.history.map((m, i) => (i === 0 ? { ...m, trainLoss: NaN, valLoss: Infinity } : m)) };
    assert.deepEqual(decodeCheckpoint(encodeCheckpoint(diverged)), diverged);
    const copy = new Uint8Array(encodeCheckpoint(checkpoint)); // a plain Uint8Array, as after postMessage
    assert.deepEqual(decodeCheckpoint(copy), checkpoint);
    assert.ok(checkpoint.best, 'two epochs give a best snapshot');
    assert.equal(checkpoint.optimizer[0].name, 'iter');
    assert.deepEqual(Array.from(checkpoint.optimizer[0].values), [20], 'two epochs of ten steps');
  });

  it('rejects a truncated buffer, another version, another file and flipped bits, saying which', () => {
    const bytes = encodeCheckpoint(checkpoint);
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 1)), /truncated: \d+ bytes, expected \d+/);
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, 10)), /truncated/);
    const v2 = Buffer.from(bytes);
    v2.writeUInt32LE(2, 4);
    assert.throws(() => decodeCheckpoint(v2), /format version 2 is not supported \(this build reads version 1\)/);
    assert.throws(() => decodeCheckpoint(Buffer.from('{"formatVersion":1, "epoch": 2, "weights": []}')), /not a trainer checkpoint/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x10;
    assert.throws(() => decodeCheckpoint(flipped), /corrupt: checksum mismatch/);
    assert.throws(() => decodeCheckpoint(Buffer.concat([bytes, Buffer.alloc(4)])), /corrupt: .*trailing data/);
  });

  it('restore rejects a checkpoint of another model or optimiser', async () => {
    const { config, dataset } = await setup({ width: 16 });
    await assert.rejects(Trainer.fromCheckpoint(config, dataset, checkpoint), /weights have shapes .*, this model/);
    const sgd = await setup({ optimizer: 'sgd' });
    await assert.rejects(Trainer.fromCheckpoint(sgd.config, sgd.dataset, checkpoint), /optimizer weights, sgd on this model/);
  });
});

describe('Rng state', () => {
  it('continues the same sequence, spare normal included, through JSON', () => {
    const rng = new Rng(42);
    rng.uniform();
    rng.normal(); // leaves a spare normal
    const copy = Rng.fromState(JSON.parse(JSON.stringify(rng.state())));
    assert.equal(copy.seed, 42);
    const draw = (r: Rng) => [r.normal(), r.uniform(), r.normal(), r.int(1000), ...r.permutation(5)];
    assert.deepEqual(draw(copy), draw(rng));
    assert.deepEqual(copy.fork('x').uniform(), rng.fork('x').uniform());
    assert.equal(new Rng(7).state().spareNormal, null);
    assert.throws(() => Rng.fromState({ ...rng.state(), a: -1 }), /uint32/);
  });

  it('leaves the sequence of a seed unchanged', () => {
    const rng = new Rng(1); // values read before state() existed
    assert.deepEqual([rng.uniform(), rng.int(100), rng.normal(), rng.normal()], [0.4256499295588583, 79, -0.8499123426248046, -0.12975764811528429]);
  });
});
