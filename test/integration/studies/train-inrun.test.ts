import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { inrunLevel, loadAgent } from '../../../src/control/agent.js';
import { INRUN_MULTIPLES } from '../../../src/control/inrun.js';
import { LEARNER_DEFAULTS } from '../../../src/control/reinforce.js';
import { claimRunFolder } from '../../../src/core/files.js';
import { compareMethods } from '../../../src/methods/compare.js';
import { scaleTrial } from '../../../src/methods/relative.js';
import { renderReport } from '../../../src/report/index.js';
import { trainInrunAgent } from '../../../src/studies/train-inrun.js';
import type { TaskDistribution } from '../../../src/tasks/tasks.js';
import { localRun, tinyConfig, tmpDir } from '../../helpers.js';

const tiny: TaskDistribution = {
  name: 'tiny', description: 'tiny two-gaussians tasks',
  sample: (seed, index) => tinyConfig({ noise: index % 2 === 0 ? 0 : 0.3, seed: seed * 1000 + index, trainSize: 100, depth: 1, width: 16, epochs: 10, batchSize: 50 }),
};

describe('train-agent --design inrun', () => {
  it('trains on the branches of tiny tasks, then as a method runs one warm-up and one branch, shared with the bound rule\'s', async () => {
    const out = await tmpDir('train-inrun');
    const learner = { ...LEARNER_DEFAULTS, episodes: 320, curveEvery: 160 };
    const { agent, curve, summary } = await trainInrunAgent({ tasks: 'tiny', distribution: tiny, instances: 2, seed: 0, learner, learnerSeeds: 2, out, workers: 2 });
    assert.equal(agent.design, 'inrun');
    assert.equal(agent.training.trainings, 2 * (1 + INRUN_MULTIPLES.length), 'a warm-up and 11 branches per task');
    assert.equal(agent.training.epochs, 2 * (2 + 11 * 8), 'branches train only the epochs after the 20% warm-up');
    assert.deepEqual([...new Set(curve.map((p) => `${p.learner} ${p.seed}`))].sort(), ['cem 0', 'cem 1', 'reinforce 0', 'reinforce 1']);
    assert.equal(summary.noise.length, 2, 'one row per injected rate');
    assert.ok(summary.bound.factor > 0);
    const saved = await loadAgent(path.join(out, 'agent.json'));
    assert.deepEqual(saved.params, agent.params);
    const files = await renderReport(out);
    assert.match(await readFile(files[0], 'utf8'), /The noise estimate against the injected noise/);

    // As a method beside the bound rule: one warm-up, then each continues it once.
    const config = tiny.sample(5, 1);
    const dir = await tmpDir('inrun-method');
    await claimRunFolder(dir, { inrun: true }, false);
    const run = await localRun(dir);
    const { outcomes, results } = await compareMethods([config], { methods: ['agent', 'bound'], agent: saved }, run);
    await run.close();
    const [own, bound] = outcomes;
    const warmup = results.find((r) => r.id === scaleTrial(config).id)!;
    assert.equal(own.kept, undefined, 'not checked: one run in all');
    assert.equal(own.trialIds[0], warmup.id);
    assert.equal(own.epochs, 10, 'the warm-up and its continuation: one run');
    assert.equal(results.find((r) => r.id === own.runs.last)!.config.flood, inrunLevel(saved, warmup.history, 2).level);
    assert.equal(bound.trialIds[0], warmup.id, 'the warm-up is shared');
    assert.ok(results.length <= 3);
  });
});
