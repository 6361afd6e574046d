/**
 * Runs flood-level methods side by side on the same task (same data, same initialisation) and
 * reads them the same way. Methods:
 *   none      - b = 0
 *   grid      - one training per level, b chosen by validation accuracy (the grid command's selection)
 *   heuristic - the reference's controller, one training
 *   agent     - the trained policy, one training
 */
import type { TrainConfig } from '../train/config.js';
import type { Readout } from '../train/trainer.js';
import { runLogged, type LoggedRunOptions, type RunLog } from '../trials/run-log.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { chooseLevel, type Reading, READINGS } from './select.js';

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
  /** The trials the method spent (its compute). */
  trialIds: string[];
  /** Per reading, the trial whose readout it is (grid: the level chosen under that reading). */
  runs: Record<Reading, string>;
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
      trialIds: [run.id],
      runs: { last: run.id, bestVal: run.id },
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
        trialIds: grid.map((r) => r.id),
        runs: { last: chosen.last.trialId, bestVal: chosen.bestVal.trialId },
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

/**
 * Runs every method on every task (one config each; the methods of a task share its data and
 * initialisation) through the run log, and reads each method's outcome per task.
 * @returns the outcomes task by task in the order of `methods`, every trial's result, and how many ran now.
 */
export async function compareMethods(
  tasks: TrainConfig[], spec: MethodSpec, log: RunLog, options: LoggedRunOptions = {},
): Promise<{ outcomes: MethodOutcome[]; results: TrialResult[]; ranNow: number }> {
  if (spec.methods.length === 0) throw new RangeError(`method: choose at least one of ${METHODS.join(', ')}`);
  const perTask = tasks.map((config) => methodTrials(config, spec));
  const { results, ranNow } = await runLogged(log, perTask.flat(), options);
  const byId = new Map(results.map((r) => [r.id, r]));
  const outcomes = perTask.flatMap((trials) => methodOutcomes(trials.map((t) => byId.get(t.id) as TrialResult), spec.methods));
  return { outcomes, results, ranNow };
}
