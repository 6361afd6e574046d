/**
 * Flood-level methods side by side on the same task (same data, same initialisation), read the
 * same way. Each method is a plan (plan.ts); `compareMethods` drives the plans of every task
 * together through the run log, a stage at a time, on one worker pool. Methods:
 *   none      - b = 0, one training
 *   grid      - one training per level, b chosen by validation accuracy
 *   sh        - successive halving over the grid's levels (halving.ts)
 *   pbt       - population based training over the grid's levels (pbt.ts)
 *   rule      - one training at b = c x the task's loss scale, c fixed (the best constant multiple)
 *   heuristic - the reference's controller, one training
 *   agent     - the trained policy: one training (designs steps, relative, once), or the b = 0 run and one
 *               run at the level it reads from it (design twin, `twinPlan`)
 * agent, rule and heuristic are checked against the b = 0 run unless `check` is false (`checkedPlan`).
 * Without explicit levels, grid, sh and pbt search b = {0, 0.1, ..., 1} x the task's loss scale
 * (scale.ts), measured by a warm-up trial that counts toward their compute.
 */
import { twinLevel, type AgentFile } from '../../agents/agent.js';
import type { TrainConfig } from '../train/config.js';
import { WorkerPool } from '../trials/pool.js';
import { runLogged, type LoggedRunOptions, type RunLog } from '../trials/run-log.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { halvingPlan, HALVING_DEFAULTS, type HalvingSettings } from './halving.js';
import { pbtPlan, PBT_DEFAULTS, type PbtSettings } from './pbt.js';
import { finished, METHODS, nextOfStages, runOutcome, spent, trajectoryOf, type Done, type Method, type MethodOutcome, type MethodPlan } from './plan.js';
import { lossScale, relativeLevels, scaleTrial } from './scale.js';
import { chooseLevel, type Reading, READINGS } from './select.js';

export { METHODS, type Method, type MethodOutcome } from './plan.js';

/**
 * The multiple of the loss scale the fixed rule uses when none is given: the committed fit,
 * `autoflood fit-rule --tasks broad --instances 48 --seed 3` (agents/default-rule.json), the 48 tasks
 * the committed agent was trained on.
 */
export const DEFAULT_RULE_MULTIPLE = 0.8;

export interface MethodSpec {
  methods: Method[];
  /** Flood levels of the searches (grid, sh, pbt); absent: relative to each task's loss scale. */
  levels?: number[];
  /** Multiples of the loss scale the relative levels use (default 0, 0.1, ..., 1). */
  multiples?: readonly number[];
  /** The agent, for the agent method (inline: its trials' ids follow its parameters, not a file path). */
  agent?: AgentFile;
  /** Heuristic options (defaults: the reference's). */
  heuristic?: Record<string, unknown>;
  /** The fixed rule's multiple c of the loss scale. */
  ruleMultiple?: number;
  halving?: Partial<HalvingSettings>;
  pbt?: Partial<PbtSettings>;
  /**
   * Check the one-run methods (agent, rule, heuristic) against the run without flooding: keep
   * the method's run only where it validates better (default true; see `checkedPlan`).
   */
  check?: boolean;
}

/** The one-run methods that `check` applies to. */
export const CHECKED_METHODS: readonly Method[] = ['agent', 'rule', 'heuristic'];

/** The task's levels: explicit, or relative to its scale (stage 1: the scale trial). */
function levelsOf(config: TrainConfig, spec: MethodSpec, done: Done): { levels?: number[]; scale?: number; scaleIds: string[] } {
  if (spec.levels !== undefined) return { levels: spec.levels, scaleIds: [] };
  const trial = scaleTrial(config);
  const result = done.get(trial.id);
  if (result === undefined) return { scaleIds: [trial.id] };
  const scale = lossScale(result);
  return { levels: relativeLevels(scale, spec.multiples), scale, scaleIds: [trial.id] };
}

/** A stage that needs the levels first: the scale trial until it has finished. */
function withLevels(config: TrainConfig, spec: MethodSpec, then: (levels: number[]) => TrialSpec[]) {
  return (done: Done): TrialSpec[] => {
    const { levels } = levelsOf(config, spec, done);
    return levels === undefined ? [scaleTrial(config)] : then(levels);
  };
}

const constant = (config: TrainConfig, flood: number, tag: string) => makeTrial({ ...config, flood }, { kind: 'constant' }, tag);
/** The b = 0 run: shared by none, grid, the check, the twin agent and the agent's training (same id). */
export const noFlood = (config: TrainConfig): TrialSpec => constant(config, 0, 'grid');

