import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runGrid } from '../../../src/studies/grid.js';
import { readRunLog, RUN_LOG_FILE } from '../../../src/trials/run-log.js';
import { tinyConfig, tmpDir } from '../../helpers.js';
import { parseLevels } from '../../../src/methods/levels.js';
import { summarizeGrid } from '../../../src/methods/select.js';
import type { TrialResult } from '../../../src/trials/trial.js';
import type { EpochMetrics } from '../../../src/train/controller.js';

const tmp = () => tmpDir('grid');
const base = tinyConfig();

const strip = (r: TrialResult) => ({ ...r, wallSeconds: 0, history: r.history.map((m) => ({ ...m, wallSeconds: 0 })) });

describe('flood-level grids', () => {
  it('parses start:stop:step and lists', () => {
    assert.deepEqual(parseLevels('0:0.5:0.1'), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.equal(parseLevels('0:0.5:0.01').length, 51);
    assert.deepEqual(parseLevels('0.3, 0,0.1'), [0, 0.1, 0.3]);
    assert.throws(() => parseLevels('0:-1:0.1'), /levels: need step > 0 and stop >= start/);
    assert.throws(() => parseLevels('0,-0.2'), /levels: flood levels must be finite numbers >= 0/);
    assert.throws(() => parseLevels('0,,0.3'), /levels: expected start:stop:step or numbers/);
    assert.throws(() => parseLevels(''), /levels: expected/);
    assert.throws(() => parseLevels('0:1e9:1e-9'), /at most 1000/);
  });
});

describe('b selection', () => {
  /** A hand-made finished training: validation/test accuracy under both readings. */
  function run(seed: number, flood: number, last: [number, number], bestVal: [number, number]): TrialResult {
    const readout = ([valAcc, testAcc]: [number, number], epoch: number) => ({
      epoch, valAcc, valAccClean: valAcc, testLoss: 0.5, testAcc, testLossClean: 0.4, testAccClean: testAcc + 0.05,
    });
    return {
      id: `${seed}-${flood}`, tag: 'grid', config: { ...base, seed, flood }, controller: { kind: 'constant' }, backend: 'wasm', classes: 2,
      history: [] as EpochMetrics[], last: readout(last, 10), bestVal: readout(bestVal, 5), wallSeconds: 1,
    };
  }

  it('chooses b by validation accuracy under each reading, ties to the smaller b, then mean ± std over seeds', () => {
    const grid = [
      run(0, 0, [0.8, 0.78], [0.85, 0.83]),
      run(0, 0.1, [0.84, 0.8], [0.85, 0.84]), // best last val for seed 0; ties with b = 0 on bestVal
      run(0, 0.2, [0.82, 0.9], [0.84, 0.9]), // best test, but not chosen: selection is on validation
      run(1, 0, [0.7, 0.7], [0.9, 0.72]), // best bestVal val for seed 1
      run(1, 0.1, [0.75, 0.74], [0.8, 0.76]),
      run(1, 0.2, [0.77, 0.76], [0.81, 0.77]), // best last val for seed 1
    ];
    const s = summarizeGrid(grid);
    assert.deepEqual(s.last.chosen.map((c) => c.floodLevel), [0.1, 0.2]);
    assert.deepEqual(s.bestVal.chosen.map((c) => c.floodLevel), [0, 0]);
    assert.ok(Math.abs(s.last.testAcc.mean - 0.78) < 1e-12);
    assert.ok(Math.abs(s.last.testAcc.std - Math.SQRT2 * 0.02) < 1e-12);
    assert.ok(Math.abs(s.last.noFloodTestAcc.mean - 0.74) < 1e-12);
    assert.ok(Math.abs(s.bestVal.testAccClean.mean - 0.825) < 1e-12);
  });
});

describe('runGrid', () => {
  it('resumes a killed grid without retraining a finished run and loses none', async () => {
    const out = await tmp();
    const levels = [0, 0.1, 0.2, 0.3];
    const seeds = [0, 1];
    const controller = new AbortController();
    let finished = 0;
    await assert.rejects(runGrid({
      base, levels, seeds, out, workers: 2, signal: controller.signal,
      onTrial: () => {
        if (++finished === 3) controller.abort();
      },
    }), /aborted/);
    const before = await readRunLog(out);
    assert.ok(before.length >= 3 && before.length < 8, `${before.length} trainings saved before the kill`);
    // A torn last line, as if the process died mid-write.
    await appendFile(path.join(out, RUN_LOG_FILE), '{"id":"torn');
    await assert.rejects(runGrid({ base, levels, seeds, out, workers: 2 }), /--resume/);
    const { summary, results } = await runGrid({ base, levels, seeds, out, workers: 2, resume: true });
    assert.equal(summary.trialsRunNow, 8 - before.length);
    const saved = await readRunLog(out);
    assert.equal(saved.length, 8, 'every training saved exactly once');
    assert.equal(new Set(saved.map((r) => r.id)).size, 8);
    for (const r of before) assert.deepEqual(results.find((x) => x.id === r.id), r, 'finished trainings reused as saved');
    const again = await runGrid({ base, levels, seeds, out, workers: 2, resume: true });
    assert.equal(again.summary.trialsRunNow, 0);
  });

  it('gives the same per-run results with one worker and with two', async () => {
    const levels = [0, 0.15, 0.3];
    const one = await runGrid({ base, levels, seeds: [2], out: await tmp(), workers: 1 });
    const two = await runGrid({ base, levels, seeds: [2], out: await tmp(), workers: 2 });
    assert.deepEqual(one.results.map(strip), two.results.map(strip));
  });

  it('refuses to resume with other options', async () => {
    const out = await tmp();
    await runGrid({ base, levels: [0], seeds: [0], out, workers: 1 });
    await assert.rejects(runGrid({ base: { ...base, epochs: 5 }, levels: [0], seeds: [0], out, workers: 1, resume: true }), /resume: .* other options \(base\.epochs differ\)/);
  });
});
