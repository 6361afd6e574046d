/**
 * The fixed rule and the noise-bound rule as controllers of one run: b = 0 through the warm-up,
 * then c x the warm-up's scale at the level `tune` gives the same warm-up (relativeLevels /
 * branchTrial), whatever comes after; and inside a real train().
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../../src/backend/index.js';
import { boundMultiple } from '../../../src/control/inrun.js';
import { BoundController, boundRuleLevel, RuleController, ruleLevel } from '../../../src/control/rule-controller.js';
import { DEFAULT_BOUND_FACTOR } from '../../../src/methods/bound.js';
import { relativeLevels } from '../../../src/methods/relative.js';
import { DEFAULT_RULE_MULTIPLE } from '../../../src/methods/rule.js';
import type { EpochMetrics, FloodController } from '../../../src/train/controller.js';
import { lossScale, warmupEpochs } from '../../../src/train/scale.js';
import { train } from '../../../src/train/train.js';
import { scriptedEpochs, tinyConfig } from '../../helpers.js';

/** A real run without flooding (test/fixtures/logs: two-gaussians, 20% noise, 20 epochs), with per-example statistics. */
const RUN: EpochMetrics[] = readFileSync('test/fixtures/logs/autoflood/metrics.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);

/** The levels a controller gives before each epoch of `history`, asked as train() asks. */
async function levels(controller: FloodController, history: readonly EpochMetrics[], classes = 2): Promise<number[]> {
  const out: number[] = [];
  for (let e = 1; e <= history.length; e++) out.push(await controller.floodLevel(history.slice(0, e - 1), { epoch: e, epochs: history.length, classes }));
  return out;
}

describe('RuleController', () => {
  it('floods at c x the warm-up scale after the warm-up, at the level tune continues the same warm-up with', async () => {
    const w = warmupEpochs(RUN.length);
    const expected = relativeLevels(lossScale(RUN.slice(0, w)), [DEFAULT_RULE_MULTIPLE])[0];
    assert.ok(expected > 0);
    const got = await levels(new RuleController(DEFAULT_RULE_MULTIPLE), RUN);
    assert.deepEqual(got, [...Array(w).fill(0), ...Array(RUN.length - w).fill(expected)]);
    assert.deepEqual(ruleLevel(RUN.slice(0, w), 0.8), { multiple: 0.8, scale: lossScale(RUN.slice(0, w)), level: expected });
  });

  it('reads only the warm-up: later epochs, however low their validation loss, change nothing', async () => {
    const history = scriptedEpochs([{ valLoss: 0.9 }, { valLoss: 0.6 }, { valLoss: 0.7 }, { valLoss: 0.1 }, { valLoss: 0.05 }, { valLoss: 0.01 }, { valLoss: 0.01 }, { valLoss: 0.01 }, { valLoss: 0.01 }, { valLoss: 0.01 }]);
    assert.deepEqual(await levels(new RuleController(0.5), history), [0, 0, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
  });

  it('a one-epoch run never floods; a history without its warm-up and a negative multiple are refused', () => {
    assert.equal(new RuleController(0.8).floodLevel([], { epoch: 1, epochs: 1, classes: 2 }), 0);
    assert.throws(() => new RuleController(0.8).floodLevel(scriptedEpochs([{}]), { epoch: 4, epochs: 10, classes: 2 }), /rule: needs the warm-up's 2 epochs before epoch 3, got 1/);
    assert.throws(() => new RuleController(-1), /ruleMultiple: expected a number >= 0, got -1/);
    assert.deepEqual(new RuleController(0.7).describe(), { multiple: 0.7 });
  });
});

describe('BoundController', () => {
  it('floods at boundMultiple x the warm-up scale after the warm-up, as the bound method branches', async () => {
    const w = warmupEpochs(RUN.length);
    const warmup = RUN.slice(0, w);
    const c = boundMultiple(warmup, 2, DEFAULT_BOUND_FACTOR);
    const expected = relativeLevels(lossScale(warmup), [c])[0];
    assert.deepEqual(await levels(new BoundController(DEFAULT_BOUND_FACTOR), RUN), [...Array(w).fill(0), ...Array(RUN.length - w).fill(expected)]);
    const r = boundRuleLevel(warmup, 2, DEFAULT_BOUND_FACTOR);
    assert.equal(r.level, expected);
    assert.equal(r.noiseEpoch, warmup.reduce((a, m) => (m.valLoss < a.valLoss ? m : a)).epoch, 'the noise is read at the warm-up epoch of lowest validation loss');
  });

  it('refuses a warm-up without per-example statistics, saying so', () => {
    assert.throws(() => new BoundController(1).floodLevel(scriptedEpochs([{}, {}]), { epoch: 3, epochs: 10, classes: 2 }), /no per-example loss statistics/);
    assert.equal(new BoundController(1).floodLevel(scriptedEpochs([{}]), { epoch: 2, epochs: 10, classes: 2 }), 0, 'no statistics needed during the warm-up');
  });
});

describe('inside train()', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('a real run with the rule: b = 0 for the warm-up, then c x the warm-up scale', async () => {
    const result = await train(tinyConfig({ epochs: 5 }), { controller: new RuleController(0.8) });
    const trajectory = result.history.map((m) => m.floodLevel);
    const level = relativeLevels(lossScale(result.history.slice(0, 1)), [0.8])[0];
    assert.deepEqual(trajectory, [0, level, level, level, level]);
    assert.equal(result.controller, 'rule');
    assert.deepEqual(result.controllerConfig, { multiple: 0.8 });
  });
});
