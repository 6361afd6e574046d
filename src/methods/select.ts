/**
 * Choosing b from a finished grid, as the paper does: by validation accuracy, under two
 * readings. "last": the last epoch's weights (no early stopping). "bestVal": each run's
 * best-validation epoch (early stopping). Ties go to the smaller b (less flooding).
 */
import type { Readout } from '../train/trainer.js';
import type { TrialResult } from '../trials/trial.js';
import { stat, type Stat } from '../core/stats.js';

export { stat, type Stat } from '../core/stats.js';

export type Reading = 'last' | 'bestVal';
export const READINGS: Reading[] = ['last', 'bestVal'];

export interface Choice {
  /** The trial chosen. */
  trialId: string;
  floodLevel: number;
  seed: number;
  readout: Readout;
}

/** Best run by validation accuracy under `reading`; ties to the smaller b. */
export function chooseLevel(runs: TrialResult[], reading: Reading): Choice {
  if (runs.length === 0) throw new Error('chooseLevel: no runs to choose from');
  let best = runs[0];
  for (const run of runs.slice(1)) {
    const a = run[reading].valAcc;
    const b = best[reading].valAcc;
    if (a > b || (a === b && run.config.flood < best.config.flood)) best = run;
  }
  return { trialId: best.id, floodLevel: best.config.flood, seed: best.config.seed, readout: best[reading] };
}

export interface ReadingSummary {
  /** Per seed: the chosen b and its test reading. */
  chosen: Choice[];
  /** Per seed: the b = 0 run's test reading (when the grid has b = 0). */
  noFlood: Choice[];
  floodLevel: Stat;
  testAcc: Stat;
  testAccClean: Stat;
  noFloodTestAcc: Stat;
  noFloodTestAccClean: Stat;
}

/** Selection per seed, then mean ± std over seeds, for both readings. */
export function summarizeGrid(runs: TrialResult[]): Record<Reading, ReadingSummary> {
  const seeds = [...new Set(runs.map((r) => r.config.seed))].sort((a, b) => a - b);
  const out = {} as Record<Reading, ReadingSummary>;
  for (const reading of READINGS) {
    const chosen: Choice[] = [];
    const noFlood: Choice[] = [];
    for (const seed of seeds) {
      const forSeed = runs.filter((r) => r.config.seed === seed);
      chosen.push(chooseLevel(forSeed, reading));
      const zero = forSeed.find((r) => r.config.flood === 0);
      if (zero) noFlood.push({ trialId: zero.id, floodLevel: 0, seed, readout: zero[reading] });
    }
    out[reading] = {
      chosen,
      noFlood,
      floodLevel: stat(chosen.map((c) => c.floodLevel)),
      testAcc: stat(chosen.map((c) => c.readout.testAcc)),
      testAccClean: stat(chosen.map((c) => c.readout.testAccClean)),
      noFloodTestAcc: stat(noFlood.map((c) => c.readout.testAcc)),
      noFloodTestAccClean: stat(noFlood.map((c) => c.readout.testAccClean)),
    };
  }
  return out;
}
