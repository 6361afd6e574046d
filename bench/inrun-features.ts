/**
 * Which warm-up features the in-run agent should read, and how large its network: for subsets of
 * the candidate features and hidden sizes, the leave-one-family-out check on a `train-agent
 * --design inrun` folder (REINFORCE fitted without a training family, scored on it; mean of 3 learner
 * seeds; validation gain over no flooding, points), beside the fixed rule (best constant) and the
 * noise-bound rule at f = 1 on the same held-out families. Reads only the run log.
 * `node --import tsx bench/inrun-features.ts runs/agents/inrun`
 */
import path from 'node:path';
import { readJson } from '../src/core/files.js';
import { mean } from '../src/core/stats.js';
import { boundLevel, boundMultiple, INRUN_MULTIPLES, noiseEstimate, policyMultiple } from '../src/control/inrun.js';
import { LEARNER_DEFAULTS, trainReinforce, type OutcomeTask } from '../src/control/reinforce.js';
import { branchGridRuns } from '../src/methods/branch.js';
import { familyOf, loadTasks } from '../src/tasks/tasks.js';
import { lossScale, score } from '../src/train/scale.js';
import { initBackend } from '../src/backend/index.js';
import { loggedRun } from './logged.js';

await initBackend('wasm');

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: bench/inrun-features.ts <train-agent --design inrun folder>');
const config = await readJson<{ tasks: string; instances: number; seed: number }>(path.join(dir, 'config.json'));
const distribution = await loadTasks(config.tasks);
const configs = Array.from({ length: config.instances }, (_, i) => distribution.sample(config.seed, i));
const grid = await branchGridRuns(configs, INRUN_MULTIPLES, await loggedRun(dir));
const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** Every candidate feature of a warm-up, by name. */
function candidates(warmup: typeof grid.tasks[number]['warmup']): Record<string, number> {
  const h = warmup.history;
  const k = warmup.classes;
  const scale = lossScale(h);
  const noise = noiseEstimate(h);
  const best = h.find((m) => m.epoch === noise.epoch)!;
  const last = h[h.length - 1];
  const q = best.lossQuantiles ?? [0, 0, 0, 0, 0];
  return {
    'scale / ln(classes)': clip(scale / Math.log(k), 0, 2),
    'best val accuracy above chance': (Math.max(...h.map((m) => m.valAcc)) - 1 / k) / (1 - 1 / k),
    'noise estimate (share of losses above ln(classes))': noise.rate,
    'high group of the losses (mixture)': noise.mixture,
    'noise entropy / scale': clip(boundLevel(noise.rate, k) / scale, 0, 3),
    'median loss / scale': clip(q[2] / scale, 0, 4),
    '90% loss quantile / ln(classes)': clip(q[4] / Math.log(k), 0, 4),
    'end train loss / scale': clip(last.trainLoss / scale, 0, 4),
    'end val loss / scale - 1': clip(last.valLoss / scale - 1, 0, 4),
    'end train accuracy - end val accuracy': last.trainAcc - last.valAcc,
  };
}

const tasks = grid.tasks.map((g) => ({
  family: familyOf(g.config.dataset),
  named: candidates(g.warmup),
  boundC: boundMultiple(g.warmup.history, g.warmup.classes, 1),
  gains: g.runs.map((r) => score(r.history) - score(g.runs[0].history)),
}));
const all = Object.keys(tasks[0].named);
const subsets: Record<string, string[]> = {
  'all ten': all,
  'noise (rate, entropy / scale)': ['noise estimate (share of losses above ln(classes))', 'noise entropy / scale'],
  'task and noise': ['scale / ln(classes)', 'best val accuracy above chance', 'noise estimate (share of losses above ln(classes))', 'noise entropy / scale'],
  'task, noise, val loss rise': ['scale / ln(classes)', 'best val accuracy above chance', 'noise estimate (share of losses above ln(classes))', 'noise entropy / scale', 'end val loss / scale - 1'],
};
const families = [...new Set(tasks.map((t) => t.family))].sort();
const gainAt = (t: { gains: number[] }, c: number) => t.gains[INRUN_MULTIPLES.findIndex((m) => Math.abs(m - c) < 1e-9)];
const pts = (v: number) => (100 * v).toFixed(2);
const ruleOf = (train: typeof tasks) => INRUN_MULTIPLES.reduce((a, c) => (mean(train.map((t) => gainAt(t, c))) > mean(train.map((t) => gainAt(t, a))) ? c : a));
console.log(`| policy | hidden | ${families.join(' | ')} | mean |\n|---|---|${families.map(() => '---|').join('')}---|`);
const rule = families.map((f) => mean(tasks.filter((t) => t.family === f).map((t) => gainAt(t, ruleOf(tasks.filter((u) => u.family !== f))))));
console.log(`| fixed rule (best constant) | — | ${rule.map(pts).join(' | ')} | ${pts(mean(rule))} |`);
const bound = families.map((f) => mean(tasks.filter((t) => t.family === f).map((t) => gainAt(t, t.boundC))));
console.log(`| noise-bound rule, f = 1 | — | ${bound.map(pts).join(' | ')} | ${pts(mean(bound))} |`);
for (const [name, features] of Object.entries(subsets)) {
  for (const hidden of [4, 8]) {
    const withFeatures: OutcomeTask[] = tasks.map((t) => ({ family: t.family, features: features.map((f) => t.named[f]), gains: t.gains }));
    const rows = families.map((f) => mean([0, 1, 2].map((seed) => {
      const r = trainReinforce(withFeatures.filter((t) => t.family !== f), INRUN_MULTIPLES, { ...LEARNER_DEFAULTS, hidden, seed });
      return mean(withFeatures.filter((t) => t.family === f).map((t) => gainAt(t, policyMultiple(r.net, r.params, t.features))));
    })));
    console.log(`| agent: ${name} | ${hidden} | ${rows.map(pts).join(' | ')} | ${pts(mean(rows))} |`);
  }
}
