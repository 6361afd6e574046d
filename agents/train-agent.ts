/**
 * Trains the flood-level agent with REINFORCE on a task distribution.
 *
 * Each update draws `tasksPerUpdate` task instances and runs `rolloutsPerTask` episodes on each
 * (same data and initialisation, actions sampled from the policy) side by side on worker
 * threads. The baseline is the mean return of the same task's episodes, so the update compares
 * flood-level choices on the same run instead of easy tasks with hard ones. After every update
 * the policy, the optimiser state and the learning curve are checkpointed; a killed training
 * resumes from the last checkpoint.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { STATE_FEATURES } from '../envs/features.js';
import { WorkerPool } from '../src/trials/pool.js';
import { appendJsonl, claimRunFolder, readJson, readJsonl, writeJson, writeJsonl, writeSummary } from '../src/util/files.js';
import { saveAgent, scheduleFor, AGENT_FORMAT_VERSION, type AgentFile, type Schedule } from './agent.js';
import type { EpisodeJob, EpisodeResult } from './episode.js';
import { Policy, POLICY_DEFAULTS, type PolicyConfig } from './policy.js';
import { taskDistribution, type TaskDistribution } from './tasks.js';

export interface TrainAgentOptions {
  /** Task distribution name (see tasks.ts). */
  tasks: string;
  /** A distribution object instead of a name (small tasks in tests). */
  distribution?: TaskDistribution;
  /** Episodes in total (rounded up to whole updates). */
  episodes: number;
  /** Task instances per update. */
  tasksPerUpdate: number;
  /** Episodes per task instance and update (>= 2 for the per-task baseline). */
  rolloutsPerTask: number;
  /** Output folder: agent.json, checkpoint.json, learning.jsonl. */
  out: string;
  seed: number;
  schedule: Schedule;
  policy: Omit<PolicyConfig, 'stateSize' | 'numActions' | 'seed'>;
  /** Continue from out/checkpoint.json. */
  resume?: boolean;
  workers?: number;
  backend?: string;
  /** Called after every update. */
  onUpdate?: (point: LearningPoint, updates: number) => void;
  signal?: AbortSignal;
}

export const TRAIN_AGENT_DEFAULTS = {
  tasks: 'synthetic',
  episodes: 320,
  tasksPerUpdate: 4,
  rolloutsPerTask: 2,
  seed: 0,
  schedule: { warmupFraction: 0.2, decisions: 4 } satisfies Schedule,
  policy: { ...POLICY_DEFAULTS, learningRate: 0.03, entropyCoef: 0.01 },
};

/** One point of the learning curve. */
export interface LearningPoint {
  update: number;
  /** Mean episode reward (sum of shaped rewards = final minus warm-up validation accuracy). */
  meanReward: number;
  /** Mean final validation accuracy of the update's episodes. */
  meanFinalValAcc: number;
  /** Mean flood level chosen. */
  meanLevel: number;
  entropy: number;
  /** Seconds since the training started (summed over resumed invocations). */
  seconds: number;
}

interface Checkpoint {
  update: number;
  seconds: number;
  weights: { shape: number[]; values: number[] }[];
  optimizer: { name: string; shape: number[]; values: number[] }[];
}

/** The agent and its learning curve in a train-agent folder. */
export const AGENT_FILE = 'agent.json';
export const LEARNING_FILE = 'learning.jsonl';

/** Seed of the action sampler for one episode: distinct for every (update, task, rollout). */
const samplingSeed = (seed: number, update: number, task: number, rollout: number) =>
  ((seed * 7919 + update) * 104_729 + task) * 31 + rollout;

