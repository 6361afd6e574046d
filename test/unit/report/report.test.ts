import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { summarizeGridRuns } from '../../../src/studies/grid.js';
import { renderReport } from '../../../src/report/index.js';
import { RUN_LOG_FILE } from '../../../src/trials/run-log.js';
import { writeSummary } from '../../../src/core/files.js';
import type { TrialResult } from '../../../src/trials/trial.js';
import { floodLevelTrajectory, learningCurve } from '../../../src/report/charts.js';
import { writeReport } from '../../../src/report/document.js';
import { gridReport } from '../../../src/report/grid-report.js';
import { renderSvg } from '../../../src/report/render.js';
import { DEFAULT_TRAIN_CONFIG } from '../../../src/train/config.js';
import type { EpochMetrics } from '../../../src/train/controller.js';
import type { Readout } from '../../../src/train/trainer.js';
import { tmpDir } from '../../helpers.js';

const SEEDS = [0, 1];
const LEVELS = [0, 0.1, 0.2];
const EPOCHS = 12;

/** Per level, per seed: [valAcc, testAcc] for the last epoch and for the best-validation epoch. */
const LAST: Record<number, [number, number][]> = {
  0: [[0.8, 0.78], [0.81, 0.79]],
  0.1: [[0.86, 0.84], [0.85, 0.82]],
  0.2: [[0.84, 0.83], [0.83, 0.8]],
};
const BEST: Record<number, [number, number][]> = {
  0: [[0.82, 0.8], [0.83, 0.8]],
  0.1: [[0.86, 0.85], [0.86, 0.83]],
  0.2: [[0.87, 0.86], [0.85, 0.81]],
};

function readout(epoch: number, [valAcc, testAcc]: [number, number]): Readout {
  return { epoch, valAcc, valAccClean: valAcc + 0.05, testLoss: 0.5, testAcc, testLossClean: 0.3, testAccClean: testAcc + 0.05 };
}

/** Training loss falls to b (or towards 0); the test loss rises then falls again (double descent) every 2nd epoch. */
function history(b: number, seed: number): EpochMetrics[] {
  return Array.from({ length: EPOCHS }, (_, i) => {
    const epoch = i + 1;
    const trainLoss = Math.max(b, 0.7 * Math.exp(-0.6 * epoch)) + 0.001 * seed;
    const testLoss = 0.4 + 0.3 * Math.sin((Math.PI * epoch) / EPOCHS) - 0.01 * epoch;
    const test = epoch % 2 === 0 ? { testLoss, testAcc: 0.8, testLossClean: testLoss / 2, testAccClean: 0.85 } : {};
    return {
      epoch, trainLoss, trainAcc: 0.9, valLoss: 0.45, valAcc: 0.8, valLossClean: 0.3, valAccClean: 0.85,
      floodedFraction: b > 0 && trainLoss <= b + 0.01 ? 0.5 : 0, floodLevel: b, lr: 1e-3, wallSeconds: epoch * 0.5, ...test,
    };
  });
}

function trial(b: number, seed: number, tag = 'grid'): TrialResult {
  const s = SEEDS.indexOf(seed);
  return {
    id: `${tag}-${b}-${seed}`,
    tag,
    config: { ...DEFAULT_TRAIN_CONFIG, dataset: 'two-gaussians', noise: 0.1, seed, flood: b, epochs: EPOCHS, testEvery: 2 },
    controller: { kind: 'constant' },
    backend: 'cpu',
    classes: 2,
    history: history(b, seed),
    last: readout(EPOCHS, LAST[b][s]),
    bestVal: readout(7, BEST[b][s]),
    wallSeconds: EPOCHS * 0.5,
  };
}

const grid = SEEDS.flatMap((seed) => LEVELS.map((b) => trial(b, seed)));
const backward = { ...trial(0.2, 0, 'backward'), controller: { kind: 'constant' }, id: 'backward-0' };
const results = [...grid, backward];

const tmp = () => tmpDir('report');

test('renderSvg renders a trivial spec to an SVG string', async () => {
  const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] }, mark: 'line', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
  assert.match(svg, /<\/svg>\s*$/);
});

