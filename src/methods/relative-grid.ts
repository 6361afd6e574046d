/**
 * Every task of a distribution at every multiple of its loss scale: the warm-up, then b = c x
 * scale for each c, each from the same initialisation (the relative grid's own trials). What
 * the fixed rule is fitted on and the twin agent is trained on.
 */
import type { TrainConfig } from '../train/config.js';
import type { RunContext } from '../trials/run-folder.js';
import type { TrialResult } from '../trials/trial.js';
import { compareMethods } from './compare.js';
import type { RelativeGridTask } from './rule.js';

export async function relativeGridRuns(
  configs: TrainConfig[], multiples: readonly number[], run: RunContext,
): Promise<{ tasks: RelativeGridTask[]; results: TrialResult[] }> {
  const { outcomes, results } = await compareMethods(configs, { methods: ['grid'], multiples }, run);
  const byId = new Map(results.map((r) => [r.id, r]));
  const tasks = outcomes.map((o, i) => {
    // A grid outcome's trials: the warm-up, then b = 0 and the multiples above 0 in order.
    const [warmup, ...runs] = o.trialIds.map((id) => byId.get(id) as TrialResult);
    if (runs.length !== multiples.length) throw new Error(`relative grid: the loss scale of ${configs[i].dataset} (seed ${configs[i].seed}) is too small to tell the multiples apart`);
    return { config: configs[i], warmup, runs };
  });
  return { tasks, results };
}
