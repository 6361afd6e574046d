import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AgentController, decisionEpochs, loadAgent } from '../agents/agent.js';
import type { TaskDistribution } from '../agents/tasks.js';
import {
  bestConstant, crossFamily, fitOncePolicy, gainAt, multipleOf, ONCE_DEFAULTS, ONCE_MULTIPLES, ONCE_SCHEDULE, policyGain, trainOnceAgent,
  type OnceSettings, type OnceTask,
} from '../agents/train-once.js';
import { agentOf } from '../agents/train-agent.js';
import { WARMUP_FEATURES, warmupFeatures } from '../envs/features.js';
import { readRule, RULE_FILE } from '../src/search/fit-rule.js';
import { Rng } from '../src/data/rng.js';
import { mean } from '../src/util/stats.js';
import { train } from '../src/train/train.js';
import { scriptedEpochs, tinyConfig, tmpDir } from './helpers.js';

const NOISE_FEATURE = WARMUP_FEATURES.indexOf('best val loss / ln(classes)');

/**
 * A scripted environment whose best action depends on the state: tasks whose normalised loss
 * (feature 0) is high gain most at c = 1.2, the others at c = 0.1 and lose above it. The other
 * features are noise.
 */
function scriptedTasks(count: number, seed: number, family = 'scripted'): OnceTask[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const noisy = i % 2 === 1;
    const features = WARMUP_FEATURES.map((f) => (f === 'constant 1' ? 1 : rng.uniform()));
    features[NOISE_FEATURE] = noisy ? 0.6 + 0.3 * rng.uniform() : 0.1 + 0.2 * rng.uniform();
    const best = noisy ? 1.2 : 0.1;
    const gains = ONCE_MULTIPLES.map((c) => 0.05 - 0.08 * Math.abs(c - best) - (noisy ? 0 : 0.05 * Math.max(0, c - 0.3)));
    return { family, features, gains: gains.map((g) => g - gains[0]) };
  });
}

const settings: OnceSettings = { ...ONCE_DEFAULTS, seed: 1 };

describe('the one-decision agent', () => {
  it('the learner finds the state-dependent best policy of a scripted environment, not a constant', () => {
    const tasks = scriptedTasks(40, 1);
    const { params, curve } = fitOncePolicy(tasks, settings);
    const fresh = scriptedTasks(40, 2);
    for (const t of fresh) {
      const c = multipleOf(params, t.features);
      const best = t.features[NOISE_FEATURE] > 0.45 ? 1.2 : 0.1;
      assert.ok(best < 1 ? c < 0.3 : c > 0.8, `picked ${c.toFixed(2)} where ${best} is best`);
    }
    const rule = bestConstant(tasks);
    assert.ok(policyGain(params, fresh) > mean(fresh.map((t) => gainAt(t, rule.multiple))) + 0.02, 'beats the best constant on fresh tasks');
    assert.ok(curve.at(-1)!.meanFitness > curve[0].meanFitness, 'the mean policy improves');
  });

  it('gains between two multiples are interpolated, and clamped outside the range', () => {
    const task: OnceTask = { family: 'x', features: [], gains: ONCE_MULTIPLES.map((c) => c) };
    assert.ok(Math.abs(gainAt(task, 0.35) - 0.35) < 1e-12);
    assert.equal(gainAt(task, -1), 0);
    assert.equal(gainAt(task, 9), 1.5);
  });

  it('leave-one-family-out fits without the family and scores on it', () => {
    const tasks = [...scriptedTasks(20, 3, 'a'), ...scriptedTasks(20, 4, 'b')];
    const rows = crossFamily(tasks, { ...settings, generations: 60 });
    assert.deepEqual(rows.map((r) => [r.family, r.tasks]), [['a', 20], ['b', 20]]);
    for (const r of rows) assert.ok(r.agentGain > r.ruleGain, `${r.family}: the state-aware policy carries to the held-out family`);
  });

  it('acts once, after the warm-up, at 1.5 x sigmoid(policy) x the warm-up scale, and keeps it', () => {
    const params = WARMUP_FEATURES.map((f) => (f === 'constant 1' ? 0.4 : 0));
    const agent = agentOf('once', ONCE_SCHEDULE, params);
    const controller = new AgentController(agent);
    const epochs = 10;
    assert.deepEqual(decisionEpochs(agent.schedule, epochs), [3]);
    const history = scriptedEpochs(Array.from({ length: epochs }, (_, i) => ({ valLoss: [1.2, 0.9, 1.0, 0.5, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3][i] })));
    const levels = Array.from({ length: epochs }, (_, i) => controller.floodLevel(history.slice(0, i), { epoch: i + 1, epochs, classes: 10 }));
    const b = 1.5 / (1 + Math.exp(-0.4)) * 0.9;
    assert.deepEqual(levels.map((x) => Math.round(x * 1e9) / 1e9), [0, 0, ...new Array(8).fill(Math.round(b * 1e9) / 1e9)]);
  });

  it('reads the loss scale against ln(classes), so the same task shape reads alike at 2 and 10 classes', () => {
    const two = warmupFeatures(scriptedEpochs([{ valLoss: Math.log(2) / 2, valAcc: 0.75 }]), 2);
    const ten = warmupFeatures(scriptedEpochs([{ valLoss: Math.log(10) / 2, valAcc: 0.55 }]), 10);
    assert.equal(two[NOISE_FEATURE], 0.5);
    assert.equal(ten[NOISE_FEATURE], 0.5);
    assert.ok(Math.abs(two[1] - 0.5) < 1e-12, 'accuracy above chance, 2 classes');
    assert.ok(Math.abs(ten[1] - 0.5) < 1e-12, 'accuracy above chance, 10 classes');
    assert.throws(() => warmupFeatures(scriptedEpochs([{}]), 1), /classes/);
  });

  it('trains end to end on tiny tasks: agent and rule files, and the agent runs the decision it was trained on', async () => {
    const tiny: TaskDistribution = {
      name: 'tiny', description: 'tiny two-gaussians tasks',
      sample: (seed, index) => tinyConfig({ noise: index % 2 === 0 ? 0 : 0.3, seed: seed * 1000 + index, trainSize: 100, depth: 1, width: 16, epochs: 5, batchSize: 50 }),
    };
    const out = await tmpDir('train-once');
    const result = await trainOnceAgent({ tasks: 'tiny', distribution: tiny, instances: 2, generations: 20, cem: ONCE_DEFAULTS.cem, l2: 0, seed: 0, out, workers: 2 });
    const agent = await loadAgent(path.join(out, 'agent.json'));
    assert.equal(agent.design, 'once');
    assert.equal(agent.training.episodes, 2 * (ONCE_MULTIPLES.length + 1), 'a warm-up and 16 multiples per task');
    assert.equal(readRule(path.join(out, RULE_FILE)).multiple, result.rule.multiple);
    assert.deepEqual(result.families, [], 'one family: nothing to hold out');
    // The agent's own run takes the multiple it computes from its warm-up.
    const config = tiny.sample(0, 1);
    const run = await train(config, { controller: new AgentController(agent) });
    const warmup = run.history.slice(0, 1);
    const expected = multipleOf(agent.params, warmupFeatures(warmup, 2)) * Math.min(...warmup.map((m) => m.valLoss));
    assert.ok(Math.abs(run.history[4].floodLevel - expected) < 1e-9);
    assert.match(await readFile(path.join(out, 'summary.json'), 'utf8'), /"families"/);
  });
});
