/**
 * The report of a grid search over b (`autoflood grid`, `autoflood report <run-dir>`): the
 * selection under both readings against no flooding, every level's accuracies, and charts
 * (loss curves, test accuracy against b, flooded mini-batches), built from the saved files alone.
 */
import type { GridSummary } from '../studies/grid.js';
import { READINGS } from '../methods/select.js';
import type { TrialResult } from '../trials/trial.js';
import { stat } from '../core/stats.js';
import { accuracyVsLevel, floodedFraction, formatLevel, lossCurves, lossGroups, type FloodedRunSeries } from './charts.js';
import type { Chart, Report, Section, Table } from './document.js';
import { count, duration, level, noiseRate, pct, READING_LABEL, READING_SHORT, sortedUnique } from './format.js';

function selectionTable(summary: GridSummary): Table {
  const rows: (string | number)[][] = [];
  for (const reading of READINGS) {
    const s = summary.selection[reading];
    if (s.noFlood.length > 0) {
      rows.push([READING_LABEL[reading], 'no flooding', '0', pct(s.noFloodTestAcc), pct(s.noFloodTestAccClean), '']);
    }
    rows.push([
      READING_LABEL[reading], 'flooding, b chosen by validation accuracy', level(s.floodLevel), pct(s.testAcc), pct(s.testAccClean),
      s.chosen.map((c) => `seed ${c.seed}: ${formatLevel(c.floodLevel)}`).join(', '),
    ]);
  }
  return {
    columns: ['Reading', 'Run', 'b', 'Test acc (noisy labels)', 'Test acc (clean labels)', 'Chosen b per seed'],
    rows,
  };
}

function levelTable(grid: TrialResult[], summary: GridSummary): Table {
  const rows = sortedUnique(grid.map((r) => r.config.flood)).map((b) => {
    const runs = grid.filter((r) => r.config.flood === b);
    const chosenBy = READINGS.flatMap((reading) => {
      const seeds = summary.selection[reading].chosen.filter((c) => c.floodLevel === b).length;
      return seeds > 0 ? [`${READING_SHORT[reading]} (${seeds}/${summary.selection[reading].chosen.length} seeds)`] : [];
    });
    return [
      formatLevel(b),
      pct(stat(runs.map((r) => r.last.valAcc))),
      pct(stat(runs.map((r) => r.last.testAcc))),
      pct(stat(runs.map((r) => r.bestVal.valAcc))),
      pct(stat(runs.map((r) => r.bestVal.testAcc))),
      chosenBy.join('; '),
    ];
  });
  return {
    columns: ['b', 'Val acc, last epoch', 'Test acc, last epoch', 'Val acc, best-val epoch', 'Test acc, best-val epoch', 'Chosen by'],
    rows,
  };
}

function extraTable(extra: TrialResult[]): Table {
  return {
    columns: ['Tag', 'Controller', 'Seed', 'b (config)', 'b at the end', 'Test acc, last epoch', 'Test acc, best-val epoch'],
    rows: extra.map((r) => [
      r.tag, r.controller.kind, r.config.seed, formatLevel(r.config.flood),
      formatLevel(r.history.at(-1)?.floodLevel ?? r.config.flood),
      pct(stat([r.last.testAcc])), pct(stat([r.bestVal.testAcc])),
    ]),
  };
}

/** The first seed's runs at b = 0, at each reading's chosen b, and (`others`) at the smallest positive and the largest level. */
export function showcaseRuns(grid: TrialResult[], summary: GridSummary, others: boolean): FloodedRunSeries[] {
  const seed = Math.min(...grid.map((r) => r.config.seed));
  const runs = grid.filter((r) => r.config.seed === seed);
  const chosenBy = new Map<number, string[]>();
  for (const reading of READINGS) {
    const choice = summary.selection[reading].chosen.find((c) => c.seed === seed);
    if (choice) chosenBy.set(choice.floodLevel, [...(chosenBy.get(choice.floodLevel) ?? []), READING_SHORT[reading]]);
  }
  const positive = sortedUnique(runs.map((r) => r.config.flood)).filter((b) => b > 0);
  const shown = sortedUnique([0, ...chosenBy.keys(), ...(others ? [positive[0], positive.at(-1)] : [])].filter((b) => b !== undefined));
  return shown.flatMap((b) => {
    const run = runs.find((r) => r.config.flood === b);
    if (run === undefined) return [];
    const notes = [...(b === 0 ? ['no flooding'] : []), ...(chosenBy.has(b) ? [`chosen: ${(chosenBy.get(b) ?? []).join(', ')}`] : [])];
    return [{ label: `b = ${formatLevel(b)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`, floodLevel: b, history: run.history }];
  });
}

