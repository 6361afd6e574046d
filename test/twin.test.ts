import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AgentController, decide, loadAgent, twinMultiple } from '../agents/agent.js';
import type { TaskDistribution } from '../agents/tasks.js';
import { agentOf } from '../agents/train-agent.js';
import { fitOncePolicy, multipleOf, ONCE_DEFAULTS, OFFLINE_MULTIPLES, policyGain, trainOnceAgent, TWIN_SCHEDULE, type OnceTask } from '../agents/train-once.js';
import { TWIN_FEATURES, twinFeatures } from '../envs/features.js';
import { Rng } from '../src/data/rng.js';
import { compareMethods } from '../src/search/compare.js';
import { lossScale, relativeLevels } from '../src/search/scale.js';
import { RunLog } from '../src/trials/run-log.js';
import { claimRunFolder } from '../src/util/files.js';
import { scriptedEpochs, tinyConfig, tmpDir } from './helpers.js';

const RISE = TWIN_FEATURES.indexOf('end val loss / best val loss - 1');
const MULTIPLES = OFFLINE_MULTIPLES.twin;

/** Tasks whose run without flooding memorised (its validation loss rose) gain most at c = 1, the others lose from any flooding. */
function scriptedTwinTasks(count: number, seed: number): OnceTask[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const memorised = i % 2 === 1;
    const features = TWIN_FEATURES.map((f) => (f === 'constant 1' ? 1 : rng.uniform()));
    features[RISE] = memorised ? 1 + rng.uniform() : 0.2 * rng.uniform();
    const gains = MULTIPLES.map((c) => (memorised ? 0.06 * c : -0.2 * c));
    return { family: 'scripted', features, gains };
  });
}

describe('the twin agent', () => {
  it('sets c in tenths from 0 to 1 of the scale', () => {
    assert.equal(decide('twin', [-20], 2, 0, true), 0);
    assert.equal(decide('twin', [20], 2, 0, true), 2);
    assert.ok(Math.abs(decide('twin', [0], 1, 0, true) - 0.5) < 1e-12);
    assert.ok(Math.abs(decide('twin', [0.3], 1, 0, true) - 0.6) < 1e-12, 'sigmoid(0.3) = 0.574 rounds to 0.6');
  });

  it('reads how far the finished run without flooding memorised', () => {
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
  });

  it('the learner finds the known best policy of a scripted environment: flood fully where the first run memorised, not at all elsewhere', () => {
    const tasks = scriptedTwinTasks(40, 1);
    const { params } = fitOncePolicy(tasks, { ...ONCE_DEFAULTS, features: TWIN_FEATURES, seed: 2, design: 'twin' });
    const fresh = scriptedTwinTasks(20, 9);
    for (const [i, t] of fresh.entries()) {
      const c = multipleOf(params, t.features, 'twin');
      assert.ok(i % 2 === 1 ? c >= 0.5 : c <= 0.1, `task ${i} (${i % 2 === 1 ? 'memorised' : 'clean'}): c = ${c}`);
    }
    // The best policy gains 0.06 on the memorised half and 0 on the rest: 0.03. No constant gains more than 0 (c = 0; c = 1 loses 0.07).
    assert.ok(policyGain(params, fresh, 'twin') > 0.8 * 0.03, `gain ${policyGain(params, fresh, 'twin')}`);
  });

  it('trains on tiny tasks, then as a method runs the grid\'s own trial at its level after the run without flooding', async () => {
    const tiny: TaskDistribution = {
      name: 'tiny', description: 'tiny two-gaussians tasks',
      sample: (seed, index) => tinyConfig({ noise: index % 2 === 0 ? 0 : 0.3, seed: seed * 1000 + index, trainSize: 100, depth: 1, width: 16, epochs: 5, batchSize: 50 }),
    };
    const out = await tmpDir('train-twin');
    await trainOnceAgent({ tasks: 'tiny', distribution: tiny, instances: 2, generations: 10, cem: ONCE_DEFAULTS.cem, l2: 0, design: 'twin', seed: 0, out, workers: 2 });
    const trained = await loadAgent(path.join(out, 'agent.json'));
    assert.equal(trained.design, 'twin');
    assert.equal(trained.training.episodes, 2 * (MULTIPLES.length + 1), 'a warm-up and 11 multiples per task');
    // A policy that always picks c = 0.5 (constant weight 0), as a method beside the grid.
    const agent = agentOf('twin', TWIN_SCHEDULE, TWIN_FEATURES.map(() => 0));
    const config = tiny.sample(0, 1);
    const dir = await tmpDir('twin-method');
    await claimRunFolder(dir, { twin: true }, false);
    const { outcomes, results } = await compareMethods([config], { methods: ['grid', 'agent'], agent, check: false }, await RunLog.open(dir), { workers: 2 });
    const [grid, twin] = outcomes;
    const byId = new Map(results.map((r) => [r.id, r]));
    const scale = lossScale(byId.get(grid.trialIds[0]) as never);
    const own = byId.get(twin.runs.last);
    assert.equal(own?.config.flood, relativeLevels(scale, [0.5])[0]);
    assert.ok(grid.trialIds.includes(twin.runs.last), 'the grid\'s trial at that level, shared');
    assert.equal(twin.trialIds.length, 2, 'the run without flooding, its own run (no warm-up trial: the first run has those epochs)');
    assert.equal(twin.epochs, 5 + 5);
    assert.equal(twin.scale, scale, 'the first 20% of the run without flooding measure the warm-up trial\'s scale');
    assert.equal(results.length, 12, 'nothing trained beyond the grid');
  });
});
