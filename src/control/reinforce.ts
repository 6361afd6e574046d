/**
 * Learning the in-run agent's policy from training runs. Each training task was run once through
 * its warm-up and then continued at every multiple of its scale (methods/branch.ts), so the reward
 * of every action on every task is known: an episode is a task drawn at random, the state its
 * warm-up's features, an action drawn from the policy, and the reward the validation gain over no
 * flooding of that action's branch (offline replay of logged runs; a horizon of one decision).
 *
 * Two learners spend the same episodes:
 * - REINFORCE with a learned baseline (the policy-gradient learner): per batch of episodes, the
 *   value network is fitted to the rewards and the policy moves along advantage x grad log pi,
 *   plus an entropy bonus; rewards are divided by their spread over all tasks and actions.
 * - the cross-entropy method over the same network's parameters, each candidate scored by its
 *   greedy action's reward on a batch of episodes.
 * Both are seeded: the same seed, tasks and backend give the same policy.
 */
import * as tf from '@tensorflow/tfjs';
import { mean } from '../core/stats.js';
import { Rng } from '../data/rng.js';
import { initialCem, sampleCandidates, updateCem } from './cem.js';
import { flatWeights, policyModel, setFlatWeights, type PolicyNetwork } from './inrun.js';

/** What the logged runs say of one training task: its state, and the reward of every action. */
export interface OutcomeTask {
  /** Dataset family, for leave-one-family-out checks. */
  family: string;
  features: number[];
  /** Validation gain over no flooding (accuracy units) at each multiple of the network's list. */
  gains: number[];
}

export interface LearnerSettings {
  /** Units of the hidden layer. */
  hidden: number;
  /** Episodes in all (both learners spend the same). */
  episodes: number;
  /** REINFORCE: episodes per update. */
  batch: number;
  /** REINFORCE: Adam learning rate of the policy and of the baseline. */
  learningRate: number;
  /** REINFORCE: weight of the policy's entropy in its objective. */
  entropy: number;
  /** CEM: candidates per generation. */
  population: number;
  /** CEM: episodes each candidate is scored on. */
  cemBatch: number;
  /** A point of the learning curve every this many episodes. */
  curveEvery: number;
  seed: number;
}

export const LEARNER_DEFAULTS: LearnerSettings = {
  hidden: 4, episodes: 6400, batch: 32, learningRate: 0.03, entropy: 0.01, population: 20, cemBatch: 16, curveEvery: 320, seed: 0,
};

export type LearnerName = 'reinforce' | 'cem';

/** A point of a learner's curve: the greedy policy's mean reward over the training tasks after so many episodes. */
export interface LearnerPoint {
  learner: LearnerName;
  seed: number;
  episodes: number;
  /** Mean validation gain over no flooding of the greedy policy on every training task (accuracy units). */
  greedyGain: number;
}

/** Feature means and spreads over the tasks (a spread below 1e-9 counts as 1). */
export function standardisation(tasks: readonly OutcomeTask[]): { inputMean: number[]; inputStd: number[] } {
  const f = tasks[0].features.length;
  const inputMean = Array.from({ length: f }, (_, i) => mean(tasks.map((t) => t.features[i])));
  const inputStd = inputMean.map((m, i) => {
    const sd = Math.sqrt(mean(tasks.map((t) => (t.features[i] - m) ** 2)));
    return sd > 1e-9 ? sd : 1;
  });
  return { inputMean, inputStd };
}

/** The greedy action of a policy on every task (index into the multiples). */
function greedyActions(model: tf.LayersModel, x: tf.Tensor2D): Int32Array {
  return tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor2D, 1).dataSync() as Int32Array);
}

const meanGain = (tasks: readonly OutcomeTask[], actions: ArrayLike<number>) => mean(tasks.map((t, i) => t.gains[actions[i]]));

function checkTasks(tasks: readonly OutcomeTask[], multiples: readonly number[]): void {
  if (tasks.length === 0) throw new RangeError('learner: need at least one training task');
  for (const t of tasks) if (t.gains.length !== multiples.length) throw new RangeError(`learner: a task has ${t.gains.length} gains for ${multiples.length} multiples`);
}

export interface Learned {
  net: PolicyNetwork;
  params: number[];
  curve: LearnerPoint[];
}

