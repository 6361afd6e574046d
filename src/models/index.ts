/**
 * Model zoo: the paper's MLPs and CIFAR ResNets, built from a small serialisable spec.
 */
import * as tf from '@tensorflow/tfjs';
import { buildMlp, MNIST_MLP, PAPER_MLP } from './mlp.js';
import { buildResNet } from './resnet.js';

export { buildMlp, MNIST_MLP, PAPER_MLP, type MlpOptions } from './mlp.js';
export { buildResNet, ShortcutA, type ResNetOptions } from './resnet.js';
export { augmentBatch, CROP_PADDING } from './augment.js';

export interface ModelSpec {
  kind: 'mlp' | 'resnet';
  /** MLP: hidden layers (default 4). ResNet: 6n + 2 layers (default 44). */
  depth?: number;
  /** MLP only: units per hidden layer (default 500). */
  width?: number;
  /** MLP only: batch norm after each hidden layer (default true). ResNets always have it. */
  batchNorm?: boolean;
}

/** Depth of the CIFAR ResNet of the paper's seed study. */
const CIFAR_RESNET_DEPTH = 44;

/**
 * Builds the model a spec describes, for examples of shape `featureShape`.
 * Input [B, ...featureShape]; output logits [B, numClasses]. An MLP flattens image inputs.
 * Throws, naming the field, on a spec that does not fit.
 */
export function buildModel(spec: ModelSpec, featureShape: number[], numClasses: number, seed: number): tf.LayersModel {
  if (spec.kind === 'mlp') {
    return buildMlp({
      inputDim: featureShape, numClasses, depth: spec.depth, width: spec.width, batchNorm: spec.batchNorm, seed,
    });
  }
  if (spec.kind === 'resnet') {
    if (spec.width != null) throw new Error('model.width: a ResNet has fixed widths 16/32/64; leave width unset');
    if (spec.batchNorm === false) throw new Error('model.batchNorm: a ResNet always uses batch norm');
    if (featureShape.length !== 3) {
      throw new Error(`model.kind: a ResNet needs images [H, W, C], got features of shape [${featureShape.join(', ')}]`);
    }
    return buildResNet({
      depth: spec.depth ?? CIFAR_RESNET_DEPTH, inputShape: featureShape as [number, number, number], numClasses, seed,
    });
  }
  throw new Error(`model.kind must be 'mlp' or 'resnet', got ${JSON.stringify((spec as { kind: unknown }).kind)}`);
}

/**
 * The paper's model for a dataset: synthetic data and CSV files get the 4 x 500 batch-norm MLP,
 * MNIST-family the MNIST MLP, CIFAR-10 ResNet-44.
 */
export function defaultModelSpec(datasetName: string): ModelSpec {
  if (['two-gaussians', 'spiral', 'sinusoid'].includes(datasetName) || datasetName.startsWith('csv:') || datasetName.startsWith('clusters:')) {
    return { kind: 'mlp', ...PAPER_MLP };
  }
  if (datasetName === 'mnist' || datasetName === 'fashion-mnist') return { kind: 'mlp', ...MNIST_MLP };
  if (datasetName === 'cifar10') return { kind: 'resnet', depth: CIFAR_RESNET_DEPTH };
  throw new Error(`dataset: no default model for "${datasetName}"`);
}

/** Number of trainable parameters (what papers report), or of all weights incl. BN statistics. */
export function countParams(model: tf.LayersModel, which: 'trainable' | 'all' = 'trainable'): number {
  const weights = which === 'trainable' ? model.trainableWeights : model.weights;
  return weights.reduce((sum, w) => sum + tf.util.sizeFromShape(w.shape as number[]), 0);
}
