/**
 * Task distributions for the agent: each task instance is a full training config drawn from a
 * seed. Training draws instances from a distribution; evaluation uses held-out instances
 * (fresh seeds, and a noise rate the training distribution never shows).
 */
import { Rng } from '../src/data/rng.js';
import { SYNTHETIC_NAMES } from '../src/data/synthetic.js';
import { parseLevels } from '../src/search/levels.js';
import { resolveTrainConfig, type TrainConfig } from '../src/train/config.js';

export interface TaskDistribution {
  name: string;
  description: string;
  /** Flood levels that suit these tasks (the agent's actions and the grid baseline's levels). */
  levels: number[];
  /** The `index`-th task instance of the stream seeded by `seed`. */
  sample(seed: number, index: number): TrainConfig;
}

/**
 * Training runs of the synthetic tasks: the paper's MLP at width 100, 100 epochs. Training
 * tasks get a large validation set (the reward is validation accuracy: less noise, faster
 * learning); held-out tasks a realistic one.
 */
function syntheticTask(dataset: string, noise: number, trainSize: number, valSize: number, seed: number): TrainConfig {
  return resolveTrainConfig({
    dataset, noise, seed, trainSize, valSize, testSize: 4000,
    model: 'mlp', depth: 4, width: 100, epochs: 100, batchSize: 200, optimizer: 'adam', lr: 1e-3,
  });
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];

/** Instance seeds are spread so training and held-out streams never share one. */
const instanceSeed = (seed: number, index: number) => seed * 100_003 + index;

export const TASK_DISTRIBUTIONS = ['synthetic', 'synthetic-heldout-high', 'mnist-subsets'] as const;

export function taskDistribution(name: string): TaskDistribution {
  const levels = parseLevels('0:0.5:0.05');
  switch (name) {
    case 'synthetic':
      return {
        name, levels,
        description: 'Two Gaussians / Spiral / Sinusoid, label noise 0, 2, 5, 15 or 20%, 500 or 1000 training examples, 1000 validation, MLP 4x100, 100 epochs',
        sample: (seed, index) => {
          const rng = new Rng(instanceSeed(seed, index));
          return syntheticTask(pick(rng, SYNTHETIC_NAMES), pick(rng, [0, 0.02, 0.05, 0.15, 0.2]), pick(rng, [500, 1000]), 1000, instanceSeed(seed, index));
        },
      };
    case 'synthetic-heldout-high':
      return {
        name, levels,
        description: 'held out: Two Gaussians / Spiral / Sinusoid at 10% label noise (a rate training never shows), 1000 training and 200 validation examples, fresh seeds',
        sample: (seed, index) => syntheticTask(SYNTHETIC_NAMES[index % SYNTHETIC_NAMES.length], 0.1, 1000, 200, 9_000_000 + instanceSeed(seed, index)),
      };
    case 'mnist-subsets':
      return {
        name, levels: parseLevels('0:0.1:0.01'),
        description: 'MNIST / Fashion-MNIST subsets: 2000 training, 1000 validation, 2000 test images, label noise 0, 10, 20 or 40%, MLP 2x100, 20 epochs',
        sample: (seed, index) => {
          const rng = new Rng(instanceSeed(seed, index));
          return resolveTrainConfig({
            dataset: pick(rng, ['mnist', 'fashion-mnist']), noise: pick(rng, [0, 0.1, 0.2, 0.4]), seed: instanceSeed(seed, index),
            trainSize: 2000, valSize: 1000, testSize: 2000, model: 'mlp', depth: 2, width: 100, epochs: 20, batchSize: 100,
          });
        },
      };
    default:
      throw new RangeError(`tasks: unknown task distribution "${name}" (known: ${TASK_DISTRIBUTIONS.join(', ')})`);
  }
}
