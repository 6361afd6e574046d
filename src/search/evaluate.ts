/**
 * `autoflood evaluate-agent`: agent vs heuristic vs grid vs no flooding on held-out task
 * instances (not in the agent's training distribution), one instance per seed; paired
 * differences of test accuracy with 95% confidence intervals, and the compute of each method.
 */
import { taskDistribution } from '../../agents/tasks.js';
import { RunLog, type LoggedRunOptions } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';
import { claimRunFolder, writeSummary, type RunHeader } from '../util/files.js';
import { pairedDifference, type PairedDifference } from '../util/stats.js';
import { compareMethods, METHODS, type Method, type MethodOutcome } from './compare.js';
import { type Reading, READINGS } from './select.js';
import { summarizeOutcomes, type MethodSummary } from './tune.js';

export interface EvaluateOptions extends LoggedRunOptions {
  agentPath: string;
  /** Held-out task distribution. */
  tasks: string;
  /** Task instances (one seed each); at least 5. */
  instances: number;
  seed: number;
  out: string;
  resume?: boolean;
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
  levels: number[];
  methods: MethodSummary[];
  comparisons: Comparison[];
  /** Agent's epochs / grid's epochs per task. */
  computeRatio: number;
  outcomes: MethodOutcome[];
}

export async function evaluateAgent(options: EvaluateOptions): Promise<{ summary: RunHeader & EvaluateSummary; results: TrialResult[] }> {
  const { agentPath, tasks, instances, seed, out, resume = false, ...pool } = options;
  if (!Number.isInteger(instances) || instances < 5) {
    throw new RangeError(`instances: need at least 5 held-out task instances, got ${instances}`);
  }
  const distribution = taskDistribution(tasks);
  const methods = [...METHODS];
  await claimRunFolder(out, { command: 'evaluate-agent', agentPath, tasks, instances, seed }, resume);
  const configs = Array.from({ length: instances }, (_, i) => distribution.sample(seed, i));
  const { outcomes, results } = await compareMethods(configs, { methods, levels: distribution.levels, agentPath }, await RunLog.open(out), pool);
  const of = (m: Method) => outcomes.filter((o) => o.method === m);
  const comparisons: Comparison[] = [];
  for (const versus of ['heuristic', 'grid', 'none'] as const) {
    for (const reading of READINGS) {
      const acc = (m: Method, clean: boolean) => of(m).map((o) => (clean ? o.readouts[reading].testAccClean : o.readouts[reading].testAcc));
      comparisons.push({
        versus, reading,
        testAcc: pairedDifference(acc('agent', false), acc(versus, false)),
        testAccClean: pairedDifference(acc('agent', true), acc(versus, true)),
      });
    }
  }
  const summary = await writeSummary(out, 'evaluate-agent', {
    tasks: distribution.name,
    taskDescription: distribution.description,
    instances: configs.map((c) => ({ dataset: c.dataset, noise: c.noise, seed: c.seed })),
    levels: distribution.levels,
    methods: summarizeOutcomes(outcomes, methods),
    comparisons,
    computeRatio: of('agent')[0].epochs / of('grid')[0].epochs,
    outcomes,
  } satisfies EvaluateSummary);
  return { summary, results };
}
