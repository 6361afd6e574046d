/**
 * The flood-level agent: a policy that sets b relative to a loss scale measured in the task itself,
 * from scale-free features of a run (features.ts, inrun.ts). Nothing in it is tied to one dataset's
 * loss levels, so it carries to datasets it never trained on. Three designs:
 *   inrun - one run: it reads the run's 20% warm-up (its per-example losses included) and sets
 *           b = c x the warm-up's scale for the rest of it, c = 0, 0.1, ..., 1, from a policy
 *           network (inrun.ts) trained by policy gradient (reinforce.ts, studies/train-inrun.ts).
 *   twin  - (the default) one decision after a whole run without flooding (its twin, same data
 *           and initialisation): b = c x the warm-up's scale for a second run, c = 0, 0.1, ..., 1
 *           (10 x sigmoid(u) rounded), from how far the twin memorised (TWIN_FEATURES); trained
 *           offline on every multiple's outcome (studies/train-twin.ts). It is a method of two runs
 *           (methods/agent.ts), not a controller.
 *   steps - in one run: first b = 1.2 x sigmoid(u0) x scale, then b <- b x 2^tanh(u1) at each
 *           decision (at most halve or double, capped at 1.2 x scale), from STATE_FEATURES;
 *           trained by the cross-entropy method on whole runs (studies/train-agent.ts).
 * Saved as one small JSON file (format version, design, features, schedule, parameters, how it
 * was trained).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { OptionError } from '../core/errors.js';
import type { ControllerContext, EpochMetrics, FloodController } from '../train/controller.js';
import { lossScale, relativeLevel, warmupEpochs } from '../train/scale.js';
import { stateFeatures, STATE_FEATURES, twinFeatures, TWIN_FEATURES } from './features.js';
import { INRUN_FEATURES, inrunFeatures, policyMultiple, policySize, type PolicyNetwork } from './inrun.js';
import { LinearPolicy } from './policy.js';

export const AGENT_FORMAT_VERSION = 2;

export const DESIGNS = ['twin', 'inrun', 'steps'] as const;
export type Design = (typeof DESIGNS)[number];

/** The largest multiple of the run's scale the agent sets, per design. */
export const MAX_MULTIPLE: Record<Design, number> = { steps: 1.2, twin: 1, inrun: 1 };

/** Outputs of the linear designs' policies: twin one, steps two (first level, later steps). */
export const OUTPUTS: Record<'twin' | 'steps', number> = { steps: 2, twin: 1 };

/** The state features a design reads, in order. */
export function featuresOf(design: Design): readonly string[] {
  return design === 'twin' ? TWIN_FEATURES : design === 'inrun' ? INRUN_FEATURES : STATE_FEATURES;
}

/** When the agent acts, relative to the run's length. */
export interface Schedule {
  /** Fraction of the epochs trained without flooding before the first decision. */
  warmupFraction: number;
  /** Decisions per run. */
  decisions: number;
}

/**
 * The features the twin agent reads: how far the run without flooding memorised, as its validation
 * loss's rise from its minimum and the validation accuracy it lost since its best. Chosen by the
 * leave-one-family-out check on the training families (docs/agent.md): the only pair ahead of the
 * rule on every held-out family.
 */
export const TWIN_FEATURES_READ: readonly string[] = ['end val loss / best val loss - 1', 'best val accuracy - end val accuracy'];

/** An agent's folder: its file and its learning curve. */
export const AGENT_FILE = 'agent.json';
export const LEARNING_FILE = 'learning.jsonl';

/** One point of a learning curve (one generation of the search). */
export interface LearningPoint {
  generation: number;
  /** Fitness of the generation's mean policy (candidate 0), in accuracy units. */
  meanFitness: number;
  /** Best candidate's fitness. */
  bestFitness: number;
  /** Mean fitness over the candidates. */
  populationFitness: number;
  /** Mean standard deviation of the search distribution after the update. */
  std: number;
  /** The mean policy's last flood level relative to its run's scale, averaged over the tasks. */
  meanMultiple: number;
  /** Episodes and training epochs so far (compute). */
  episodes: number;
  epochs: number;
  /** Wall seconds since the training started (summed over resumed invocations). */
  seconds: number;
}

