/**
 * Runs flood-level methods side by side on the same task (same data, same initialisation) and
 * reads them the same way. Methods:
 *   none      - b = 0
 *   grid      - one training per level, b chosen by validation accuracy (the grid command's selection)
 *   heuristic - the reference's controller, one training
 *   agent     - the trained policy, one training
 */
import { chooseLevel, type Reading, READINGS } from '../src/grid/select.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../src/pool/trial.js';
import type { TrainConfig } from '../src/train/config.js';
import type { Readout } from '../src/train/trainer.js';

export const METHODS = ['agent', 'heuristic', 'grid', 'none'] as const;
export type Method = (typeof METHODS)[number];

export interface MethodSpec {
  methods: Method[];
  /** Flood levels of the grid baseline. */
  levels: number[];
  /** Agent file, for the agent method. */
  agentPath?: string;
  /** Heuristic options (defaults: the reference's). */
  heuristic?: Record<string, unknown>;
}

/** The trainings a task needs for the methods (the grid includes b = 0; 'none' reuses it). */
export function methodTrials(config: TrainConfig, spec: MethodSpec): TrialSpec[] {
  const trials: TrialSpec[] = [];
  const wants = (m: Method) => spec.methods.includes(m);
  if (wants('grid')) {
    const levels = spec.levels.includes(0) ? spec.levels : [0, ...spec.levels];
    for (const flood of levels) trials.push(makeTrial({ ...config, flood }, { kind: 'constant' }, 'grid'));
  } else if (wants('none')) {
    trials.push(makeTrial({ ...config, flood: 0 }, { kind: 'constant' }, 'grid'));
  }
  if (wants('heuristic')) trials.push(makeTrial({ ...config, flood: 0 }, { kind: 'heuristic', ...spec.heuristic }, 'heuristic'));
  if (wants('agent')) {
    if (spec.agentPath == null) throw new Error('agent: the agent method needs an agent file (--agent <path>)');
    trials.push(makeTrial({ ...config, flood: 0 }, { kind: 'agent', path: spec.agentPath }, 'agent'));
  }
  return trials;
}

export interface MethodOutcome {
  method: Method;
  seed: number;
  /** Test readings under both readings (grid: of the level chosen under that reading). */
  readouts: Record<Reading, Readout>;
  /** The level chosen (grid, per reading) or the final level in force (controllers). */
  floodLevel: Record<Reading, number>;
  /** Flood level in force at each epoch (controllers; grid: the chosen level's constant). */
  trajectory: number[];
  /** Compute spent: epochs trained and summed wall time of the method's trainings. */
  epochs: number;
  seconds: number;
}

/** Reads the outcome of each method from one task's finished trainings. */
export function methodOutcomes(results: TrialResult[], methods: Method[]): MethodOutcome[] {
  const seed = results[0].config.seed;
  const grid = results.filter((r) => r.tag === 'grid');
  const outcomes: MethodOutcome[] = [];
  const single = (method: Method, run: TrialResult): MethodOutcome => {
    const level = run.history[run.history.length - 1].floodLevel;
    return {
      method, seed,
      readouts: { last: run.last, bestVal: run.bestVal },
      floodLevel: { last: level, bestVal: level },
      trajectory: run.history.map((m) => m.floodLevel),
      epochs: run.history.length,
      seconds: run.wallSeconds,
    };
  };
  for (const method of methods) {
    if (method === 'grid') {
      const chosen = Object.fromEntries(READINGS.map((r) => [r, chooseLevel(grid, r)])) as Record<Reading, ReturnType<typeof chooseLevel>>;
      outcomes.push({
        method, seed,
        readouts: { last: chosen.last.readout, bestVal: chosen.bestVal.readout },
        floodLevel: { last: chosen.last.floodLevel, bestVal: chosen.bestVal.floodLevel },
        trajectory: Array.from({ length: grid[0].history.length }, () => chosen.last.floodLevel),
        epochs: grid.reduce((a, r) => a + r.history.length, 0),
        seconds: grid.reduce((a, r) => a + r.wallSeconds, 0),
      });
    } else if (method === 'none') {
      const zero = grid.find((r) => r.config.flood === 0);
      if (zero == null) throw new Error('none: no b = 0 training among the results');
      outcomes.push(single('none', zero));
    } else {
      const run = results.find((r) => r.tag === method);
      if (run == null) throw new Error(`${method}: no training among the results`);
      outcomes.push(single(method, run));
    }
  }
  return outcomes;
}

/** Two-sided 97.5% quantile of Student's t for small degrees of freedom (95% intervals). */
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface PairedDifference {
  mean: number;
  /** Half-width of the 95% confidence interval (t distribution). */
  halfWidth: number;
  n: number;
}

/** Mean of paired differences a_i - b_i with a 95% t interval. */
export function pairedDifference(a: number[], b: number[]): PairedDifference {
  if (a.length !== b.length) throw new Error('pairedDifference: need pairs');
  const d = a.map((v, i) => v - b[i]);
  const n = d.length;
  const mean = d.reduce((x, y) => x + y, 0) / n;
  if (n < 2) return { mean, halfWidth: NaN, n };
  const sd = Math.sqrt(d.reduce((x, v) => x + (v - mean) ** 2, 0) / (n - 1));
  const t = n - 1 < T975.length ? T975[n - 1] : 1.96;
  return { mean, halfWidth: (t * sd) / Math.sqrt(n), n };
}
