/** `autoflood train-agent`: the flood-level agent trained with REINFORCE on a task distribution. */
import { TASK_DISTRIBUTIONS } from '../../../agents/tasks.js';
import { trainAgent, TRAIN_AGENT_DEFAULTS, type LearningPoint } from '../../../agents/train-agent.js';
import type { AgentFile } from '../../../agents/agent.js';
import { percent } from '../../report/format.js';
import { integer, oneOf, real } from '../../util/values.js';
import type { CommandSpec } from '../command.js';
import { poolFlags } from '../options.js';

interface TrainAgentFlags extends Record<string, unknown> {
  tasks: string;
  episodes: number;
  tasksPerUpdate: number;
  rollouts: number;
  decisions: number;
  warmup: number;
  hidden: number;
  lr: number;
  entropy: number;
  seed: number;
  workers: number;
  resume: boolean;
}

const d = TRAIN_AGENT_DEFAULTS;

export const trainAgentCommand: CommandSpec<TrainAgentFlags, { agent: AgentFile; curve: LearningPoint[] }> = {
  name: ['train-agent'],
  description: 'train the flood-level agent (REINFORCE) on a task distribution',
  example: 'autoflood train-agent --episodes 320 --out runs/agents/mine',
  flags: [
    { key: 'tasks', flag: '--tasks <name>', help: 'task distribution', kind: oneOf(TASK_DISTRIBUTIONS), default: d.tasks },
    { key: 'episodes', flag: '--episodes <n>', help: 'episodes in total (rounded up to whole updates)', kind: integer(1), default: d.episodes },
    { key: 'tasksPerUpdate', flag: '--tasks-per-update <n>', help: 'task instances per policy update', kind: integer(1), default: d.tasksPerUpdate },
    { key: 'rollouts', flag: '--rollouts <n>', help: 'episodes per task instance and update (the per-task baseline needs 2)', kind: integer(2), default: d.rolloutsPerTask },
    { key: 'decisions', flag: '--decisions <n>', help: 'flood-level decisions per training run', kind: integer(1), default: d.schedule.decisions },
    { key: 'warmup', flag: '--warmup <fraction>', help: 'fraction of a run trained without flooding before the first decision', kind: real({ min: 0, max: 1, above: true, below: true }), default: d.schedule.warmupFraction },
    { key: 'hidden', flag: '--hidden <n>', help: 'hidden units of the policy (0 = linear)', kind: integer(0, 4096), default: d.policy.hidden },
    { key: 'lr', flag: '--lr <rate>', help: 'policy learning rate (Adam)', kind: real({ min: 0, above: true }), default: d.policy.learningRate },
    { key: 'entropy', flag: '--entropy <coef>', help: 'entropy bonus weight', kind: real({ min: 0 }), default: d.policy.entropyCoef },
    { key: 'seed', flag: '--seed <n>', help: 'seed of tasks, policy and action sampling', kind: integer(0), default: d.seed },
    ...poolFlags('runs/agents/<tasks>-<time>'),
  ],
  outPrefix: (o) => `agents/${String(o.tasks)}`,
  run(o, context) {
    let progress: ReturnType<typeof context.progress> | undefined;
    return trainAgent({
      tasks: o.tasks,
      episodes: o.episodes,
      tasksPerUpdate: o.tasksPerUpdate,
      rolloutsPerTask: o.rollouts,
      schedule: { decisions: o.decisions, warmupFraction: o.warmup },
      policy: { hidden: o.hidden, learningRate: o.lr, entropyCoef: o.entropy },
      seed: o.seed,
      out: context.out,
      resume: o.resume,
      workers: o.workers,
      backend: context.backend,
      onUpdate: (p, updates) => {
        progress ??= context.progress('train-agent', updates);
        progress.update(p.update + 1, `reward ${p.meanReward.toFixed(4)} val acc ${percent(p.meanFinalValAcc)} mean b ${p.meanLevel.toFixed(3)} entropy ${p.entropy.toFixed(2)}`);
      },
    });
  },
  report: ({ agent, curve }) => ({ kind: 'train-agent', agent, curve }),
  lines: ({ agent }, _o, context) => [
    `trained ${String(agent.training.episodes)} episodes in ${Number(agent.training.seconds).toFixed(0)} s; wrote ${context.out}/{agent.json,learning.jsonl,report.md,report.html}`,
  ],
};
