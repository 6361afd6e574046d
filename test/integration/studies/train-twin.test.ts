import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { agentOf, loadAgent } from '../../../src/control/agent.js';
import { TWIN_FEATURES } from '../../../src/control/features.js';
import { TWIN_FIT_DEFAULTS, TWIN_MULTIPLES } from '../../../src/control/twin-fit.js';
import { claimRunFolder } from '../../../src/core/files.js';
import { compareMethods } from '../../../src/methods/compare.js';
import { relativeLevels } from '../../../src/methods/relative.js';
import { readRule, RULE_FILE } from '../../../src/methods/rule.js';
import { trainTwinAgent, TWIN_SCHEDULE } from '../../../src/studies/train-twin.js';
import type { TaskDistribution } from '../../../src/tasks/tasks.js';
import { lossScale } from '../../../src/train/scale.js';
import { localRun, tinyConfig, tmpDir } from '../../helpers.js';

const tiny: TaskDistribution = {
  name: 'tiny', description: 'tiny two-gaussians tasks',
  sample: (seed, index) => tinyConfig({ noise: index % 2 === 0 ? 0 : 0.3, seed: seed * 1000 + index, trainSize: 100, depth: 1, width: 16, epochs: 5, batchSize: 50 }),
};

describe('train-agent --design twin', () => {
  it('trains on tiny tasks (agent and rule files), then as a method runs the grid\'s own trial at its level after the run without flooding', async () => {
    const out = await tmpDir('train-twin');
    const result = await trainTwinAgent({ tasks: 'tiny', distribution: tiny, instances: 2, generations: 10, cem: TWIN_FIT_DEFAULTS.cem, l2: 0, seed: 0, out, workers: 2 });
    const trained = await loadAgent(path.join(out, 'agent.json'));
    assert.equal(trained.design, 'twin');
    assert.equal(trained.training.episodes, 2 * (TWIN_MULTIPLES.length + 1), 'a warm-up and 11 multiples per task');
    assert.equal(readRule(path.join(out, RULE_FILE)).multiple, result.rule.multiple);
    assert.deepEqual(result.families, [], 'one family: nothing to hold out');
    assert.match(await readFile(path.join(out, 'summary.json'), 'utf8'), /"families"/);
    // A policy that always picks c = 0.5 (constant weight 0), as a method beside the grid.
    const agent = agentOf('twin', TWIN_SCHEDULE, TWIN_FEATURES.map(() => 0));
    const config = tiny.sample(0, 1);
    const dir = await tmpDir('twin-method');
    await claimRunFolder(dir, { twin: true }, false);
    const run = await localRun(dir);
    const { outcomes, results } = await compareMethods([config], { methods: ['grid', 'agent'], agent, check: false }, run);
    await run.close();
    const [grid, twin] = outcomes;
    const byId = new Map(results.map((r) => [r.id, r]));
    const scale = lossScale(byId.get(grid.trialIds[0])!.history);
    const own = byId.get(twin.runs.last);
    assert.equal(own?.config.flood, relativeLevels(scale, [0.5])[0]);
    assert.ok(grid.trialIds.includes(twin.runs.last), 'the grid\'s trial at that level, shared');
    assert.equal(twin.trialIds.length, 2, 'the run without flooding, its own run (no warm-up trial: the first run has those epochs)');
    assert.equal(twin.epochs, 5 + 5);
    assert.equal(twin.scale, scale, 'the first 20% of the run without flooding measure the warm-up trial\'s scale');
    assert.equal(results.length, 12, 'nothing trained beyond the grid');
  });
});
