/**
 * The reference's heuristic flood-level controller (the seed study's improvement 3).
 *
 * Phase 1 ("backward"): no flooding until the network has memorised its training labels: by
 * default the reference's literal condition, zero training error (training accuracy 100%);
 * with `startAfterLoss` > 0, the training loss falling below it instead. Phase 2: start at b = `initialLevel`; after every epoch, with x the validation
 * accuracy in percent and x' a reference starting at 0:
 *   if x >= x' + lambda:  x' = x, b = clip(b + alpha, 0, maxLevel)
 *   else if x < x' - lambda: x' = x, b = clip(b - alpha, 0, maxLevel)
 * The seed used alpha = 0.015, lambda = 0.4 points, initial b = 0.0001, max 0.5.
 */
import type { ControllerContext, EpochMetrics, FloodController } from '../train/controller.js';

/** The heuristic's constants (HEURISTIC_DEFAULTS are the seed study's). */
export interface HeuristicOptions {
  /** Step of b per decision (nats). */
  alpha: number;
  /** Dead band on validation accuracy (percentage points). */
  lambda: number;
  /** Phase 2 starts once the training loss is below this (nats); 0 = at zero training error. */
  startAfterLoss: number;
  /** b at the start of phase 2. */
  initialLevel: number;
  /** Upper clip of b. */
  maxLevel: number;
}

/** The seed study's constants: alpha 0.015, lambda 0.4 points, initial b 0.0001, max 0.5, memorisation = 100% training accuracy. */
export const HEURISTIC_DEFAULTS: HeuristicOptions = {
  alpha: 0.015,
  lambda: 0.4,
  startAfterLoss: 0,
  initialLevel: 0.0001,
  maxLevel: 0.5,
};

/** The heuristic as a controller (see the file's comment): `new HeuristicController(options?)`, one per run. */
export class HeuristicController implements FloodController {
  readonly name = 'heuristic';
  readonly options: HeuristicOptions;
  /** Epoch after which phase 2 began (undefined while waiting for memorisation). */
  private startedAfter: number | undefined;
  private level = 0;
  private reference = 0;

  constructor(options: Partial<HeuristicOptions> = {}) {
    this.options = { ...HEURISTIC_DEFAULTS, ...options };
    const { alpha, lambda, startAfterLoss, initialLevel, maxLevel } = this.options;
    for (const [field, value] of Object.entries({ alpha, lambda, startAfterLoss, initialLevel, maxLevel })) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`heuristic.${field}: must be a finite number >= 0, got ${value}`);
    }
  }

  floodLevel(history: readonly EpochMetrics[], _context: ControllerContext): number {
    const last = history[history.length - 1];
    if (last == null) return 0;
    if (this.startedAfter == null) {
      const memorised = this.options.startAfterLoss > 0 ? last.trainLoss < this.options.startAfterLoss : last.trainAcc >= 1;
      if (!memorised) return 0;
      this.startedAfter = last.epoch;
      this.level = this.options.initialLevel;
      return this.level;
    }
    const x = 100 * last.valAcc;
    const { alpha, lambda, maxLevel } = this.options;
    if (x >= this.reference + lambda) {
      this.reference = x;
      this.level = Math.min(Math.max(this.level + alpha, 0), maxLevel);
    } else if (x < this.reference - lambda) {
      this.reference = x;
      this.level = Math.min(Math.max(this.level - alpha, 0), maxLevel);
    }
    return this.level;
  }

  describe(): Record<string, unknown> {
    return { ...this.options, startedAfterEpoch: this.startedAfter ?? null };
  }
}
