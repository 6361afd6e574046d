import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialCem, sampleCandidates, updateCem, CEM_DEFAULTS } from '../../../src/control/cem.js';
import { LinearPolicy } from '../../../src/control/policy.js';

describe('linear policy', () => {
  it('computes W · features per output and checks sizes', () => {
    const policy = new LinearPolicy(3, 2, [1, 2, 3, -1, 0, 1]);
    assert.deepEqual(policy.act([1, 1, 1]), [6, 0]);
    assert.deepEqual(policy.act([0, 0, 2]), [6, 2]);
    assert.throws(() => policy.act([1, 2]), /expected 3 features/);
    assert.throws(() => new LinearPolicy(3, 2, [1]), /expected 6 parameters/);
  });
});

describe('cross-entropy method', () => {
  /**
   * A scripted environment whose best action depends on the state: two kinds of state (x = -1 and
   * x = +1, with a constant feature); the best output is 2x, so a constant policy cannot be best.
   * Fitness is minus the squared error over both states, plus noise, as episode scores have.
   */
  it('finds the known best state-dependent policy of a scripted environment', () => {
    const states = [[-1, 1], [1, 1]];
    const fitnessOf = (params: number[], noise: number) => {
      const policy = new LinearPolicy(2, 1, params);
      return -states.reduce((a, s) => a + (policy.act(s)[0] - 2 * s[0]) ** 2, 0) / states.length + noise;
    };
    const settings = { ...CEM_DEFAULTS, population: 12 };
    let state = initialCem([0, 0], settings);
    let u = 0.123;
    for (let g = 0; g < 40; g++) {
      const candidates = sampleCandidates(state, settings, 7);
      const fitness = candidates.map((c) => fitnessOf(c, 0.05 * ((u = (u * 9301 + 49297) % 233280 / 233280) - 0.5)));
      state = updateCem(state, candidates, fitness, settings);
    }
    assert.ok(Math.abs(state.mean[0] - 2) < 0.15, `weight on the state: ${state.mean[0]}`);
    assert.ok(Math.abs(state.mean[1]) < 0.15, `constant: ${state.mean[1]}`);
    assert.equal(state.generation, 40);
  });

  it('samples the mean first, then seeded candidates: the same seed and generation give the same population', () => {
    const state = initialCem([0.5, -1], CEM_DEFAULTS);
    const a = sampleCandidates(state, CEM_DEFAULTS, 3);
    assert.deepEqual(a[0], [0.5, -1]);
    assert.equal(a.length, CEM_DEFAULTS.population);
    assert.deepEqual(sampleCandidates(state, CEM_DEFAULTS, 3), a);
    assert.notDeepEqual(sampleCandidates(state, CEM_DEFAULTS, 4), a);
  });
});
