/**
 * A small categorical policy trained with REINFORCE: returns-to-go with a per-step baseline
 * (the batch's mean return at the same step index), advantages normalised over the batch,
 * and an entropy bonus. The network is a tfjs-layers MLP: state [S] -> hidden (tanh) -> logits [A].
 */
import * as tf from '@tensorflow/tfjs';

export interface PolicyConfig {
  /** Features per state. */
  stateSize: number;
  /** Number of discrete actions. */
  numActions: number;
  /** Hidden units (0 = a linear policy). */
  hidden: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Weight of the entropy bonus in the loss. */
  entropyCoef: number;
  /** Seed of the initial weights. */
  seed: number;
}

export const POLICY_DEFAULTS: Omit<PolicyConfig, 'stateSize' | 'numActions'> = {
  hidden: 16,
  learningRate: 0.01,
  entropyCoef: 0.01,
  seed: 0,
};

/** One decision: the state seen, the action taken, the reward that followed. */
export interface Transition {
  state: number[];
  action: number;
  reward: number;
}

export type Episode = Transition[];

export interface UpdateStats {
  /** Mean undiscounted return of the batch's episodes. */
  meanReturn: number;
  /** Mean policy entropy over the batch's states (nats). */
  entropy: number;
  loss: number;
}

/**
 * Advantages for REINFORCE: each step's return-to-go minus a baseline, the mean return-to-go
 * at the same step index over the episodes of the same group (episodes of one task instance,
 * so task difficulty cancels out; default: one group), then normalised over the batch.
 * @returns advantages[episode][step].
 */
export function advantages(episodes: Episode[], groups: number[] = episodes.map(() => 0)): number[][] {
  const returns = episodes.map((ep) => {
    const g = new Array<number>(ep.length);
    let sum = 0;
    for (let t = ep.length - 1; t >= 0; t--) g[t] = sum += ep[t].reward;
    return g;
  });
  const baseline = (group: number, t: number): number => {
    const at = returns.filter((g, i) => groups[i] === group && t < g.length).map((g) => g[t]);
    return at.reduce((a, b) => a + b, 0) / at.length;
  };
  const raw = returns.map((g, i) => g.map((v, t) => v - baseline(groups[i], t)));
  const flat = raw.flat();
  const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
  const std = Math.sqrt(flat.reduce((a, v) => a + (v - mean) ** 2, 0) / flat.length);
  return raw.map((g) => g.map((v) => (std > 1e-8 ? (v - mean) / std : 0)));
}

export class Policy {
  readonly config: PolicyConfig;
  readonly model: tf.Sequential;
  private readonly optimizer: tf.Optimizer;

  constructor(config: PolicyConfig) {
    for (const field of ['stateSize', 'numActions'] as const) {
      if (!Number.isInteger(config[field]) || config[field] < 1) throw new RangeError(`policy.${field}: must be an integer >= 1`);
    }
    this.config = config;
    const init = (offset: number) => tf.initializers.glorotUniform({ seed: config.seed * 1000 + offset });
    this.model = tf.sequential();
    if (config.hidden > 0) {
      this.model.add(tf.layers.dense({ inputShape: [config.stateSize], units: config.hidden, activation: 'tanh', kernelInitializer: init(1) }));
    }
    this.model.add(tf.layers.dense({
      ...(config.hidden > 0 ? {} : { inputShape: [config.stateSize] }),
      units: config.numActions,
      // Small output weights: the initial policy is close to uniform over the actions.
      kernelInitializer: tf.initializers.randomUniform({ minval: -0.01, maxval: 0.01, seed: config.seed * 1000 + 2 }),
    }));
    this.optimizer = tf.train.adam(config.learningRate);
  }

  /** Action probabilities for one state: [A]. */
  probabilities(state: number[]): number[] {
    return tf.tidy(() => {
      const logits = this.model.predict(tf.tensor2d([state])) as tf.Tensor2D;
      return Array.from(tf.softmax(logits).dataSync());
    });
  }

  /** Samples an action with `uniform()` in [0, 1). */
  sample(state: number[], uniform: () => number): number {
    const probs = this.probabilities(state);
    let u = uniform();
    for (let a = 0; a < probs.length; a++) {
      u -= probs[a];
      if (u < 0) return a;
    }
    return probs.length - 1;
  }

  /** The most probable action. */
  greedy(state: number[]): number {
    const probs = this.probabilities(state);
    return probs.indexOf(Math.max(...probs));
  }

  /** One REINFORCE step on a batch of finished episodes, baselined within `groups` (see `advantages`). */
  update(episodes: Episode[], groups?: number[]): UpdateStats {
    const adv = advantages(episodes, groups);
    const steps = episodes.flat();
    const states = tf.tensor2d(steps.map((s) => s.state));
    const actions = tf.oneHot(tf.tensor1d(steps.map((s) => s.action), 'int32'), this.config.numActions);
    const weights = tf.tensor1d(adv.flat());
    let entropy = 0;
    const loss = this.optimizer.minimize(() => {
      const logits = this.model.apply(states, { training: true }) as tf.Tensor2D;
      const logProbs = tf.logSoftmax(logits);
      const chosen = tf.sum(tf.mul(logProbs, actions), 1);
      const h = tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1));
      entropy = tf.mean(h).dataSync()[0];
      const pg = tf.neg(tf.mean(tf.mul(chosen, weights)));
      return tf.sub(pg, tf.mul(this.config.entropyCoef, tf.mean(h))) as tf.Scalar;
    }, true) as tf.Scalar;
    const value = loss.dataSync()[0];
    tf.dispose([states, actions, weights, loss]);
    const meanReturn = episodes.reduce((a, ep) => a + ep.reduce((s, t) => s + t.reward, 0), 0) / episodes.length;
    return { meanReturn, entropy, loss: value };
  }

  /** The weights as plain arrays (for saving). */
  weightArrays(): { shape: number[]; values: number[] }[] {
    return this.model.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) }));
  }

  /** Restores weights saved by `weightArrays`. */
  setWeightArrays(weights: { shape: number[]; values: number[] }[]): void {
    const expected = this.model.getWeights().map((w) => w.shape.join('x'));
    const got = weights.map((w) => w.shape.join('x'));
    if (expected.join(',') !== got.join(',')) {
      throw new Error(`policy weights: expected shapes ${expected.join(', ')}, got ${got.join(', ')}`);
    }
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
    this.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  /** Adam's state (step count and moments) as plain arrays, for checkpoints. */
  async optimizerState(): Promise<{ name: string; shape: number[]; values: number[] }[]> {
    const named = await this.optimizer.getWeights();
    return named.map(({ name, tensor }) => ({ name, shape: tensor.shape, values: Array.from(tensor.dataSync()) }));
  }

  /** Restores `optimizerState()`; the next update continues as if never interrupted. */
  async setOptimizerState(state: { name: string; shape: number[]; values: number[] }[]): Promise<void> {
    const named = state.map(({ name, shape, values }) => ({ name, tensor: tf.tensor(values, shape) }));
    await this.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
