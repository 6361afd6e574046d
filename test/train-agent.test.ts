import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { trainAgent, type TrainAgentOptions } from '../agents/train-agent.js';
import type { TaskDistribution } from '../agents/tasks.js';
import { resolveTrainConfig } from '../src/train/config.js';
import { tmpDir } from './helpers.js';

const tmp = () => tmpDir('train-agent');

/** Tiny synthetic tasks so an episode takes a fraction of a second. */
const tiny: TaskDistribution = {
  name: 'tiny', description: 'tiny two-gaussians tasks for tests', levels: [0, 0.1, 0.3],
  sample: (seed, index) => resolveTrainConfig({
    dataset: 'two-gaussians', noise: index % 2 === 0 ? 0 : 0.2, seed: seed * 1000 + index,
    trainSize: 100, valSize: 100, testSize: 100, depth: 1, width: 16, epochs: 6, batchSize: 50,
  }),
};

const options = (out: string): TrainAgentOptions => ({
  tasks: 'tiny', distribution: tiny, episodes: 12, tasksPerUpdate: 2, rolloutsPerTask: 2, out, seed: 3,
  schedule: { warmupFraction: 0.3, decisions: 2 }, policy: { hidden: 4, learningRate: 0.05, entropyCoef: 0.01 },
  workers: 2, backend: 'wasm',
});

describe('train-agent', () => {
  it('logs a learning curve, and a killed training resumes from its checkpoint to the same agent', async () => {
    const straight = await trainAgent(options(await tmp()));
    assert.equal(straight.curve.length, 3, '12 episodes = 3 updates of 2 tasks x 2 rollouts');
    assert.deepEqual(straight.curve.map((p) => p.update), [0, 1, 2]);

    const out = await tmp();
    const controller = new AbortController();
    await assert.rejects(trainAgent({ ...options(out), signal: controller.signal, onUpdate: (p) => p.update === 0 && controller.abort() }), /aborted/);
    const checkpoint = JSON.parse(await readFile(path.join(out, 'checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.update, 0);
    await assert.rejects(trainAgent(options(out)), /--resume/);
    const resumed = await trainAgent({ ...options(out), resume: true });
    assert.deepEqual(resumed.curve.map((p) => p.update), [0, 1, 2], 'no update lost or repeated');
    assert.deepEqual(resumed.agent.policy.weights, straight.agent.policy.weights, 'same policy as an uninterrupted training');
    const saved = JSON.parse(await readFile(path.join(out, 'agent.json'), 'utf8'));
    assert.equal(saved.formatVersion, 1);
  });
});
