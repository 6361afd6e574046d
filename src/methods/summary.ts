/** Outcomes of a method over seeds or task instances, summarised: test accuracy, chosen b, compute. */
import { stat, type Stat } from '../core/stats.js';
import { trajectoryOf, type Method, type MethodOutcome } from './plan.js';
import { READINGS, type Reading } from './select.js';

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
