/**
 * Where the best flood level lies relative to the two candidate scales, on every task of the run
 * folders given (grid, tune, evaluate-agent, fit-rule): the warm-up scale (the lowest validation
 * loss of the first 20% of the b = 0 run, what autoflood uses) and the entropy of the label noise
 * (needs the noise rate, which users rarely know). For each task: the level with the best
 * last-epoch test accuracy and the one validation would choose, each divided by both scales.
 * `node --import tsx bench/level-range.ts runs/a runs/b ...`
 */
import { clusterShape } from '../src/data/clusters.js';
import { noiseEntropy, warmupEpochs } from '../src/train/scale.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RUN_LOG_FILE } from '../src/trials/run-log.js';
import { readJsonl } from '../src/core/files.js';
import type { TrialResult } from '../src/trials/trial.js';
import { mean } from '../src/core/stats.js';

const classesOf = (dataset: string): number => clusterShape(dataset)?.classes ?? (['mnist', 'fashion-mnist', 'cifar10'].includes(dataset) ? 10 : 2);

/** Full constant-b runs of one task, keyed by everything in the config but b. */
function tasksOf(results: TrialResult[]): TrialResult[][] {
  const groups = new Map<string, TrialResult[]>();
  for (const r of results) {
    if (r.controller.kind !== 'constant' || r.segment !== undefined) continue;
    const key = JSON.stringify({ ...r.config, flood: undefined, backend: undefined });
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].filter((runs) => runs.length >= 5 && runs.some((r) => r.config.flood === 0));
}

const rows: string[][] = [];
const ratios = { testScale: [] as number[], testEntropy: [] as number[], valScale: [] as number[] };
for (const dir of process.argv.slice(2)) {
  // Grid folders of autoflood 0.1 (grid.jsonl, e.g. made with `autoflood grid` at commit e4c700f) read alike.
  const log = path.join(dir, existsSync(path.join(dir, RUN_LOG_FILE)) ? RUN_LOG_FILE : 'grid.jsonl');
  for (const runs of tasksOf(await readJsonl<TrialResult>(log))) {
    const zero = runs.find((r) => r.config.flood === 0) as TrialResult;
    const { dataset, noise, seed, epochs } = zero.config;
    const scale = Math.min(...zero.history.slice(0, warmupEpochs(epochs)).map((m) => m.valLoss));
    const entropy = noiseEntropy(noise, classesOf(dataset));
    const best = (key: 'testAcc' | 'valAcc') => runs.reduce((a, r) => (r.last[key] > a.last[key] || (r.last[key] === a.last[key] && r.config.flood < a.config.flood) ? r : a));
    const byTest = best('testAcc');
    const byVal = best('valAcc');
    ratios.testScale.push(byTest.config.flood / scale);
    ratios.valScale.push(byVal.config.flood / scale);
    if (entropy > 0) ratios.testEntropy.push(byTest.config.flood / entropy);
    rows.push([
      dataset, `${100 * noise}%`, String(seed), scale.toFixed(3), entropy.toFixed(3),
      `${byTest.config.flood} (${(100 * byTest.last.testAcc).toFixed(1)}% vs ${(100 * zero.last.testAcc).toFixed(1)}% at b = 0)`,
      (byTest.config.flood / scale).toFixed(2), entropy > 0 ? (byTest.config.flood / entropy).toFixed(2) : '—', (byVal.config.flood / scale).toFixed(2),
    ]);
  }
}
const header = ['dataset', 'noise', 'seed', 'warm-up scale', 'noise entropy', 'best b by test', 'best b / scale', 'best b / entropy', 'val-chosen b / scale'];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
const summary = (xs: number[]) => (xs.length === 0 ? '—' : `mean ${mean(xs).toFixed(2)}, range ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)} over ${xs.length} tasks`);
console.log(`\nbest b / warm-up scale: ${summary(ratios.testScale)}; best b / noise entropy (noisy tasks): ${summary(ratios.testEntropy)}; validation's choice / scale: ${summary(ratios.valScale)}`);
