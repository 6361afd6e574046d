/**
 * The report of `autoflood train-agent`: how the agent was trained (task distribution, action
 * design, schedule, policy, episodes, time) and how its training went (the fitness of the mean
 * policy, the best candidate and the population per generation; the level the mean policy set and
 * the search's spread), built from agent.json and learning.jsonl alone.
 */
import { LEARNING_FILE, MAX_MULTIPLE, type AgentFile, type LearningPoint } from '../control/agent.js';
import type { FamilyCheck } from '../control/twin-fit.js';
import { learningCurve, searchCurves } from './charts.js';
import type { Chart, Report, Section, Table } from './document.js';
import { count, duration, signed } from './format.js';

/** Generations averaged for the "first" and "last" figures of the summary. */
const SUMMARY_WINDOW = 5;

/** Fields of `AgentFile.training` with their labels and formats, in table order. */
const TRAINING_FIELDS: [key: string, label: string, format: (v: unknown) => string][] = [
  ['learner', 'Learner', String],
  ['generations', 'Generations', (v) => count(Number(v))],
  ['tasksPerGeneration', 'Task instances per generation', String],
  ['population', 'Candidate policies per generation', String],
  ['episodes', 'Episodes', (v) => count(Number(v))],
  ['epochs', 'Training epochs (compute)', (v) => count(Number(v))],
  ['seed', 'Seed', String],
  ['seconds', 'Wall time', (v) => duration(Number(v))],
  ['workerSeconds', 'Worker time (summed over the trainings)', (v) => duration(Number(v))],
  ['finalMeanFitness', 'Final mean policy: val acc over no flooding', (v) => (typeof v === 'number' ? `${signed(100 * v)} points` : '—')],
];

