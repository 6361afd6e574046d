/**
 * Paired differences of two methods evaluated on the same task instances (one `evaluate-agent` or
 * `tune` folder), per reading: e.g. whether the grid search beats no flooding with an interval
 * that excludes 0. `node --import tsx bench/paired.ts runs/issue11/fashion-mnist grid none`
 */
import path from 'node:path';
import type { MethodOutcome } from '../src/methods/plan.js';
import { READINGS } from '../src/methods/select.js';
import { readJson } from '../src/core/files.js';
import { pairedDifference } from '../src/core/stats.js';

const [dir, a, b] = process.argv.slice(2);
if (dir === undefined || a === undefined || b === undefined) throw new Error('usage: bench/paired.ts <run folder> <method A> <method B>');
const { outcomes } = await readJson<{ outcomes: MethodOutcome[] }>(path.join(dir, 'summary.json'));
const of = (m: string) => outcomes.filter((o) => o.method === m);
for (const reading of READINGS) {
  const d = pairedDifference(of(a).map((o) => o.readouts[reading].testAcc), of(b).map((o) => o.readouts[reading].testAcc));
  console.log(`${a} - ${b}, ${reading}: ${(100 * d.mean).toFixed(2)} ± ${(100 * d.halfWidth).toFixed(2)} points (95% CI, n = ${d.n})`);
}