function chartsSection(grid: TrialResult[], summary: GridSummary): Section {
  const seed = Math.min(...grid.map((r) => r.config.seed));
  const curveRuns = showcaseRuns(grid, summary, false);
  const hasTestCurves = curveRuns.every((r) => r.history.filter((m) => m.testLoss !== undefined).length >= 2);
  const points = grid.flatMap((r) => READINGS.map((reading) => ({
    floodLevel: r.config.flood, testAcc: r[reading].testAcc, reading: READING_SHORT[reading], seed: r.config.seed,
  })));
  const chosen = READINGS.filter((reading) => summary.selection[reading].floodLevel.n > 0)
    .map((reading) => ({ reading: READING_SHORT[reading], floodLevel: summary.selection[reading].floodLevel.mean }));
  const charts: Chart[] = [
    {
      title: `Loss curves: ${grid.some((r) => r.config.flood === 0) ? 'no flooding against ' : ''}the chosen b (seed ${seed})`,
      spec: lossCurves(curveRuns),
      caption: 'Training loss is the unflooded mini-batch mean; with flooding it stops near b (dashed rule). ' +
        (hasTestCurves
          ? 'Test loss against the noisy test labels; a rise followed by a second fall is the test loss\'s "double descent".'
          : 'No test-loss curve was recorded (the test split is evaluated during training only with --test-every N), so the validation loss is shown.'),
    },
    {
      title: 'Test accuracy against the flood level b',
      spec: accuracyVsLevel(points, chosen),
      caption: 'Test accuracy (noisy labels) of every level under both readings: faint points are seeds, the line their mean' +
        `${summary.seeds.length > 1 ? ', the band ± one standard deviation' : ''}; dashed rules mark the chosen b (mean over seeds).`,
    },
    {
      title: `Flooded mini-batches per epoch (seed ${seed})`,
      spec: floodedFraction(showcaseRuns(grid, summary, true)),
      caption: 'Fraction of each epoch\'s mini-batches whose loss was below b, so that the step was gradient ascent. ' +
        'Flooding only acts once the training loss reaches b.',
    },
    ...(showcaseRuns(grid, summary, true).some((r) => r.history.some((m) => m.noisyShare !== undefined)) ? [{
      title: `Per-example training losses per epoch (seed ${seed})`,
      spec: lossGroups(showcaseRuns(grid, summary, true)),
      caption: 'The share of training examples whose loss is in the high group of a two-Gaussian mixture on the log losses, and ' +
        'the share whose loss exceeds ln(classes). Before the network memorises, the high group holds the labels it cannot fit ' +
        '(label noise and hard examples); flooding keeps them from being memorised.',
    }] : []),
  ];
  return { heading: 'Charts', charts };
}

/**
 * Builds the report of a grid search from its trials (as in the run log) and summary.
 * Trials tagged other than 'grid' (e.g. the backward variant) get a table of their own.
 */
export function gridReport(results: TrialResult[], summary: GridSummary): Report {
  const grid = results.filter((r) => r.tag === 'grid');
  if (grid.length === 0) throw new Error('gridReport: no grid trials to report');
  const extra = results.filter((r) => r.tag !== 'grid');
  const levels = sortedUnique(grid.map((r) => r.config.flood));
  const planned = summary.levels.length * summary.seeds.length;
  const intro = [
    `${summary.levels.length} flood levels (b from ${formatLevel(Math.min(...summary.levels))} to ${formatLevel(Math.max(...summary.levels))}` +
      `${summary.scale === undefined ? '' : `: 0, 0.1, ..., 1 x the task's loss scale ${summary.scale.toFixed(3)}, the lowest validation loss of a warm-up without flooding`}) ` +
      `× ${summary.seeds.length} seed${summary.seeds.length === 1 ? '' : 's'}, every level on the same data and initialisation; ` +
      `${count(summary.epochsTrained)} epochs trained in all, ${duration(summary.trialSeconds)} of worker time.`,
    grid.length < planned
      ? `**Incomplete grid:** ${grid.length} of ${planned} grid trainings finished (levels present: ${levels.map(formatLevel).join(', ')}); the selection covers those only.`
      : '',
    'b is chosen per seed by validation accuracy (ties go to the smaller b). Two readings of every run: the last epoch ' +
      '(no early stopping) and the epoch of best validation accuracy (early stopping). Test accuracy is given against the ' +
      'noisy test labels and against the clean ones, as mean ± std over seeds.',
  ].filter((p) => p !== '').join('\n\n');
  const sections: Section[] = [
    {
      heading: 'Selection',
      markdown: levels.includes(0) ? undefined : 'The grid has no b = 0 run, so there is no no-flooding baseline.',
      table: selectionTable(summary),
    },
    { heading: 'Every flood level', markdown: 'Mean ± std over seeds (noisy labels).', table: levelTable(grid, summary) },
  ];
  if (extra.length > 0) sections.push({ heading: 'Other trials', table: extraTable(extra) });
  sections.push(chartsSection(grid, summary));
  return {
    title: `Flooding grid search: ${summary.dataset}, ${noiseRate(summary.noise)} label noise`,
    intro,
    sections,
  };
}
