/**
 * Two agents evaluated on the same task instances (two `evaluate-agent` folders with the same
 * --tasks, --seed and --instances): the paired difference of their test accuracy, per reading.
 * `node --import tsx bench/compare-agents.ts runs/agents/compare-steps runs/agents/compare-relative`
 */
import path from 'node:path';
import type { EvaluateSummary } from '../src/studies/evaluate-agent.js';
import { READINGS } from '../src/methods/select.js';
import { readJson } from '../src/core/files.js';
import { pairedDifference } from '../src/core/stats.js';

const [a, b] = process.argv.slice(2);
if (a === undefined || b === undefined) throw new Error('usage: bench/compare-agents.ts <evaluate folder A> <evaluate folder B>');
const read = async (dir: string) => (await readJson<EvaluateSummary>(path.join(dir, 'summary.json'))).outcomes.filter((o) => o.method === 'agent');
const [first, second] = [await read(a), await read(b)];
if (first.map((o) => o.seed).join() !== second.map((o) => o.seed).join()) throw new Error('the two folders were not evaluated on the same task instances');
for (const reading of READINGS) {
  for (const clean of [false, true]) {
    const acc = (os: typeof first) => os.map((o) => (clean ? o.readouts[reading].testAccClean : o.readouts[reading].testAcc));
    const d = pairedDifference(acc(first), acc(second));
    console.log(`${path.basename(a)} - ${path.basename(b)}, ${reading}${clean ? ', clean labels' : ''}: ${(100 * d.mean).toFixed(2)} ± ${(100 * d.halfWidth).toFixed(2)} points (95% CI, n = ${d.n})`);
  }
}