/** REINFORCE with a learned baseline on replayed episodes (see the module comment). */
export function trainReinforce(tasks: readonly OutcomeTask[], multiples: readonly number[], settings: LearnerSettings): Learned {
  checkTasks(tasks, multiples);
  const net: PolicyNetwork = { hidden: settings.hidden, ...standardisation(tasks), multiples: [...multiples] };
  const f = tasks[0].features.length;
  const a = multiples.length;
  const rng = new Rng(settings.seed).fork('reinforce');
  const spread = Math.sqrt(mean(tasks.flatMap((t) => t.gains.map((g) => g * g)))) || 1;
  const policy = policyModel(f, settings.hidden, a, 1000 * settings.seed);
  const value = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [f], units: settings.hidden, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1000 * settings.seed + 2 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.zeros() }),
    ],
  });
  const x = tf.tensor2d(tasks.map((t) => t.features.map((v, i) => (v - net.inputMean[i]) / net.inputStd[i])));
  const policyOpt = tf.train.adam(settings.learningRate);
  const valueOpt = tf.train.adam(settings.learningRate);
  const curve: LearnerPoint[] = [];
  const point = (episodes: number) => curve.push({ learner: 'reinforce', seed: settings.seed, episodes, greedyGain: meanGain(tasks, greedyActions(policy, x)) });
  try {
    point(0);
    for (let episodes = 0; episodes < settings.episodes;) {
      const batch = Math.min(settings.batch, settings.episodes - episodes);
      const idx = Array.from({ length: batch }, () => rng.int(tasks.length));
      const xb = tf.tidy(() => tf.gather(x, tf.tensor1d(idx, 'int32')) as tf.Tensor2D);
      const probs = tf.tidy(() => tf.softmax(policy.predict(xb) as tf.Tensor2D).arraySync() as number[][]);
      const actions = probs.map((p) => {
        let u = rng.uniform();
        for (let k = 0; k < p.length - 1; k++) if ((u -= p[k]) < 0) return k;
        return p.length - 1;
      });
      const rewards = idx.map((t, i) => tasks[t].gains[actions[i]] / spread);
      const r = tf.tensor1d(rewards);
      const baseline = tf.tidy(() => (value.predict(xb) as tf.Tensor2D).reshape([batch]));
      const advantage = tf.sub(r, baseline);
      const chosen = tf.tidy(() => tf.oneHot(tf.tensor1d(actions, 'int32'), a));
      valueOpt.minimize(() => tf.mean(tf.square(tf.sub((value.predict(xb) as tf.Tensor2D).reshape([batch]), r))) as tf.Scalar);
      policyOpt.minimize(() => {
        const logp = tf.logSoftmax(policy.predict(xb) as tf.Tensor2D);
        const logChosen = tf.sum(tf.mul(logp, chosen), 1);
        const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
        return tf.neg(tf.add(tf.mean(tf.mul(advantage, logChosen)), tf.mul(settings.entropy, tf.mean(entropy)))) as tf.Scalar;
      });
      tf.dispose([xb, r, baseline, advantage, chosen]);
      const before = episodes;
      episodes += batch;
      if (Math.floor(episodes / settings.curveEvery) > Math.floor(before / settings.curveEvery) || episodes === settings.episodes) point(episodes);
    }
    return { net, params: flatWeights(policy), curve };
  } finally {
    tf.dispose([x]);
    policy.dispose();
    value.dispose();
    policyOpt.dispose();
    valueOpt.dispose();
  }
}

/** The cross-entropy method over the same network's parameters, on the same episode budget (see the module comment). */
export function trainCem(tasks: readonly OutcomeTask[], multiples: readonly number[], settings: LearnerSettings): Learned {
  checkTasks(tasks, multiples);
  const net: PolicyNetwork = { hidden: settings.hidden, ...standardisation(tasks), multiples: [...multiples] };
  const f = tasks[0].features.length;
  const rng = new Rng(settings.seed).fork('cem-episodes');
  const model = policyModel(f, settings.hidden, multiples.length, 1000 * settings.seed);
  const x = tf.tensor2d(tasks.map((t) => t.features.map((v, i) => (v - net.inputMean[i]) / net.inputStd[i])));
  const cem = { population: settings.population, eliteFraction: 0.2, initialStd: 0.5, minStd: 0.02, smoothing: 0.2 };
  let state = initialCem(flatWeights(model), cem);
  const curve: LearnerPoint[] = [];
  const greedyOf = (params: number[]) => {
    setFlatWeights(model, params);
    return greedyActions(model, x);
  };
  try {
    curve.push({ learner: 'cem', seed: settings.seed, episodes: 0, greedyGain: meanGain(tasks, greedyOf(state.mean)) });
    for (let episodes = 0; episodes + settings.population * settings.cemBatch <= settings.episodes;) {
      const candidates = sampleCandidates(state, cem, settings.seed);
      const fitness = candidates.map((params) => {
        const actions = greedyOf(params);
        const idx = Array.from({ length: settings.cemBatch }, () => rng.int(tasks.length));
        return mean(idx.map((t) => tasks[t].gains[actions[t]]));
      });
      state = updateCem(state, candidates, fitness, cem);
      const before = episodes;
      episodes += settings.population * settings.cemBatch;
      if (Math.floor(episodes / settings.curveEvery) > Math.floor(before / settings.curveEvery)) {
        curve.push({ learner: 'cem', seed: settings.seed, episodes, greedyGain: meanGain(tasks, greedyOf(state.mean)) });
      }
    }
    return { net, params: state.mean, curve };
  } finally {
    x.dispose();
    model.dispose();
  }
}
