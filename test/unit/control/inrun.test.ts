import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { before, describe, it } from 'node:test';
import { AgentController, agentOf, INRUN_SCHEDULE, inrunLevel } from '../../../src/control/agent.js';
import {
  boundLevel, boundMultiple, INRUN_FEATURES, INRUN_MULTIPLES, inrunFeatures, noiseEstimate, policyMultiple, policySize,
} from '../../../src/control/inrun.js';
import { LEARNER_DEFAULTS, trainCem, trainReinforce, type OutcomeTask } from '../../../src/control/reinforce.js';
import { initBackend } from '../../../src/backend/index.js';
import { mean } from '../../../src/core/stats.js';
import { Rng } from '../../../src/data/rng.js';
import { lossStats, upperMixtureWeight } from '../../../src/train/noise.js';
import { noiseEntropy } from '../../../src/train/scale.js';
import { scriptedEpochs } from '../../helpers.js';

before(async () => {
  await initBackend('wasm');
});

const NOISE = INRUN_FEATURES.indexOf('noise estimate (share of losses above ln(classes))');

/** A scripted environment: where the noise feature is high flooding at c = 1 gains 6 points, elsewhere any flooding loses. */
function scriptedTasks(count: number, seed: number): OutcomeTask[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const noisy = i % 2 === 1;
    const features = INRUN_FEATURES.map(() => rng.uniform());
    features[NOISE] = noisy ? 0.2 + 0.2 * rng.uniform() : 0.05 * rng.uniform();
    return { family: 'scripted', features, gains: INRUN_MULTIPLES.map((c) => (noisy ? 0.06 * c : -0.1 * c)) };
  });
}

