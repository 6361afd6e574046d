/**
 * The report of `autoflood train-agent`: how the agent was trained (task distribution, actions,
 * schedule, policy, episodes, time) and how its training went (mean episode reward, final
 * validation accuracy, chosen b and policy entropy per update), built from agent.json and
 * learning.jsonl alone.
 */
import type { AgentFile } from '../../agents/agent.js';
import { AGENT_FILE, LEARNING_FILE, type LearningPoint } from '../../agents/train-agent.js';
import { formatLevel, learningCurve, policyCurves } from './charts.js';
import type { Chart, Report, Section, Table } from './document.js';
import { count, duration, percent, signed } from './format.js';

/** Updates averaged for the "first" and "last" figures of the summary. */
const SUMMARY_WINDOW = 10;

/** Fields of `AgentFile.training` with their labels and formats, in table order. */
const TRAINING_FIELDS: [key: string, label: string, format: (v: unknown) => string][] = [
  ['episodes', 'Episodes', (v) => count(Number(v))],
  ['updates', 'Policy updates', (v) => count(Number(v))],
  ['tasksPerUpdate', 'Task instances per update', String],
  ['rolloutsPerTask', 'Episodes per task instance and update', String],
  ['seed', 'Seed (tasks, policy, action sampling)', String],
  ['seconds', 'Wall time', (v) => duration(Number(v))],
  ['finalMeanReward', 'Final mean reward', (v) => (typeof v === 'number' ? v.toFixed(4) : '—')],
];

/** A list of levels: all of them when few, else the first two, the last and how many. */
function levelList(levels: number[]): string {
  if (levels.length <= 6) return levels.map(formatLevel).join(', ');
  return `${levels.slice(0, 2).map(formatLevel).join(', ')}, …, ${formatLevel(levels[levels.length - 1])} (${levels.length} levels)`;
}

function settingsTable(agent: AgentFile | undefined, curve: LearningPoint[]): Table {
  const rows: string[][] = [];
  if (agent === undefined) {
    rows.push(['Agent file', `none yet (${AGENT_FILE} is written when the training finishes)`]);
    rows.push(['Policy updates so far', count(curve.length)]);
    if (curve.length > 0) rows.push(['Wall time so far', duration(curve[curve.length - 1].seconds)]);
    return { columns: ['Setting', 'Value'], rows };
  }
  const training = agent.training;
  const tasks = typeof training.tasks === 'string' ? training.tasks : '—';
  rows.push(['Task distribution', typeof training.taskDescription === 'string' ? `${tasks}: ${training.taskDescription}` : tasks]);
  rows.push(['Actions: flood levels b', levelList(agent.levels)]);
  rows.push(['Schedule', `no flooding for the first ${(100 * agent.schedule.warmupFraction).toFixed(0)}% of the epochs, then ${agent.schedule.decisions} decisions per run`]);
  const policy = agent.policy.config;
  rows.push(['Policy', `${policy.hidden > 0 ? `${policy.hidden} hidden units` : 'linear'}, ${policy.stateSize} state features (${agent.features.join(', ')})`]);
  rows.push(['Policy learning rate (Adam)', String(policy.learningRate)]);
  rows.push(['Entropy bonus weight', String(policy.entropyCoef)]);
  for (const [key, label, format] of TRAINING_FIELDS) {
    if (training[key] !== undefined) rows.push([label, format(training[key])]);
  }
  const shown = new Set(['tasks', 'taskDescription', ...TRAINING_FIELDS.map(([key]) => key)]);
  for (const [key, value] of Object.entries(training)) {
    if (!shown.has(key) && value !== undefined) rows.push([key, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return { columns: ['Setting', 'Value'], rows };
}

/** The first and last updates' averages of the curve, as a paragraph. */
function curveNote(curve: LearningPoint[]): string {
  if (curve.length === 0) return `No policy updates recorded (${LEARNING_FILE} is empty).`;
  const window = Math.min(SUMMARY_WINDOW, Math.max(1, Math.floor(curve.length / 2)));
  const mean = (points: LearningPoint[], f: (p: LearningPoint) => number) => points.reduce((a, p) => a + f(p), 0) / points.length;
  const first = curve.slice(0, window);
  const last = curve.slice(-window);
  const span = (n: number) => (n === 1 ? 'update' : `${n} updates`);
  return [
    `${count(curve.length)} policy updates in ${duration(curve[curve.length - 1].seconds)}. ` +
      `Averages over the first and the last ${span(window)}:`,
    [
      `- mean episode reward: ${signed(mean(first, (p) => p.meanReward), 4)} → ${signed(mean(last, (p) => p.meanReward), 4)}`,
      `- final validation accuracy: ${percent(mean(first, (p) => p.meanFinalValAcc))} → ${percent(mean(last, (p) => p.meanFinalValAcc))}`,
      `- mean chosen b: ${mean(first, (p) => p.meanLevel).toFixed(3)} → ${mean(last, (p) => p.meanLevel).toFixed(3)}`,
      `- policy entropy: ${mean(first, (p) => p.entropy).toFixed(3)} → ${mean(last, (p) => p.entropy).toFixed(3)} nats`,
    ].join('\n'),
    'An episode\'s reward is its final validation accuracy minus the one at the end of its warm-up, so a higher reward ' +
      'means the chosen flood levels helped the run more.',
  ].join('\n\n');
}

/** Builds the report of an agent training from its agent file (undefined while unfinished) and learning curve. */
export function agentTrainingReport(agent: AgentFile | undefined, curve: LearningPoint[]): Report {
  const charts: Chart[] = curve.length === 0 ? [] : [
    {
      title: 'Learning curve: mean episode reward per update',
      spec: learningCurve(curve.map((p) => ({ update: p.update, meanReward: p.meanReward }))),
      caption: 'Mean reward of each update\'s episodes (faint) and its moving average (solid).',
    },
    {
      title: 'Final validation accuracy, chosen b and policy entropy per update',
      spec: policyCurves(curve),
      caption: 'Per update, over its episodes: the final validation accuracy, the mean flood level the policy chose, and ' +
        'the policy\'s entropy (falling as it settles on levels).',
    },
  ];
  const sections: Section[] = [
    { heading: 'Training settings', table: settingsTable(agent, curve) },
    { heading: 'Learning', markdown: curveNote(curve), ...(charts.length > 0 ? { charts } : {}) },
  ];
  const tasks = typeof agent?.training.tasks === 'string' ? `: ${agent.training.tasks} tasks` : '';
  return {
    title: `Flood-level agent training${tasks}`,
    intro: agent === undefined
      ? `**Unfinished:** there is no ${AGENT_FILE} yet; this shows the updates checkpointed so far.`
      : 'REINFORCE on a task distribution: each episode is a training run in which the policy sets the flood level b at ' +
        'fixed points after a warm-up without flooding.',
    sections,
  };
}
