/** The methods table's "b, early stopping" for controllers: the level in force at the best-validation epoch. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methodsTable } from '../../../src/report/methods.js';
import type { MethodOutcome } from '../../../src/methods/compare.js';
import { summarizeOutcomes } from '../../../src/methods/summary.js';
import { readout } from '../../helpers.js';

/** One seed of a controller: no flooding for 2 epochs (its warm-up), then `after`, best validation at `bestEpoch`. */
function outcome(method: 'agent' | 'heuristic', seed: number, bestEpoch: number, after = 0.4): MethodOutcome {
  const trajectory = [0, 0, after, after, after];
  return {
    method, seed, trialIds: [`t${seed}`], runs: { last: `t${seed}`, bestVal: `t${seed}` },
    readouts: { last: readout(5, 0.8, 0.78), bestVal: readout(bestEpoch, 0.82, 0.8) },
    floodLevel: { last: after, bestVal: after }, trajectory, epochs: 5, seconds: 1,
  };
}

const cell = (outcomes: MethodOutcome[], method: string) => {
  const table = methodsTable(summarizeOutcomes(outcomes, ['agent', 'heuristic']), outcomes, 'seed');
  const row = table.rows.find((r) => r[0] === method) as (string | number)[];
  return { last: row[table.columns.indexOf('b, last epoch')], es: row[table.columns.indexOf('b, early stopping')] };
};

test('a controller stopped early inside its warm-up shows "before flooding", not a level never in force then', () => {
  const outcomes = [outcome('agent', 0, 1), outcome('heuristic', 0, 4, 0.2)];
  assert.deepEqual(cell(outcomes, 'agent'), { last: '0.4', es: 'before flooding' });
  assert.deepEqual(cell(outcomes, 'heuristic'), { last: '0.2', es: '0.2' });
});

test('over seeds, the levels in force of the seeds that flooded, and how many did not', () => {
  const outcomes = [outcome('agent', 0, 2), outcome('agent', 1, 3, 0.3), outcome('agent', 2, 5, 0.5), outcome('heuristic', 0, 5)];
  assert.equal(cell(outcomes, 'agent').es, '0.400 ± 0.141 (1 of 3 before flooding)');
});