function settingsTable(agent: AgentFile): Table {
  const rows: string[][] = [];
  const training = agent.training;
  const tasks = typeof training.tasks === 'string' ? training.tasks : '—';
  rows.push(['Task distribution', typeof training.taskDescription === 'string' ? `${tasks}: ${training.taskDescription}` : tasks]);
  const cap = MAX_MULTIPLE[agent.design];
  const designs = {
    steps: `steps: first b = ${cap} x sigmoid(policy) x the run's scale, then b x 2^tanh(policy) per decision`,
    twin: `twin: b = c x the warm-up's best validation loss for a second run, c = round(10 x sigmoid(policy)) / 10 read from the finished run without flooding`,
    inrun: 'inrun: b = c x the warm-up\'s best validation loss for the rest of the same run, c = 0, 0.1, ..., 1 the most probable under a policy network that reads the warm-up (its per-example losses included)',
  };
  rows.push(['Action design', designs[agent.design]]);
  rows.push(['Schedule', agent.design === 'twin'
    ? 'one run without flooding to the end, then one decision for a second run (kept only where it validates better)'
    : `no flooding for the first ${(100 * agent.schedule.warmupFraction).toFixed(0)}% of the epochs, then ${agent.schedule.decisions} decisions per run`]);
  rows.push(['Policy', `linear, ${agent.params.length} parameters over ${agent.features.length} state features (${agent.features.join(', ')})`]);
  for (const [key, label, format] of TRAINING_FIELDS) {
    if (training[key] !== undefined) rows.push([label, format(training[key])]);
  }
  const shown = new Set(['tasks', 'taskDescription', ...TRAINING_FIELDS.map(([key]) => key)]);
  for (const [key, value] of Object.entries(training)) {
    if (!shown.has(key) && value !== undefined) rows.push([key, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return { columns: ['Setting', 'Value'], rows };
}

/** The offline search's curve (the twin design): first and last generation, as a paragraph. */
function onceNote(curve: LearningPoint[]): string {
  if (curve.length === 0) return `No generations recorded (${LEARNING_FILE} is empty).`;
  const [first, last] = [curve[0], curve[curve.length - 1]];
  return `${count(curve.length)} generations on the logged outcomes. Mean policy, validation accuracy over no flooding on the ` +
    `training tasks: ${points(first.meanFitness)} → ${points(last.meanFitness)}; its mean multiple of the scale ` +
    `${first.meanMultiple.toFixed(2)} → ${last.meanMultiple.toFixed(2)}; search std ${first.std.toFixed(3)} → ${last.std.toFixed(3)}.`;
}

/** The first and last generations' averages of the curve, as a paragraph. */
function curveNote(curve: LearningPoint[]): string {
  if (curve.length === 0) return `No generations recorded (${LEARNING_FILE} is empty).`;
  const window = Math.min(SUMMARY_WINDOW, Math.max(1, Math.floor(curve.length / 2)));
  const avg = (points: LearningPoint[], f: (p: LearningPoint) => number) => points.reduce((a, p) => a + f(p), 0) / points.length;
  const first = curve.slice(0, window);
  const last = curve.slice(-window);
  const span = (n: number) => (n === 1 ? 'generation' : `${n} generations`);
  return [
    `${count(curve.length)} generations, ${count(curve[curve.length - 1].episodes)} episodes, in ${duration(curve[curve.length - 1].seconds)}. ` +
      `Averages over the first and the last ${span(window)}:`,
    [
      `- mean policy, validation accuracy over no flooding: ${points(avg(first, (p) => p.meanFitness))} → ${points(avg(last, (p) => p.meanFitness))}`,
      `- best candidate: ${points(avg(first, (p) => p.bestFitness))} → ${points(avg(last, (p) => p.bestFitness))}`,
      `- mean policy's last b / run scale: ${avg(first, (p) => p.meanMultiple).toFixed(3)} → ${avg(last, (p) => p.meanMultiple).toFixed(3)}`,
      `- search std: ${avg(first, (p) => p.std).toFixed(3)} → ${avg(last, (p) => p.std).toFixed(3)}`,
    ].join('\n'),
    'Fitness is a candidate\'s validation accuracy (mean of the last tenth of the epochs) minus that of the same task trained ' +
      'without flooding, averaged over the generation\'s tasks; each generation draws new tasks, so the curve is noisy.',
  ].join('\n\n');
}

const points = (v: number) => `${signed(100 * v)} points`;

/** Leave-one-family-out (the twin design): the agent and the rule fitted without a family, scored on it. */
function familiesSection(families: FamilyCheck[]): Section {
  return {
    heading: 'Leave one family out',
    markdown: 'For each family: the agent and the fixed rule are fitted on the other families\' tasks only, then scored on this ' +
      'family\'s (validation accuracy over no flooding, mean over its tasks). Where the agent does not beat the rule, its features ' +
      'add nothing there.',
    table: {
      columns: ['Held-out family', 'Tasks', 'Agent', 'Rule (c fitted without it)', 'Agent − rule (95% CI)'],
      rows: families.map((f) => [
        f.family, String(f.tasks), points(f.agentGain), `${points(f.ruleGain)} (c = ${f.ruleMultiple})`,
        `${signed(100 * f.agentMinusRule.mean)} ± ${(100 * f.agentMinusRule.halfWidth).toFixed(2)}`,
      ]),
    },
  };
}

/** Builds the report of an agent training from its agent file and learning curve (and, for the twin design, the family check). */
export function agentTrainingReport(agent: AgentFile, curve: LearningPoint[], families: FamilyCheck[] = []): Report {
  const charts: Chart[] = curve.length === 0 ? [] : [
    {
      title: 'Learning curve',
      spec: learningCurve(curve.flatMap((p) => [
        { generation: p.generation, series: 'mean policy', fitness: p.meanFitness },
        { generation: p.generation, series: 'best candidate', fitness: p.bestFitness },
        { generation: p.generation, series: 'population mean', fitness: p.populationFitness },
      ])),
      caption: 'Per generation: validation accuracy over no flooding of the search\'s mean policy, its best candidate and the population.',
    },
    {
      title: 'The mean policy\'s level and the search\'s spread',
      spec: searchCurves(curve),
      caption: 'The last flood level the mean policy set, relative to its run\'s scale (mean over the generation\'s tasks), and ' +
        'the mean standard deviation of the search distribution (falling as the search settles).',
    },
  ];
  const sections: Section[] = [
    { heading: 'Training settings', table: settingsTable(agent) },
    { heading: 'Learning', markdown: agent.design === 'twin' ? onceNote(curve) : curveNote(curve), ...(charts.length > 0 ? { charts } : {}) },
    ...(families.length > 0 ? [familiesSection(families)] : []),
  ];
  const tasks = typeof agent.training.tasks === 'string' ? `: ${agent.training.tasks} tasks` : '';
  return {
    title: `Flood-level agent training${tasks}`,
    intro: agent.design === 'twin'
      ? 'The cross-entropy method over a linear policy that sets b once, for a second run, from a finished run without flooding, as a multiple of the ' +
        'warm-up\'s loss scale. Every training task was run at every multiple, so the search scores each candidate on the logged ' +
        'outcomes without training more.'
      : 'The cross-entropy method over a linear policy: each episode is a training run in which the policy sets the flood ' +
        'level b at its decision epochs after a warm-up without flooding, relative to the run\'s own loss scale.',
    sections,
  };
}
