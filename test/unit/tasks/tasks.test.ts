import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { OptionError } from '../../../src/core/errors.js';
import { distributionOf, familyOf, loadTasks, shippedDistributions, type TaskFile } from '../../../src/tasks/tasks.js';
import { makeTrial } from '../../../src/trials/trial.js';

/**
 * Trial ids of the first instances of the shipped distributions, as the sampler that was code
 * (before the distributions became envs/*.json) drew them: the committed agent, the rule and every
 * logged run folder were made from these tasks, so a change here would orphan them.
 */
const GOLDEN: Record<string, string[]> = {
  'broad:3': ["3d3e4590dbc4d9fe", "4c1052090af9aa2b", "2ed5c7dcf4ae7d39", "56518d8cf1b74298", "07af6a8ac5398f84", "f1f0cc8d9cb6b4a1", "00f76663f7e7a112", "5c96ed6d697b1f8d", "02bf9fd309d1b961", "7ece0d8f18ee0d57", "ff51716339c4a5a6", "91401e448f3b3e73"],
  'fashion-mnist-heldout:0': ["178dca4e8ffe9388", "43fe5b8b49372f77", "9d948d7514488d03", "10bf93ae731fc699", "1ab103cd90b718f5"],
  'synthetic-heldout:0': ["61a9d3bdc3e2fb4e", "f590046a3cfa44fb", "76da4d8d3f2cf2e2", "a133f50dea784dc1", "e212d9074de6d14f", "4634197dd08fb21d"],
};

describe('task distributions', () => {
  it('the shipped files draw exactly the tasks the earlier code drew (same trial ids)', async () => {
    assert.deepEqual(shippedDistributions(), ['broad', 'digits-heldout', 'fashion-mnist-heldout', 'synthetic-heldout']);
    for (const [key, ids] of Object.entries(GOLDEN)) {
      const [name, seed] = key.split(':');
      const tasks = await loadTasks(name);
      assert.deepEqual(ids.map((_, i) => makeTrial(tasks.sample(Number(seed), i)).id), ids, key);
    }
  });

  it('picks, cycles, fills placeholders and applies cases', () => {
    const file: TaskFile = {
      kind: 'autoflood-tasks', formatVersion: 1, name: 'mine', description: 'test', seedOffset: 50,
      families: [{
        name: 'clusters', config: { dataset: 'clusters:{features}:{classes}', epochs: 3 },
        draws: [
          { field: 'features', cycle: [5, 7] },
          { field: 'classes', cycle: [2, 3], every: 2 },
          { field: 'noise', pick: [0.1, 0.2], cases: [{ if: { classes: 2 }, pick: [0] }] },
        ],
      }],
    };
    const tasks = distributionOf(file);
    const drawn = [0, 1, 2, 3].map((i) => tasks.sample(1, i));
    assert.deepEqual(drawn.map((c) => c.dataset), ['clusters:5:2', 'clusters:7:2', 'clusters:5:3', 'clusters:7:3']);
    assert.deepEqual(drawn.slice(0, 2).map((c) => c.noise), [0, 0], 'binary tasks draw from the case');
    assert.ok(drawn.slice(2).every((c) => c.noise === 0.1 || c.noise === 0.2));
    assert.deepEqual(drawn.map((c) => c.seed), [100_053, 100_054, 100_055, 100_056], 'seedOffset + seed x 100003 + index');
    assert.equal(drawn[0].epochs, 3);
    assert.equal(familyOf('spiral'), 'synthetic');
    assert.equal(familyOf('clusters:5:2'), 'clusters');
  });

  it('a task file of your own, or a bad one, by path; errors concern --tasks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'autoflood-tasks-'));
    const good = path.join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ kind: 'autoflood-tasks', formatVersion: 1, name: 'g', description: 'd', seedOffset: 0, families: [{ name: 'f', config: { dataset: 'spiral' }, draws: [] }] }));
    assert.equal((await loadTasks(good)).sample(0, 0).dataset, 'spiral');
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ kind: 'autoflood-tasks', formatVersion: 1, name: 'b', description: 'd', seedOffset: 0, families: [{ name: 'f', config: {}, draws: [{ field: 'noise', pick: [], cycle: [1] }] }] }));
    await assert.rejects(loadTasks(bad), (err: Error) => err instanceof OptionError && err.option === 'tasks' && /give either pick or cycle/.test(err.detail));
    await assert.rejects(loadTasks('nonesuch'), (err: Error) => err instanceof OptionError && /shipped: broad, digits-heldout, fashion-mnist-heldout, synthetic-heldout/.test(err.detail));
  });
});
