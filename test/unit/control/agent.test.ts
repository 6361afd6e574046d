import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import {
  AgentController, decide, decisionEpochs, loadAgent, saveAgent, twinLevel, AGENT_FORMAT_VERSION, MAX_MULTIPLE, OUTPUTS, type AgentFile,
} from '../../../src/control/agent.js';
import { Rng } from '../../../src/data/rng.js';
import { packageFile } from '../../../src/core/files.js';
import { STATE_FEATURES } from '../../../src/control/features.js';
import { initBackend } from '../../../src/backend/index.js';
import { train } from '../../../src/train/train.js';
import { scriptedEpochs, tinyConfig, tmpDir } from '../../helpers.js';

before(async () => {
  await initBackend('wasm');
});

const tmp = () => tmpDir('agent');

const tinyTask = (overrides = {}) => tinyConfig({ seed: 5, epochs: 10, ...overrides });

/** An agent file with given parameters (default: small seeded ones, untrained). */
function agentFile(seed: number, design: 'steps' | 'twin' = 'steps', params?: number[]): AgentFile {
  const rng = new Rng(seed);
  const size = STATE_FEATURES.length * OUTPUTS[design];
  return {
    formatVersion: AGENT_FORMAT_VERSION, kind: 'flood-agent', design, features: [...STATE_FEATURES],
    schedule: { warmupFraction: 0.2, decisions: 4 },
    params: params ?? Array.from({ length: size }, () => rng.normal()),
    training: { note: 'untrained, for tests' },
  };
}

/** Parameters that use only feature `name` (and the constant): [outputs][features]. */
function onlyFeature(name: (typeof STATE_FEATURES)[number], weight: number, bias: number): number[] {
  return STATE_FEATURES.map((f) => (f === name ? weight : 0) + (f === 'constant 1' ? bias : 0));
}

describe('the agent\'s actions', () => {
  it('the first decision maps to the same b for the same scale, whatever the dataset\'s other metrics', () => {
    // Two runs of different tasks whose best validation loss is 0.8; a policy that reads only the constant.
    const agent = agentFile(0, 'steps', [...onlyFeature('constant 1', 0, 0.5), ...onlyFeature('constant 1', 0, 0)]);
    const mnistLike = scriptedEpochs([{ valLoss: 1.1, trainLoss: 0.9, valAcc: 0.7 }, { valLoss: 0.8, trainLoss: 0.2, trainAcc: 0.99, valAcc: 0.72 }]);
    const tabular = scriptedEpochs([{ valLoss: 0.8, trainLoss: 0.7, valAcc: 0.95 }, { valLoss: 0.9, trainLoss: 0.6, trainAcc: 0.5, valAcc: 0.93 }]);
    const b = (history: typeof mnistLike) => new AgentController(agent).floodLevel(history, { epoch: 3, epochs: 10, classes: 10 });
    const expected = MAX_MULTIPLE.steps * 0.8 / (1 + Math.exp(-0.5));
    assert.ok(Math.abs(b(mnistLike) - expected) < 1e-12);
    assert.ok(Math.abs(b(tabular) - expected) < 1e-12);
    assert.equal(decide('steps', [0, 1], 0.8, 0.2, false), 0.2 * 2 ** Math.tanh(1), 'steps: multiplies the level in force');
    assert.equal(decide('steps', [0, 9], 0.8, 0.9, false), MAX_MULTIPLE.steps * 0.8, 'steps: capped at 1.2 x scale');
  });

  it('acts only at its decision epochs', () => {
    const agent = agentFile(0, 'steps', [...onlyFeature('epoch / epochs', 3, -1), ...onlyFeature('epoch / epochs', 3, -1)]);
    const epochs = 20;
    const at = decisionEpochs(agent.schedule, epochs);
    assert.deepEqual(at, [5, 9, 13, 17], '20% warm-up (4 epochs), then 4 decisions every 4 epochs');
    const controller = new AgentController(agent);
    const history = scriptedEpochs(Array.from({ length: epochs }, (_, i) => ({ valLoss: 1 - 0.01 * i })));
    const levels = Array.from({ length: epochs }, (_, i) => controller.floodLevel(history.slice(0, i), { epoch: i + 1, epochs, classes: 10 }));
    assert.deepEqual(levels.slice(0, 4), [0, 0, 0, 0]);
    for (let e = 2; e <= epochs; e++) {
      if (!at.includes(e)) assert.equal(levels[e - 1], levels[e - 2], `no change before epoch ${e}`);
      else assert.notEqual(levels[e - 1], levels[e - 2], `a new level before epoch ${e}`);
    }
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
    assert.ok(levelsA.slice(2).every((b) => b > 0), 'then the agent sets b');
  });

  it('the committed default agent is a twin: from a real run without flooding it sets a level in tenths of that run\'s scale', async () => {
    const agent = await loadAgent(packageFile('agents/default-agent.json'));
    assert.equal(agent.design, 'twin');
    const first = await train(tinyTask({ epochs: 10, noise: 0.3 }));
    const { multiple, scale, level } = twinLevel(agent, first.history, first.classes);
    assert.ok(multiple >= 0 && multiple <= 1 && Math.abs(10 * multiple - Math.round(10 * multiple)) < 1e-9, `c = ${multiple}`);
    assert.equal(scale, Math.min(...first.history.slice(0, 2).map((m) => m.valLoss)), 'the scale of the first 20% of the run');
    assert.ok(Math.abs(level - multiple * scale) < 1e-4);
  });

  it('the committed steps agent loads and sets b in a real run', async () => {
    const agent = await loadAgent(packageFile('agents/steps-agent.json'));
    const result = await train(tinyTask({ epochs: 10 }), { controller: new AgentController(agent) });
    assert.equal(result.controller, 'agent');
    const at = decisionEpochs(agent.schedule, 10);
    assert.ok(result.history.slice(0, at[0] - 1).every((m) => m.floodLevel === 0), 'no flooding before the first decision');
    assert.ok(result.history.every((m) => m.floodLevel >= 0 && m.floodLevel <= MAX_MULTIPLE.steps * 3), 'levels on the loss scale of the task');
  });

  it('refuses a file of another format version, naming it', async () => {
    const dir = await tmp();
    const file = path.join(dir, 'agent.json');
    await saveAgent(file, { ...agentFile(1), formatVersion: 99 as typeof AGENT_FORMAT_VERSION });
    await assert.rejects(loadAgent(file), /format version 99/);
  });
});
