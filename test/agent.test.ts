import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { AgentController, loadAgent, saveAgent, AGENT_FORMAT_VERSION, type AgentFile } from '../agents/agent.js';
import { Policy } from '../agents/policy.js';
import { tune } from '../src/search/tune.js';
import { DEFAULT_AGENT } from '../src/cli/commands/search.js';
import { FloodEnv } from '../envs/flood-env.js';
import { STATE_FEATURES } from '../envs/features.js';
import { initBackend } from '../src/backend/index.js';
import { loadDataset } from '../src/data/index.js';
import { datasetOptionsOf, train } from '../src/train/train.js';
import { tinyConfig, tmpDir } from './helpers.js';

before(async () => {
  await initBackend('wasm');
});

const tmp = () => tmpDir('agent');

const tinyTask = (overrides = {}) => tinyConfig({ seed: 5, epochs: 10, ...overrides });

function agentFile(seed: number): AgentFile {
  const levels = [0, 0.1, 0.2, 0.3];
  const policy = new Policy({ stateSize: STATE_FEATURES.length, numActions: levels.length, hidden: 4, learningRate: 0.01, entropyCoef: 0, seed });
  const file: AgentFile = {
    formatVersion: AGENT_FORMAT_VERSION, kind: 'flood-agent', features: [...STATE_FEATURES], levels,
    schedule: { warmupFraction: 0.2, decisions: 4 },
    policy: { config: policy.config, weights: policy.weightArrays() },
    training: { note: 'untrained, for tests' },
  };
  policy.dispose();
  return file;
}

describe('FloodEnv', () => {
  it('follows the reset/step contract', async () => {
    const config = tinyTask();
    const env = new FloodEnv({ config, dataset: await loadDataset(datasetOptionsOf(config)), levels: [0, 0.1, 0.2], epochsPerStep: 3, warmupEpochs: 2 });
    assert.throws(() => env.step(0), /reset\(\) first/);
    const s0 = env.reset();
    assert.equal(s0.length, FloodEnv.stateSize);
    assert.ok(s0.every(Number.isFinite));
    assert.equal(env.history.length, 2, 'reset trains the warm-up');
    assert.equal(env.horizon, 3);
    assert.throws(() => env.step(3), /action: must be an integer in \[0, 3\)/);
    let rewardSum = 0;
    const steps = [];
    for (let done = false; !done; ) {
      const r = env.step(2);
      steps.push(r);
      rewardSum += r.reward;
      done = r.done;
    }
    assert.deepEqual(steps.map((r) => r.metrics.length), [3, 3, 2], 'k epochs per step, the last one cut at the run end');
    assert.ok(steps.flatMap((r) => r.metrics).every((m) => m.floodLevel === 0.2));
    assert.equal(steps[steps.length - 1].state[STATE_FEATURES.indexOf('current flood level')], 0.2);
    // Rewards telescope: their sum is the final potential minus the warm-up's.
    const h = env.history;
    const potential = (ms: typeof h) => ms.reduce((a, m) => a + m.valAcc, 0) / ms.length;
    assert.ok(Math.abs(rewardSum - (potential(h.slice(-3)) - potential(h.slice(0, 2)))) < 1e-9);
    assert.throws(() => env.step(0), /episode is over/);
    const before = tf.memory().numTensors;
    env.reset();
    env.step(1);
    env.dispose();
    assert.ok(tf.memory().numTensors <= before, 'dispose frees the run');
  });
});

describe('agent file', () => {
  it('round-trips through disk and acts the same', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'agent.json');
    const original = agentFile(1);
    await saveAgent(file, original);
    const loaded = await loadAgent(file);
    assert.deepEqual(loaded, original);
    const config = tinyTask();
    const levelsA = (await train(config, { controller: new AgentController(original) })).history.map((m) => m.floodLevel);
    const levelsB = (await train(config, { controller: new AgentController(loaded) })).history.map((m) => m.floodLevel);
    assert.deepEqual(levelsA, levelsB);
    assert.deepEqual(levelsA.slice(0, 2), [0, 0], 'no flooding during the warm-up (20% of 10 epochs)');
  });

  it('the committed default agent loads and sets b in a real run', async () => {
    const agent = await loadAgent(DEFAULT_AGENT);
    const result = await train(tinyTask({ epochs: 10 }), { controller: new AgentController(agent) });
    assert.equal(result.controller, 'agent');
    for (const m of result.history) assert.ok(agent.levels.includes(m.floodLevel) || m.floodLevel === 0, `epoch ${m.epoch}: b ${m.floodLevel}`);
  });

  it('refuses a file of another format version, naming it', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'agent.json');
    await saveAgent(file, { ...agentFile(1), formatVersion: 99 as typeof AGENT_FORMAT_VERSION });
    await assert.rejects(loadAgent(file), /format version 99/);
  });
});

describe('tune --method all', () => {
  it('runs agent, heuristic, grid and no flooding end to end and writes the comparison', async () => {
    const dir = await tmp();
    const agentPath = path.join(dir, 'agent.json');
    await saveAgent(agentPath, agentFile(2));
    const out = path.join(dir, 'tune');
    const { summary } = await tune({
      config: tinyTask({ epochs: 6 }), methods: ['agent', 'heuristic', 'grid', 'none'], seeds: [0],
      levels: [0, 0.2], agentPath, out, workers: 2,
    });
    assert.deepEqual(summary.methods.map((m) => m.method), ['agent', 'heuristic', 'grid', 'none']);
    const epochs = Object.fromEntries(summary.methods.map((m) => [m.method, m.epochs.mean]));
    assert.deepEqual(epochs, { agent: 6, heuristic: 6, grid: 12, none: 6 });
    for (const m of summary.methods) assert.ok(m.testAcc.last.mean > 0.5, `${m.method} trained`);
    const saved = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(saved.outcomes.length, 4);
  });
});
