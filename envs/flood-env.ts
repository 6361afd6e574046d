/**
 * A training run as an RL environment (one episode = one training run, as in dynamic algorithm
 * configuration). `reset()` trains a short warm-up without flooding and returns the first state;
 * `step(action)` trains the next `epochsPerStep` epochs with flood level `levels[action]`.
 *
 * Reward: the change over the step of the validation accuracy averaged over the step's epochs
 * (potential-based shaping, with that average as potential; averaging tames the noise of a
 * small validation set). With undiscounted returns the return from any step is the final
 * potential minus the current one, so the agent is paid for where the run ends, not for the
 * next few epochs: short horizons do not push it to b = 0.
 */
import type { Dataset } from '../src/data/types.js';
import type { TrainConfig } from '../src/train/config.js';
import type { EpochMetrics } from '../src/train/controller.js';
import { Trainer } from '../src/train/trainer.js';
import { stateFeatures, STATE_FEATURES } from './features.js';

export interface FloodEnvOptions {
  /** The task: a full training config (its `epochs` is the episode length in epochs). */
  config: TrainConfig;
  dataset: Dataset;
  /** Flood levels the actions index. */
  levels: number[];
  /** Epochs trained per action. */
  epochsPerStep: number;
  /** Epochs trained without flooding before the first state. */
  warmupEpochs: number;
}

export interface StepResult {
  /** Next state: [STATE_FEATURES.length]. */
  state: number[];
  reward: number;
  done: boolean;
  /** Metrics of the epochs this step trained. */
  metrics: EpochMetrics[];
}

export class FloodEnv {
  readonly options: FloodEnvOptions;
  private trainer: Trainer | undefined;
  private level = 0;

  constructor(options: FloodEnvOptions) {
    const { levels, epochsPerStep, warmupEpochs, config } = options;
    if (levels.length === 0) throw new RangeError('levels: need at least one flood level');
    if (!Number.isInteger(epochsPerStep) || epochsPerStep < 1) throw new RangeError('epochsPerStep: must be an integer >= 1');
    if (!Number.isInteger(warmupEpochs) || warmupEpochs < 1 || warmupEpochs >= config.epochs) {
      throw new RangeError(`warmupEpochs: must be an integer in [1, epochs), got ${warmupEpochs}`);
    }
    this.options = options;
  }

  static readonly stateSize = STATE_FEATURES.length;

  /** Decisions per episode. */
  get horizon(): number {
    const { config, warmupEpochs, epochsPerStep } = this.options;
    return Math.ceil((config.epochs - warmupEpochs) / epochsPerStep);
  }

  /** The run so far. */
  get history(): readonly EpochMetrics[] {
    return this.trainer?.history ?? [];
  }

  /** Starts a new run (same seed: same data and initialisation) and trains the warm-up. */
  reset(): number[] {
    this.trainer?.dispose();
    this.trainer = new Trainer(this.options.config, this.options.dataset);
    this.level = 0;
    for (let e = 0; e < this.options.warmupEpochs; e++) this.trainer.runEpoch(0);
    return this.state();
  }

  step(action: number): StepResult {
    const trainer = this.trainer;
    if (trainer == null) throw new Error('step: call reset() first');
    const { levels, epochsPerStep, config } = this.options;
    if (!Number.isInteger(action) || action < 0 || action >= levels.length) {
      throw new RangeError(`action: must be an integer in [0, ${levels.length}), got ${action}`);
    }
    if (trainer.epochsDone >= config.epochs) throw new Error('step: the episode is over; call reset()');
    this.level = levels[action];
    const before = this.potential();
    const metrics: EpochMetrics[] = [];
    for (let e = 0; e < epochsPerStep && trainer.epochsDone < config.epochs; e++) metrics.push(trainer.runEpoch(this.level));
    return { state: this.state(), reward: this.potential() - before, done: trainer.epochsDone >= config.epochs, metrics };
  }

  /** Test readings of the finished run (last epoch and best-validation epoch). */
  readouts() {
    if (this.trainer == null) throw new Error('readouts: call reset() first');
    return this.trainer.readouts();
  }

  /** Mean validation accuracy over the last `epochsPerStep` epochs. */
  private potential(): number {
    const recent = this.history.slice(-this.options.epochsPerStep);
    return recent.reduce((a, m) => a + m.valAcc, 0) / recent.length;
  }

  private state(): number[] {
    const trainer = this.trainer as Trainer;
    return stateFeatures(trainer.history, this.level, trainer.config.epochs);
  }

  dispose(): void {
    this.trainer?.dispose();
    this.trainer = undefined;
  }
}