export interface AgentFile {
  formatVersion: typeof AGENT_FORMAT_VERSION;
  kind: 'flood-agent';
  design: Design;
  /** Names of the state features, in order (must match this version's features). */
  features: string[];
  schedule: Schedule;
  /** The policy's parameters: linear designs [outputs][features], row-major; inrun its network's, flattened (inrun.ts). */
  params: number[];
  /** inrun: the network's shape, input standardisation and the multiples its outputs stand for. */
  network?: PolicyNetwork;
  /** How the agent was trained (tasks, episodes, wall time, command). */
  training: Record<string, unknown>;
}

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/**
 * The flood level of one decision (nats).
 * @param outputs the policy's outputs for the state.
 * @param scale the run's loss scale (nats).
 * @param level the level in force before the decision (0 before the first).
 * @param first whether this is the run's first decision.
 */
export function decide(design: 'twin' | 'steps', outputs: number[], scale: number, level: number, first: boolean): number {
  if (design === 'twin') return scale * Math.round(10 * MAX_MULTIPLE.twin * sigmoid(outputs[0])) / 10;
  const cap = MAX_MULTIPLE.steps * scale;
  if (first) return cap * sigmoid(outputs[0]);
  return Math.min(cap, level * 2 ** Math.tanh(outputs[1]));
}

/** The 1-based epochs before which the agent decides, for a run of `epochs` epochs. */
export function decisionEpochs(schedule: Schedule, epochs: number): number[] {
  if (epochs < 2) return [];
  const warmup = Math.min(Math.max(1, Math.round(schedule.warmupFraction * epochs)), epochs - 1);
  const every = Math.max(1, Math.ceil((epochs - warmup) / schedule.decisions));
  const at: number[] = [];
  for (let e = warmup + 1; e <= epochs && at.length < schedule.decisions; e += every) at.push(e);
  return at;
}

/** An agent file of `design` with policy `params` and a record of how it was trained. */
export function agentOf(design: Design, schedule: Schedule, params: number[], training: Record<string, unknown> = {}, network?: PolicyNetwork): AgentFile {
  return { formatVersion: AGENT_FORMAT_VERSION, kind: 'flood-agent', design, features: [...featuresOf(design)], schedule, params, ...(network === undefined ? {} : { network }), training };
}

/** The in-run design: one decision, at the end of the 20% warm-up. */
export const INRUN_SCHEDULE: Schedule = { warmupFraction: 0.2, decisions: 1 };

export function checkAgent(agent: AgentFile, source = 'agent'): AgentFile {
  if (agent?.kind !== 'flood-agent') throw new OptionError('agent', `${source} is not an autoflood agent file`);
  if (agent.formatVersion !== AGENT_FORMAT_VERSION) {
    throw new OptionError('agent', `${source} has format version ${agent.formatVersion}; this autoflood reads version ${AGENT_FORMAT_VERSION} (train one with autoflood train-agent)`);
  }
  if (!(DESIGNS as readonly string[]).includes(agent.design)) throw new OptionError('agent', `${source} has an unknown design "${agent.design}"`);
  const features = featuresOf(agent.design);
  if (!Array.isArray(agent.features) || agent.features.join('|') !== features.join('|')) {
    throw new OptionError('agent', `${source} was trained on other state features (${String(agent.features)})`);
  }
  if (agent.design !== 'steps' && agent.schedule?.decisions !== 1) throw new OptionError('agent', `${source} has design ${agent.design} but ${agent.schedule?.decisions} decisions`);
  const net = agent.network;
  if (agent.design === 'inrun' && !(net !== undefined && Number.isInteger(net.hidden) && net.hidden >= 1 && [net.inputMean, net.inputStd].every((v) => Array.isArray(v) && v.length === features.length) && Array.isArray(net.multiples) && net.multiples.length >= 2)) {
    throw new OptionError('agent', `${source} has design inrun but no valid network (hidden units, input mean and spread per feature, multiples)`);
  }
  const size = agent.design === 'inrun' ? policySize(features.length, net!.hidden, net!.multiples.length) : LinearPolicy.size(features.length, OUTPUTS[agent.design]);
  if (!Array.isArray(agent.params) || agent.params.length !== size || !agent.params.every(Number.isFinite)) {
    throw new OptionError('agent', `${source} needs ${size} finite parameters for the ${agent.design} design`);
  }
  return agent;
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
    throw new OptionError('agent', `cannot read ${file} (${(err as Error).message})`);
  }
  return checkAgent(agent, file);
}

