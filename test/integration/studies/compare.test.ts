import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { claimRunFolder } from '../../../src/core/files.js';
import { compareMethods, type Method } from '../../../src/methods/compare.js';
import { readRule, RULE_FILE } from '../../../src/methods/rule.js';
import { renderReport } from '../../../src/report/index.js';
import { fitRule } from '../../../src/studies/fit-rule.js';
import type { TrialResult } from '../../../src/trials/trial.js';
import { localRun, tinyConfig, tmpDir } from '../../helpers.js';

describe('compareMethods with real trainings', () => {
  const config = tinyConfig({ epochs: 9, seed: 4 });
  const methods: Method[] = ['none', 'grid', 'sh', 'pbt', 'rule'];
  const spec = { methods, pbt: { population: 4, interval: 3 } };

  it('resumes after a kill without redoing finished trials, and ends as an uninterrupted run', async () => {
    const straight = await tmpDir('compare');
    await claimRunFolder(straight, { spec }, false);
    const straightRun = await localRun(straight);
    const full = await compareMethods([config], spec, straightRun);
    await straightRun.close();

    const killed = await tmpDir('compare');
    const abort = new AbortController();
    let finished = 0;
    const killedRun = await localRun(killed, { signal: abort.signal, onTrial: () => (++finished === 15 ? abort.abort() : undefined) });
    await assert.rejects(compareMethods([config], spec, killedRun), /aborted/);
    await killedRun.close();
    let ranAfter = 0;
    const resumedRun = await localRun(killed, { onTrial: () => ranAfter++ });
    const before = resumedRun.log.size;
    assert.ok(before >= 15, `${before} trials logged before the kill`);
    const resumed = await compareMethods([config], spec, resumedRun);
    await resumedRun.close();
    assert.ok(ranAfter <= full.results.length - before, `${ranAfter} trials ran after resuming, ${full.results.length - before} were missing`);
    const strip = (o: { seconds: number }) => ({ ...o, seconds: 0 });
    assert.deepEqual(resumed.outcomes.map(strip), full.outcomes.map(strip));
    // Every method that searched the relative levels shares one warm-up; sh and pbt spent less than grid.
    const of = (m: Method) => full.outcomes.find((o) => o.method === m) as (typeof full.outcomes)[number];
    assert.equal(of('grid').levels?.length, 11);
    assert.ok(of('sh').epochs < of('grid').epochs / 3, `sh ${of('sh').epochs} epochs, grid ${of('grid').epochs}`);
  });

  it('a PBT member that copied another continues its exact history', async () => {
    const dir = await tmpDir('compare');
    const run = await localRun(dir);
    const { results } = await compareMethods([config], { methods: ['pbt'], levels: [0, 0.3, 0.6, 0.9], pbt: { population: 4, interval: 3 } }, run);
    await run.close();
    const byId = new Map(results.map((r) => [r.id, r]));
    const copies = results.filter((r) => r.segment?.from !== undefined && byId.get(r.segment.from)?.config.flood !== r.config.flood);
    assert.ok(copies.length > 0, 'some member explored');
    for (const copy of copies) {
      const source = byId.get(copy.segment?.from as string) as TrialResult;
      const strip = (m: { wallSeconds: number }) => ({ ...m, wallSeconds: 0 });
      assert.deepEqual(copy.history.slice(0, source.history.length).map(strip), source.history.map(strip));
    }
  });
});

describe('methods that continue the same warm-up', () => {
  it('the bound rule\'s branch and halving\'s first rung share the warm-up\'s b = 0 trial: both continue it (a 5-epoch run)', async () => {
    // With 11 levels and eta 3, halving's first rung is round(5 / 9) = 1 epoch, the warm-up's length
    // too: its b = 0 trial is the warm-up, continued by the bound rule in one round and by the next rung later.
    const config = tinyConfig({ epochs: 5, seed: 8 });
    const dir = await tmpDir('compare');
    const run = await localRun(dir);
    const { outcomes } = await compareMethods([config], { methods: ['bound', 'sh', 'none'] }, run);
    await run.close();
    assert.deepEqual(outcomes.map((o) => o.method), ['bound', 'sh', 'none']);
    assert.ok(outcomes.every((o) => o.readouts.last.epoch === 5));
  });
});

describe('fit-rule', () => {
  it('scores every multiple of the scale over the tasks and keeps the best by validation', async () => {
    const tasks = { name: 'tiny', description: 'tiny noisy tasks', sample: (seed: number, i: number) => tinyConfig({ epochs: 6, seed: 10 * seed + i, noise: 0.2 }) };
    const out = await tmpDir('fit-rule');
    const { rule } = await fitRule({ tasks: 'tiny', distribution: tasks, instances: 2, seed: 1, out, workers: 2 });
    assert.deepEqual(rule.table.map((r) => r.multiple), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    assert.equal(rule.table[0].valGain.mean, 0, 'no flooding gains nothing over itself');
    const best = Math.max(...rule.table.map((r) => r.valGain.mean));
    assert.equal(rule.table.find((r) => r.multiple === rule.multiple)?.valGain.mean, best);
    assert.equal(readRule(path.join(out, RULE_FILE)).multiple, rule.multiple);
    const [markdown] = await renderReport(out);
    assert.match(await readFile(markdown, 'utf8'), new RegExp(`b = ${rule.multiple} x the task's loss scale`));
  });
});