function gridPlan(config: TrainConfig, spec: MethodSpec): MethodPlan {
  const trials = (levels: number[]) => [0, ...levels.filter((b) => b > 0)].map((b) => constant(config, b, 'grid'));
  return {
    method: 'grid',
    next: (done) => nextOfStages([withLevels(config, spec, trials)], done),
    outcome(done) {
      const { levels, scale, scaleIds } = levelsOf(config, spec, done);
      const runs = trials(levels as number[]).map((t) => finished(done, t));
      const chosen = Object.fromEntries(READINGS.map((r) => [r, chooseLevel(runs, r)])) as Record<Reading, ReturnType<typeof chooseLevel>>;
      const best = finished(done, chosen.last.trialId);
      const trialIds = [...scaleIds, ...runs.map((r) => r.id)];
      return {
        method: 'grid', seed: config.seed, trialIds,
        runs: { last: chosen.last.trialId, bestVal: chosen.bestVal.trialId },
        readouts: { last: chosen.last.readout, bestVal: chosen.bestVal.readout },
        floodLevel: { last: chosen.last.floodLevel, bestVal: chosen.bestVal.floodLevel },
        trajectory: best.history.map((m) => m.floodLevel),
        ...spent(trialIds, done), scale, levels,
      };
    },
  };
}

/** A method that is one training, after the trials of `first` (the rule's scale trial, the twin's b = 0 run) have finished. */
function singlePlan(method: Method, run: (done: Done) => TrialSpec, first: TrialSpec[] = []): MethodPlan {
  return {
    method,
    next: (done) => nextOfStages([() => first, (d) => [run(d)]], done),
    outcome(done) {
      const trial = run(done);
      return runOutcome(method, finished(done, trial), [...first.map((t) => t.id), trial.id], done);
    },
  };
}

function rulePlan(config: TrainConfig, spec: MethodSpec): MethodPlan {
  const multiple = spec.ruleMultiple ?? DEFAULT_RULE_MULTIPLE;
  const scale = scaleTrial(config);
  const level = (done: Done) => relativeLevels(lossScale(finished(done, scale)), [multiple])[0];
  const plan = singlePlan('rule', (done) => constant(config, level(done), 'rule'), [scale]);
  return { ...plan, outcome: (done) => ({ ...plan.outcome(done), scale: lossScale(finished(done, scale)) }) };
}

/**
 * A one-run method checked against the run without flooding (same data and initialisation): both
 * train, and under each reading the method keeps its own run only if that run's validation
 * accuracy is higher (the grid's choice over the two); otherwise its reading is the b = 0 run's.
 * A tool that floods where flooding hurts is worse than none, and validation sees most of that
 * for the price of one more run (shared with `none`, and trained beside the method's run).
 */
export function checkedPlan(plan: MethodPlan, config: TrainConfig): MethodPlan {
  const zero = noFlood(config);
  return {
    method: plan.method,
    next(done) {
      const own = plan.next(done);
      return done.has(zero.id) || own.some((t) => t.id === zero.id) ? own : [...own, zero];
    },
    outcome(done) {
      const inner = plan.outcome(done);
      const base = finished(done, zero);
      // Kept: the method's own run validated better, or its own run is the b = 0 run (a twin that chose c = 0).
      const kept = Object.fromEntries(READINGS.map((r) => [r, inner.runs[r] === zero.id || finished(done, inner.runs[r])[r].valAcc > base[r].valAcc])) as Record<Reading, boolean>;
      const pick = <T>(r: Reading, own: T, zeroValue: T) => (kept[r] ? own : zeroValue);
      const levels = (r: Reading) => pick(r, trajectoryOf(inner, r), base.history.map(() => 0));
      const trialIds = inner.trialIds.includes(zero.id) ? inner.trialIds : [...inner.trialIds, zero.id];
      const { bestValTrajectory: _, ...rest } = inner;
      return {
        ...rest,
        trialIds,
        runs: { last: pick('last', inner.runs.last, zero.id), bestVal: pick('bestVal', inner.runs.bestVal, zero.id) },
        readouts: { last: pick('last', inner.readouts.last, base.last), bestVal: pick('bestVal', inner.readouts.bestVal, base.bestVal) },
        floodLevel: { last: pick('last', inner.floodLevel.last, 0), bestVal: pick('bestVal', inner.floodLevel.bestVal, 0) },
        trajectory: levels('last'),
        ...(kept.last === kept.bestVal ? {} : { bestValTrajectory: levels('bestVal') }),
        ...spent(trialIds, done),
        kept,
      };
    },
  };
}

/**
 * The twin agent: the run without flooding first, then one run at b = c x scale with c read by the
 * agent from the finished first run, and the scale that run's first 20% of epochs measured (the
 * numbers of the searches' warm-up trial, which the twin does not need to train). c = 0 is the first
 * run itself, so it costs nothing more; other levels are the relative grid's trials (same ids).
 */
