/**
 * `autoflood evaluate-agent`: agent vs heuristic vs grid vs no flooding on held-out task
 * instances (not in the agent's training distribution), one instance per seed; paired
 * differences of test accuracy with 95% confidence intervals, and the compute of each method.
 */
import path from 'node:path';
import { runResumable } from '../src/grid/grid.js';
import { type Reading, READINGS } from '../src/grid/select.js';
import type { TrialResult } from '../src/pool/trial.js';
import { writeJson } from '../src/runs.js';
import { METHODS, methodOutcomes, methodTrials, pairedDifference, type Method, type MethodOutcome, type PairedDifference } from './compare.js';
import { taskDistribution } from './tasks.js';
import { summarizeOutcomes, type MethodSummary } from './tune.js';

export interface EvaluateOptions {
  agentPath: string;
  /** Held-out task distribution. */
  tasks: string;
  /** Task instances (one seed each); at least 5. */
  instances: number;
  seed: number;
  out: string;
  resume?: boolean;
  workers?: number;
  backend?: string;
  onTrial?: (result: TrialResult, done: number, total: number) => void;
  signal?: AbortSignal;
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

export async function evaluateAgent(options: EvaluateOptions): Promise<{ summary: EvaluateSummary; results: TrialResult[] }> {
  if (!Number.isInteger(options.instances) || options.instances < 5) {
    throw new RangeError(`instances: need at least 5 held-out task instances, got ${options.instances}`);
  }
  const distribution = taskDistribution(options.tasks, options.backend);
  const methods = [...METHODS];
  const configs = Array.from({ length: options.instances }, (_, i) => distribution.sample(options.seed, i));
  const spec = { methods, levels: distribution.levels, agentPath: options.agentPath };
  const perTask = configs.map((config) => methodTrials(config, spec));
  const { results } = await runResumable({
    dir: options.out, trials: perTask.flat(), resume: options.resume, workers: options.workers,
    backend: options.backend, onTrial: options.onTrial, signal: options.signal,
  });
  const byId = new Map(results.map((r) => [r.id, r]));
  const outcomes = perTask.flatMap((trials) => methodOutcomes(trials.map((t) => byId.get(t.id) as TrialResult), methods));
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
  const summary: EvaluateSummary = {
    tasks: distribution.name,
    taskDescription: distribution.description,
    instances: configs.map((c) => ({ dataset: c.dataset, noise: c.noise, seed: c.seed })),
    levels: distribution.levels,
    methods: summarizeOutcomes(outcomes, methods),
    comparisons,
    computeRatio: of('agent')[0].epochs / of('grid')[0].epochs,
    outcomes,
  };
  await writeJson(path.join(options.out, 'summary.json'), summary);
  return { summary, results };
}
