import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AGENT_FORMAT_VERSION, saveAgent, type AgentFile } from '../../../src/control/agent.js';
import { STATE_FEATURES } from '../../../src/control/features.js';
import { Rng } from '../../../src/data/rng.js';
import { tune } from '../../../src/studies/tune.js';
import { tinyConfig, tmpDir } from '../../helpers.js';

/** An untrained in-run agent with small seeded parameters. */
function agentFile(seed: number): AgentFile {
  const rng = new Rng(seed);
  return {
    formatVersion: AGENT_FORMAT_VERSION, kind: 'flood-agent', design: 'steps', features: [...STATE_FEATURES],
    schedule: { warmupFraction: 0.2, decisions: 4 },
    params: Array.from({ length: 2 * STATE_FEATURES.length }, () => rng.normal()),
    training: { note: 'untrained, for tests' },
  };
}

const tmp = () => tmpDir('tune');
const tinyTask = (overrides = {}) => tinyConfig({ seed: 5, epochs: 10, ...overrides });

describe('tune', () => {
  it('runs agent, heuristic, grid and no flooding end to end and writes the comparison (every method: test/integration/studies/compare.test.ts)', async () => {
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
    // Checked (the default): agent and heuristic each count their own run and the b = 0 run they are checked against.
    assert.deepEqual(epochs, { agent: 12, heuristic: 12, grid: 12, none: 6 });
    assert.ok(summary.methods.filter((m) => m.kept !== undefined).map((m) => m.method).join() === 'agent,heuristic');
    for (const m of summary.methods) assert.ok(m.testAcc.last.mean > 0.5, `${m.method} trained`);
    const saved = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(saved.outcomes.length, 4);
  });
});
