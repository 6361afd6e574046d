/**
 * The report of `autoflood reproduce benchmark`: the protocol's table (with and without weight
 * decay, both readings), then the grid report of each weight-decay setting.
 */
import type { BenchmarkSummary } from '../studies/reproduce-benchmark.js';
import { summarizeGridRuns } from '../studies/grid.js';
import { parseLevels } from '../methods/levels.js';
import type { TrialResult } from '../trials/trial.js';
import type { Report, Section } from './document.js';
import { duration, level, pct, READING_SHORT } from './format.js';
import { gridReport } from './grid-report.js';

/** Builds the report of a benchmark reproduction from its summary and its trainings. */
export function benchmarkReport(summary: BenchmarkSummary, results: TrialResult[]): Report {
  const { settings } = summary;
  const intro = [
    `${summary.dataset}, budget "${summary.budget}": ${settings.epochs} epochs, flood levels ${settings.levels}, ` +
      `${settings.seeds} seed(s), weight decay 0 and ${summary.weightDecay}. ` +
      `${summary.trainings} trainings (${summary.epochsTrained} epochs); the invocation that finished ran ` +
      `${summary.trainingsRunNow} of them in ${duration(summary.wallSeconds)}.`,
    ...(settings.scaledDown.length > 0 ? [`Scaled down from the paper: ${settings.scaledDown.join('; ')}.`] : []),
  ].join('\n\n');
  const table: Section = {
    heading: 'Test accuracy (mean ± std over seeds)',
    table: {
      columns: ['Weight decay', 'Reading', 'Without flooding', 'With flooding', 'Chosen b', 'Without (clean labels)', 'With (clean labels)'],
      rows: summary.rows.map((r) => [
        String(r.weightDecay), READING_SHORT[r.reading],
        pct(r.without), pct(r.with), level(r.floodLevel), pct(r.withoutClean), pct(r.withClean),
      ]),
    },
  };
  const levels = parseLevels(settings.levels);
  const seeds = Array.from({ length: settings.seeds }, (_, i) => i);
  const perDecay = [...new Set(results.map((r) => r.config.weightDecay))].sort((a, b) => a - b).flatMap((wd) => {
    const mine = results.filter((r) => r.config.weightDecay === wd);
    const grid = gridReport(mine, summarizeGridRuns(mine, levels, seeds, 0));
    return grid.sections.map((s) => ({ ...s, heading: `Weight decay ${wd}: ${s.heading}` }));
  });
  return { title: `Benchmark protocol: ${summary.dataset}`, intro, sections: [table, ...perDecay] };
}
