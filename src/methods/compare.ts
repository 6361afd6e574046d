/**
 * Flood-level methods side by side on the same task (same data, same initialisation), read the
 * same way. Each method is a plan (plan.ts); `compareMethods` drives the plans of every task
 * together through the run log, a stage at a time, on one runner. Methods:
 *   none      - b = 0, one training
 *   grid      - one training per level, b chosen by validation accuracy (grid.ts)
 *   sh        - successive halving over the grid's levels (halving.ts)
 *   pbt       - population based training over the grid's levels (pbt.ts)
 *   rule      - one training at b = c x the task's loss scale, c fixed (rule.ts)
 *   bound     - the warm-up, continued at f x the entropy of the noise it estimates (bound.ts)
 *   heuristic - the reference's controller, one training
 *   agent     - the trained policy (agent.ts)
 * agent, rule and heuristic are checked against the b = 0 run unless `check` is false (check.ts).
 * Without explicit levels, grid, sh and pbt search b = {0, 0.1, ..., 1} x the task's loss scale
 * (relative.ts), measured by a warm-up trial that counts toward their compute.
 */
import type { AgentFile } from '../control/agent.js';
import type { TrainConfig } from '../train/config.js';
import { OptionError } from '../core/errors.js';
import { runLogged } from '../trials/run-log.js';
import type { RunContext } from '../trials/run-folder.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { agentPlan } from './agent.js';
import { checkedPlan } from './check.js';
import { gridPlan, levelsOf, noFlood, type LevelSpec } from './grid.js';
import { halvingPlan, HALVING_DEFAULTS, type HalvingSettings } from './halving.js';
import { pbtPlan, PBT_DEFAULTS, type PbtSettings } from './pbt.js';
import { METHODS, singlePlan, spent, type Method, type MethodOutcome, type MethodPlan } from './plan.js';
import { DEFAULT_RULE_MULTIPLE, rulePlan } from './rule.js';
import { boundPlan, DEFAULT_BOUND_FACTOR } from './bound.js';
import { scaleTrial } from './relative.js';

export { METHODS, type Method, type MethodOutcome } from './plan.js';

export interface MethodSpec extends LevelSpec {
  methods: Method[];
  /** The agent, for the agent method (inline: its trials' ids follow its parameters, not a file path). */
  agent?: AgentFile;
  /** Heuristic options (defaults: the reference's). */
  heuristic?: Record<string, unknown>;
  /** The fixed rule's multiple c of the loss scale. */
  ruleMultiple?: number;
  /** The noise-bound rule's factor f (b = f x the entropy of the estimated noise). */
  boundFactor?: number;
  halving?: Partial<HalvingSettings>;
  pbt?: Partial<PbtSettings>;
  /**
   * Check the one-run methods (agent, rule, heuristic) against the run without flooding: keep
   * the method's run only where it validates better (default true; see `checkedPlan`).
   */
  check?: boolean;
}

/**
 * The one-run methods that `check` applies to. The in-run agent and the noise-bound rule are not
 * checked: they can choose b = 0 themselves, and a check would add a whole run to their one.
 */
export const CHECKED_METHODS: readonly Method[] = ['agent', 'rule', 'heuristic'];

/** Whether `method` is checked against no flooding under `spec`. */
export function isChecked(method: Method, spec: MethodSpec): boolean {
  return spec.check !== false && CHECKED_METHODS.includes(method) && !(method === 'agent' && spec.agent?.design === 'inrun');
}

/** The plan of one method on one task; one-run methods checked against no flooding unless `check` is false. */
export function planOf(method: Method, config: TrainConfig, spec: MethodSpec): MethodPlan {
  const plan = uncheckedPlanOf(method, config, spec);
  return isChecked(method, spec) ? checkedPlan(plan, config) : plan;
}

function uncheckedPlanOf(method: Method, config: TrainConfig, spec: MethodSpec): MethodPlan {
  switch (method) {
    case 'none':
      return singlePlan('none', () => noFlood(config));
    case 'grid':
      return gridPlan(config, spec);
    case 'rule':
      return rulePlan(config, spec.ruleMultiple ?? DEFAULT_RULE_MULTIPLE);
    case 'bound':
      return boundPlan(config, spec.boundFactor ?? DEFAULT_BOUND_FACTOR);
    case 'heuristic':
      return singlePlan('heuristic', () => makeTrial({ ...config, flood: 0 }, { kind: 'heuristic', ...spec.heuristic }, 'heuristic'));
    case 'agent': {
      if (spec.agent === undefined) throw new OptionError('agent', 'the agent method needs an agent file');
      return agentPlan(config, spec.agent);
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
 * every unfinished plan (a trial two plans share runs once) and trains them on the runner.
 * @returns the outcomes task by task in the order of `spec.methods`, and every trial's result.
 */
export async function compareMethods(
  tasks: TrainConfig[], spec: MethodSpec, { log, runner, progress }: RunContext,
): Promise<{ outcomes: MethodOutcome[]; results: TrialResult[] }> {
  if (spec.methods.length === 0) throw new OptionError('methods', `choose at least one of ${METHODS.join(', ')}`);
  const plans = tasks.map((config) => spec.methods.map((m) => planOf(m, config, spec)));
  const done = new Map<string, TrialResult>(log.results().map((r) => [r.id, r]));
  // Progress counts over every round: what finished before, plus this round's trials.
  let before = done.size;
  const onTrial = progress.onTrial && ((r: TrialResult, n: number, total: number) => progress.onTrial?.(r, before + n, before + total));
  for (;;) {
    const batch = new Map<string, TrialSpec>();
    for (const plan of plans.flat()) for (const t of plan.next(done)) batch.set(t.id, t);
    if (batch.size === 0) break;
    const { results } = await runLogged(log, [...batch.values()], runner, { ...progress, onTrial });
    for (const r of results) done.set(r.id, r);
    before = done.size;
  }
  const outcomes = plans.flatMap((perTask) => perTask.map((plan) => plan.outcome(done)));
  const used = new Set(outcomes.flatMap((o) => o.trialIds));
  return { outcomes, results: [...done.values()].filter((r) => used.has(r.id)) };
}
