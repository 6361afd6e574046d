/**
 * The noise-bound rule: the warm-up of one run (b = 0, the first 20% of the epochs) estimates how
 * much of the training labels the network cannot fit before it memorises them (the high group of
 * its per-example losses, train/noise.ts), and the rest of the run floods at f x the entropy that
 * much symmetric label noise makes irreducible, as a multiple of the scale rounded to tenths in
 * [0, 1] (control/inrun.ts `boundMultiple`). One run in all, like the in-run agent.
 */
import { boundMultiple } from '../control/inrun.js';
import type { TrainConfig } from '../train/config.js';
import { branchPlan } from './branch.js';
import type { MethodPlan } from './plan.js';

/**
 * The factor f when none is given: 1, the bound itself (zero parameters). `train-agent --design
 * inrun` also fits f on its training tasks and says how much that changes (docs/agent.md).
 */
export const DEFAULT_BOUND_FACTOR = 1;

export function boundPlan(config: TrainConfig, factor: number): MethodPlan {
  return branchPlan('bound', config, (warmup) => boundMultiple(warmup.history, warmup.classes, factor));
}
