/**
 * `autoflood tune`: the chosen methods on one dataset, over seeds, in one resumable pool;
 * a comparison of test accuracy and compute.
 */
import { SYNTHETIC_NAMES } from '../data/synthetic.js';
import type { TrainConfig } from '../train/config.js';
import { RunLog, type LoggedRunOptions } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';
import { claimRunFolder, writeSummary, type RunHeader } from '../util/files.js';
import { stat, type Stat } from '../util/stats.js';
import { compareMethods, type Method, type MethodOutcome } from './compare.js';
import { parseLevels } from './levels.js';
import { type Reading, READINGS } from './select.js';

/** The grid the paper searched: 0..0.5 for synthetic data, 0..0.1 for the benchmarks. */
export function defaultLevels(dataset: string): number[] {
  const synthetic = (SYNTHETIC_NAMES as readonly string[]).includes(dataset);
  return parseLevels(synthetic ? '0:0.5:0.05' : '0:0.1:0.01');
}

export interface TuneOptions extends LoggedRunOptions {
  config: TrainConfig;
  methods: Method[];
  seeds: number[];
  levels?: number[];
  agentPath?: string;
  out: string;
  resume?: boolean;
}

export interface MethodSummary {
  method: Method;
  testAcc: Record<Reading, Stat>;
  testAccClean: Record<Reading, Stat>;
  floodLevel: Record<Reading, Stat>;
  /** Epochs trained per seed (compute). */
  epochs: number;
  /** Wall seconds per seed, summed over the method's trainings. */
  seconds: Stat;
}

export interface TuneSummary {
  dataset: string;
  noise: number;
  seeds: number[];
  levels: number[];
  methods: MethodSummary[];
  outcomes: MethodOutcome[];
}

export function summarizeOutcomes(outcomes: MethodOutcome[], methods: Method[]): MethodSummary[] {
  return methods.map((method) => {
    const mine = outcomes.filter((o) => o.method === method);
    const per = (f: (o: MethodOutcome, r: Reading) => number) =>
      Object.fromEntries(READINGS.map((r) => [r, stat(mine.map((o) => f(o, r)))])) as Record<Reading, Stat>;
    return {
      method,
      testAcc: per((o, r) => o.readouts[r].testAcc),
      testAccClean: per((o, r) => o.readouts[r].testAccClean),
      floodLevel: per((o, r) => o.floodLevel[r]),
      epochs: mine.length > 0 ? mine[0].epochs : 0,
      seconds: stat(mine.map((o) => o.seconds)),
    };
  });
}

export async function tune(options: TuneOptions): Promise<{ summary: RunHeader & TuneSummary; results: TrialResult[] }> {
  const { config, methods, seeds, agentPath, out, resume = false, ...pool } = options;
  if (seeds.length === 0) throw new RangeError('seeds: need at least one seed');
  const levels = options.levels ?? defaultLevels(config.dataset);
  await claimRunFolder(out, { command: 'tune', config, methods, seeds, levels, agentPath }, resume);
  const tasks = seeds.map((seed) => ({ ...config, seed }));
  const { outcomes, results } = await compareMethods(tasks, { methods, levels, agentPath }, await RunLog.open(out), pool);
  const summary = await writeSummary(out, 'tune', {
    dataset: config.dataset,
    noise: config.noise,
    seeds,
    levels,
    methods: summarizeOutcomes(outcomes, methods),
    outcomes,
  } satisfies TuneSummary);
  return { summary, results };
}
