/**
 * The flood-level agent on disk and in a training run.
 *
 * Saved as one small JSON file (format version, features, action levels, decision schedule,
 * policy config and weights, how it was trained). In a run it is a FloodController: no
 * flooding during the warm-up, then every `epochsPerStep` epochs the policy's most probable
 * level for the current state. The schedule is stored as fractions of the run so an agent
 * trained on short runs acts at the same relative points of a long one.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { stateFeatures, STATE_FEATURES } from '../envs/features.js';
import type { ControllerContext, EpochMetrics, FloodController } from '../src/train/controller.js';
import { Policy, type PolicyConfig } from './policy.js';

export const AGENT_FORMAT_VERSION = 1;

export type WeightArrays = { shape: number[]; values: number[] }[];

/** When the agent acts, relative to the run's length. */
export interface Schedule {
  /** Fraction of the epochs trained without flooding before the first decision. */
  warmupFraction: number;
  /** Decisions per run. */
  decisions: number;
}

export interface AgentFile {
  formatVersion: typeof AGENT_FORMAT_VERSION;
  kind: 'flood-agent';
  /** Names of the state features, in order (must match this version's features). */
  features: string[];
  /** Flood levels the actions index. */
  levels: number[];
  schedule: Schedule;
  policy: { config: PolicyConfig; weights: WeightArrays };
  /** How the agent was trained (tasks, episodes, wall time, command). */
  training: Record<string, unknown>;
}

/** Absolute warm-up and epochs per decision for a run of `epochs` epochs. */
export function scheduleFor(schedule: Schedule, epochs: number): { warmupEpochs: number; epochsPerStep: number } {
  const warmupEpochs = Math.min(Math.max(1, Math.round(schedule.warmupFraction * epochs)), epochs - 1);
  const epochsPerStep = Math.max(1, Math.ceil((epochs - warmupEpochs) / schedule.decisions));
  return { warmupEpochs, epochsPerStep };
}

export async function saveAgent(file: string, agent: AgentFile): Promise<void> {
  await writeFile(file, `${JSON.stringify(agent)}\n`);
}

/** Reads and checks an agent file; errors name the file and what does not fit. */
export async function loadAgent(file: string): Promise<AgentFile> {
  let agent: AgentFile;
  try {
    agent = JSON.parse(await readFile(file, 'utf8')) as AgentFile;
  } catch (err) {
    throw new Error(`agent: cannot read ${file} (${(err as Error).message})`);
  }
  if (agent.kind !== 'flood-agent') throw new Error(`agent: ${file} is not an autoflood agent file`);
  if (agent.formatVersion !== AGENT_FORMAT_VERSION) {
    throw new Error(`agent: ${file} has format version ${agent.formatVersion}; this autoflood reads version ${AGENT_FORMAT_VERSION}`);
  }
  if (agent.features.join('|') !== STATE_FEATURES.join('|')) {
    throw new Error(`agent: ${file} was trained on other state features (${agent.features.join(', ')})`);
  }
  if (agent.policy.config.numActions !== agent.levels.length) {
    throw new Error(`agent: ${file} has ${agent.levels.length} levels but ${agent.policy.config.numActions} actions`);
  }
  return agent;
}

/** Builds the policy network of an agent file. */
export function policyOf(agent: AgentFile): Policy {
  const policy = new Policy(agent.policy.config);
  policy.setWeightArrays(agent.policy.weights);
  return policy;
}

/** The agent as a controller: greedy decisions on the agent's schedule. */
export class AgentController implements FloodController {
  readonly name = 'agent';
  private readonly agent: AgentFile;
  private readonly policy: Policy;
  private level = 0;

  constructor(agent: AgentFile) {
    this.agent = agent;
    this.policy = policyOf(agent);
  }

  floodLevel(history: readonly EpochMetrics[], { epoch, epochs }: ControllerContext): number {
    const { warmupEpochs, epochsPerStep } = scheduleFor(this.agent.schedule, epochs);
    const sinceWarmup = epoch - 1 - warmupEpochs;
    if (sinceWarmup < 0) return 0;
    if (sinceWarmup % epochsPerStep === 0) {
      this.level = this.agent.levels[this.policy.greedy(stateFeatures(history, this.level, epochs))];
    }
    return this.level;
  }

  describe(): Record<string, unknown> {
    return { levels: this.agent.levels, schedule: this.agent.schedule, training: this.agent.training };
  }

  dispose(): void {
    this.policy.dispose();
  }
}