function twinPlan(config: TrainConfig, agent: AgentFile): MethodPlan {
  const zero = noFlood(config);
  const choice = (done: Done) => {
    const first = finished(done, zero);
    return twinLevel(agent, first.history, first.classes);
  };
  const plan = singlePlan('agent', (done) => constant(config, choice(done).level, 'agent'), [zero]);
  return { ...plan, outcome: (done) => ({ ...plan.outcome(done), scale: choice(done).scale }) };
}

/** The plan of one method on one task; one-run methods checked against no flooding unless `check` is false. */
export function planOf(method: Method, config: TrainConfig, spec: MethodSpec): MethodPlan {
  const plan = uncheckedPlanOf(method, config, spec);
  return spec.check !== false && CHECKED_METHODS.includes(method) ? checkedPlan(plan, config) : plan;
}

function uncheckedPlanOf(method: Method, config: TrainConfig, spec: MethodSpec): MethodPlan {
  switch (method) {
    case 'none':
      return singlePlan('none', () => noFlood(config));
    case 'grid':
      return gridPlan(config, spec);
    case 'rule':
      return rulePlan(config, spec);
    case 'heuristic':
      return singlePlan('heuristic', () => makeTrial({ ...config, flood: 0 }, { kind: 'heuristic', ...spec.heuristic }, 'heuristic'));
    case 'agent': {
      if (spec.agent === undefined) throw new Error('agent: the agent method needs an agent (--agent <path>)');
      if (spec.agent.design === 'twin') return twinPlan(config, spec.agent);
      const trial = makeTrial({ ...config, flood: 0 }, { kind: 'agent', agent: spec.agent }, 'agent');
      return singlePlan('agent', () => trial);
    }
    case 'sh': {
      const settings = { ...HALVING_DEFAULTS, ...spec.halving };
      return searchPlan('sh', config, spec, (levels) => halvingPlan(config, levels, settings));
    }
    case 'pbt': {
      const settings = { ...PBT_DEFAULTS, ...spec.pbt };
      return searchPlan('pbt', config, spec, (levels) => pbtPlan(config, levels, settings));
    }
  }
}

/** A search over the task's levels (known once the scale trial, if any, has finished). */
function searchPlan(method: Method, config: TrainConfig, spec: MethodSpec, make: (levels: number[]) => MethodPlan): MethodPlan {
  return {
    method,
    next(done) {
      const { levels } = levelsOf(config, spec, done);
      return levels === undefined ? [scaleTrial(config)] : make(levels).next(done);
    },
    outcome(done) {
      const { levels, scale, scaleIds } = levelsOf(config, spec, done);
      const inner = make(levels as number[]).outcome(done);
      const trialIds = [...scaleIds, ...inner.trialIds];
      return { ...inner, method, trialIds, ...spent(trialIds, done), scale, levels };
    },
  };
}

/**
 * Runs every method on every task through the run log: each round gathers the next trials of
 * every unfinished plan (a trial two plans share runs once) and runs them on one worker pool.
 * @returns the outcomes task by task in the order of `spec.methods`, and every trial's result.
 */
export async function compareMethods(
  tasks: TrainConfig[], spec: MethodSpec, log: RunLog, options: LoggedRunOptions = {},
): Promise<{ outcomes: MethodOutcome[]; results: TrialResult[] }> {
  if (spec.methods.length === 0) throw new RangeError(`method: choose at least one of ${METHODS.join(', ')}`);
  const plans = tasks.map((config) => spec.methods.map((m) => planOf(m, config, spec)));
  const done = new Map<string, TrialResult>(log.results().map((r) => [r.id, r]));
  const pool = options.pool ?? new WorkerPool(options);
  // Progress counts over every round: what finished before, plus this round's trials.
  let before = done.size;
  const onTrial = options.onTrial && ((r: TrialResult, n: number, total: number) => options.onTrial?.(r, before + n, before + total));
  try {
    for (;;) {
      const batch = new Map<string, TrialSpec>();
      for (const plan of plans.flat()) for (const t of plan.next(done)) batch.set(t.id, t);
      if (batch.size === 0) break;
      const { results } = await runLogged(log, [...batch.values()], { ...options, pool, onTrial });
      for (const r of results) done.set(r.id, r);
      before = done.size;
    }
  } finally {
    if (options.pool === undefined) await pool.close();
  }
  const outcomes = plans.flatMap((perTask) => perTask.map((plan) => plan.outcome(done)));
  const used = new Set(outcomes.flatMap((o) => o.trialIds));
  return { outcomes, results: [...done.values()].filter((r) => used.has(r.id)) };
}
