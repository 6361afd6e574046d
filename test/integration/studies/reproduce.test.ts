import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKWARD_THRESHOLD, reproduceSynthetic, type SyntheticBudget } from '../../../src/studies/reproduce-synthetic.js';
import { tmpDir } from '../../helpers.js';

const tiny: SyntheticBudget = {
  epochs: 5, levels: '0:0.2:0.1', seeds: 2, depth: 2, width: 16, trainSize: 100, valSize: 50, testSize: 200, testEvery: 2,
  scaledDown: ['tiny, for tests'],
};

describe('reproduce synthetic', () => {
  it('runs the grid and the backward variant at each seed\'s chosen b, and builds both readings\' rows', async () => {
    const out = await tmpDir('reproduce');
    const { summary, results } = await reproduceSynthetic({
      budget: 'quick', settings: tiny, out, workers: 2, backend: 'wasm', datasets: ['two-gaussians', 'spiral'], noises: [0.1],
    });
    // 2 datasets x 1 noise x 2 seeds x 3 levels, plus one backward training per dataset and seed.
    assert.equal(summary.trainings, 12 + 4);
    const backward = results.filter((r) => r.tag === 'backward');
    assert.equal(backward.length, 4);
    for (const r of backward) {
      assert.deepEqual(r.controller, { kind: 'backward', afterLoss: BACKWARD_THRESHOLD });
      const grid = results.filter((g) => g.tag === 'grid' && g.config.dataset === r.config.dataset && g.config.seed === r.config.seed);
      const bestVal = Math.max(...grid.map((g) => g.last.valAcc));
      const chosen = grid.filter((g) => g.last.valAcc === bestVal).map((g) => g.config.flood).sort()[0];
      assert.equal(r.config.flood, chosen, 'backward runs at the b chosen by the grid (last-epoch reading)');
    }
    assert.equal(summary.rows.length, 4, '2 settings x 2 readings');
    for (const row of summary.rows) {
      assert.equal(row.with.n, 2);
      assert.equal(row.without.n, 2);
      assert.equal(row.backward.n, 2);
      assert.ok(row.with.mean > 0.5 && row.with.mean <= 1);
    }
    const testEpochs = results[0].history.filter((m) => m.testLoss !== undefined).map((m) => m.epoch);
    assert.deepEqual(testEpochs, [2, 4], 'test loss recorded every testEvery epochs for the curves');
  });
});
