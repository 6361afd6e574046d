/**
 * The report of `autoflood tune`: the methods side by side on one dataset (test accuracy under
 * both readings, b, compute), the flood level each had in force per epoch, test accuracy per
 * method over seeds and the loss curves of the methods' runs, built from summary.json and
 * the run log alone.
 */
import type { MethodOutcome } from '../methods/compare.js';
import type { TuneSummary } from '../studies/tune.js';
import type { TrialResult } from '../trials/trial.js';
import { formatLevel, lossCurves, type FloodedRunSeries } from './charts.js';
import type { Chart, Report, Section } from './document.js';
import { datasetName, noiseRate } from './format.js';
import { computeChart, ES_NOTE, METHOD_LABEL, methodAccuracyChart, methodsNote, methodsTable, trajectoryChart } from './methods.js';

/**
 * The runs behind the methods on one seed, found by the trial ids their outcomes carry: the
 * agent's, the heuristic's, no flooding (b = 0) and the grid's run at the b it chose (last-epoch
 * reading). Controllers' runs carry their last b (the dashed rule).
 */
function methodRuns(results: TrialResult[], outcomes: MethodOutcome[]): FloodedRunSeries[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const series: FloodedRunSeries[] = [];
  const grid = outcomes.find((o) => o.method === 'grid');
  for (const outcome of outcomes) {
    const run = byId.get(outcome.runs.last);
    if (run === undefined) continue;
    const last = run.history.at(-1)?.floodLevel ?? 0;
    if (outcome.method === 'grid') {
      if (run.config.flood > 0) series.push({ label: `grid search: chosen b = ${formatLevel(run.config.flood)}`, floodLevel: run.config.flood, history: run.history });
    } else if (outcome.method === 'none') {
      const chosen = grid !== undefined && grid.runs.last === run.id;
      series.push({ label: `no flooding (b = 0)${chosen ? '; the grid\'s choice' : ''}`, floodLevel: 0, history: run.history });
    } else {
      series.push({ label: `${METHOD_LABEL[outcome.method]} (last b = ${formatLevel(last)})`, floodLevel: last, history: run.history });
    }
  }
  return series;
}

/** The loss scales the methods measured, per seed. */
function scaleNote(outcomes: MethodOutcome[]): string {
  const scales = new Map(outcomes.filter((o) => o.scale !== undefined).map((o) => [o.seed, o.scale as number]));
  if (scales.size === 0) return '';
  return ` (the lowest validation loss of a warm-up without flooding: ${[...scales].map(([seed, scale]) => `${scale.toFixed(3)} on seed ${seed}`).join(', ')})`;
}

/** Builds the report of a tune run from its summary and its trainings (as in the run log). */
export function tuneReport(summary: TuneSummary, results: TrialResult[]): Report {
  const methods = summary.methods.map((m) => m.method);
  const seed = summary.seeds.length > 0 ? summary.seeds[0] : Math.min(...summary.outcomes.map((o) => o.seed));
  const first = summary.outcomes.filter((o) => o.seed === seed);
  const levels = summary.levels;
  const intro = [
    `${datasetName(summary.dataset)} at ${noiseRate(summary.noise)} label noise; ${summary.seeds.length} seed` +
      `${summary.seeds.length === 1 ? '' : 's'} (${summary.seeds.join(', ')}), every method of a seed on the same data and initialisation.` +
      (levels !== undefined && levels.length > 0
        ? ` The searches consider ${levels.length} flood levels (b from ${formatLevel(Math.min(...levels))} to ${formatLevel(Math.max(...levels))}).`
        : ' The searches consider b = 0, 0.1, ..., 1 x the task\'s loss scale' + scaleNote(summary.outcomes) + '.'),
    methodsNote(methods, summary.outcomes),
    'Test accuracies are percentages against the noisy and the clean test labels, mean ± std over seeds, under two ' +
      'readings: the last epoch (no early stopping) and the epoch of best validation accuracy (early stopping).',
  ].join('\n\n');
  const charts: Chart[] = [];
  const trajectory = trajectoryChart(first, `Flood level b per epoch (seed ${seed})`);
  if (trajectory !== undefined) charts.push(trajectory);
  if (summary.outcomes.length > 0) charts.push(computeChart(summary.methods, 'seeds'), methodAccuracyChart(summary.outcomes, 'seeds'));
  const curves = methodRuns(results, first);
  if (curves.length > 0) {
    charts.push({
      title: `Loss curves of the methods' runs (seed ${seed})`,
      spec: lossCurves(curves),
      caption: 'Training loss is the unflooded mini-batch mean; with flooding it stops near b (dashed rule: the constant b, ' +
        'or for the agent and the heuristic the last b in force). The held-out panel shows the test loss against the noisy ' +
        'labels when the test split was evaluated during training (--test-every), else the validation loss.',
    });
  }
  const sections: Section[] = [
    {
      heading: 'Methods',
      markdown: 'Epochs trained is the compute of a method on one seed (the grid trains every level); compute vs grid is ' +
        `that count as a share of the grid's. Wall time is summed over the method's trainings. ${ES_NOTE}`,
      table: methodsTable(summary.methods, summary.outcomes, 'seed'),
    },
    charts.length > 0
      ? { heading: 'Charts', charts }
      : { heading: 'Charts', markdown: `No charts: no outcomes in summary.json and no trainings in the run log.` },
  ];
  return { title: `Finding the flood level: ${datasetName(summary.dataset)}, ${noiseRate(summary.noise)} label noise`, intro, sections };
}
