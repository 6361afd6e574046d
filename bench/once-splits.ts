/**
 * How much the one-decision agent depends on which tasks it trained on: splits a `train-agent
 * --design once` folder's tasks into k disjoint draws, fits an agent and the fixed rule on each
 * (the same search as train-agent, CEM seed = split), and scores each on the other splits' tasks
 * (validation accuracy over no flooding). Writes each split's agent as <folder>/split-<k>.json so
 * `evaluate-agent --agent` can judge it on held-out families. Reads only the run log: nothing trains.
 * `node --import tsx bench/once-splits.ts runs/agents/once-144 3`
 */
import path from 'node:path';
import { saveAgent } from '../agents/agent.js';
import { taskDistribution } from '../agents/tasks.js';
import { agentOf } from '../agents/train-agent.js';
import {
  bestConstant, fitOncePolicy, gainAt, multipleOf, ONCE_DEFAULTS, ONCE_MULTIPLES, ONCE_SCHEDULE, onceTasks, policyGain,
} from '../agents/train-once.js';
import { relativeGridRuns } from '../src/search/fit-rule.js';
import { RunLog } from '../src/trials/run-log.js';
import { readJson } from '../src/util/files.js';
import { mean, pairedDifference } from '../src/util/stats.js';

const [dir, kText = '3'] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: bench/once-splits.ts <train-agent --design once folder> [splits]');
const k = Number(kText);
const config = await readJson<{ tasks: string; instances: number; seed: number; l2: number; generations: number; features?: string[] }>(path.join(dir, 'config.json'));
const distribution = taskDistribution(config.tasks);
const configs = Array.from({ length: config.instances }, (_, i) => distribution.sample(config.seed, i));
const log = await RunLog.open(dir);
const logged = configs.length;
const grid = await relativeGridRuns(configs, ONCE_MULTIPLES, log, { workers: 1 });
if (grid.results.length !== log.size) console.warn(`note: the log holds ${log.size} trials, the grid ${grid.results.length}`);
const tasks = onceTasks(grid.tasks);
const size = Math.floor(logged / k);
const pts = (v: number) => (100 * v).toFixed(2);
console.log(`${logged} tasks in ${k} splits of ${size}\n`);
console.log('| split | rule c | agent on own tasks | rule on own tasks | agent on other splits | rule on other splits | agent − rule, other splits (95% CI) |');
console.log('|---|---|---|---|---|---|---|');
for (let s = 0; s < k; s++) {
  const own = tasks.slice(s * size, (s + 1) * size);
  const others = tasks.filter((_, i) => i < s * size || i >= (s + 1) * size);
  const { params } = fitOncePolicy(own, { generations: config.generations, cem: ONCE_DEFAULTS.cem, l2: config.l2, seed: s, features: config.features });
  const rule = bestConstant(own);
  const agentOthers = others.map((t) => gainAt(t, multipleOf(params, t.features)));
  const ruleOthers = others.map((t) => gainAt(t, rule.multiple));
  const d = pairedDifference(agentOthers, ruleOthers);
  console.log(`| ${s} | ${rule.multiple} | ${pts(policyGain(params, own))} | ${pts(rule.gain)} | ${pts(mean(agentOthers))} | ${pts(mean(ruleOthers))} | ${pts(d.mean)} ± ${pts(d.halfWidth)} |`);
  await saveAgent(path.join(dir, `split-${s}.json`), agentOf('once', ONCE_SCHEDULE, params, {
    tasks: config.tasks, instances: own.length, split: `${s + 1} of ${k} (tasks ${s * size}-${(s + 1) * size - 1} of seed ${config.seed})`, ruleMultiple: rule.multiple,
  }));
}
