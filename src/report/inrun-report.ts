/**
 * The report of `autoflood train-agent --design inrun`: how the in-run agent was trained, the
 * learning curves of REINFORCE and the cross-entropy method over their seeds, what each policy
 * and rule gains on a training family it was fitted without, and how far the noise estimate is
 * from the injected noise, built from agent.json, learning.jsonl and inrun.json.
 */
import type { AgentFile } from '../control/agent.js';
import type { LearnerPoint } from '../control/reinforce.js';
import type { InrunSummary } from '../studies/train-inrun.js';
import { learnerCurves } from './charts.js';
import type { Report, Section, Table } from './document.js';
import { count, duration, signed } from './format.js';

const points = (gain: number) => `${signed(100 * gain)} points`;

function settingsTable(agent: AgentFile, summary: InrunSummary): Table {
  const t = agent.training;
  const rows: string[][] = [
    ['Task distribution', `${String(t.tasks)}: ${String(t.taskDescription)}`],
    ['Training tasks', `${String(t.instances)} (task seed ${String(t.seed)})`],
    ['Trainings', `${count(Number(t.trainings))}: each task's warm-up, continued at every multiple (${String(t.multiples)}); ${count(Number(t.epochs))} epochs, ${duration(Number(t.workerSeconds))} of worker time`],
    ['State', String(t.reads)],
    ['Policy', `a network: ${agent.features.length} standardised features -> ${String(t.hidden)} tanh units -> a softmax over ${agent.network?.multiples.length} multiples; ${agent.params.length} parameters`],
    ['Learner', `${String(t.learner)}; ${count(Number(t.episodes))} episodes, Adam learning rate ${String(t.learningRate)}, entropy weight ${String(t.entropy)}`],
    ['The shipped policy on its training tasks', points(Number(t.finalMeanFitness))],
    ['Best constant multiple there (the fixed rule)', `c = ${summary.rule.multiple}: ${points(summary.rule.gain)}`],
    ['Noise-bound rule there', `fitted f = ${summary.bound.factor}: ${points(summary.bound.gain)}; f = 1: ${points(summary.bound.gainAtOne)}`],
  ];
  return { columns: ['Setting', 'Value'], rows };
}

function familiesTable(summary: InrunSummary): Table {
  return {
    columns: ['held-out family', 'tasks', 'agent (REINFORCE)', 'agent (CEM)', 'fixed rule', 'bound rule (fitted f)', 'bound rule (f = 1)', 'best multiple per task'],
    rows: summary.families.map((f) => [f.family, f.tasks, points(f.agent), points(f.cem), points(f.rule), points(f.bound), points(f.boundAtOne), points(f.oracle)]),
  };
}

function noiseTable(summary: InrunSummary): Table {
  const fmt = (s: { mean: number; std: number; n: number }) => `${(100 * s.mean).toFixed(1)}%${s.n > 1 ? ` ± ${(100 * s.std).toFixed(1)}` : ''}`;
  return {
    columns: ['family', 'injected noise', 'tasks', 'estimate (losses above ln K)', 'estimate - injected', 'high group of a mixture'],
    rows: summary.noise.map((r) => [r.family, `${(100 * r.noise).toFixed(0)}%`, r.tasks, fmt(r.estimate), `${signed(100 * (r.estimate.mean - r.noise), 1)} points`, fmt(r.mixture)]),
  };
}

export function inrunTrainingReport(agent: AgentFile, curve: LearnerPoint[], summary: InrunSummary): Report {
  const finals: Table = {
    columns: ['learner', 'seed', 'greedy policy on the training tasks, at the end'],
    rows: summary.learners.map((l) => [l.learner, l.seed, points(l.finalGain)]),
  };
  const sections: Section[] = [
    { heading: 'Training settings', table: settingsTable(agent, summary) },
    {
      heading: 'Learning',
      markdown: 'Both learners replay the same logged outcomes and spend the same episodes; each line is one seed. REINFORCE\'s ' +
        'first seed is the shipped policy.',
      table: finals,
      charts: [{
        title: 'Learning curves',
        spec: learnerCurves(curve.map((p) => ({ series: `${p.learner} seed ${p.seed}`, learner: p.learner, episodes: p.episodes, gain: p.greedyGain }))),
        caption: 'The greedy policy\'s mean validation gain over no flooding on the training tasks, against the episodes replayed.',
      }],
    },
    {
      heading: 'Held out, one training family at a time',
      markdown: 'Each policy and rule fitted on the other families, scored on this one (validation gain over no flooding, mean ' +
        'over its tasks). The last column is what the best multiple per task would gain.',
      table: familiesTable(summary),
    },
    {
      heading: 'The noise estimate against the injected noise',
      markdown: 'At each task\'s warm-up epoch of lowest validation loss: the share of its per-example training losses above ' +
        'ln(classes) (the estimate the agent and the bound rule read) and the share in the high group of a two-Gaussian mixture ' +
        'fitted to their logs, mean ± std over the tasks. Both count what the network cannot fit before memorising: the injected ' +
        'noise and the task\'s own errors together.',
      table: noiseTable(summary),
    },
  ];
  return {
    title: `In-run agent training: ${String(agent.training.tasks)} tasks`,
    intro: 'The agent reads the warm-up of a run (its first 20% of epochs, without flooding) and sets b = c x the warm-up\'s loss ' +
      'scale for the rest of the same run. Every training task was run through its warm-up and continued at every multiple, so the ' +
      'reward of every action is known and the learners replay those outcomes.',
    sections,
  };
}
