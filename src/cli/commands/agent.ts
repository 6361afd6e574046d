/** `autoflood train-agent`: the flood-level agent, trained on a task distribution. */
import { DESIGNS, type AgentFile, type Design, type LearningPoint } from '../../control/agent.js';
import type { LearnerPoint } from '../../control/reinforce.js';
import type { FamilyCheck } from '../../control/twin-fit.js';
import { TWIN_FIT_DEFAULTS } from '../../control/twin-fit.js';
import { trainAgent, TRAIN_AGENT_DEFAULTS } from '../../studies/train-agent.js';
import { trainTwinAgent } from '../../studies/train-twin.js';
import { trainInrunAgent, type InrunSummary } from '../../studies/train-inrun.js';
import { LEARNER_DEFAULTS } from '../../control/reinforce.js';
import { integer, oneOf, real } from '../../core/values.js';
import { studyOptions, type CommandSpec, type PoolFlags } from '../command.js';
import { poolFlags, tasksFlag, tasksSlug } from '../options.js';

interface TrainAgentFlags extends PoolFlags {
  tasks: string;
  design: Design;
  instances: number;
  generations?: number;
  tasksPerGeneration: number;
  population?: number;
  elite?: number;
  std: number;
  l2: number;
  decisions: number;
  warmup: number;
  seed: number;
  episodes: number;
  hidden: number;
  learningRate: number;
  learnerSeed: number;
}

const steps = TRAIN_AGENT_DEFAULTS;
const twin = TWIN_FIT_DEFAULTS;

const pg = LEARNER_DEFAULTS;

export const trainAgentCommand: CommandSpec<TrainAgentFlags, { agent: AgentFile; curve: LearningPoint[] | LearnerPoint[]; families?: FamilyCheck[]; summary?: InrunSummary }> = {
  name: ['train-agent'],
  description: 'train the flood-level agent on a task distribution (twin, steps: the cross-entropy method; inrun: policy gradient)',
  example: 'autoflood train-agent --design twin --instances 48 --seed 3 --out runs/agents/mine',
  flags: [
    tasksFlag('task distribution to train on', 'broad'),
    { key: 'design', flag: '--design <name>', help: 'inrun (reads the 20% warm-up of one run, its per-example losses included, and sets b for the rest of it; policy gradient) | twin (one multiple of the loss scale for a second run, read from a finished run without flooding) | steps (sets b during one run: halved or doubled at most per decision)', kind: oneOf(DESIGNS), default: 'twin' },
    { key: 'instances', flag: '--instances <n>', help: 'inrun, twin: training task instances, each run at the 11 multiples 0, 0.1, ..., 1 of its scale', kind: integer(2), default: twin.instances },
    { key: 'episodes', flag: '--episodes <n>', help: 'inrun: episodes each learner replays (REINFORCE and, for comparison, the cross-entropy method)', kind: integer(1), default: pg.episodes },
    { key: 'hidden', flag: '--hidden <n>', help: 'inrun: units of the policy network\'s hidden layer', kind: integer(1, 1024), default: pg.hidden },
    { key: 'learningRate', flag: '--learning-rate <r>', help: 'inrun: Adam learning rate of the policy and its baseline', kind: real({ min: 0, above: true }), default: pg.learningRate },
    { key: 'learnerSeed', flag: '--learner-seed <n>', help: 'inrun: the first of the 3 learner seeds (the shipped policy is this seed\'s)', kind: integer(0), default: 0 },
    { key: 'generations', flag: '--generations <n>', help: 'generations of the search', kind: integer(1), defaultText: `${twin.generations} for twin (no training per generation), ${steps.generations} for steps` },
    { key: 'tasksPerGeneration', flag: '--tasks-per-generation <n>', help: 'steps: task instances every candidate runs on per generation', kind: integer(1), default: steps.tasksPerGeneration },
    { key: 'population', flag: '--population <n>', help: 'candidate policies per generation (the mean included)', kind: integer(2, 1000), defaultText: `${twin.cem.population} for twin, ${steps.cem.population} for steps` },
    { key: 'elite', flag: '--elite <fraction>', help: 'share of the candidates the search refits to', kind: real({ min: 0, max: 1, above: true }), defaultText: `${twin.cem.eliteFraction} for twin, ${steps.cem.eliteFraction} for steps` },
    { key: 'l2', flag: '--l2 <weight>', help: 'twin: penalty on the squared (standardised) feature weights', kind: real({ min: 0 }), default: twin.l2 },
    { key: 'std', flag: '--std <s>', help: 'initial standard deviation of the parameters', kind: real({ min: 0, above: true }), default: steps.cem.initialStd },
    { key: 'decisions', flag: '--decisions <n>', help: 'steps: flood-level decisions per training run', kind: integer(1), default: steps.schedule.decisions },
    { key: 'warmup', flag: '--warmup <fraction>', help: 'steps: fraction of a run trained without flooding before the first decision', kind: real({ min: 0, max: 1, above: true, below: true }), default: steps.schedule.warmupFraction },
    { key: 'seed', flag: '--seed <n>', help: 'seed of tasks and sampling', kind: integer(0), default: steps.seed },
    ...poolFlags('runs/agents/<tasks>-<time>'),
  ],
  outPrefix: (o) => `agents/${tasksSlug(o.tasks)}`,
  async run(o, context) {
    if (o.design === 'inrun') {
      return trainInrunAgent({
        tasks: o.tasks, instances: o.instances, seed: o.seed,
        learner: { ...pg, episodes: o.episodes, hidden: o.hidden, learningRate: o.learningRate, seed: o.learnerSeed },
        ...(await studyOptions(o, context, 'train-agent')),
      });
    }
    const defaults = o.design === 'twin' ? twin : steps;
    const common = {
      tasks: o.tasks,
      generations: o.generations ?? defaults.generations,
      cem: { ...defaults.cem, population: o.population ?? defaults.cem.population, eliteFraction: o.elite ?? defaults.cem.eliteFraction, initialStd: o.std },
      seed: o.seed,
      ...(await studyOptions(o, context, 'train-agent')),
    };
    if (o.design === 'twin') return trainTwinAgent({ ...common, instances: o.instances, l2: o.l2 });
    return trainAgent({
      ...common,
      tasksPerGeneration: o.tasksPerGeneration,
      schedule: { decisions: o.decisions, warmupFraction: o.warmup },
      onGeneration: (p, generations) => context.logger.info(
        `generation ${p.generation + 1}/${generations}: mean policy ${(100 * p.meanFitness).toFixed(2)} points over no flooding, ` +
          `best ${(100 * p.bestFitness).toFixed(2)}, b/scale ${p.meanMultiple.toFixed(2)}, std ${p.std.toFixed(3)}`,
      ),
    });
  },
  report: ({ agent, curve, families, summary }) => ({ kind: 'train-agent', agent, curve, families, ...(summary === undefined ? {} : { inrun: summary }) }),
  lines: ({ agent }, _o, context) => [
    `trained on ${String(agent.training.trainings ?? agent.training.episodes)} trainings (${String(agent.training.epochs)} epochs); wrote ${context.out}/{agent.json,learning.jsonl,report.md,report.html}`,
  ],
};
