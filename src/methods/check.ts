/**
 * A one-run method checked against the run without flooding (same data and initialisation): both
 * train, and under each reading the method keeps its own run only if that run's validation
 * accuracy is higher (the grid's choice over the two); otherwise its reading is the b = 0 run's.
 * A tool that floods where flooding hurts is worse than none, and validation sees most of that
 * for the price of one more run (shared with `none`, and trained beside the method's run).
 */
import type { TrainConfig } from '../train/config.js';
import { noFlood } from './grid.js';
import { finished, spent, trajectoryOf, type MethodPlan } from './plan.js';
import { READINGS, type Reading } from './select.js';

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
        ownLevel: inner.floodLevel.last,
      };
    },
  };
}
