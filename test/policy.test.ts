import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../src/backend/index.js';
import { advantages, Policy, type Episode } from '../agents/policy.js';

before(async () => {
  await initBackend('wasm');
});

/** Deterministic uniforms for the test (a linear congruential stream). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('REINFORCE policy', () => {
  it('computes returns-to-go minus a per-step baseline, normalised', () => {
    const ep = (rewards: number[]): Episode => rewards.map((reward) => ({ state: [0], action: 0, reward }));
    const adv = advantages([ep([0, 1]), ep([0, 0])]);
    // Returns-to-go: [1, 1] and [0, 0]; baseline [0.5, 0.5]; raw [+0.5, +0.5], [-0.5, -0.5]; std 0.5.
    assert.deepEqual(adv, [[1, 1], [-1, -1]]);
  });

  it('learns the best action of each context in a scripted two-step environment', () => {
    // Two contexts; the reward comes only at the end of the episode (like validation accuracy
    // after a training run) and depends on the actions of both steps.
    const best = [2, 7];
    const uniform = lcg(1);
    const policy = new Policy({ stateSize: 3, numActions: 10, hidden: 8, learningRate: 0.05, entropyCoef: 0.001, seed: 0 });
    const play = (context: number, act: (s: number[]) => number): Episode => {
      const steps: Episode = [];
      let hits = 0;
      for (let t = 0; t < 2; t++) {
        const state = [context === 0 ? 1 : 0, context === 1 ? 1 : 0, t];
        const action = act(state);
        if (action === best[context]) hits++;
        steps.push({ state, action, reward: 0 });
      }
      steps[1].reward = hits / 2 + 0.1 * (uniform() - 0.5);
      return steps;
    };
    for (let update = 0; update < 150; update++) {
      const batch = Array.from({ length: 16 }, (_, i) => play(i % 2, (s) => policy.sample(s, uniform)));
      policy.update(batch);
    }
    for (const context of [0, 1]) {
      for (const t of [0, 1]) {
        const state = [context === 0 ? 1 : 0, context === 1 ? 1 : 0, t];
        assert.equal(policy.greedy(state), best[context], `context ${context} step ${t}: ${policy.probabilities(state).map((p) => p.toFixed(2))}`);
      }
    }
    policy.dispose();
  });

  it('round-trips its weights', () => {
    const a = new Policy({ stateSize: 4, numActions: 5, hidden: 6, learningRate: 0.01, entropyCoef: 0, seed: 3 });
    const b = new Policy({ stateSize: 4, numActions: 5, hidden: 6, learningRate: 0.01, entropyCoef: 0, seed: 9 });
    const s = [0.1, -0.2, 0.3, 0.5];
    assert.notDeepEqual(a.probabilities(s), b.probabilities(s));
    b.setWeightArrays(a.weightArrays());
    assert.deepEqual(b.probabilities(s), a.probabilities(s));
    assert.throws(() => b.setWeightArrays(a.weightArrays().slice(1)), /policy weights: expected shapes/);
    a.dispose();
    b.dispose();
  });
});
