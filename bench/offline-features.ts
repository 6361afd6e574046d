/**
 * Which features the twin agent should read: for feature subsets and L2 weights, the
 * leave-one-family-out check of a `train-agent --design twin` folder (agent and rule fitted
 * without a family, scored on it; validation accuracy over no flooding). Reads only the run log.
 * `node --import tsx bench/offline-features.ts runs/agents/twin`
 */
import path from 'node:path';
import { readJson } from '../src/core/files.js';
import { mean } from '../src/core/stats.js';
import { TWIN_FEATURES } from '../src/control/features.js';
import { crossFamily, TWIN_FIT_DEFAULTS, TWIN_MULTIPLES } from '../src/control/twin-fit.js';
import { relativeGridRuns } from '../src/methods/relative-grid.js';
import { twinTasks } from '../src/studies/train-twin.js';
import { loadTasks } from '../src/tasks/tasks.js';
import { loggedRun } from './logged.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: bench/offline-features.ts <train-agent --design twin folder>');
const config = await readJson<{ tasks: string; instances: number; seed: number; generations: number }>(path.join(dir, 'config.json'));
const distribution = await loadTasks(config.tasks);
const configs = Array.from({ length: config.instances }, (_, i) => distribution.sample(config.seed, i));
const grid = await relativeGridRuns(configs, TWIN_MULTIPLES, await loggedRun(dir));
const tasks = twinTasks(grid.tasks);
const subsets: Record<string, string[]> = {
  all: TWIN_FEATURES.filter((f) => f !== 'constant 1'),
  'loss / ln K, accuracy': ['best val loss / ln(classes)', 'best val accuracy above chance'],
  'memorisation (rise, train loss, gap, drop)': TWIN_FEATURES.slice(2, 6),
  'val loss rise': ['end val loss / best val loss - 1'],
  'val loss rise, accuracy drop': ['end val loss / best val loss - 1', 'best val accuracy - end val accuracy'],
  'val loss rise, loss / ln K': ['end val loss / best val loss - 1', 'best val loss / ln(classes)'],
};
const pts = (v: number) => (100 * v).toFixed(2);
// The search is seeded: each cell is the mean over three search seeds, so a cell is not one draw's luck.
const SEARCH_SEEDS = [0, 1, 2];
console.log(`| features | l2 | agent − rule per held-out family (points, mean of search seeds ${SEARCH_SEEDS.join(', ')}) | mean |\n|---|---|---|---|`);
for (const [name, features] of Object.entries(subsets)) {
  for (const l2 of [1e-5, 1e-3, 1e-2, 1e-1]) {
    const runs = SEARCH_SEEDS.map((seed) => crossFamily(tasks, { generations: config.generations, cem: TWIN_FIT_DEFAULTS.cem, l2, seed, features }));
    const families = runs[0].map((r, k) => ({ family: r.family, gain: mean(runs.map((rows) => rows[k].agentMinusRule.mean)) }));
    console.log(`| ${name} | ${l2} | ${families.map((f) => `${f.family} ${pts(f.gain)}`).join(', ')} | ${pts(mean(families.map((f) => f.gain)))} |`);
  }
}
