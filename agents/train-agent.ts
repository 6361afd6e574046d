/**
 * Trains the flood-level agent with the cross-entropy method on a task distribution.
 *
 * Each generation draws `tasksPerGeneration` task instances and runs every candidate policy of
 * the generation on each (same data and initialisation), plus one run without flooding per task.
 * A candidate's fitness is the mean over the tasks of its score minus no flooding's score, the
 * score being the validation accuracy averaged over the last tenth of the epochs (less noisy than
 * one epoch's); comparing on the same task cancels task difficulty. Episodes are trials in the
 * run log, and sampling is seeded per generation, so a killed training resumes by replaying the
 * log and continues exactly as if never interrupted.
 */
import path from 'node:path';
import { lastTenth, runScale } from '../envs/features.js';
import { WorkerPool } from '../src/trials/pool.js';
import { RunLog, runLogged, type LoggedRunOptions } from '../src/trials/run-log.js';
import { noFlood } from '../src/search/compare.js';
import { makeTrial, type TrialResult } from '../src/trials/trial.js';
import type { TrainConfig } from '../src/train/config.js';
import { claimRunFolder, readJsonl, writeJsonl, writeSummary } from '../src/util/files.js';
import { mean } from '../src/util/stats.js';
import { AGENT_FORMAT_VERSION, featuresOf, OUTPUTS, saveAgent, type AgentFile, type Design, type Schedule } from './agent.js';
import { CEM_DEFAULTS, initialCem, sampleCandidates, updateCem, type CemSettings, type CemState } from './cem.js';
import { LinearPolicy } from './policy.js';
import { taskDistribution, type TaskDistribution } from './tasks.js';

export interface TrainAgentOptions extends LoggedRunOptions {
  /** Task distribution name (see tasks.ts). */
  tasks: string;
  /** A distribution object instead of a name (small tasks in tests). */
  distribution?: TaskDistribution;
  design: Design;
  generations: number;
  tasksPerGeneration: number;
  cem: CemSettings;
  schedule: Schedule;
  seed: number;
  /** Output folder: agent.json, learning.jsonl, trials.jsonl, summary.json. */
  out: string;
  resume?: boolean;
  /** Called after every generation. */
  onGeneration?: (point: LearningPoint, generations: number) => void;
}

export const TRAIN_AGENT_DEFAULTS = {
  tasks: 'broad',
  design: 'relative' as Design,
  generations: 20,
  tasksPerGeneration: 4,
  seed: 0,
  schedule: { warmupFraction: 0.2, decisions: 8 } satisfies Schedule,
  cem: CEM_DEFAULTS,
};

/** One point of the learning curve. */
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

/** The agent and its learning curve in a train-agent folder. */
export const AGENT_FILE = 'agent.json';
export const LEARNING_FILE = 'learning.jsonl';

/** A run's score: mean validation accuracy over its last tenth of epochs. */
export function score(run: TrialResult): number {
  return mean(lastTenth(run.history).map((m) => m.valAcc));
}

export function agentOf(design: Design, schedule: Schedule, params: number[], training: Record<string, unknown> = {}): AgentFile {
  return { formatVersion: AGENT_FORMAT_VERSION, kind: 'flood-agent', design, features: [...featuresOf(design)], schedule, params, training };
}

/** The episode of a candidate on a task, and the run without flooding it is compared with. */
const episode = (config: TrainConfig, agent: AgentFile) => makeTrial({ ...config, flood: 0 }, { kind: 'agent', agent }, 'episode');
const baseline = noFlood;

export async function trainAgent(options: TrainAgentOptions): Promise<{ agent: AgentFile; curve: LearningPoint[] }> {
  const { design, generations, tasksPerGeneration, cem, schedule, seed, out, resume = false, onGeneration, ...pool } = options;
  for (const [field, value] of Object.entries({ generations, tasksPerGeneration })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${field}: must be an integer >= 1, got ${value}`);
  }
  const distribution = options.distribution ?? taskDistribution(options.tasks);
  await claimRunFolder(out, { command: 'train-agent', tasks: distribution.name, design, generations, tasksPerGeneration, cem, schedule, seed }, resume);
  const log = await RunLog.open(out);
  const curveFile = path.join(out, LEARNING_FILE);
  const saved = await readJsonl<LearningPoint>(curveFile);
  const size = LinearPolicy.size(featuresOf(design).length, OUTPUTS[design]);
  let state: CemState = initialCem(new Array<number>(size).fill(0), cem);
  const curve: LearningPoint[] = [];
  const start = performance.now();
  const workers = options.pool ?? new WorkerPool(pool);
  try {
    for (let g = 0; g < generations; g++) {
      if (options.signal?.aborted) throw new Error('agent training aborted');
      const tasks = Array.from({ length: tasksPerGeneration }, (_, t) => distribution.sample(seed, g * tasksPerGeneration + t));
      const candidates = sampleCandidates(state, cem, seed);
      const agents = candidates.map((params) => agentOf(design, schedule, params));
      const trials = [...tasks.map(baseline), ...agents.flatMap((agent) => tasks.map((config) => episode(config, agent)))];
      const ranBefore = trials.filter((t) => log.has(t.id)).length;
      const { results } = await runLogged(log, trials, { ...pool, pool: workers });
      const byId = new Map(results.map((r) => [r.id, r]));
      const runOf = (t: { id: string }) => byId.get(t.id) as TrialResult;
      const fitness = agents.map((agent) => mean(tasks.map((config) => score(runOf(episode(config, agent))) - score(runOf(baseline(config))))));
      state = updateCem(state, candidates, fitness, cem);
      const previous = curve.at(-1);
      const finalMultiple = (run: TrialResult) => run.history[run.history.length - 1].floodLevel / runScale(run.history);
      const point: LearningPoint = {
        generation: g,
        meanFitness: fitness[0],
        bestFitness: Math.max(...fitness),
        populationFitness: mean(fitness),
        std: mean(state.std),
        meanMultiple: mean(tasks.map((config) => finalMultiple(runOf(episode(config, agents[0]))))),
        episodes: (previous?.episodes ?? 0) + agents.length * tasks.length,
        epochs: (previous?.epochs ?? 0) + results.reduce((a, r) => a + r.history.length, 0),
        // Generations replayed from the log keep the time they took; new ones add this invocation's.
        seconds: ranBefore === trials.length && saved[g] !== undefined ? saved[g].seconds : (saved.at(-1)?.seconds ?? 0) + (performance.now() - start) / 1000,
      };
      curve.push(point);
      if (ranBefore < trials.length || saved[g] === undefined) await writeJsonl(curveFile, curve);
      onGeneration?.(point, generations);
    }
  } finally {
    if (options.pool === undefined) await workers.close();
  }
  const last = curve[curve.length - 1];
  const agent = agentOf(design, schedule, state.mean, {
    tasks: distribution.name,
    taskDescription: distribution.description,
    learner: 'cross-entropy method',
    generations,
    tasksPerGeneration,
    population: cem.population,
    episodes: last.episodes,
    epochs: last.epochs,
    seed,
    seconds: last.seconds,
    finalMeanFitness: last.meanFitness,
  });
  await saveAgent(path.join(out, AGENT_FILE), agent);
  await writeSummary(out, 'train-agent', { agentFile: AGENT_FILE, learningFile: LEARNING_FILE, training: agent.training });
  await log.deleteCheckpoints();
  return { agent, curve };
}
