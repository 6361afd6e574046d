/**
 * The in-run agent with the check, read offline from an evaluate-agent folder that has its run
 * and the run without flooding (`none`) of every instance: per reading, the agent's run where it
 * validates better, else the run without flooding (what `--check true` would keep; the cost is a
 * second run, as the twin's). Printed beside the other methods of the folder, with paired 95%
 * intervals of the checked in-run agent against each, and against the twin agent's folder when one
 * is given (the same --tasks, --seed and --instances).
 * `node --import tsx bench/inrun-checked.ts results/heldout/inrun-digits-heldout [results/heldout/twin-digits-heldout]`
 */
import path from 'node:path';
import { readJson } from '../src/core/files.js';
import { mean, pairedDifference } from '../src/core/stats.js';
import type { MethodOutcome } from '../src/methods/plan.js';
import { READINGS } from '../src/methods/select.js';
import type { EvaluateSummary } from '../src/studies/evaluate-agent.js';

const [dir, twinDir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: bench/inrun-checked.ts <evaluate folder of the in-run agent> [<evaluate folder of the twin>]');
const outcomes = (await readJson<EvaluateSummary>(path.join(dir, 'summary.json'))).outcomes;
const seeds = [...new Set(outcomes.map((o) => o.seed))].sort((a, b) => a - b);
const of = (list: MethodOutcome[], method: string) => seeds.map((seed) => {
  const o = list.find((x) => x.seed === seed && x.method === method);
  if (o === undefined) throw new Error(`${dir}: no ${method} outcome for instance ${seed}`);
  return o;
});
const [agent, none] = [of(outcomes, 'agent'), of(outcomes, 'none')];
const others: [string, MethodOutcome[]][] = [...new Set(outcomes.map((o) => o.method))].filter((m) => m !== 'agent').map((m) => [m, of(outcomes, m)]);
if (twinDir !== undefined) others.push(['twin (checked)', of((await readJson<EvaluateSummary>(path.join(twinDir, 'summary.json'))).outcomes, 'agent')]);
const pct = (x: number) => (100 * x).toFixed(2);
console.log(`${path.basename(dir)}: ${seeds.length} instances`);
for (const reading of READINGS) {
  const checked = agent.map((a, i) => (a.readouts[reading].valAcc > none[i].readouts[reading].valAcc ? a : none[i]).readouts[reading].testAcc);
  const kept = agent.filter((a, i) => a.readouts[reading].valAcc > none[i].readouts[reading].valAcc).length;
  console.log(`  ${reading}: in-run agent checked ${pct(mean(checked))}% (its own run kept on ${kept} of ${seeds.length}); unchecked ${pct(mean(agent.map((a) => a.readouts[reading].testAcc)))}%`);
  for (const [name, list] of others) {
    const d = pairedDifference(checked, list.map((o) => o.readouts[reading].testAcc));
    console.log(`    minus ${name} (${pct(mean(list.map((o) => o.readouts[reading].testAcc)))}%): ${d.mean >= 0 ? '+' : ''}${pct(d.mean)} ± ${pct(d.halfWidth)} points`);
  }
}
