/**
 * A method's plan on one task: which trials it needs next given the trials finished so far, and
 * its outcome once it needs nothing more. Plans are pure functions of the finished trials, so a
 * killed comparison resumes by planning again from the run log: the same trials come out, the
 * logged ones are skipped. Grid search is one stage; successive halving a stage per rung; PBT a
 * stage per generation.
 */
import type { Readout } from '../train/trainer.js';
import type { TrialResult, TrialSpec } from '../trials/trial.js';
import type { Reading } from './select.js';

/** Every flood-level method autoflood compares (see compare.ts). */
export const METHODS = ['agent', 'bound', 'heuristic', 'rule', 'sh', 'pbt', 'grid', 'none'] as const;
export type Method = (typeof METHODS)[number];

/** Finished trials by id. */
export type Done = ReadonlyMap<string, TrialResult>;

export interface MethodOutcome {
  method: Method;
  seed: number;
  /** The trials the method spent (its compute), in order. */
  trialIds: string[];
  /** Per reading, the trial whose readout it is (grid: the level chosen under that reading). */
  runs: Record<Reading, string>;
  /** Test readings under both readings. */
  readouts: Record<Reading, Readout>;
  /** The level chosen (searches, per reading) or the last level in force (controllers). */
  floodLevel: Record<Reading, number>;
  /** Flood level in force at each epoch of the run behind the last-epoch reading. */
  trajectory: number[];
  /** The same for the early-stopping reading, when that comes from another run (a checked method that kept one run under one reading only). */
  bestValTrajectory?: number[];
  /** Compute spent: epochs trained and summed wall time of the method's trials. */
  epochs: number;
  seconds: number;
  /** The task's loss scale (nats), for methods that set levels relative to it. */
  scale?: number;
  /** The flood levels a search considered. */
  levels?: number[];
  /**
   * A checked one-run method (compare.ts `checkedPlan`): per reading, whether its own run
   * validated better than the run without flooding and was kept (false: the reading is b = 0's).
   */
  kept?: Record<Reading, boolean>;
  /** A checked method: the level its own run set (the last in force), kept or not. */
  ownLevel?: number;
}

export interface MethodPlan {
  method: Method;
  /** The trials to run next (none of them finished); empty once the method is done. */
  next(done: Done): TrialSpec[];
  /** The outcome; call once `next` returns nothing. */
  outcome(done: Done): MethodOutcome;
}

/** The flood level in force per epoch of the run behind a reading of an outcome. */
export function trajectoryOf(outcome: MethodOutcome, reading: Reading): number[] {
  return reading === 'bestVal' ? outcome.bestValTrajectory ?? outcome.trajectory : outcome.trajectory;
}

/** A finished trial, or an error naming what is missing (a plan asked for an outcome too early). */
export function finished(done: Done, trial: TrialSpec | string): TrialResult {
  const id = typeof trial === 'string' ? trial : trial.id;
  const result = done.get(id);
  if (result === undefined) throw new Error(`plan: trial ${id} has not finished`);
  return result;
}

/**
 * Stages run one after another: each maps the finished trials to the trials of that stage, and
 * may read the results of the stages before it.
 * @returns the trials of the first stage that has unfinished ones, or [] when all are done.
 */
export function nextOfStages(stages: ((done: Done) => TrialSpec[])[], done: Done): TrialSpec[] {
  for (const stage of stages) {
    const todo = stage(done).filter((t) => !done.has(t.id));
    if (todo.length > 0) return todo;
  }
  return [];
}

/** Epochs this trial trained itself (a segment: since the state it continued from). */
export function epochsRun(result: TrialResult, done: Done): number {
  const from = result.segment?.from;
  return result.history.length - (from === undefined ? 0 : finished(done, from).history.length);
}

/** Epochs and wall seconds spent by a set of trials (each counted once). */
export function spent(ids: string[], done: Done): { epochs: number; seconds: number } {
  const unique = [...new Set(ids)].map((id) => finished(done, id));
  return {
    epochs: unique.reduce((a, r) => a + epochsRun(r, done), 0),
    seconds: unique.reduce((a, r) => a + r.wallSeconds, 0),
  };
}

/** The outcome of a method that made one run (plus, e.g., the trial that measured its scale). */
export function runOutcome(method: Method, run: TrialResult, trialIds: string[], done: Done, extra: Partial<MethodOutcome> = {}): MethodOutcome {
  const level = run.history[run.history.length - 1].floodLevel;
  return {
    method,
    seed: run.config.seed,
    trialIds,
    runs: { last: run.id, bestVal: run.id },
    readouts: { last: run.last, bestVal: run.bestVal },
    floodLevel: { last: level, bestVal: level },
    trajectory: run.history.map((m) => m.floodLevel),
    ...spent(trialIds, done),
    ...extra,
  };
}

/** A method that is one training, after the trials of `first` (the rule's scale trial, the twin's b = 0 run) have finished. */
export function singlePlan(method: Method, run: (done: Done) => TrialSpec, first: TrialSpec[] = []): MethodPlan {
  return {
    method,
    next: (done) => nextOfStages([() => first, (d) => [run(d)]], done),
    outcome(done) {
      const trial = run(done);
      return runOutcome(method, finished(done, trial), [...first.map((t) => t.id), trial.id], done);
    },
  };
}
