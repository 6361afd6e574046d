import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/backend/index.js';
import { loadDataset } from '../../../src/data/index.js';
import { resolveTrainConfig, type TrainConfig } from '../../../src/train/config.js';
import { backwardFlood, type EpochMetrics, type FloodController } from '../../../src/train/controller.js';
import { Trainer } from '../../../src/train/trainer.js';
import { datasetOptionsOf, train } from '../../../src/train/train.js';
import { Rng } from '../../../src/data/rng.js';
import { countParams } from '../../../src/models/index.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tinyConfig, writeCifarBinary } from '../../helpers.js';

before(async () => {
  await initBackend('wasm');
});

/** A small but real setting: Two Gaussians with 10% noise, a 2x64 MLP. */
function smallConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return tinyConfig({ seed: 3, trainSize: 400, testSize: 1000, width: 64, epochs: 6, lr: 3e-3, ...overrides });
}

describe('Trainer', () => {
  it('leaks no tensors across epochs', async () => {
    const config = smallConfig();
    const trainer = new Trainer(config, await loadDataset(datasetOptionsOf(config)));
    trainer.runEpoch(0.1); // Adam creates its slot variables during the first step
    trainer.runEpoch(0.1); // the best-validation snapshot may be taken here
    const after2 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainer.runEpoch(0.1);
    assert.equal(tf.memory().numTensors, after2, 'tensor count grew across epochs');
    trainer.readouts();
    assert.equal(tf.memory().numTensors, after2, 'readouts leaked tensors');
    trainer.dispose();
  });

  it('gives identical numbers for the same seed and config', async () => {
    const a = await train(smallConfig({ flood: 0.2 }));
    const b = await train(smallConfig({ flood: 0.2 }));
    const strip = (h: EpochMetrics[]) => h.map(({ wallSeconds: _w, ...rest }) => rest);
    assert.deepEqual(strip(a.history), strip(b.history));
    assert.deepEqual(a.last, b.last);
    const c = await train(smallConfig({ flood: 0.2, seed: 4 }));
    assert.notDeepEqual(strip(c.history), strip(a.history), 'another seed should change the run');
  });

  it('holds the training loss near b once it gets there, and b = 0 goes lower', async () => {
    const config = smallConfig({ noise: 0, epochs: 30 });
    const plain = await train({ ...config, flood: 0 });
    const flooded = await train({ ...config, flood: 0.25 });
    const tail = (r: typeof plain) => r.history.slice(-5);
    const meanLoss = (h: EpochMetrics[]) => h.reduce((s, m) => s + m.trainLoss, 0) / h.length;
    assert.ok(meanLoss(tail(plain)) < 0.15, `plain loss should fall well below 0.25, got ${meanLoss(tail(plain))}`);
    const floodedLoss = meanLoss(tail(flooded));
    assert.ok(Math.abs(floodedLoss - 0.25) < 0.08, `flooded loss should hover near 0.25, got ${floodedLoss}`);
    assert.ok(tail(flooded).some((m) => m.floodedFraction > 0), 'some mini-batches should be below b');
    assert.ok(plain.history.every((m) => m.floodedFraction === 0), 'b = 0 never floods');
  });

  it('asks the controller before every epoch with the history so far', async () => {
    const seen: number[] = [];
    const controller: FloodController = {
      name: 'scripted',
      floodLevel: (history, ctx) => {
        assert.equal(history.length, ctx.epoch - 1);
        seen.push(ctx.epoch);
        return ctx.epoch * 0.01;
      },
    };
    const result = await train(smallConfig({ epochs: 4 }), { controller });
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.deepEqual(result.history.map((m) => m.floodLevel), [0.01, 0.02, 0.03, 0.04]);
    assert.equal(result.controller, 'scripted');
  });

  it('rejects a controller that returns an invalid b, naming the controller', async () => {
    const bad: FloodController = { name: 'broken', floodLevel: () => -1 };
    await assert.rejects(train(smallConfig({ epochs: 1 }), { controller: bad }), /controller "broken" must be a finite number >= 0/);
  });

  it('backward variant: no flooding until the training loss first falls below the threshold', async () => {
    const result = await train(smallConfig({ noise: 0, epochs: 12 }), { controller: backwardFlood(0.05, 0.2) });
    assert.equal(result.controller, 'backward');
    const first = result.history.findIndex((m) => m.trainLoss < 0.2);
    assert.ok(first >= 0, 'the training loss should get below 0.2 in 12 epochs');
    result.history.slice(0, first + 1).forEach((m) => assert.equal(m.floodLevel, 0, `epoch ${m.epoch}`));
    result.history.slice(first + 1).forEach((m) => assert.equal(m.floodLevel, 0.05, `epoch ${m.epoch}`));
  });

  it('reads test accuracy at the last and at the best-validation epoch', async () => {
    const result = await train(smallConfig({ epochs: 5 }));
    const bestEpoch = result.history.reduce((best, m) => (m.valAcc > best.valAcc ? m : best));
    assert.equal(result.bestVal.epoch, bestEpoch.epoch);
    assert.equal(result.last.epoch, 5);
    for (const r of [result.last, result.bestVal]) {
      assert.ok(r.testAcc > 0.6 && r.testAcc <= 1, `test accuracy ${r.testAcc}`);
      assert.ok(r.testAccClean >= r.testAcc - 0.2);
    }
  });

  it('trains ResNet-44 on CIFAR-10 binaries on wasm: SGD step with augmentation, finite loss, weights move', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'autoflood-cifar-'));
    const rng = new Rng(11);
    for (const f of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
      await writeCifarBinary(path.join(dir, `${f}.bin`), Array.from({ length: 4 }, () => rng.int(10)), Uint8Array.from({ length: 4 * 3072 }, () => rng.int(256)));
    }
    const config = resolveTrainConfig({ dataset: 'cifar10', dataDir: dir, epochs: 1, batchSize: 8, flood: 0.05 });
    assert.equal(config.optimizer, 'sgd');
    assert.equal(config.augment, true);
    const trainer = new Trainer(config, await loadDataset(datasetOptionsOf(config)));
    assert.equal(countParams(trainer.model), 658_586, 'ResNet-44');
    const before = trainer.model.trainableWeights[0].read().dataSync().slice();
    const m = trainer.runEpoch(0.05);
    assert.ok(Number.isFinite(m.trainLoss) && Number.isFinite(m.valLoss), `losses ${m.trainLoss} ${m.valLoss}`);
    const after = trainer.model.trainableWeights[0].read().dataSync();
    assert.ok(after.some((v, i) => v !== before[i]), 'the first conv kernel should change');
    trainer.dispose();
  });
});
