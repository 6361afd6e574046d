import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadAgent } from '../../../src/control/agent.js';
import { CEM_DEFAULTS } from '../../../src/control/cem.js';
import { trainAgent, type TrainAgentOptions } from '../../../src/studies/train-agent.js';
import type { TaskDistribution } from '../../../src/tasks/tasks.js';
import { RunLog } from '../../../src/trials/run-log.js';
import { tinyConfig, tmpDir } from '../../helpers.js';

const tmp = () => tmpDir('train-agent');

/** Tiny synthetic tasks so an episode takes a fraction of a second. */
const tiny: TaskDistribution = {
  name: 'tiny', description: 'tiny two-gaussians tasks for tests',
  sample: (seed, index) => tinyConfig({ noise: index % 2 === 0 ? 0 : 0.2, seed: seed * 1000 + index, trainSize: 100, depth: 1, width: 16, epochs: 6, batchSize: 50 }),
};

const options = (out: string): TrainAgentOptions => ({
  tasks: 'tiny', distribution: tiny, generations: 3, tasksPerGeneration: 2, out, seed: 3,
  cem: { ...CEM_DEFAULTS, population: 3 }, schedule: { warmupFraction: 0.3, decisions: 2 }, workers: 2,
});

describe('train-agent', () => {
  it('logs a learning curve, and a killed training resumes to the same agent without rerunning an episode', async () => {
    const straightOut = await tmp();
    const straight = await trainAgent(options(straightOut));
    assert.deepEqual(straight.curve.map((p) => p.generation), [0, 1, 2]);
    assert.deepEqual(straight.curve.map((p) => p.episodes), [6, 12, 18], '3 candidates x 2 tasks per generation');

    const out = await tmp();
    const controller = new AbortController();
    await assert.rejects(trainAgent({ ...options(out), signal: controller.signal, onGeneration: (p) => p.generation === 0 && controller.abort() }), /aborted/);
    await assert.rejects(trainAgent(options(out)), /--resume/);
    await assert.rejects(trainAgent({ ...options(out), seed: 4, resume: true }), /other options \(seed differ\)/);
    const logged = (await RunLog.open(out)).size;
    let ranAfter = 0;
    const resumed = await trainAgent({ ...options(out), resume: true, onTrial: () => ranAfter++ });
    assert.deepEqual(resumed.curve.map((p) => p.generation), [0, 1, 2], 'no generation lost or repeated');
    const total = (await RunLog.open(out)).size;
    assert.equal(total, (await RunLog.open(straightOut)).size, 'every episode logged once');
    assert.equal(ranAfter, total - logged, 'episodes logged before the kill were not run again');
    assert.deepEqual(resumed.agent.params, straight.agent.params, 'same policy as an uninterrupted training');
    const saved = await loadAgent(path.join(out, 'agent.json'));
    assert.equal(saved.formatVersion, 2);
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.kind, 'train-agent');
  });
});
