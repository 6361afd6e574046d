import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionError } from '../../../src/core/errors.js';
import { boundPlan } from '../../../src/methods/bound.js';
import { halvingPlan, rungBudgets } from '../../../src/methods/halving.js';
import { pbtPlan } from '../../../src/methods/pbt.js';
import type { Done, MethodPlan } from '../../../src/methods/plan.js';
import { relativeLevels, scaleTrial } from '../../../src/methods/relative.js';
import { lossScale, noiseEntropy, warmupEpochs } from '../../../src/train/scale.js';
import type { TrialResult, TrialSpec } from '../../../src/trials/trial.js';
import { readout, scriptedEpochs, tinyConfig } from '../../helpers.js';

/** A finished trial whose validation accuracy is `valAcc(b, epochs)`, with the lineage it continued. */
function scripted(t: TrialSpec, done: Done, valAcc: (b: number, epochs: number) => number): TrialResult {
  const until = t.segment?.until ?? t.config.epochs;
  const inherited = t.segment?.from === undefined ? [] : (done.get(t.segment.from) as TrialResult).history;
  const own = scriptedEpochs(Array.from({ length: until - inherited.length }, () => ({ floodLevel: t.config.flood })))
    .map((m, i) => ({ ...m, epoch: inherited.length + i + 1 }));
  const acc = valAcc(t.config.flood, until);
  return {
    ...t, backend: 'cpu', classes: 2, history: [...inherited, ...own],
    last: readout(until, acc, acc), bestVal: readout(until, acc, acc), wallSeconds: 1,
  };
}

/** Runs a plan to the end on scripted results; returns every batch it asked for. */
function drive(plan: MethodPlan, valAcc: (b: number, epochs: number) => number): { done: Map<string, TrialResult>; batches: TrialSpec[][] } {
  const done = new Map<string, TrialResult>();
  const batches: TrialSpec[][] = [];
  for (let next = plan.next(done); next.length > 0; next = plan.next(done)) {
    batches.push(next);
    for (const t of next) done.set(t.id, scripted(t, done, valAcc));
  }
  return { done, batches };
}

const LEVELS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

describe('successive halving', () => {
  it('rung budgets: E/9, E/3, E for 11 levels and eta 3; fewer rungs for a larger minimum', () => {
    assert.deepEqual(rungBudgets(11, 90, { eta: 3, minEpochs: 0 }), [10, 30, 90]);
    assert.deepEqual(rungBudgets(11, 90, { eta: 3, minEpochs: 20 }), [30, 90]);
    assert.deepEqual(rungBudgets(2, 90, { eta: 3, minEpochs: 0 }), [90]);
  });

  it('promotes the best third by validation accuracy and continues them; 23/9 of a run for 11 levels', () => {
    // Early on small b looks best, at the end b = 0.6: halving keeps what looks best at each rung.
    const valAcc = (b: number, epochs: number) => (epochs <= 10 ? 0.8 - 0.1 * b : 0.8 - Math.abs(b - 0.6));
    const plan = halvingPlan(tinyConfig({ epochs: 90 }), LEVELS, { eta: 3, minEpochs: 0 });
    const { done, batches } = drive(plan, valAcc);
    assert.deepEqual(batches.map((b) => b.length), [11, 3, 1]);
    assert.deepEqual(batches[1].map((t) => t.config.flood), [0, 0.1, 0.2], 'the best 3 of rung 0');
    for (const t of batches[1]) assert.equal(done.get(t.segment?.from as string)?.config.flood, t.config.flood, 'continues its own run');
    assert.deepEqual(batches[2].map((t) => t.config.flood), [0.2], 'closest to 0.6 of the survivors');
    const outcome = plan.outcome(done);
    assert.equal(outcome.floodLevel.last, 0.2);
    assert.equal(outcome.epochs, 11 * 10 + 3 * 20 + 60);
  });
});

describe('population based training', () => {
  it('the bottom quarter continue from a top-quarter member at a neighbouring level; the rest continue themselves', () => {
    const valAcc = (b: number) => 0.9 - Math.abs(b - 0.5);
    const plan = pbtPlan(tinyConfig({ epochs: 40, seed: 3 }), LEVELS, { population: 8, interval: 10, quantile: 0.25 });
    const { done, batches } = drive(plan, valAcc);
    assert.equal(batches.length, 4);
    const first = batches[0].map((t) => done.get(t.id) as TrialResult);
    assert.deepEqual(first.map((r) => r.config.flood), [0, 0.1, 0.3, 0.4, 0.6, 0.7, 0.9, 1]);
    const ranked = [...first].sort((a, b) => b.last.valAcc - a.last.valAcc || a.config.flood - b.config.flood);
    const top = new Set(ranked.slice(0, 2).map((r) => r.id));
    const bottom = new Set(ranked.slice(-2).map((r) => r.id));
    for (const t of batches[1]) {
      const parent = done.get(t.segment?.from as string) as TrialResult;
      if (top.has(parent.id) && t.config.flood !== parent.config.flood) {
        assert.equal(Math.round(10 * Math.abs(t.config.flood - parent.config.flood)), 1, 'explore: one level away');
      } else {
        assert.equal(t.config.flood, parent.config.flood, 'exploit only for the bottom quarter');
        assert.ok(!bottom.has(parent.id), 'the bottom quarter do not continue themselves');
      }
    }
    const outcome = plan.outcome(done);
    assert.ok([0.4, 0.5, 0.6].includes(outcome.floodLevel.last), `ends near the best level, got ${outcome.floodLevel.last}`);
    assert.equal(outcome.trajectory.length, 40, 'the trajectory follows the best member\'s lineage');
  });
});

describe('the task-fitted level range', () => {
  it('scale = the lowest validation loss of the warm-up; levels 0, 0.1, ..., 1 x scale', () => {
    const config = tinyConfig({ epochs: 30 });
    const trial = scaleTrial(config);
    assert.equal(trial.segment?.until, warmupEpochs(30));
    assert.equal(warmupEpochs(30), 6);
    const result = { ...trial, backend: 'cpu', classes: 10, history: scriptedEpochs([{ valLoss: 1.4 }, { valLoss: 1.2 }, { valLoss: 1.25 }]), last: readout(3, 0.7, 0.7), bestVal: readout(2, 0.7, 0.7), wallSeconds: 1 };
    assert.equal(lossScale(result.history), 1.2);
    assert.deepEqual(relativeLevels(1.2), [0, 0.12, 0.24, 0.36, 0.48, 0.6, 0.72, 0.84, 0.96, 1.08, 1.2]);
    assert.ok(Math.abs(noiseEntropy(0.2, 10) - 0.94) < 0.005, 'the reference: 0.94 nats at 20% noise over 10 classes');
    assert.ok(Math.abs(noiseEntropy(0.1, 2) - 0.325) < 0.001);
  });
});

describe('methods that continue a warm-up', () => {
  it('need a run long enough to continue: one epoch is refused on --epochs, before anything trains', () => {
    assert.throws(() => boundPlan(tinyConfig({ epochs: 1 }), 1), (err: unknown) => err instanceof OptionError && err.option === 'epochs' && /at least 2 for the bound method/.test(err.detail));
    const plan = boundPlan(tinyConfig({ epochs: 2 }), 1);
    assert.deepEqual(plan.next(new Map()).map((t) => t.segment?.until), [1], 'two epochs: a warm-up of one, continued for one');
  });
});
