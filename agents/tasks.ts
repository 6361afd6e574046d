/**
 * Task distributions for the agent: each task instance is a full training config drawn from a
 * seed. The agent trains on `broad`; it is judged on families `broad` never shows (Fashion-MNIST,
 * and the synthetic tasks at noise rates it never trains on), with fresh seeds.
 *
 * Every task is long enough for the network to memorise its noisy labels (training accuracy near
 * 100%, training loss far below the validation loss): flooding acts only there.
 */
import { Rng } from '../src/data/rng.js';
import { SYNTHETIC_NAMES } from '../src/data/synthetic.js';
import { resolveTrainConfig, type TrainConfig } from '../src/train/config.js';

export interface TaskDistribution {
  name: string;
  description: string;
  /** The `index`-th task instance of the stream seeded by `seed`. */
  sample(seed: number, index: number): TrainConfig;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];

/** Instance seeds are spread so streams of different seeds never share one. */
const instanceSeed = (seed: number, index: number) => seed * 100_003 + index;

/** Synthetic noise rates the agent trains on; 10% and 15% are held out. */
const SYNTHETIC_TRAIN_NOISE = [0, 0.05, 0.2, 0.3];
const SYNTHETIC_HELDOUT_NOISE = [0.1, 0.15];

function synthetic(dataset: string, noise: number, valSize: number, seed: number): TrainConfig {
  return resolveTrainConfig({
    dataset, noise, seed, trainSize: 1000, valSize, testSize: 4000,
    model: 'mlp', depth: 4, width: 100, epochs: 100, batchSize: 100,
  });
}

function mnistFamily(dataset: 'mnist' | 'fashion-mnist', noise: number, seed: number): TrainConfig {
  return resolveTrainConfig({
    dataset, noise, seed, trainSize: 2000, valSize: 1000, testSize: 2000,
    model: 'mlp', depth: 2, width: 100, epochs: 30, batchSize: 100,
  });
}

function clusters(rng: Rng, seed: number): TrainConfig {
  const features = pick(rng, [5, 10, 20, 50]);
  const classes = pick(rng, [2, 3, 5, 10, 26]);
  // 40% symmetric noise leaves two classes almost no signal (60/40): binary tasks stop at 30%.
  const noise = pick(rng, classes === 2 ? [0, 0.1, 0.2, 0.3] : [0, 0.1, 0.2, 0.3, 0.4]);
  return resolveTrainConfig({
    dataset: `clusters:${features}:${classes}`, noise, seed,
    trainSize: pick(rng, [500, 1000, 2000]), valSize: 500, testSize: 4000,
    model: 'mlp', depth: 2, width: 100, epochs: 60, batchSize: 100,
  });
}

export const TASK_DISTRIBUTIONS = ['broad', 'fashion-mnist-heldout', 'synthetic-heldout'] as const;

export function taskDistribution(name: string): TaskDistribution {
  switch (name) {
    case 'broad':
      return {
        name,
        description: 'a third each: Two Gaussians / Spiral / Sinusoid (noise 0, 5, 20 or 30%, 1000 training and 500 validation ' +
          'examples, MLP 4x100, 100 epochs); MNIST subsets (noise 0-40%, 2000 training and 1000 validation images, MLP 2x100, ' +
          '30 epochs); generated tabular tasks clusters:<5-50 features>:<2-26 classes> (noise 0-40%, binary 0-30%, 500-2000 training ' +
          'examples, MLP 2x100, 60 epochs)',
        sample: (seed, index) => {
          const rng = new Rng(instanceSeed(seed, index));
          const s = instanceSeed(seed, index);
          const family = pick(rng, ['synthetic', 'mnist', 'clusters'] as const);
          if (family === 'synthetic') return synthetic(pick(rng, SYNTHETIC_NAMES), pick(rng, SYNTHETIC_TRAIN_NOISE), 500, s);
          if (family === 'mnist') return mnistFamily('mnist', pick(rng, [0, 0.1, 0.2, 0.3, 0.4]), s);
          return clusters(rng, s);
        },
      };
    case 'fashion-mnist-heldout':
      return {
        name,
        description: 'held out: Fashion-MNIST subsets (a family training never shows) at 10, 20, 30, 40 and 0% label noise in turn, ' +
          '2000 training and 1000 validation images, MLP 2x100, 30 epochs, fresh seeds',
        sample: (seed, index) => mnistFamily('fashion-mnist', [0.1, 0.2, 0.3, 0.4, 0][index % 5], 7_000_000 + instanceSeed(seed, index)),
      };
    case 'synthetic-heldout':
      return {
        name,
        description: 'held out: Two Gaussians / Spiral / Sinusoid at 10% and 15% label noise (rates training never shows), ' +
          '1000 training and 200 validation examples, MLP 4x100, 100 epochs, fresh seeds',
        sample: (seed, index) => synthetic(
          SYNTHETIC_NAMES[index % SYNTHETIC_NAMES.length], SYNTHETIC_HELDOUT_NOISE[Math.floor(index / SYNTHETIC_NAMES.length) % 2], 200,
          9_000_000 + instanceSeed(seed, index),
        ),
      };
    default:
      throw new RangeError(`tasks: unknown task distribution "${name}" (known: ${TASK_DISTRIBUTIONS.join(', ')})`);
  }
}
