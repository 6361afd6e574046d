import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeuristicController } from '../../../src/control/heuristic.js';
import type { EpochMetrics } from '../../../src/train/controller.js';
import { scriptedEpochs } from '../../helpers.js';

/** Scripted epochs: training loss, validation accuracy (in percent) and training accuracy (default 1) per epoch. */
function script(rows: ([number, number] | [number, number, number])[]): EpochMetrics[] {
  return scriptedEpochs(rows.map(([trainLoss, valPct, trainAcc = 1]) => ({ trainLoss, trainAcc, valAcc: valPct / 100, valAccClean: valPct / 100 })));
}

/** The levels the controller returns when asked before each epoch 1..n+1. */
function levels(controller: HeuristicController, history: EpochMetrics[]): number[] {
  const epochs = history.length + 1;
  return Array.from({ length: epochs }, (_, i) => controller.floodLevel(history.slice(0, i), { epoch: i + 1, epochs, classes: 2 }));
}

const round = (xs: number[]) => xs.map((x) => Math.round(x * 1e6) / 1e6);

describe('heuristic controller (alpha 0.015, lambda 0.4 points)', () => {
  it('waits for zero training error (the reference\'s literal start), then starts at b = 0.0001', () => {
    const h = script([[0.5, 70, 0.8], [1e-3, 75, 0.999], [0.02, 76, 1]]);
    assert.deepEqual(round(levels(new HeuristicController(), h)), [0, 0, 0, 0.0001]);
  });

  it('or, with startAfterLoss, for the training loss to fall below it', () => {
    const h = script([[0.5, 70, 1], [1e-3, 75, 1], [5e-5, 76, 1]]);
    assert.deepEqual(round(levels(new HeuristicController({ startAfterLoss: 1e-4 }), h)), [0, 0, 0, 0.0001]);
  });

  it('raises b when validation accuracy beats the reference by lambda, lowers it when it falls lambda below', () => {
    const h = script([
      [5e-5, 80], // memorised: phase 2 starts at 0.0001
      [5e-5, 80], // x = 80 >= 0 + 0.4: reference 80, b + alpha
      [5e-5, 80.3], // within the dead band: unchanged
      [5e-5, 80.5], // >= 80.4: reference 80.5, b + alpha
      [5e-5, 80.0], // < 80.1: reference 80, b - alpha
      [5e-5, 79.7], // within the band of 80: unchanged
    ]);
    const b0 = 0.0001;
    assert.deepEqual(round(levels(new HeuristicController(), h)), round([0, b0, b0 + 0.015, b0 + 0.015, b0 + 0.03, b0 + 0.015, b0 + 0.015]));
  });

  it('clips b to [0, maxLevel]', () => {
    const rising = script([[5e-5, 10], ...Array.from({ length: 8 }, (_, i): [number, number] => [5e-5, 20 + 10 * i])]);
    const out = levels(new HeuristicController({ alpha: 0.1, maxLevel: 0.25 }), rising);
    assert.equal(Math.max(...out), 0.25);
    const falling = script([[5e-5, 90], [5e-5, 90], ...Array.from({ length: 5 }, (_, i): [number, number] => [5e-5, 80 - 10 * i])]);
    assert.equal(Math.min(...levels(new HeuristicController({ alpha: 0.1 }), falling).slice(2)), 0);
  });

  it('rejects a negative option, naming it', () => {
    assert.throws(() => new HeuristicController({ alpha: -1 }), /heuristic\.alpha/);
  });
});
