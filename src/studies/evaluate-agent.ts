/**
 * `autoflood evaluate-agent`: the agent against the other methods on held-out task instances (a
 * distribution the agent never trained on), one instance per seed; paired differences of test
 * accuracy with 95% confidence intervals, and the compute of each method.
 */
import { OptionError } from '../core/errors.js';
import type { RunHeader } from '../core/files.js';
import { mean, pairedDifference, type PairedDifference } from '../core/stats.js';
import { loadAgent } from '../control/agent.js';
import { compareMethods, type Method, type MethodOutcome, type MethodSpec } from '../methods/compare.js';
import { type Reading, READINGS } from '../methods/select.js';
import { summarizeOutcomes, type MethodSummary } from '../methods/summary.js';
import { loadTasks } from '../tasks/tasks.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import type { TrialResult } from '../trials/trial.js';

export interface EvaluateOptions extends StudyOptions, Omit<MethodSpec, 'agent'> {
  agentPath: string;
  /** Held-out task distribution: a shipped name or a task file. */
  tasks: string;
  /** Task instances (one seed each); at least 5. */
  instances: number;
  seed: number;
}

export interface Comparison {
  /** 'agent - heuristic' etc. */
  versus: Method;
  reading: Reading;
  /** Paired difference of test accuracy (noisy test labels), agent minus the other. */
  testAcc: PairedDifference;
  testAccClean: PairedDifference;
}

export interface EvaluateSummary {
  tasks: string;
  taskDescription: string;
  instances: { dataset: string; noise: number; seed: number }[];
  /** The searches' levels when given; absent: relative to each task's loss scale. */
  levels?: number[];
  methods: MethodSummary[];
  comparisons: Comparison[];
  /** Agent's epochs / grid's epochs per task (mean over tasks; NaN without both). */
  computeRatio: number;
  outcomes: MethodOutcome[];
}

/**
 * The agent against the other methods on `instances` held-out task instances; logs trials to
 * `out` and writes `summary.json`.
 * @returns the summary (paired differences with 95% intervals, compute ratio) and every trial.
 */
export async function evaluateAgent(options: EvaluateOptions): Promise<{ summary: RunHeader & EvaluateSummary; results: TrialResult[] }> {
  const { agentPath, tasks, instances, seed, methods, levels, heuristic, ruleMultiple, boundFactor, halving, pbt, check } = options;
  if (!Number.isInteger(instances) || instances < 5) throw new OptionError('instances', `need at least 5 held-out task instances, got ${instances}`);
  if (!methods.includes('agent')) throw new OptionError('methods', 'evaluate-agent compares the agent with the others; include agent');
  const distribution = await loadTasks(tasks);
  const spec: MethodSpec = { methods, levels, agent: await loadAgent(agentPath), heuristic, ruleMultiple, boundFactor, halving, pbt, check: check !== false };
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  let results: TrialResult[] = [];
  const summary = await inRunFolder('evaluate-agent', options, { command: 'evaluate-agent', tasks, instances, seed, ...spec, agent: agentPath }, async (run) => {
    const compared = await compareMethods(configs, spec, run);
    results = compared.results;
    const { outcomes } = compared;
    const of = (m: Method) => outcomes.filter((o) => o.method === m);
    const comparisons: Comparison[] = [];
    for (const versus of methods.filter((m) => m !== 'agent')) {
      for (const reading of READINGS) {
        const acc = (m: Method, clean: boolean) => of(m).map((o) => (clean ? o.readouts[reading].testAccClean : o.readouts[reading].testAcc));
        comparisons.push({
          versus, reading,
          testAcc: pairedDifference(acc('agent', false), acc(versus, false)),
          testAccClean: pairedDifference(acc('agent', true), acc(versus, true)),
        });
      }
    }
    const grid = of('grid');
    return {
      tasks: distribution.name,
      taskDescription: distribution.description,
      instances: configs.map((c) => ({ dataset: c.dataset, noise: c.noise, seed: c.seed })),
      levels,
      methods: summarizeOutcomes(outcomes, methods),
      comparisons,
      computeRatio: grid.length === 0 ? NaN : mean(of('agent').map((o, i) => o.epochs / grid[i].epochs)),
      outcomes,
    } satisfies EvaluateSummary;
  });
  return { summary, results };
}
