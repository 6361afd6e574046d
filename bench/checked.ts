/**
 * What a validation check against the no-flooding run would do to single-run methods, from a
 * finished `evaluate-agent` (or `tune`) folder: for each task, keep the method's run only if its
 * validation accuracy beats the b = 0 run of the same data and initialisation, else keep b = 0.
 * Prints, per method and per multiple of the grid, the last-epoch test accuracy checked and not,
 * and paired differences against the folder's methods. Give it a folder run with `--check false`
 * (a checked folder's one-run outcomes may already read the b = 0 run).
 * `node --import tsx bench/checked.ts runs/issue11/fashion-mnist`
 */
import path from 'node:path';
import type { MethodOutcome } from '../src/methods/plan.js';
import type { TrialResult } from '../src/trials/trial.js';
import { score } from '../src/train/scale.js';
import { readJson, readJsonl } from '../src/core/files.js';
import { mean, pairedDifference } from '../src/core/stats.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: bench/checked.ts <run folder>');
const { outcomes } = await readJson<{ outcomes: MethodOutcome[] }>(path.join(dir, 'summary.json'));
const trials = new Map((await readJsonl<TrialResult>(path.join(dir, 'trials.jsonl'))).map((t) => [t.id, t]));
const of = (m: string) => outcomes.filter((o) => o.method === m);
const run = (id: string) => trials.get(id) as TrialResult;

const criteria = { last: (r: TrialResult) => r.last.valAcc, tail: (r: TrialResult) => score(r.history) };
const none = of('none').map((o) => run(o.runs.last));

function report(name: string, runs: TrialResult[]) {
  const plain = runs.map((r) => r.last.testAcc);
  const rows = [`${name.padEnd(12)} plain ${(100 * mean(plain)).toFixed(2)}%`];
  for (const [c, v] of Object.entries(criteria)) {
    const checked = runs.map((r, i) => (v(r) > v(none[i]) ? r : none[i]).last.testAcc);
    const vs = ['none', 'grid', 'sh', 'rule'].filter((m) => of(m).length === runs.length).map((m) => {
      const d = pairedDifference(checked, of(m).map((o) => o.readouts.last.testAcc));
      return `${m} ${(100 * d.mean).toFixed(2)}±${(100 * d.halfWidth).toFixed(2)}`;
    });
    rows.push(`checked(${c}) ${(100 * mean(checked)).toFixed(2)}% kept ${runs.filter((r, i) => v(r) > v(none[i])).length}/${runs.length}: ${vs.join(', ')}`);
  }
  console.log(rows.join(' | '));
}

for (const m of ['agent', 'rule', 'heuristic']) if (of(m).length === none.length) report(m, of(m).map((o) => run(o.runs.last)));
const grids = of('grid');
if (grids.length === none.length) {
  const levels = grids[0].levels ?? [];
  for (let k = 1; k < levels.length; k++) {
    const runs = grids.map((o) => [...trials.values()].find((t) => o.trialIds.includes(t.id) && t.tag === 'grid' && t.config.flood === (o.levels as number[])[k]) as TrialResult);
    if (runs.every(Boolean)) report(`grid c=${(k / (levels.length - 1)).toFixed(1)}`, runs);
  }
}
