/**
 * A look at a Table 1 run before it finishes (bench/table1.sh runs for hours): the report of the
 * trainings logged so far, written into a separate folder (the run folder itself is left alone, so
 * the run goes on). Only the grids finished for a setting and seed are read (a half-done grid would
 * choose b among the levels it has); settings not reached yet are missing rows, and the backward
 * column fills in last. The intro's counts are of the trainings read.
 * `node --import tsx bench/table1-peek.ts runs/table1/two-gaussians runs/table1/two-gaussians-peek`
 */
import { mkdir, readFile } from 'node:fs/promises';
import { syntheticRows, selectionRows, type SyntheticSummary } from '../src/studies/reproduce-synthetic.js';
import { parseLevels } from '../src/methods/levels.js';
import { readRunLog } from '../src/trials/run-log.js';
import { syntheticReport, writeReport } from '../src/report/index.js';

const [from, to] = process.argv.slice(2);
if (from === undefined || to === undefined) throw new Error('usage: bench/table1-peek.ts <run folder> <peek folder>');
const config = JSON.parse(await readFile(`${from}/config.json`, 'utf8'));
if (config.command !== 'reproduce-synthetic') throw new Error(`${from}: a ${config.command} folder, not reproduce-synthetic`);
const logged = await readRunLog(from);
const levels = parseLevels(config.settings.levels).length;
const group = (r: (typeof logged)[number]) => `${r.config.dataset}|${r.config.noise}|${r.config.seed}`;
const finished = new Set([...new Set(logged.filter((r) => r.tag === 'grid').map(group))]
  .filter((g) => logged.filter((r) => r.tag === 'grid' && group(r) === g).length === levels));
const results = logged.filter((r) => r.tag !== 'grid' || finished.has(group(r)));
const selection = selectionRows(results);
const summary: SyntheticSummary = {
  budget: config.budget,
  settings: config.settings,
  rows: syntheticRows(results),
  ...(selection === undefined ? {} : { selection }),
  trainings: results.length,
  epochsTrained: results.reduce((a, r) => a + r.history.length, 0),
  trialSeconds: results.reduce((a, r) => a + r.wallSeconds, 0),
  wallSeconds: 0,
  trainingsRunNow: 0,
};
await mkdir(to, { recursive: true });
const files = await writeReport(to, syntheticReport(summary, results));
console.log(`${logged.length} trainings logged; ${finished.size} finished grids (setting and seed) of ${levels} levels read; wrote ${files.markdown}`);