test('renderSvg never loads data from a URL', async () => {
  await assert.rejects(
    renderSvg({ data: { url: 'https://example.com/data.json' }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' } } }),
    /inline data only/,
  );
});

test('gridReport + writeReport write the selection, per-level table and charts', async () => {
  const dir = await tmp();
  const summary = summarizeGridRuns(results, LEVELS, SEEDS, results.length);
  const warnings: string[] = [];
  const files = await writeReport(dir, gridReport(results, summary), { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);

  const md = await readFile(files.markdown, 'utf8');
  // last epoch: b = 0.1 for both seeds; test acc (0.84, 0.82) and clean (0.89, 0.87); no flooding (0.78, 0.79).
  assert.match(md, /\| last epoch \(no early stopping\) \| flooding, b chosen by validation accuracy \| 0\.100 ± 0\.000 \| 83\.00 ± 1\.41% \| 88\.00 ± 1\.41% \|/);
  assert.match(md, /\| last epoch \(no early stopping\) \| no flooding \| 0 \| 78\.50 ± 0\.71% \| 83\.50 ± 0\.71% \|/);
  // early stopping: b = 0.2 (seed 0) and 0.1 (seed 1); test acc (0.86, 0.83).
  assert.match(md, /\| 0\.150 ± 0\.071 \| 84\.50 ± 2\.12% \| 89\.50 ± 2\.12% \| seed 0: 0\.2, seed 1: 0\.1 \|/);
  // per-level row b = 0.2: val acc last (0.84, 0.83), test acc best-val (0.86, 0.81).
  assert.match(md, /\| 0\.2 \| 83\.50 ± 0\.71% \| 81\.50 ± 2\.12% \| 86\.00 ± 1\.41% \| 83\.50 ± 3\.54% \| early stopping \(1\/2 seeds\) \|/);
  assert.match(md, /## Other trials[\s\S]*\| backward \| constant \| 0 \| 0\.2 \|/);
  const images = [...md.matchAll(/!\[[^\]]*\]\((charts\/[^)]+\.svg)\)/g)].map((m) => m[1]);
  assert.equal(images.length, 3);
  for (const image of images) assert.ok(existsSync(path.join(dir, image)), image);
  assert.deepEqual((await readdir(path.join(dir, 'charts'))).sort(), images.map((i) => path.basename(i)).sort());

  const html = await readFile(files.html, 'utf8');
  assert.ok((html.match(/<svg/g) ?? []).length >= 3);
  assert.doesNotMatch(html, /(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.match(html, /<td>83\.00 ± 1\.41%<\/td>/);
  assert.match(html, /<title>Flooding grid search: two-gaussians, 10% label noise<\/title>/);
  // Inline SVG ids are scoped per chart, so no two figures share one.
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
});

test('renderReport re-renders a grid folder from its run log and summary alone', async () => {
  const dir = await tmp();
  await writeFile(path.join(dir, RUN_LOG_FILE), results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await writeSummary(dir, 'grid', summarizeGridRuns(results, LEVELS, SEEDS, results.length));
  const [markdown, html, ...charts] = await renderReport(dir);
  const md = await readFile(markdown, 'utf8');
  assert.match(md, /\| 0\.100 ± 0\.000 \| 83\.00 ± 1\.41% \|/);
  assert.ok(html.endsWith('report.html'));
  assert.equal(charts.length, 3);
  for (const chart of charts) assert.ok((await readFile(chart, 'utf8')).startsWith('<svg'));
});

test('HTML escapes text and the other chart builders render', async () => {
  const dir = await tmp();
  const runs = [{ label: 'heuristic <b>', history: history(0.1, 0) }];
  const files = await writeReport(dir, {
    title: 'A & B <script>',
    intro: 'Uses `code` and **bold**.',
    sections: [{
      heading: 'Agent',
      table: { columns: ['a|b', 'c'], rows: [['x|y', 1]] },
      charts: [
        { title: 'b trajectory', spec: floodLevelTrajectory(runs) },
        { title: 'Learning', spec: learningCurve(Array.from({ length: 30 }, (_, i) => ({ generation: i, series: 'mean policy', fitness: 0.005 * i }))) },
      ],
    }],
  });
  const html = await readFile(files.html, 'utf8');
  assert.match(html, /<h1>A &amp; B &lt;script&gt;<\/h1>/);
  assert.match(html, /<code>code<\/code> and <strong>bold<\/strong>/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(await readFile(files.markdown, 'utf8'), /\| a\\\|b \| c \|\n\|---\|---\|\n\| x\\\|y \| 1 \|/);
  assert.equal(files.charts.length, 2);
});
