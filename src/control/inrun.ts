/**
 * The in-run agent: it reads the warm-up of one run (the first 20% of its epochs, trained
 * without flooding) and sets b = c x the run's loss scale for the rest of that run, c = 0, 0.1,
 * ..., 1, b = 0 (leave the task alone) included. What it reads is scale-free: the four metrics
 * [train loss, train accuracy, val loss, val accuracy] against the scale and chance, and what the
 * per-example training losses say about label noise (train/noise.ts): the share of examples in
 * their high group, and the entropy that much symmetric noise makes irreducible, against the scale.
 * Its policy is a small network (tfjs-layers: standardised features, one tanh layer, a softmax
 * over the multiples), trained by policy gradient (reinforce.ts).
 *
 * The noise-bound rule reads the same warm-up with no parameter to learn but a factor: c = f x
 * H(rate, classes) / scale, rounded to tenths, with the rate estimated from the warm-up.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../train/controller.js';
import { lossScale, noiseEntropy, RELATIVE_LEVELS } from '../train/scale.js';

/** The multiples of the scale the in-run agent and the bound rule choose from: 0, 0.1, ..., 1. */
export const INRUN_MULTIPLES = RELATIVE_LEVELS;

/**
 * What the agent reads of the warm-up. Chosen by holding out one training family at a time
 * (bench/inrun-features.ts: of the subsets tried, the one best on average over the held-out
 * families, 3 learner seeds each); the others (the mixture's high group, loss quantiles, the
 * train/validation gap) fitted the training families and carried worse.
 */
export const INRUN_FEATURES = [
  'scale / ln(classes)',
  'best val accuracy above chance',
  'noise estimate (share of losses above ln(classes))',
  'noise entropy / scale',
  'end val loss / scale - 1',
] as const;

const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(Number.isFinite(v) ? v : lo, lo), hi);

/**
 * The noise estimate of a warm-up: at its epoch of lowest validation loss (before the network
 * memorises), the share of the per-example training losses above ln(classes): examples whose label
 * the network finds less likely than a uniform guess would. It counts the injected noise and the
 * task's own errors together. (The high group of a mixture fitted to the losses, also kept, tracked
 * the injected rate worse: it finds a "high group" in clean tasks too; docs/agent.md.)
 * Needs epochs that kept their per-example statistics.
 */
export function noiseEstimate(warmup: readonly EpochMetrics[]): { rate: number; mixture: number; epoch: number } {
  if (warmup.length === 0) throw new Error('noiseEstimate: need at least one finished epoch');
  const best = warmup.reduce((a, m) => (m.valLoss < a.valLoss ? m : a));
  if (best.noisyShare === undefined || best.highLossShare === undefined) {
    throw new Error(`noiseEstimate: epoch ${best.epoch} has no per-example loss statistics (a run logged by an earlier autoflood)`);
  }
  return { rate: best.highLossShare, mixture: best.noisyShare, epoch: best.epoch };
}

/** The entropy (nats) of symmetric noise at the estimated rate over `classes` classes (rate capped below 1 - 1/K, where it peaks). */
export function boundLevel(rate: number, classes: number): number {
  return noiseEntropy(Math.min(Math.max(rate, 0), 1 - 1 / classes), classes);
}

/**
 * @param warmup the warm-up's epochs (at least one), with their per-example statistics.
 * @param classes the task's number of classes (at least 2).
 * @returns [INRUN_FEATURES.length] numbers, each O(1) on any dataset.
 */
export function inrunFeatures(warmup: readonly EpochMetrics[], classes: number): number[] {
  if (!(Number.isInteger(classes) && classes >= 2)) throw new RangeError(`inrunFeatures: classes must be an integer >= 2, got ${classes}`);
  const scale = lossScale(warmup);
  const lnK = Math.log(classes);
  const noise = noiseEstimate(warmup);
  const last = warmup[warmup.length - 1];
  const chance = 1 / classes;
  const bestValAcc = Math.max(...warmup.map((m) => m.valAcc));
  return [
    clip(scale / lnK, 0, 2),
    (bestValAcc - chance) / (1 - chance),
    noise.rate,
    clip(boundLevel(noise.rate, classes) / scale, 0, 3),
    clip(last.valLoss / scale - 1, 0, 4),
  ];
}

/** The bound rule's multiple: f x H(rate, K) / scale, rounded to tenths in [0, 1]. */
export function boundMultiple(warmup: readonly EpochMetrics[], classes: number, factor: number): number {
  const c = (factor * boundLevel(noiseEstimate(warmup).rate, classes)) / lossScale(warmup);
  return Math.round(10 * Math.min(Math.max(c, 0), 1)) / 10;
}

/** The policy network's shape and input standardisation, as saved in an agent file. */
export interface PolicyNetwork {
  /** Units of the hidden tanh layer. */
  hidden: number;
  /** Per feature: subtracted, then divided by `inputStd`. */
  inputMean: number[];
  inputStd: number[];
  /** The multiples of the scale its outputs stand for, in order. */
  multiples: number[];
}

/** A tfjs-layers model of the policy: features -> tanh(hidden) -> one logit per multiple. */
export function policyModel(features: number, hidden: number, outputs: number, seed = 0): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [features], units: hidden, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: outputs, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

/** Number of parameters of the policy: [W1 (features x hidden), b1, W2 (hidden x outputs), b2]. */
export const policySize = (features: number, hidden: number, outputs: number) => features * hidden + hidden + hidden * outputs + outputs;

/** The model's weights flattened, in `policySize` order. */
export function flatWeights(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

/** Sets a model's weights from a flat list (the inverse of flatWeights). */
export function setFlatWeights(model: tf.LayersModel, params: readonly number[]): void {
  let at = 0;
  const tensors = model.getWeights().map((w) => {
    const size = w.size;
    const t = tf.tensor(params.slice(at, at + size), w.shape);
    at += size;
    return t;
  });
  if (at !== params.length) {
    tf.dispose(tensors);
    throw new RangeError(`policy: expected ${at} parameters, got ${params.length}`);
  }
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Standardised features (a zero-spread feature stays centred). */
export function standardise(net: Pick<PolicyNetwork, 'inputMean' | 'inputStd'>, x: readonly number[]): number[] {
  return x.map((v, i) => (v - net.inputMean[i]) / net.inputStd[i]);
}

/** The policy's probabilities over its multiples for one state, from its saved parameters. */
export function policyProbabilities(net: PolicyNetwork, params: readonly number[], features: readonly number[]): number[] {
  const model = policyModel(features.length, net.hidden, net.multiples.length);
  try {
    setFlatWeights(model, params);
    return tf.tidy(() => Array.from((tf.softmax(model.predict(tf.tensor2d([standardise(net, features)])) as tf.Tensor2D).dataSync())));
  } finally {
    model.dispose();
  }
}

/** The multiple the policy picks (its most probable; ties to the smaller multiple). */
export function policyMultiple(net: PolicyNetwork, params: readonly number[], features: readonly number[]): number {
  const p = policyProbabilities(net, params, features);
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return net.multiples[best];
}