export async function trainAgent(options: TrainAgentOptions): Promise<{ agent: AgentFile; curve: LearningPoint[] }> {
  for (const field of ['episodes', 'tasksPerUpdate', 'rolloutsPerTask'] as const) {
    if (!Number.isInteger(options[field]) || options[field] < 1) throw new RangeError(`${field}: must be an integer >= 1`);
  }
  if (options.rolloutsPerTask < 2) throw new RangeError('rolloutsPerTask: needs >= 2 episodes per task for the per-task baseline');
  const distribution = options.distribution ?? taskDistribution(options.tasks);
  const dir = options.out;
  const resume = options.resume ?? false;
  await claimRunFolder(dir, {
    command: 'train-agent', tasks: distribution.name, episodes: options.episodes, tasksPerUpdate: options.tasksPerUpdate,
    rolloutsPerTask: options.rolloutsPerTask, seed: options.seed, schedule: options.schedule, policy: options.policy,
  }, resume);
  const checkpointFile = path.join(dir, 'checkpoint.json');
  const curveFile = path.join(dir, LEARNING_FILE);
  const perUpdate = options.tasksPerUpdate * options.rolloutsPerTask;
  const updates = Math.ceil(options.episodes / perUpdate);
  const policyConfig: PolicyConfig = {
    ...options.policy, stateSize: STATE_FEATURES.length, numActions: distribution.levels.length, seed: options.seed,
  };
  const policy = new Policy(policyConfig);
  let firstUpdate = 0;
  let secondsBefore = 0;
  if (resume && existsSync(checkpointFile)) {
    const checkpoint = await readJson<Checkpoint>(checkpointFile);
    policy.setWeightArrays(checkpoint.weights);
    await policy.setOptimizerState(checkpoint.optimizer);
    firstUpdate = checkpoint.update + 1;
    secondsBefore = checkpoint.seconds;
  }
  // Points past the checkpoint (killed between the two writes) are dropped and redone.
  const curve = (await readJsonl<LearningPoint>(curveFile)).filter((p) => p.update < firstUpdate);
  await writeJsonl(curveFile, curve);
  const start = performance.now();
  const pool = new WorkerPool({ workers: options.workers, backend: options.backend });
  try {
    for (let update = firstUpdate; update < updates; update++) {
      if (options.signal?.aborted) throw new Error('agent training aborted');
      const jobs: EpisodeJob[] = [];
      const weights = policy.weightArrays();
      for (let t = 0; t < options.tasksPerUpdate; t++) {
        const config = distribution.sample(options.seed, update * options.tasksPerUpdate + t);
        const env = { levels: distribution.levels, ...scheduleFor(options.schedule, config.epochs) };
        for (let r = 0; r < options.rolloutsPerTask; r++) {
          jobs.push({
            id: `u${update}-t${t}-r${r}`, task: t, config, env,
            policy: { config: policyConfig, weights },
            samplingSeed: samplingSeed(options.seed, update, t, r),
          });
        }
      }
      const results = await pool.run<EpisodeJob, EpisodeResult>('episode', jobs, { signal: options.signal });
      const stats = policy.update(results.map((r) => r.transitions), results.map((r) => r.task));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const point: LearningPoint = {
        update,
        meanReward: stats.meanReturn,
        meanFinalValAcc: mean(results.map((r) => r.history[r.history.length - 1].valAcc)),
        meanLevel: mean(results.flatMap((r) => r.transitions.map((s) => distribution.levels[s.action]))),
        entropy: stats.entropy,
        seconds: secondsBefore + (performance.now() - start) / 1000,
      };
      curve.push(point);
      await appendJsonl(curveFile, point);
      await writeJson(checkpointFile, {
        update, seconds: point.seconds, weights: policy.weightArrays(), optimizer: await policy.optimizerState(),
      } satisfies Checkpoint);
      options.onUpdate?.(point, updates);
    }
  } finally {
    await pool.close();
  }
  const agent: AgentFile = {
    formatVersion: AGENT_FORMAT_VERSION,
    kind: 'flood-agent',
    features: [...STATE_FEATURES],
    levels: distribution.levels,
    schedule: options.schedule,
    policy: { config: policyConfig, weights: policy.weightArrays() },
    training: {
      tasks: distribution.name,
      taskDescription: distribution.description,
      episodes: updates * perUpdate,
      updates,
      tasksPerUpdate: options.tasksPerUpdate,
      rolloutsPerTask: options.rolloutsPerTask,
      seed: options.seed,
      seconds: curve.length > 0 ? curve[curve.length - 1].seconds : 0,
      finalMeanReward: curve.length > 0 ? curve[curve.length - 1].meanReward : null,
    },
  };
  policy.dispose();
  await saveAgent(path.join(dir, AGENT_FILE), agent);
  await writeSummary(dir, 'train-agent', { agentFile: AGENT_FILE, learningFile: LEARNING_FILE, training: agent.training });
  return { agent, curve };
}
