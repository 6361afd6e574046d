/**
 * The CIFAR ResNets of He et al. (2016), section 4.2: ResNet-20/32/44/56/110.
 *
 * conv3x3(16) -> BN -> ReLU -> 3 stages of n basic blocks with 16, 32, 64 filters (the first
 * block of stages 2 and 3 has stride 2) -> global average pool -> Dense(numClasses), where
 * depth = 6n + 2. Basic block: conv3x3 -> BN -> ReLU -> conv3x3 -> BN, plus the shortcut, then
 * ReLU. Shortcuts are parameter-free ("option A"): identity, or when a block downsamples,
 * x[:, ::2, ::2, :] zero-padded to the new channel count. ResNet-44 then has 0.66M parameters.
 *
 * Strided convolutions pad one pixel on each side, as in the PyTorch reference, so that their
 * output pixels sit on the pixels the shortcut keeps (TF's 'same' padding would pad only at the
 * bottom/right and shift them by one). Weights are He-normal (tfjs: truncated normal with
 * std sqrt(2 / fanIn)), seeded; batch norm uses PyTorch's defaults.
 */
import * as tf from '@tensorflow/tfjs';
import { seedSequence } from './seeds.js';
import { TORCH_BATCH_NORM } from './mlp.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export interface ShortcutAArgs extends LayerArgs {
  /** Spatial subsampling factor: 1 or 2. */
  stride: number;
  /** Output channels, >= input channels; the extra ones are zeros, split evenly before/after. */
  filters: number;
}

/**
 * Option-A shortcut: [B, H, W, C] -> [B, ceil(H/stride), ceil(W/stride), filters], keeping every
 * stride-th pixel from (0, 0) and zero-padding the channels. No weights.
 */
export class ShortcutA extends tf.layers.Layer {
  static className = 'ShortcutA';
  readonly stride: number;
  readonly filters: number;

  constructor(args: ShortcutAArgs) {
    super(args);
    if (args.stride !== 1 && args.stride !== 2) throw new RangeError(`ShortcutA stride must be 1 or 2, got ${args.stride}`);
    this.stride = args.stride;
    this.filters = args.filters;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (c != null && c > this.filters) throw new Error(`ShortcutA: ${c} input channels > ${this.filters} filters`);
    const down = (n: number | null) => (n == null ? null : Math.ceil(n / this.stride));
    return [b, down(h), down(w), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor4D {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D; // [B, H, W, C]
      const [b, h, w, c] = x.shape;
      if (this.stride === 2) {
        // Pad odd sizes to even: [B, 2*oh, 2*ow, C].
        const oh = Math.ceil(h / 2);
        const ow = Math.ceil(w / 2);
        if (h % 2 !== 0 || w % 2 !== 0) x = tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]);
        // [B*oh, 2, ow, 2*C]: row parity on axis 1, column parity in the upper half of axis 3.
        const pairs = tf.reshape(x, [b * oh, 2, ow, 2 * c]);
        // Even rows and even columns: [B*oh, 1, ow, C] -> [B, oh, ow, C].
        x = tf.reshape(tf.slice(pairs, [0, 0, 0, 0], [b * oh, 1, ow, c]), [b, oh, ow, c]);
      }
      const extra = this.filters - c;
      if (extra === 0) return x;
      const before = Math.floor(extra / 2);
      // [B, oh, ow, filters]
      return tf.pad(x, [[0, 0], [0, 0], [0, 0], [before, extra - before]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stride: this.stride, filters: this.filters };
  }
}
tf.serialization.registerClass(ShortcutA);

export interface ResNetOptions {
  /** 6n + 2: 20, 32, 44, 56, 110, ... */
  depth: number;
  /** Shape of one image [H, W, C] (default [32, 32, 3]). */
  inputShape?: [number, number, number];
  numClasses: number;
  /** Seeds every initializer: the same seed gives the same weights. */
  seed: number;
}

/** Blocks per stage for a CIFAR ResNet of `depth` layers; throws unless depth = 6n + 2, n >= 1. */
function resnetBlocksPerStage(depth: number): number {
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) {
    throw new RangeError(`resnet depth must be 6n + 2 with n >= 1 (20, 32, 44, 56, 110), got ${String(depth)}`);
  }
  return (depth - 2) / 6;
}

/**
 * Builds a CIFAR ResNet with the functional API.
 * Input [B, H, W, C] (default [B, 32, 32, 3]); output logits [B, numClasses].
 */
export function buildResNet(options: ResNetOptions): tf.LayersModel {
  const { depth, numClasses, seed } = options;
  const inputShape = options.inputShape ?? [32, 32, 3];
  const blocks = resnetBlocksPerStage(depth);
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`numClasses must be an integer >= 2, got ${String(numClasses)}`);
  }
  const nextSeed = seedSequence(seed);

  /** 3x3 convolution without bias; stride 2 pads one pixel on every side first. */
  const conv3x3 = (x: tf.SymbolicTensor, filters: number, stride: number): tf.SymbolicTensor => {
    const kernelInitializer = tf.initializers.heNormal({ seed: nextSeed() });
    if (stride === 1) {
      return tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer })
        .apply(x) as tf.SymbolicTensor;
    }
    const padded = tf.layers.zeroPadding2d({ padding: 1 }).apply(x) as tf.SymbolicTensor;
    return tf.layers.conv2d({ filters, kernelSize: 3, strides: stride, padding: 'valid', useBias: false, kernelInitializer })
      .apply(padded) as tf.SymbolicTensor;
  };
  const bn = (x: tf.SymbolicTensor) => tf.layers.batchNormalization(TORCH_BATCH_NORM).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;

  /** Basic block: [B, H, W, C] -> [B, H/stride, W/stride, filters]. */
  const basicBlock = (x: tf.SymbolicTensor, filters: number, stride: number): tf.SymbolicTensor => {
    const residual = bn(conv3x3(relu(bn(conv3x3(x, filters, stride))), filters, 1));
    const channels = x.shape[3] as number;
    const shortcut = stride === 1 && channels === filters
      ? x
      : new ShortcutA({ stride, filters }).apply(x) as tf.SymbolicTensor;
    return relu(tf.layers.add().apply([residual, shortcut]) as tf.SymbolicTensor);
  };

  const input = tf.input({ shape: inputShape }); // [B, H, W, C]
  let x = relu(bn(conv3x3(input, 16, 1))); // [B, H, W, 16]
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let i = 0; i < blocks; i++) x = basicBlock(x, filters, stage > 0 && i === 0 ? 2 : 1);
  }
  // [B, H/4, W/4, 64] -> [B, 64] -> logits [B, numClasses]
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({
    units: numClasses,
    kernelInitializer: tf.initializers.heNormal({ seed: nextSeed() }),
    biasInitializer: 'zeros',
  }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: `resnet${depth}` });
}
