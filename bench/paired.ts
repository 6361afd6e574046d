/**
 * Paired differences of two methods evaluated on the same task instances, per reading: e.g. whether
 * the grid search beats no flooding with an interval that excludes 0. Both from one `evaluate-agent`
 * or `tune` folder, or each from its own folder (`folder:method`) when both folders ran the same
 * instances. `node --import tsx bench/paired.ts runs/issue11/fashion-mnist grid none`;
 * `node --import tsx bench/paired.ts results/heldout/twin-digits-heldout:agent results/heldout/inrun-digits-heldout:grid`
 */
import path from 'node:path';
import type { MethodOutcome } from '../src/methods/plan.js';
import { READINGS } from '../src/methods/select.js';
import { readJson } from '../src/core/files.js';
import { pairedDifference } from '../src/core/stats.js';

const args = process.argv.slice(2);
const [a, b] = args.length === 3 ? [`${args[0]}:${args[1]}`, `${args[0]}:${args[2]}`] : args;
if (a === undefined || b === undefined || !a.includes(':') || !b.includes(':')) {
  throw new Error('usage: bench/paired.ts <run folder> <method A> <method B>, or <folder A>:<method A> <folder B>:<method B>');
}
/** The outcomes of `folder:method`, by seed. */
async function outcomesOf(spec: string): Promise<MethodOutcome[]> {
  const at = spec.lastIndexOf(':');
  const { outcomes } = await readJson<{ outcomes: MethodOutcome[] }>(path.join(spec.slice(0, at), 'summary.json'));
  return outcomes.filter((o) => o.method === spec.slice(at + 1)).sort((x, y) => x.seed - y.seed);
}
const [first, second] = [await outcomesOf(a), await outcomesOf(b)];
if (first.map((o) => o.seed).join() !== second.map((o) => o.seed).join()) throw new Error('the two were not run on the same task instances');
const name = (spec: string) => (args.length === 3 ? spec.slice(spec.lastIndexOf(':') + 1) : spec);
for (const reading of READINGS) {
  const d = pairedDifference(first.map((o) => o.readouts[reading].testAcc), second.map((o) => o.readouts[reading].testAcc));
  console.log(`${name(a)} - ${name(b)}, ${reading}: ${(100 * d.mean).toFixed(2)} ± ${(100 * d.halfWidth).toFixed(2)} points (95% CI, n = ${d.n})`);
}
