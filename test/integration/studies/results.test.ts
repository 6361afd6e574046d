/**
 * Committed results re-render from their files alone: a packed run folder (as under results/,
 * bench/pack-results.ts: small files as they are, the run log as trials.jsonl.gz) of a tiny
 * `reproduce synthetic` run, made by test/fixtures/table1/make.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderReport } from '../../../src/report/index.js';
import { readRunLog } from '../../../src/trials/run-log.js';
import { tmpDir } from '../../helpers.js';

describe('packed results', () => {
  it('autoflood report re-renders a packed Table 1 folder: the table, the paper comparison, the selection-noise table and the charts', async () => {
    const dir = path.join(await tmpDir('results'), 'table1');
    await cp('test/fixtures/table1', dir, { recursive: true });
    const trials = await readRunLog(dir);
    assert.equal(trials.length, 6, '2 levels x 2 seeds and 2 backward runs, read from trials.jsonl.gz');
    const files = await renderReport(dir);
    const md = await readFile(files[0], 'utf8');
    const summary = JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8'));
    assert.match(md, /## Table 1: test accuracy against noisy test labels/);
    assert.match(md, /## Against the paper: Two Gaussians/);
    assert.match(md, /\| high \(10%\) \| early stopping \| clean \| \d+\.\d\d ± \d+\.\d\d \| \d+\.\d\d ± \d+\.\d\d \| [+-]\d+\.\d\d ± \d+\.\d\d \|/, 'both readings and label sets with 95% intervals over the 2 seeds');
    assert.match(md, /## Selection noise: how b is chosen/);
    assert.match(md, /\| Two Gaussians \| high \(10%\) \| validation subset, last epoch \|/);
    assert.match(md, /\| Two Gaussians \| high \(10%\) \| 2 \| \d+\.\d{3} \| \d+\.\d\d \| \d+\.\d\d \| 0(\.2)?: \d+\.\d\d \| \d+\.\d\d \|/, 'the unflooded training loss, test accuracy at each of the 2 levels, the best level for all seeds and each seed\'s best');
    const last = summary.rows.find((r: { reading: string }) => r.reading === 'last');
    assert.ok(md.includes(`${(100 * last.with.mean).toFixed(2)} ± ${(100 * last.with.std).toFixed(2)}%`), 'the summary\'s numbers in the table');
    assert.ok(files.some((f) => f.endsWith('.svg')), 'charts from the packed log');
  });

  it('a log packed with --round-history renders the same report, from a smaller file', async () => {
    const base = await tmpDir('results-rounded');
    const [exact, rounded] = [path.join(base, 'exact'), path.join(base, 'rounded')];
    await cp('test/fixtures/table1', exact, { recursive: true });
    execFileSync(process.execPath, ['--import', 'tsx', 'bench/pack-results.ts', exact, rounded, '--round-history'], { stdio: 'pipe' });
    const [exactTrials, roundedTrials] = [await readRunLog(exact), await readRunLog(rounded)];
    assert.deepEqual(roundedTrials.map((t) => t.id), exactTrials.map((t) => t.id), 'every trial, in order');
    const loss = (t: typeof exactTrials[number]) => t.history.map((h) => h.trainLoss);
    assert.notDeepEqual(loss(roundedTrials[0]), loss(exactTrials[0]), 'the per-epoch losses were rounded');
    assert.deepEqual(roundedTrials.map((t) => t.last), exactTrials.map((t) => t.last), 'the readings the tables use are kept');
    const size = async (dir: string) => (await stat(path.join(dir, 'trials.jsonl.gz'))).size;
    assert.ok(await size(rounded) < await size(exact), 'the packed log is smaller');
    const report = async (dir: string) => readFile((await renderReport(dir))[0], 'utf8');
    assert.equal(await report(rounded), await report(exact));
    // A run killed mid-write (bench/table1.sh --pack packs runs in progress): the torn last line is dropped, as resuming does.
    const torn = path.join(base, 'torn');
    await mkdir(torn);
    const lines = exactTrials.map((t) => JSON.stringify(t));
    await writeFile(path.join(torn, 'trials.jsonl'), `${lines.join('\n')}\n${lines[0].slice(0, 500)}`);
    execFileSync(process.execPath, ['--import', 'tsx', 'bench/pack-results.ts', torn, path.join(base, 'torn-packed'), '--partial', '--round-history'], { stdio: 'pipe' });
    assert.equal((await readRunLog(path.join(base, 'torn-packed'))).length, exactTrials.length);
  });
});