describe('the noise estimate', () => {
  it('the estimate (the share of losses above ln K) recovers the injected share of a scripted loss distribution within 0.02', () => {
    const rng = new Rng(7);
    for (const rate of [0, 0.05, 0.1, 0.2, 0.4]) {
      const n = 2000;
      // Flipped labels the network has not fitted: their label's probability well below 1/K (losses near 5 nats).
      const losses = Array.from({ length: n }, (_, i) => (i < rate * n ? Math.exp(Math.log(5) + 0.3 * rng.normal()) : Math.exp(Math.log(0.05) + 0.8 * rng.normal())));
      const warmup = scriptedEpochs([{ valLoss: 1, ...lossStats(losses, 10) }]);
      assert.ok(Math.abs(noiseEstimate(warmup).rate - rate) < 0.02, `rate ${rate}: estimated ${noiseEstimate(warmup).rate}`);
    }
  });

  it('the mixture\'s high group (kept for the record) recovers it within 0.03 when the groups are apart', () => {
    const rng = new Rng(3);
    for (const rate of [0.05, 0.1, 0.2, 0.3, 0.4]) {
      const n = 2000;
      // Fitted labels: small losses (log-normal around 0.05); flipped labels: large (around 2.5 nats).
      const losses = Array.from({ length: n }, (_, i) => (i < rate * n ? Math.exp(Math.log(2.5) + 0.4 * rng.normal()) : Math.exp(Math.log(0.05) + 0.8 * rng.normal())));
      const stats = lossStats(losses, 10);
      assert.ok(Math.abs(stats.noisyShare - rate) < 0.03, `rate ${rate}: estimated ${stats.noisyShare}`);
      assert.ok(Math.abs(upperMixtureWeight(losses.map(Math.log)) - stats.noisyShare) < 1e-12);
    }
    assert.equal(upperMixtureWeight([1, 1, 1, 1, 1]), 0, 'no second group');
    const q = lossStats([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2).lossQuantiles;
    assert.deepEqual(q, [1, 2.5, 5, 7.5, 9]);
  });

  it('is read at the warm-up epoch of lowest validation loss; the bound is the entropy of that much symmetric noise', () => {
    const warmup = scriptedEpochs([
      { valLoss: 1.0, noisyShare: 0.4, highLossShare: 0.5, lossQuantiles: [0, 0, 0, 0, 0] },
      { valLoss: 0.6, noisyShare: 0.15, highLossShare: 0.12, lossQuantiles: [0.1, 0.2, 0.3, 1.0, 2.0] },
      { valLoss: 0.7, noisyShare: 0.05, highLossShare: 0.04, lossQuantiles: [0, 0, 0, 0, 0] },
    ]);
    assert.deepEqual(noiseEstimate(warmup), { rate: 0.12, mixture: 0.15, epoch: 2 });
    assert.equal(boundLevel(0.15, 10), -(0.85 * Math.log(0.85)) - 0.15 * Math.log(0.15 / 9));
    assert.equal(boundLevel(0.2, 10), noiseEntropy(0.2, 10));
    assert.ok(Math.abs(noiseEntropy(0.2, 10) - 0.94) < 0.005, '0.94 nats at 20% over 10 classes (the reference)');
    assert.equal(boundLevel(0.95, 2), Math.log(2), 'capped where it peaks, at 1 - 1/K');
    // c = f x H / scale, in tenths from 0 to 1.
    const h = boundLevel(0.12, 10);
    assert.equal(boundMultiple(warmup, 10, 0.5), Math.round(10 * Math.min(1, 0.5 * h / 0.6)) / 10);
    assert.throws(() => noiseEstimate(scriptedEpochs([{}])), /no per-example loss statistics/);
  });
});

describe('the policy-gradient learner', () => {
  const settings = { ...LEARNER_DEFAULTS, episodes: 3200, seed: 4 };

  it('finds the known state-dependent optimum of a scripted environment and beats every constant there', () => {
    const tasks = scriptedTasks(40, 1);
    const { net, params, curve } = trainReinforce(tasks, INRUN_MULTIPLES, settings);
    assert.equal(params.length, policySize(INRUN_FEATURES.length, net.hidden, INRUN_MULTIPLES.length));
    const fresh = scriptedTasks(40, 2);
    const picks = fresh.map((t) => policyMultiple(net, params, t.features));
    fresh.forEach((_, i) => assert.ok(i % 2 === 1 ? picks[i] >= 0.8 : picks[i] <= 0.1, `task ${i}: c = ${picks[i]}`));
    const gain = mean(fresh.map((t, i) => t.gains[INRUN_MULTIPLES.indexOf(picks[i])]));
    const bestConstant = Math.max(...INRUN_MULTIPLES.map((_, k) => mean(fresh.map((t) => t.gains[k]))));
    assert.ok(gain > bestConstant + 0.02, `policy ${gain}, best constant ${bestConstant}`);
    assert.ok(curve.at(-1)!.greedyGain > curve[0].greedyGain, 'it learns');
    const tensors = tf.memory().numTensors;
    assert.deepEqual(trainReinforce(tasks, INRUN_MULTIPLES, settings).params, params, 'the same seed gives the same policy');
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
  });

  it('the cross-entropy method runs on the same episodes', () => {
    const tasks = scriptedTasks(40, 1);
    const { curve } = trainCem(tasks, INRUN_MULTIPLES, settings);
    assert.ok(curve.at(-1)!.episodes <= settings.episodes);
    assert.equal(curve[0].learner, 'cem');
  });
});

describe('the in-run agent', () => {
  it('acts only from the epochs it reads: b = 0 through the warm-up, then one level from the warm-up alone', () => {
    const tasks = scriptedTasks(20, 5);
    const { net, params } = trainReinforce(tasks, INRUN_MULTIPLES, { ...LEARNER_DEFAULTS, episodes: 640, seed: 1 });
    const agent = agentOf('inrun', INRUN_SCHEDULE, params, {}, net);
    const epochs = 20;
    const history = scriptedEpochs(Array.from({ length: epochs }, (_, i) => ({
      valLoss: [1.2, 0.9, 0.8, 0.85][i] ?? 1.5, trainLoss: 1 - 0.04 * i, noisyShare: 0.2, highLossShare: 0.15, lossQuantiles: [0.05, 0.1, 0.3, 0.9, 2],
    })));
    const run = (h: typeof history) => {
      const controller = new AgentController(agent);
      return Array.from({ length: epochs }, (_, i) => controller.floodLevel(h.slice(0, i), { epoch: i + 1, epochs, classes: 10 }));
    };
    const levels = run(history);
    assert.deepEqual(levels.slice(0, 4), [0, 0, 0, 0], 'no flooding in the warm-up (4 of 20 epochs)');
    const expected = inrunLevel(agent, history.slice(0, 4), 10).level;
    assert.ok(levels.slice(4).every((b) => b === expected), 'one level from epoch 5 on');
    // Epochs after the warm-up change nothing: the decision saw only the first four.
    const later = history.map((m, i) => (i >= 4 ? { ...m, valLoss: 9, noisyShare: 0.9 } : m));
    assert.deepEqual(run(later), levels);
    assert.deepEqual(inrunFeatures(history.slice(0, 4), 10), inrunFeatures(later.slice(0, 4), 10));
  });
});
