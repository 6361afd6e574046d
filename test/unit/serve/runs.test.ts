/**
 * The runs of autoflood serve without HTTP: every field of a new run and of an epoch checked, with
 * the status and the field at fault; a run's levels equal to its controller's in-process ones; an
 * epoch out of turn or without what its method reads refused; a run rebuilt from its data gives
 * the same levels.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadAgent } from '../../../src/control/agent.js';
import { HeuristicController } from '../../../src/control/heuristic.js';
import { RuleController } from '../../../src/control/rule-controller.js';
import { packageFile } from '../../../src/core/files.js';
import { epochsNeedingStats, LiveRun, parseEpoch, parseRunSettings, RequestError, type NamedAgent } from '../../../src/serve/runs.js';
import type { EpochMetrics } from '../../../src/train/controller.js';
import { lossStats } from '../../../src/train/noise.js';

const RUN: EpochMetrics[] = readFileSync('test/fixtures/logs/autoflood/metrics.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochMetrics);
const DEFAULTS = { ruleMultiple: 0.8, boundFactor: 1 };
const core = (m: EpochMetrics) => ({ epoch: m.epoch, trainLoss: m.trainLoss, trainAcc: m.trainAcc, valLoss: m.valLoss, valAcc: m.valAcc });

/** Asserts `fn` throws a RequestError with this status and field, its message matching. */
async function refuses(fn: () => unknown, status: number, field: string | undefined, pattern: RegExp): Promise<void> {
  await assert.rejects(async () => fn(), (err: unknown) => {
    assert.ok(err instanceof RequestError, String(err));
    assert.equal(err.status, status, err.message);
    assert.equal(err.field, field, err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('a new run', () => {
  const steps: NamedAgent[] = [];
  it('is read with its defaults', async () => {
    steps.push({ name: 'steps-agent', file: 'x', agent: await loadAgent(packageFile('agents/steps-agent.json')) });
    assert.deepEqual(parseRunSettings({ classes: 10, epochs: 50, method: 'rule' }, steps, DEFAULTS), { classes: 10, epochs: 50, method: 'rule', multiple: 0.8 });
    assert.deepEqual(parseRunSettings({ classes: 2, epochs: 5, method: 'bound', factor: 0.5 }, steps, DEFAULTS), { classes: 2, epochs: 5, method: 'bound', factor: 0.5 });
    assert.deepEqual(parseRunSettings({ classes: 2, epochs: 5, method: 'heuristic' }, steps, DEFAULTS), { classes: 2, epochs: 5, method: 'heuristic' });
    const agent = parseRunSettings({ classes: 2, epochs: 5, method: 'agent' }, steps, DEFAULTS);
    assert.equal(agent.agent?.name, 'steps-agent');
    assert.equal(agent.agent?.file.design, 'steps', 'the agent is kept whole in the run');
  });

  const cases: [string, unknown, string | undefined, RegExp][] = [
    ['a body that is no object', [1, 2], 'body', /body: expected a JSON object/],
    ['a missing field', { epochs: 5, method: 'rule' }, 'classes', /classes: required in a new run/],
    ['one class', { classes: 1, epochs: 5, method: 'rule' }, 'classes', /classes: expected an integer from 2 to 100000, got 1/],
    ['classes as text', { classes: '10', epochs: 5, method: 'rule' }, 'classes', /classes: expected an integer from 2 to 100000, got "10"/],
    ['zero epochs', { classes: 2, epochs: 0, method: 'rule' }, 'epochs', /epochs: expected an integer from 1 to 100000, got 0/],
    ['an unknown method', { classes: 2, epochs: 5, method: 'grid' }, 'method', /method: expected one of agent, heuristic, rule, bound, got "grid"/],
    ['an unknown field', { classes: 2, epochs: 5, method: 'rule', lr: 0.1 }, 'lr', /lr: not a field of a new run \(its fields: classes, epochs, method, agent, multiple, factor\)/],
    ['a multiple for another method', { classes: 2, epochs: 5, method: 'bound', multiple: 0.5 }, 'multiple', /multiple: only for method rule, not bound/],
    ['a multiple out of range', { classes: 2, epochs: 5, method: 'rule', multiple: 50 }, 'multiple', /multiple: expected a number >= 0 and <= 10, got 50/],
    ['an agent the server does not have', { classes: 2, epochs: 5, method: 'agent', agent: '../../etc/passwd' }, 'agent', /agent: no agent "..\/..\/etc\/passwd" on this server \(its agents: steps-agent\)/],
  ];
  for (const [what, body, field, pattern] of cases) it(`refuses ${what} (400)`, () => refuses(() => parseRunSettings(body, steps, DEFAULTS), 400, field, pattern));

  it('refuses method agent on a server without agents', () =>
    refuses(() => parseRunSettings({ classes: 2, epochs: 5, method: 'agent' }, [], DEFAULTS), 400, 'method', /this server has no in-run agent \(start it with --agent <file>/));
});

describe('an epoch', () => {
  it('keeps what was posted; per-example losses become their statistics', () => {
    assert.deepEqual(parseEpoch(core(RUN[0]), 2), core(RUN[0]));
    const losses = [0.1, 0.2, 0.15, 2.5, 0.05, 3.1, 0.12, 0.3];
    assert.deepEqual(parseEpoch({ ...core(RUN[0]), losses }, 2), { ...core(RUN[0]), ...lossStats(losses, 2) });
    const { lossQuantiles, highLossShare, noisyShare } = RUN[0];
    assert.deepEqual(parseEpoch({ ...core(RUN[0]), lossQuantiles, highLossShare, noisyShare }, 2), { ...core(RUN[0]), lossQuantiles, highLossShare, noisyShare });
    const line = RUN[3] as unknown as Record<string, unknown>;
    assert.deepEqual(parseEpoch(line, 2), line, 'a line of metrics.jsonl as it is');
  });

  const ok = core(RUN[0]);
  const cases: [string, unknown, string, RegExp][] = [
    ['a missing metric', { epoch: 1, trainLoss: 0.5, trainAcc: 0.5, valLoss: 0.6 }, 'valAcc', /valAcc: required in an epoch/],
    ['an accuracy in percent', { ...ok, valAcc: 87.5 }, 'valAcc', /valAcc: expected a number >= 0 and <= 1, got 87.5 \(a fraction: divide a percentage by 100\)/],
    ['a negative loss', { ...ok, trainLoss: -1 }, 'trainLoss', /trainLoss: expected a number >= 0, got -1 \(a mean cross-entropy in nats\)/],
    ['a loss as text', { ...ok, valLoss: 'NaN' }, 'valLoss', /valLoss: expected a number >= 0, got "NaN"/],
    ['an epoch 0', { ...ok, epoch: 0 }, 'epoch', /epoch: expected an integer from 1 to 100000, got 0/],
    ['an unknown field', { ...ok, val_loss: 0.3 }, 'val_loss', /val_loss: not a field of an epoch/],
    ['part of the statistics', { ...ok, noisyShare: 0.2 }, 'lossQuantiles', /lossQuantiles: the per-example statistics come together/],
    ['quantiles out of order', { ...ok, lossQuantiles: [1, 0.5, 2, 3, 4], highLossShare: 0.1, noisyShare: 0.1 }, 'lossQuantiles', /5 numbers >= 0 in increasing order/],
    ['losses and statistics both', { ...ok, losses: [0.1], lossQuantiles: [0, 0, 0, 0, 0], highLossShare: 0, noisyShare: 0 }, 'losses', /the per-example losses or their statistics, not both/],
    ['losses that are no list', { ...ok, losses: 0.5 }, 'losses', /losses: expected a non-empty array/],
    ['a loss that is no loss', { ...ok, losses: [0.1, 0.2, null] }, 'losses', /losses: item 2 is null, expected a number >= 0/],
  ];
  for (const [what, body, field, pattern] of cases) it(`refuses ${what} (400)`, () => refuses(() => parseEpoch(body, 2), 400, field, pattern));
});

describe('a run', () => {
  it('gives the levels of its controller in-process, and the same again when rebuilt from its data', async () => {
    for (const [settings, controller] of [
      [{ classes: 2, epochs: RUN.length, method: 'rule', multiple: 0.8 }, new RuleController(0.8)],
      [{ classes: 2, epochs: RUN.length, method: 'heuristic' }, new HeuristicController()],
    ] as const) {
      const run = await LiveRun.create('r1', settings);
      const expected = [controller.floodLevel([], { epoch: 1, epochs: RUN.length, classes: 2 })];
      for (let k = 0; k < RUN.length; k++) {
        await run.record(parseEpoch(core(RUN[k]), 2));
        if (k + 1 < RUN.length) expected.push(controller.floodLevel(RUN.slice(0, k + 1), { epoch: k + 2, epochs: RUN.length, classes: 2 }));
      }
      assert.deepEqual(run.data.levels, expected, settings.method);
      assert.equal(run.done, true);
      assert.equal(run.level, undefined);
      const again = await LiveRun.replay(JSON.parse(JSON.stringify(run.data)));
      assert.deepEqual(again.view(), run.view());
    }
  });

  it('refuses an epoch out of turn or after the last (409), a level other than the one served (409), and a warm-up without the losses its method reads (400)', async () => {
    const run = await LiveRun.create('r2', { classes: 2, epochs: 2, method: 'rule', multiple: 0.8 });
    await refuses(() => run.record(parseEpoch({ ...core(RUN[1]), epoch: 2 }, 2)), 409, 'epoch', /the run expects epoch 1, got 2/);
    await run.record(parseEpoch(core(RUN[0]), 2));
    await refuses(() => run.record(parseEpoch({ ...core(RUN[1]), epoch: 1 }, 2)), 409, 'epoch', /epoch 1 was posted already, with other values; the run expects epoch 2 \(only the last epoch posted may be sent again/);
    await run.record(parseEpoch(core(RUN[1]), 2));
    await refuses(() => run.record(parseEpoch({ ...core(RUN[1]), epoch: 3 }, 2)), 409, 'epoch', /the run has finished its 2 epochs/);

    const rule = await LiveRun.create('r6', { classes: 2, epochs: 2, method: 'rule', multiple: 0.8 });
    await refuses(() => rule.record(parseEpoch({ ...core(RUN[0]), floodLevel: 0.3 }, 2)), 409, 'floodLevel', /floodLevel: this run served b = 0 for epoch 1, got 0\.3/);
    await rule.record(parseEpoch({ ...core(RUN[0]), floodLevel: 1e-9 }, 2)); // float32 rounding of the level served
    const served = rule.level as number;
    assert.ok(served > 0);
    await rule.record(parseEpoch({ ...core(RUN[1]), floodLevel: served * 1.003 }, 2)); // bfloat16 rounding of it
    assert.equal(rule.data.epochs.length, 2);

    const bound = await LiveRun.create('r3', { classes: 2, epochs: 20, method: 'bound', factor: 1 });
    assert.equal(epochsNeedingStats(bound.data.settings), 4);
    await refuses(() => bound.record(parseEpoch(core(RUN[0]), 2)), 400, 'losses',
      /losses: the noise-bound rule reads the per-example training losses of the warm-up \(epochs 1-4\): post "losses" .* with epoch 1, or their statistics lossQuantiles, highLossShare, noisyShare/);
    assert.equal(bound.data.epochs.length, 0, 'nothing recorded');
  });

  it('refuses a warm-up whose losses cannot be a mean cross-entropy in nats (422), as suggest does, before it gives a level from them', async () => {
    const run = await LiveRun.create('r5', { classes: 2, epochs: 10, method: 'rule', multiple: 0.8 });
    const summed = (m: EpochMetrics) => parseEpoch({ ...core(m), trainLoss: 55, valLoss: 50 }, 2);
    await run.record(summed(RUN[0])); // epoch 1 of a 2-epoch warm-up: no level read from it yet
    await refuses(() => run.record(summed(RUN[1])), 422, 'valLoss',
      /valLoss: over epochs 1-2 \(the warm-up\), the lowest validation loss is 50, above 4 x ln\(2\) = 2\.7726: losses must be the mean cross-entropy per example in nats/);
    assert.equal(run.data.epochs.length, 1, 'nothing recorded');
    assert.deepEqual(run.data.levels, [0, 0], 'no level served from them');
    // The heuristic reads accuracies only: its losses may be in any unit.
    const heuristic = await LiveRun.create('r7', { classes: 2, epochs: 10, method: 'heuristic' });
    for (const m of RUN.slice(0, 3)) await heuristic.record(summed(m));
    assert.equal(heuristic.data.epochs.length, 3);
    // A state file written before the check existed is replayed as it is.
    const old = { ...run.data, epochs: [...run.data.epochs, parseEpoch({ ...core(RUN[1]), trainLoss: 55, valLoss: 50 }, 2)], levels: [0, 0, 40] };
    const replayed = await LiveRun.replay(JSON.parse(JSON.stringify(old)));
    assert.deepEqual(replayed.data.levels, [0, 0, 40]);
  });

  it('a replay that no longer gives the recorded levels is refused', async () => {
    const run = await LiveRun.create('r4', { classes: 2, epochs: 20, method: 'rule', multiple: 0.8 });
    for (const m of RUN.slice(0, 6)) await run.record(parseEpoch(core(m), 2));
    const data = { ...run.data, levels: run.data.levels.map((b, i) => (i === 5 ? b + 0.1 : b)) };
    await assert.rejects(LiveRun.replay(data), /run r4: its controller now gives the levels .* not the recorded/);
  });
});
