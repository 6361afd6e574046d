/**
 * `autoflood tune`: the chosen methods on one dataset, over seeds, in one resumable pool;
 * a comparison of test accuracy and compute.
 */
import type { TrainConfig } from '../train/config.js';
import { RunLog, type LoggedRunOptions } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';
import { claimRunFolder, writeSummary, type RunHeader } from '../util/files.js';
import { stat, type Stat } from '../util/stats.js';
import { loadAgent } from '../../agents/agent.js';
import { compareMethods, type Method, type MethodOutcome, type MethodSpec } from './compare.js';
import { trajectoryOf } from './plan.js';
import { type Reading, READINGS } from './select.js';

export interface TuneOptions extends LoggedRunOptions, Omit<MethodSpec, 'agent'> {
  config: TrainConfig;
  /** Agent file, for the agent method (read before the out folder is made). */
  agentPath?: string;
  seeds: number[];
  out: string;
  resume?: boolean;
}

export interface MethodSummary {
  method: Method;
  testAcc: Record<Reading, Stat>;
  testAccClean: Record<Reading, Stat>;
  floodLevel: Record<Reading, Stat>;
  /** Epochs trained per seed (compute). */
  epochs: Stat;
  /** Wall seconds per seed, summed over the method's trainings. */
  seconds: Stat;
  /**
   * Seeds (or task instances) whose early-stopping reading comes from an epoch before any
   * flooding (a controller's warm-up, or b = 0): there that reading cannot tell methods apart.
   */
  esBeforeFlooding: number;
  /** A checked one-run method: per reading, the seeds (or instances) where its own run was kept over b = 0. */
  kept?: Record<Reading, number>;
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

/** Whether an outcome's early-stopping reading is of an epoch before any flooding. */
export function esBeforeFlooding(o: MethodOutcome): boolean {
  const first = trajectoryOf(o, 'bestVal').findIndex((b) => b > 0) + 1;
  return o.floodLevel.bestVal === 0 || first === 0 || o.readouts.bestVal.epoch < first;
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
      epochs: stat(mine.map((o) => o.epochs)),
      seconds: stat(mine.map((o) => o.seconds)),
      esBeforeFlooding: mine.filter(esBeforeFlooding).length,
      ...(mine.some((o) => o.kept !== undefined)
        ? { kept: Object.fromEntries(READINGS.map((r) => [r, mine.filter((o) => o.kept?.[r] === true).length])) as Record<Reading, number> }
        : {}),
    };
  });
}

/**
 * Runs the chosen methods (grid, halving, PBT, rule, heuristic, agent, no flooding) on one task
 * over `seeds`, in one resumable worker pool; logs trials to `out` and writes `summary.json`.
 * @returns the summary (per method: test accuracy, chosen b, epochs and seconds) and every trial.
 */
export async function tune(options: TuneOptions): Promise<{ summary: RunHeader & TuneSummary; results: TrialResult[] }> {
  const { config, seeds, out, resume = false, methods, levels, agentPath, heuristic, ruleMultiple, halving, pbt, check, ...pool } = options;
  if (seeds.length === 0) throw new RangeError('seeds: need at least one seed');
  const agent = methods.includes('agent') ? await loadAgent(agentPath ?? '(no --agent given)') : undefined;
  const spec: MethodSpec = { methods, levels, agent, heuristic, ruleMultiple, halving, pbt, check: check !== false };
  await claimRunFolder(out, { command: 'tune', config, seeds, ...spec, agent: agentPath }, resume);
  const tasks = seeds.map((seed) => ({ ...config, seed }));
  const log = await RunLog.open(out);
  const { outcomes, results } = await compareMethods(tasks, spec, log, pool);
  await log.deleteCheckpoints();
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
