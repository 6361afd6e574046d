import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentController, agentOf, decide, twinMultiple } from '../../../src/control/agent.js';
import { TWIN_FEATURES, twinFeatures } from '../../../src/control/features.js';
import {
  bestConstant, crossFamily, fitTwinPolicy, gainAt, multipleOf, policyGain, TWIN_FIT_DEFAULTS, TWIN_MULTIPLES, type TwinTask,
} from '../../../src/control/twin-fit.js';
import { mean } from '../../../src/core/stats.js';
import { Rng } from '../../../src/data/rng.js';
import { TWIN_SCHEDULE } from '../../../src/studies/train-twin.js';
import { scriptedEpochs } from '../../helpers.js';

const RISE = TWIN_FEATURES.indexOf('end val loss / best val loss - 1');

/** Tasks whose run without flooding memorised (its validation loss rose) gain most at c = 1, the others lose from any flooding. */
function scriptedTwinTasks(count: number, seed: number, family = 'scripted'): TwinTask[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const memorised = i % 2 === 1;
    const features = TWIN_FEATURES.map((f) => (f === 'constant 1' ? 1 : rng.uniform()));
    features[RISE] = memorised ? 1 + rng.uniform() : 0.2 * rng.uniform();
    const gains = TWIN_MULTIPLES.map((c) => (memorised ? 0.06 * c : -0.2 * c));
    return { family, features, gains };
  });
}

const settings = { ...TWIN_FIT_DEFAULTS, l2: 1e-5, features: TWIN_FEATURES, seed: 2 };

describe('the twin agent', () => {
  it('sets c in tenths from 0 to 1 of the scale', () => {
    assert.equal(decide('twin', [-20], 2, 0, true), 0);
    assert.equal(decide('twin', [20], 2, 0, true), 2);
    assert.ok(Math.abs(decide('twin', [0], 1, 0, true) - 0.5) < 1e-12);
    assert.ok(Math.abs(decide('twin', [0.3], 1, 0, true) - 0.6) < 1e-12, 'sigmoid(0.3) = 0.574 rounds to 0.6');
  });

  it('reads how far the finished run without flooding memorised, against ln(classes) and chance', () => {
    // Validation loss falls to 0.5 at epoch 3, then rises to 1.0; training loss goes to 0.05; val acc peaks at 0.8, ends at 0.7.
    const history = scriptedEpochs([
      { valLoss: 0.9, trainLoss: 1, valAcc: 0.6, trainAcc: 0.6 }, { valLoss: 0.6, trainLoss: 0.6, valAcc: 0.75, trainAcc: 0.8 },
      { valLoss: 0.5, trainLoss: 0.3, valAcc: 0.8, trainAcc: 0.9 }, ...Array.from({ length: 7 }, () => ({ valLoss: 1, trainLoss: 0.05, valAcc: 0.7, trainAcc: 1 })),
    ]);
    const x = twinFeatures(history, 10);
    const named = Object.fromEntries(TWIN_FEATURES.map((f, i) => [f, Math.round(x[i] * 1e9) / 1e9]));
    assert.deepEqual(named, {
      'best val loss / ln(classes)': Math.round(0.5 / Math.log(10) * 1e9) / 1e9,
      'best val accuracy above chance': Math.round((0.8 - 0.1) / 0.9 * 1e9) / 1e9,
      'end val loss / best val loss - 1': 1,
      'end train loss / best val loss': 0.1,
      'end train accuracy - end val accuracy': 0.3,
      'best val accuracy - end val accuracy': 0.1,
      'constant 1': 1,
    });
    const params = TWIN_FEATURES.map((f) => (f === 'end val loss / best val loss - 1' ? 3 : f === 'constant 1' ? -1.5 : 0));
    assert.equal(twinMultiple(agentOf('twin', TWIN_SCHEDULE, params), history, 10), 0.8, '10 x sigmoid(1.5) = 8.2 -> 0.8');
    assert.throws(() => new AgentController(agentOf('twin', TWIN_SCHEDULE, params)), /not during a run/);
    assert.throws(() => twinFeatures(scriptedEpochs([{}]), 1), /classes/);
  });

  it('the learner finds the known best policy of a scripted environment and beats every constant there', () => {
    const tasks = scriptedTwinTasks(40, 1);
    const { params, curve } = fitTwinPolicy(tasks, settings);
    const fresh = scriptedTwinTasks(20, 9);
    for (const [i, t] of fresh.entries()) {
      const c = multipleOf(params, t.features);
      assert.ok(i % 2 === 1 ? c >= 0.5 : c <= 0.1, `task ${i} (${i % 2 === 1 ? 'memorised' : 'clean'}): c = ${c}`);
    }
    // The best policy gains 0.06 on the memorised half and 0 on the rest: 0.03. No constant gains more than 0 (c = 0; c = 1 loses 0.07).
    assert.ok(policyGain(params, fresh) > 0.8 * 0.03, `gain ${policyGain(params, fresh)}`);
    const rule = bestConstant(tasks);
    assert.ok(policyGain(params, fresh) > mean(fresh.map((t) => gainAt(t, rule.multiple))) + 0.02, 'beats the best constant on fresh tasks');
    assert.ok(curve.at(-1)!.meanFitness > curve[0].meanFitness, 'the mean policy improves');
  });

  it('gains between two multiples are interpolated, and clamped outside the range', () => {
    const task: TwinTask = { family: 'x', features: [], gains: TWIN_MULTIPLES.map((c) => c) };
    assert.ok(Math.abs(gainAt(task, 0.35) - 0.35) < 1e-12);
    assert.equal(gainAt(task, -1), 0);
    assert.equal(gainAt(task, 9), 1);
  });

  it('leave-one-family-out fits without the family and scores on it', () => {
    const tasks = [...scriptedTwinTasks(20, 3, 'a'), ...scriptedTwinTasks(20, 4, 'b')];
    const rows = crossFamily(tasks, { ...settings, generations: 60 });
    assert.deepEqual(rows.map((r) => [r.family, r.tasks]), [['a', 20], ['b', 20]]);
    for (const r of rows) assert.ok(r.agentGain > r.ruleGain, `${r.family}: the state-aware policy carries to the held-out family`);
    assert.deepEqual(crossFamily(tasks.filter((t) => t.family === 'a'), settings), [], 'one family: nothing to hold out');
  });
});
