/**
 * Branches of one run: the warm-up (b = 0 for the first 20% of the epochs, the trial that measures
 * the task's loss scale) continued at b = c x scale to the end, from the warm-up's checkpoint. A
 * policy that reads the warm-up and picks c (the in-run agent, the noise-bound rule) costs one run
 * in all; training it needs the warm-up and one branch per multiple, and every policy's outcome on
 * the task is then known exactly (its run is one of the branches), without more training.
 */
import type { TrainConfig } from '../train/config.js';
import { OptionError } from '../core/errors.js';
import { lossScale, warmupEpochs } from '../train/scale.js';
import type { RunContext } from '../trials/run-folder.js';
import { runLogged } from '../trials/run-log.js';
import { makeTrial, type TrialResult, type TrialSpec } from '../trials/trial.js';
import { finished, nextOfStages, runOutcome, type Done, type MethodOutcome, type MethodPlan, type Method } from './plan.js';
import { relativeLevels, scaleTrial } from './relative.js';

/** The warm-up continued at b = c x scale (c = 0: the run without flooding, its end half). */
export function branchTrial(config: TrainConfig, scale: number, multiple: number, tag = 'branch'): TrialSpec {
  const level = relativeLevels(scale, [multiple])[0];
  return makeTrial({ ...config, flood: level }, { kind: 'constant' }, tag, { from: scaleTrial(config).id, until: config.epochs });
}

/** A finished warm-up's scale, or undefined while it runs. */
export function warmupOf(config: TrainConfig, done: Done): { warmup: TrialResult; scale: number } | undefined {
  const warmup = done.get(scaleTrial(config).id);
  return warmup === undefined ? undefined : { warmup, scale: lossScale(warmup.history) };
}

/**
 * A method that reads the warm-up and continues it at one multiple: `choose` maps the warm-up
 * (its history and the task's classes) to c. One run in all.
 */
export function branchPlan(method: Method, config: TrainConfig, choose: (warmup: TrialResult) => number): MethodPlan {
  if (warmupEpochs(config.epochs) >= config.epochs) {
    throw new OptionError('epochs', `expected at least 2 for the ${method} method: it continues a warm-up of the first 20% of the run, and ${config.epochs} leaves nothing to continue`);
  }
  // Asked again every round and for the outcome: the choice (a policy network's, say) is made once.
  let memo: { warmupId: string; trial: TrialSpec; multiple: number; scale: number } | undefined;
  const chosen = (done: Done) => {
    const w = warmupOf(config, done) as { warmup: TrialResult; scale: number };
    if (memo?.warmupId !== w.warmup.id) {
      const multiple = choose(w.warmup);
      memo = { warmupId: w.warmup.id, trial: branchTrial(config, w.scale, multiple, method), multiple, scale: w.scale };
    }
    return memo;
  };
  return {
    method,
    next: (done) => nextOfStages([() => [scaleTrial(config)], (d) => [chosen(d).trial]], done),
    outcome(done): MethodOutcome {
      const { trial, scale } = chosen(done);
      return runOutcome(method, finished(done, trial), [scaleTrial(config).id, trial.id], done, { scale });
    },
  };
}

/** One task of a branch grid: its warm-up, its scale, and its branches at each multiple, in order. */
export interface BranchGridTask {
  config: TrainConfig;
  warmup: TrialResult;
  scale: number;
  runs: TrialResult[];
}

/**
 * Trains every task's branch grid through the run log (the warm-ups first, then every branch of
 * every task in one round), resumable like every logged run.
 */
export async function branchGridRuns(
  configs: TrainConfig[], multiples: readonly number[], { log, runner, progress }: RunContext,
): Promise<{ tasks: BranchGridTask[]; results: TrialResult[] }> {
  const warmups = await runLogged(log, configs.map(scaleTrial), runner, progress);
  const branches = configs.map((config, i) => {
    const scale = lossScale(warmups.results[i].history);
    return multiples.map((c) => branchTrial(config, scale, c));
  });
  const flat = branches.flat();
  const unique = [...new Map(flat.map((t) => [t.id, t])).values()];
  const done = await runLogged(log, unique, runner, progress);
  const byId = new Map(done.results.map((r) => [r.id, r]));
  const tasks = configs.map((config, i) => ({
    config, warmup: warmups.results[i], scale: lossScale(warmups.results[i].history), runs: branches[i].map((t) => byId.get(t.id) as TrialResult),
  }));
  return { tasks, results: [...warmups.results, ...done.results] };
}