/**
 * The twin design's multiple c of the scale (0, 0.1, ..., 1) for a task whose run without flooding
 * has finished: b = c x the task's loss scale for the second run.
 * @param history the finished run without flooding; @param classes the task's classes.
 */
export function twinMultiple(agent: AgentFile, history: readonly EpochMetrics[], classes: number): number {
  if (checkAgent(agent).design !== 'twin') throw new OptionError('agent', `twinMultiple needs a twin agent, got design ${agent.design}`);
  const policy = new LinearPolicy(TWIN_FEATURES.length, 1, agent.params);
  return decide('twin', policy.act(twinFeatures(history, classes)), 1, 0, true);
}

/**
 * The twin agent's level for a second run of your own: b = c x the loss scale of the finished
 * run without flooding (its lowest validation loss over its first 20% of epochs, as the searches
 * measure it), rounded to 1e-4 nats. Train the second run from the same initialisation, and keep
 * it only if it validates better (what `tune` does).
 * @param history the finished run without flooding, one entry per epoch (EpochMetrics fields
 *   epoch, trainLoss, trainAcc, valLoss, valAcc are read); @param classes the task's classes.
 */
export function twinLevel(agent: AgentFile, history: readonly EpochMetrics[], classes: number): { multiple: number; scale: number; level: number } {
  const multiple = twinMultiple(agent, history, classes);
  const scale = lossScale(history.slice(0, warmupEpochs(history.length)));
  return { multiple, scale, level: relativeLevel(multiple, scale) };
}

/**
 * The in-run agent's level for the rest of a run whose warm-up has finished: b = c x the warm-up's
 * loss scale, c read by the policy from the warm-up (its epochs, with their per-example
 * statistics), rounded to 1e-4 nats.
 * @param warmup the epochs trained so far without flooding (the first 20% of the run).
 */
export function inrunLevel(agent: AgentFile, warmup: readonly EpochMetrics[], classes: number): { multiple: number; scale: number; level: number } {
  if (checkAgent(agent).design !== 'inrun') throw new OptionError('agent', `inrunLevel needs an inrun agent, got design ${agent.design}`);
  const multiple = policyMultiple(agent.network as PolicyNetwork, agent.params, inrunFeatures(warmup, classes));
  const scale = lossScale(warmup);
  return { multiple, scale, level: relativeLevel(multiple, scale) };
}

/** The agent as a controller: no flooding until its first decision, then its level until the next. */
export class AgentController implements FloodController {
  readonly name = 'agent';
  private readonly agent: AgentFile;
  private readonly policy?: LinearPolicy;
  private level = 0;
  private decided = 0;

  constructor(agent: AgentFile) {
    this.agent = checkAgent(agent);
    if (agent.design === 'twin') {
      throw new Error('agent: a twin agent sets b for a second run from a finished run without flooding, not during a run; use twinLevel, or tune / evaluate-agent');
    }
    if (agent.design === 'steps') this.policy = new LinearPolicy(featuresOf(agent.design).length, OUTPUTS.steps, agent.params);
  }

  floodLevel(history: readonly EpochMetrics[], { epoch, epochs, classes }: ControllerContext): number {
    if (!decisionEpochs(this.agent.schedule, epochs).includes(epoch)) return this.level;
    if (this.policy === undefined) {
      this.level = inrunLevel(this.agent, history, classes).level;
      this.decided++;
      return this.level;
    }
    const outputs = this.policy.act(stateFeatures(history, this.level, epochs));
    this.level = decide('steps', outputs, lossScale(history), this.level, this.decided === 0);
    this.decided++;
    return this.level;
  }

  describe(): Record<string, unknown> {
    return { design: this.agent.design, schedule: this.agent.schedule, training: this.agent.training };
  }
}
