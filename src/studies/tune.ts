/**
 * `autoflood tune`: the chosen methods on one dataset, over seeds, in one resumable pool;
 * a comparison of test accuracy and compute.
 */
import { OptionError } from '../core/errors.js';
import type { RunHeader } from '../core/files.js';
import { loadAgent } from '../control/agent.js';
import { compareMethods, type MethodOutcome, type MethodSpec } from '../methods/compare.js';
import { summarizeOutcomes, type MethodSummary } from '../methods/summary.js';
import type { TrainConfig } from '../train/config.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import type { TrialResult } from '../trials/trial.js';

export interface TuneOptions extends StudyOptions, Omit<MethodSpec, 'agent'> {
  config: TrainConfig;
  /** Agent file, for the agent method (read before the out folder is made). */
  agentPath?: string;
  seeds: number[];
}

export interface TuneSummary {
  dataset: string;
  noise: number;
  seeds: number[];
  /** The searches' levels when given; absent: relative to each task's loss scale (in the outcomes). */
  levels?: number[];
  methods: MethodSummary[];
  outcomes: MethodOutcome[];
}

/**
 * Runs the chosen methods (grid, halving, PBT, rule, heuristic, agent, no flooding) on one task
 * over `seeds`, in one resumable worker pool; logs trials to `out` and writes `summary.json`.
 * @returns the summary (per method: test accuracy, chosen b, epochs and seconds) and every trial.
 */
export async function tune(options: TuneOptions): Promise<{ summary: RunHeader & TuneSummary; results: TrialResult[] }> {
  const { config, seeds, methods, levels, agentPath, heuristic, ruleMultiple, boundFactor, halving, pbt, check } = options;
  if (seeds.length === 0) throw new OptionError('seeds', 'need at least one seed');
  const agent = methods.includes('agent') ? await loadAgent(agentPath ?? '(no --agent given)') : undefined;
  const spec: MethodSpec = { methods, levels, agent, heuristic, ruleMultiple, boundFactor, halving, pbt, check: check !== false };
  let results: TrialResult[] = [];
  const summary = await inRunFolder('tune', options, { command: 'tune', config, seeds, ...spec, agent: agentPath }, async (run) => {
    const compared = await compareMethods(seeds.map((seed) => ({ ...config, seed })), spec, run);
    results = compared.results;
    return {
      dataset: config.dataset,
      noise: config.noise,
      seeds,
      levels,
      methods: summarizeOutcomes(compared.outcomes, methods),
      outcomes: compared.outcomes,
    } satisfies TuneSummary;
  });
  return { summary, results };
}
