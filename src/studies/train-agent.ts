/**
 * `autoflood train-agent --design steps`: trains the in-run agent with the cross-entropy method
 * on a task distribution.
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
import { OptionError } from '../core/errors.js';
import { readJsonl, writeJsonl } from '../core/files.js';
import { mean } from '../core/stats.js';
import { AGENT_FILE, agentOf, featuresOf, LEARNING_FILE, OUTPUTS, saveAgent, type AgentFile, type LearningPoint, type Schedule } from '../control/agent.js';
import { CEM_DEFAULTS, initialCem, sampleCandidates, updateCem, type CemSettings, type CemState } from '../control/cem.js';
import { LinearPolicy } from '../control/policy.js';
import { noFlood } from '../methods/grid.js';
import type { TrainConfig } from '../train/config.js';
import { lossScale, score } from '../train/scale.js';
import { loadTasks, type TaskDistribution } from '../tasks/tasks.js';
import { inRunFolder, type StudyOptions } from '../trials/run-folder.js';
import { runLogged } from '../trials/run-log.js';
import { makeTrial, type TrialResult } from '../trials/trial.js';

export interface TrainAgentOptions extends StudyOptions {
  /** A shipped distribution's name or a task file. */
  tasks: string;
  /** A distribution object instead (small tasks in tests). */
  distribution?: TaskDistribution;
  generations: number;
  tasksPerGeneration: number;
  cem: CemSettings;
  schedule: Schedule;
  seed: number;
  /** Called after every generation. */
  onGeneration?: (point: LearningPoint, generations: number) => void;
}

export const TRAIN_AGENT_DEFAULTS = {
  tasks: 'broad',
  generations: 20,
  tasksPerGeneration: 4,
  seed: 0,
  schedule: { warmupFraction: 0.2, decisions: 8 } satisfies Schedule,
  cem: CEM_DEFAULTS,
};

/** The episode of a candidate on a task. */
const episode = (config: TrainConfig, agent: AgentFile) => makeTrial({ ...config, flood: 0 }, { kind: 'agent', agent }, 'episode');

export async function trainAgent(options: TrainAgentOptions): Promise<{ agent: AgentFile; curve: LearningPoint[] }> {
  const { generations, tasksPerGeneration, cem, schedule, seed, out, onGeneration } = options;
  for (const [field, value] of Object.entries({ generations, tasksPerGeneration })) {
    if (!Number.isInteger(value) || value < 1) throw new OptionError(field, `must be an integer >= 1, got ${value}`);
  }
  const distribution = options.distribution ?? (await loadTasks(options.tasks));
  const config = { command: 'train-agent', tasks: distribution.name, design: 'steps', generations, tasksPerGeneration, cem, schedule, seed };
  let result: { agent: AgentFile; curve: LearningPoint[] } | undefined;
  await inRunFolder('train-agent', options, config, async ({ log, runner, progress }) => {
    const curveFile = path.join(out, LEARNING_FILE);
    const saved = await readJsonl<LearningPoint>(curveFile);
    let state: CemState = initialCem(new Array<number>(LinearPolicy.size(featuresOf('steps').length, OUTPUTS.steps)).fill(0), cem);
    const curve: LearningPoint[] = [];
    const start = performance.now();
    for (let g = 0; g < generations; g++) {
      if (progress.signal?.aborted) throw new Error('agent training aborted');
      const tasks = Array.from({ length: tasksPerGeneration }, (_, t) => distribution.sample(seed, g * tasksPerGeneration + t));
      const candidates = sampleCandidates(state, cem, seed);
      const agents = candidates.map((params) => agentOf('steps', schedule, params));
      const trials = [...tasks.map(noFlood), ...agents.flatMap((agent) => tasks.map((c) => episode(c, agent)))];
      const ranBefore = trials.filter((t) => log.has(t.id)).length;
      const { results } = await runLogged(log, trials, runner, progress);
      const byId = new Map(results.map((r) => [r.id, r]));
      const runOf = (t: { id: string }) => byId.get(t.id) as TrialResult;
      const fitness = agents.map((agent) => mean(tasks.map((c) => score(runOf(episode(c, agent)).history) - score(runOf(noFlood(c)).history))));
      state = updateCem(state, candidates, fitness, cem);
      const previous = curve.at(-1);
      const finalMultiple = (run: TrialResult) => run.history[run.history.length - 1].floodLevel / lossScale(run.history);
      const point: LearningPoint = {
        generation: g,
        meanFitness: fitness[0],
        bestFitness: Math.max(...fitness),
        populationFitness: mean(fitness),
        std: mean(state.std),
        meanMultiple: mean(tasks.map((c) => finalMultiple(runOf(episode(c, agents[0]))))),
        episodes: (previous?.episodes ?? 0) + agents.length * tasks.length,
        epochs: (previous?.epochs ?? 0) + results.reduce((a, r) => a + r.history.length, 0),
        // Generations replayed from the log keep the time they took; new ones add this invocation's.
        seconds: ranBefore === trials.length && saved[g] !== undefined ? saved[g].seconds : (saved.at(-1)?.seconds ?? 0) + (performance.now() - start) / 1000,
      };
      curve.push(point);
      if (ranBefore < trials.length || saved[g] === undefined) await writeJsonl(curveFile, curve);
      onGeneration?.(point, generations);
    }
    const last = curve[curve.length - 1];
    const agent = agentOf('steps', schedule, state.mean, {
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
    result = { agent, curve };
    return { agentFile: AGENT_FILE, learningFile: LEARNING_FILE, training: agent.training };
  });
  return result as { agent: AgentFile; curve: LearningPoint[] };
}
