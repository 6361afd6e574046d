/** `autoflood train-agent`: the flood-level agent trained by the cross-entropy method on a task distribution. */
import { DESIGNS, ONE_DECISION, type AgentFile, type Design } from '../../../agents/agent.js';
import { TASK_DISTRIBUTIONS } from '../../../agents/tasks.js';
import { trainAgent, TRAIN_AGENT_DEFAULTS, type LearningPoint } from '../../../agents/train-agent.js';
import { OFFLINE_L2, ONCE_DEFAULTS, trainOnceAgent, type FamilyCheck, type OfflineDesign } from '../../../agents/train-once.js';
import { integer, oneOf, real } from '../../util/values.js';
import type { CommandSpec } from '../command.js';
import { poolFlags } from '../options.js';

interface TrainAgentFlags extends Record<string, unknown> {
  tasks: string;
  design: Design;
  instances: number;
  generations?: number;
  tasksPerGeneration: number;
  population?: number;
  elite?: number;
  std: number;
  l2?: number;
  decisions: number;
  warmup: number;
  seed: number;
  workers: number;
  resume: boolean;
  queue?: string;
}

const d = TRAIN_AGENT_DEFAULTS;

const o1 = ONCE_DEFAULTS;

export const trainAgentCommand: CommandSpec<TrainAgentFlags, { agent: AgentFile; curve: LearningPoint[]; families?: FamilyCheck[] }> = {
  name: ['train-agent'],
  description: 'train the flood-level agent (cross-entropy method over a linear policy) on a task distribution',
  example: 'autoflood train-agent --design twin --instances 48 --out runs/agents/mine',
  flags: [
    { key: 'tasks', flag: '--tasks <name>', help: 'task distribution', kind: oneOf(TASK_DISTRIBUTIONS), default: d.tasks },
    { key: 'design', flag: '--design <name>', help: 'steps (b halved/doubled at most per decision) | relative (b = multiple of the run\'s scale at every decision) | once (one multiple of the warm-up\'s scale) | twin (one multiple for a second run, read from a finished run without flooding); once and twin train on every multiple\'s outcome', kind: oneOf(DESIGNS), default: 'twin' },
    { key: 'instances', flag: '--instances <n>', help: 'once, twin: training task instances, each run at 16 (once) or 11 (twin) multiples', kind: integer(2), default: o1.instances },
    { key: 'generations', flag: '--generations <n>', help: 'generations of the search', kind: integer(1), defaultText: `${o1.generations} for once and twin (no training per generation), ${d.generations} otherwise` },
    { key: 'tasksPerGeneration', flag: '--tasks-per-generation <n>', help: 'relative, steps: task instances every candidate runs on per generation', kind: integer(1), default: d.tasksPerGeneration },
    { key: 'population', flag: '--population <n>', help: 'candidate policies per generation (the mean included)', kind: integer(2, 1000), defaultText: `${o1.cem.population} for once and twin, ${d.cem.population} otherwise` },
    { key: 'elite', flag: '--elite <fraction>', help: 'share of the candidates the search refits to', kind: real({ min: 0, max: 1, above: true }), defaultText: `${o1.cem.eliteFraction} for once and twin, ${d.cem.eliteFraction} otherwise` },
    { key: 'l2', flag: '--l2 <weight>', help: 'once, twin: penalty on the squared (standardised) feature weights', kind: real({ min: 0 }), defaultText: `${OFFLINE_L2.once} for once, ${OFFLINE_L2.twin} for twin` },
    { key: 'std', flag: '--std <s>', help: 'initial standard deviation of the parameters', kind: real({ min: 0, above: true }), default: d.cem.initialStd },
    { key: 'decisions', flag: '--decisions <n>', help: 'steps, relative: flood-level decisions per training run', kind: integer(1), default: d.schedule.decisions },
    { key: 'warmup', flag: '--warmup <fraction>', help: 'steps, relative: fraction of a run trained without flooding before the first decision', kind: real({ min: 0, max: 1, above: true, below: true }), default: d.schedule.warmupFraction },
    { key: 'seed', flag: '--seed <n>', help: 'seed of tasks and sampling', kind: integer(0), default: d.seed },
    ...poolFlags('runs/agents/<tasks>-<time>'),
  ],
  outPrefix: (o) => `agents/${String(o.tasks)}`,
  run(o, context) {
    const offline = ONE_DECISION.includes(o.design);
    const defaults = offline ? o1 : d;
    const common = {
      tasks: o.tasks,
      generations: o.generations ?? defaults.generations,
      cem: { ...defaults.cem, population: o.population ?? defaults.cem.population, eliteFraction: o.elite ?? defaults.cem.eliteFraction, initialStd: o.std },
      seed: o.seed,
      out: context.out,
      resume: o.resume,
      workers: o.workers,
      queue: o.queue,
      backend: context.backend,
      ...context.poolProgress('train-agent'),
    };
    if (offline) return trainOnceAgent({ ...common, design: o.design as OfflineDesign, instances: o.instances, l2: o.l2 ?? OFFLINE_L2[o.design as OfflineDesign] });
    return trainAgent({
      ...common,
      design: o.design,
      tasksPerGeneration: o.tasksPerGeneration,
      schedule: { decisions: o.decisions, warmupFraction: o.warmup },
      onGeneration: (p, generations) => context.logger.info(
        `generation ${p.generation + 1}/${generations}: mean policy ${(100 * p.meanFitness).toFixed(2)} points over no flooding, ` +
          `best ${(100 * p.bestFitness).toFixed(2)}, b/scale ${p.meanMultiple.toFixed(2)}, std ${p.std.toFixed(3)}`,
      ),
    });
  },
  report: ({ agent, curve, families }) => ({ kind: 'train-agent', agent, curve, families }),
  lines: ({ agent }, _o, context) => [
    `trained on ${String(agent.training.episodes)} trainings (${String(agent.training.epochs)} epochs); wrote ${context.out}/{agent.json,learning.jsonl,report.md,report.html}`,
  ],
};
