/**
 * The agent's learning curve over training seeds: several `train-agent` folders of the same
 * settings but --seed, side by side. Per generation, the mean policy's fitness (validation
 * accuracy over no flooding on that generation's tasks) for each seed, their mean and range;
 * then the first and last five generations' averages per seed.
 * `node --import tsx bench/learning-spread.ts runs/agents/steps runs/agents/steps-seed1`
 */
import path from 'node:path';
import type { LearningPoint } from '../src/control/agent.js';
import { readJsonl } from '../src/core/files.js';
import { mean } from '../src/core/stats.js';

const dirs = process.argv.slice(2);
if (dirs.length < 2) throw new Error('usage: bench/learning-spread.ts <train-agent folder> <train-agent folder> ...');
const curves = await Promise.all(dirs.map((d) => readJsonl<LearningPoint>(path.join(d, 'learning.jsonl'))));
const generations = Math.min(...curves.map((c) => c.length));
const pts = (v: number) => `${(100 * v).toFixed(2)}`;
console.log(`| generation | ${dirs.map((d) => path.basename(d)).join(' | ')} | mean | range |\n|${'---|'.repeat(dirs.length + 3)}`);
for (let g = 0; g < generations; g++) {
  const f = curves.map((c) => c[g].meanFitness);
  console.log(`| ${g} | ${f.map(pts).join(' | ')} | ${pts(mean(f))} | ${pts(Math.max(...f) - Math.min(...f))} |`);
}
for (const [i, c] of curves.entries()) {
  const first = mean(c.slice(0, 5).map((p) => p.meanFitness));
  const last = mean(c.slice(generations - 5, generations).map((p) => p.meanFitness));
  console.log(`${path.basename(dirs[i])}: mean policy ${pts(first)} -> ${pts(last)} points over no flooding (first / last 5 generations); final b / scale ${c[generations - 1].meanMultiple.toFixed(2)}`);
}
