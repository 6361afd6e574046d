/**
 * `autoflood tune`: the chosen methods on one dataset, over seeds, in one resumable pool;
 * a comparison of test accuracy and compute.
 */
import path from 'node:path';
import { runResumable } from '../src/grid/grid.js';
import { parseLevels } from '../src/grid/levels.js';
import { stat, type Reading, READINGS, type Stat } from '../src/grid/select.js';
import type { TrialResult } from '../src/pool/trial.js';
import { writeJson } from '../src/runs.js';
import type { TrainConfig } from '../src/train/config.js';
import { methodOutcomes, methodTrials, type Method, type MethodOutcome } from './compare.js';

/** The grid the paper searched: 0..0.5 for synthetic data, 0..0.1 for the benchmarks. */
export function defaultLevels(dataset: string): number[] {
  const synthetic = ['two-gaussians', 'spiral', 'sinusoid'].includes(dataset);
  return parseLevels(synthetic ? '0:0.5:0.05' : '0:0.1:0.01');
}

export interface TuneOptions {
  config: TrainConfig;
  methods: Method[];
  seeds: number[];
  levels?: number[];
  agentPath?: string;
  out: string;
  resume?: boolean;
  workers?: number;
  onTrial?: (result: TrialResult, done: number, total: number) => void;
  signal?: AbortSignal;
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

export async function tune(options: TuneOptions): Promise<{ summary: TuneSummary; results: TrialResult[] }> {
  if (options.methods.length === 0) throw new RangeError('method: choose at least one of agent, heuristic, grid');
  const levels = options.levels ?? defaultLevels(options.config.dataset);
  const spec = { methods: options.methods, levels, agentPath: options.agentPath };
  const perSeed = options.seeds.map((seed) => methodTrials({ ...options.config, seed }, spec));
  const { results } = await runResumable({
    dir: options.out, trials: perSeed.flat(), resume: options.resume, workers: options.workers,
    backend: options.config.backend, onTrial: options.onTrial, signal: options.signal,
  });
  const byId = new Map(results.map((r) => [r.id, r]));
  const outcomes = perSeed.flatMap((trials) => methodOutcomes(trials.map((t) => byId.get(t.id) as TrialResult), options.methods));
  const summary: TuneSummary = {
    dataset: options.config.dataset,
    noise: options.config.noise,
    seeds: options.seeds,
    levels,
    methods: summarizeOutcomes(outcomes, options.methods),
    outcomes,
  };
  await writeJson(path.join(options.out, 'summary.json'), summary);
  return { summary, results };
}
