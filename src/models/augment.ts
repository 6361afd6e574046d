/**
 * CIFAR data augmentation (He et al. 2016): pad 4 zero pixels on each side, take a random
 * crop of the original size, flip it horizontally with probability 1/2.
 *
 * The random choices are made in JS from a uniform source, so a seeded source gives the same
 * augmentation on every backend. The images are then moved with one gather: each output pixel
 * reads one input pixel (or a zero row for the padding), which costs one pass over the batch.
 */
import * as tf from '@tensorflow/tfjs';

/** Zero padding of the random crop, in pixels. */
export const CROP_PADDING = 4;

/**
 * For each output pixel of a [B, H, W] batch, the flat index (b*H + h)*W + w of the input pixel
 * it copies, or B*H*W (a zero row) when it falls in the padding. Consumes 3 uniforms per example
 * in order: vertical offset, horizontal offset, flip.
 */
function augmentIndices(
  batch: number, height: number, width: number, uniform: () => number, padding = CROP_PADDING,
): Int32Array {
  const zeroRow = batch * height * width;
  const offsets = 2 * padding + 1;
  const pick = () => Math.min(Math.floor(uniform() * offsets), offsets - 1) - padding;
  const indices = new Int32Array(batch * height * width);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    const dy = pick();
    const dx = pick();
    const flip = uniform() < 0.5;
    for (let h = 0; h < height; h++) {
      const row = h + dy;
      for (let w = 0; w < width; w++) {
        // Crop, then flip the crop: output column w shows crop column (flip ? width-1-w : w).
        const col = (flip ? width - 1 - w : w) + dx;
        indices[k++] = row >= 0 && row < height && col >= 0 && col < width
          ? (b * height + row) * width + col
          : zeroRow;
      }
    }
  }
  return indices;
}

/**
 * Random crop with zero padding plus random horizontal flip.
 * @param x images [B, H, W, C].
 * @param uniform source of uniforms in [0, 1); 3 are drawn per example.
 * @returns a new tensor [B, H, W, C]; `x` is left as it is.
 */
export function augmentBatch(x: tf.Tensor4D, uniform: () => number, padding = CROP_PADDING): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const indices = augmentIndices(b, h, w, uniform, padding);
  return tf.tidy(() => {
    // [B*H*W + 1, C]: every pixel, then one zero pixel for the padding.
    const pixels = tf.concat([tf.reshape(x, [b * h * w, c]), tf.zeros([1, c], x.dtype)]);
    // [B*H*W, C] -> [B, H, W, C]
    return tf.reshape(tf.gather(pixels, tf.tensor1d(indices, 'int32')), [b, h, w, c]);
  });
}
