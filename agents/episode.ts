/**
 * One RL episode, run inside a worker thread: a FloodEnv on the task, actions from the policy
 * (sampled with a seed while training the agent, greedy when evaluating).
 */
import { Rng } from '../src/data/rng.js';
import { cachedDataset } from '../src/data/cache.js';
import type { Job } from '../src/trials/messages.js';
import type { TrainConfig } from '../src/train/config.js';
import type { EpochMetrics } from '../src/train/controller.js';
import type { Readout } from '../src/train/trainer.js';
import { datasetOptionsOf } from '../src/train/train.js';
import { FloodEnv } from '../envs/flood-env.js';
import { Policy, type PolicyConfig, type Transition } from './policy.js';
import type { WeightArrays } from './agent.js';

export interface EnvSettings {
  /** Flood levels the actions index. */
  levels: number[];
  /** Epochs per decision. */
  epochsPerStep: number;
  /** Epochs without flooding before the first decision. */
  warmupEpochs: number;
}

export interface EpisodeJob extends Job {
  /** Task instance this episode trains on (its index in the batch's task list). */
  task: number;
  config: TrainConfig;
  env: EnvSettings;
  policy: { config: PolicyConfig; weights: WeightArrays };
  /** Seed for sampling actions; absent: greedy actions. */
  samplingSeed?: number;
}

export interface EpisodeResult {
  id: string;
  task: number;
  transitions: Transition[];
  history: EpochMetrics[];
  last: Readout;
  bestVal: Readout;
  wallSeconds: number;
}

export async function handleJob(job: EpisodeJob): Promise<EpisodeResult> {
  const start = performance.now();
  const dataset = await cachedDataset(datasetOptionsOf(job.config));
  const policy = new Policy(job.policy.config);
  policy.setWeightArrays(job.policy.weights);
  const env = new FloodEnv({ config: job.config, dataset, ...job.env });
  const rng = job.samplingSeed == null ? undefined : new Rng(job.samplingSeed);
  try {
    const transitions: Transition[] = [];
    let state = env.reset();
    for (let done = false; !done; ) {
      const action = rng ? policy.sample(state, () => rng.uniform()) : policy.greedy(state);
      const step = env.step(action);
      transitions.push({ state, action, reward: step.reward });
      state = step.state;
      done = step.done;
    }
    const { last, bestVal } = env.readouts();
    return {
      id: job.id, task: job.task, transitions, history: [...env.history], last, bestVal,
      wallSeconds: (performance.now() - start) / 1000,
    };
  } finally {
    env.dispose();
    policy.dispose();
  }
}
