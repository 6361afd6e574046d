/** Reports: chart specs, SVG rendering, the Markdown/HTML report writer and the report of each command's folder. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { GRID_FILE } from '../grid/grid.js';
import { readJson } from '../runs.js';
import { AGENT_FILE, LEARNING_FILE, writeAgentTrainingReport } from './agent-training-report.js';
import { writeBenchmarkReport } from './benchmark-report.js';
import type { ReportFiles } from './document.js';
import { writeEvaluateReport } from './evaluate-report.js';
import { writeGridReport } from './grid-report.js';
import { writeSyntheticReport } from './synthetic-report.js';
import { writeTuneReport } from './tune-report.js';

export {
  accuracyVsLevel, floodedFraction, floodLevelTrajectory, formatLevel, instanceAccuracy, learningCurve, lossCurves, methodAccuracy,
  policyCurves, type AccuracyPoint, type ChosenLevel, type FloodedRunSeries, type InstanceAccuracyPoint, type LevelSeries,
  type MethodAccuracyPoint, type PolicyPoint, type RewardPoint, type RunSeries,
} from './charts.js';
export { CHARTS_DIR, writeReport, type Chart, type Report, type ReportFiles, type Section, type Table } from './document.js';
export { agentTrainingReport, writeAgentTrainingReport } from './agent-training-report.js';
export { writeBenchmarkReport } from './benchmark-report.js';
export { evaluateReport, writeEvaluateReport } from './evaluate-report.js';
export { gridReport, writeGridReport } from './grid-report.js';
export { renderSvg, type RenderOptions } from './render.js';
export { syntheticReport, writeSyntheticReport } from './synthetic-report.js';
export { tuneReport, writeTuneReport } from './tune-report.js';

/** The kinds of run folder `renderReport` recognises. */
export type ReportKind = 'agent-training' | 'evaluate' | 'tune' | 'reproduce-synthetic' | 'reproduce-benchmark' | 'grid';

const WRITERS: Record<ReportKind, (dir: string) => Promise<ReportFiles>> = {
  'agent-training': writeAgentTrainingReport,
  evaluate: writeEvaluateReport,
  tune: writeTuneReport,
  'reproduce-synthetic': writeSyntheticReport,
  'reproduce-benchmark': writeBenchmarkReport,
  grid: writeGridReport,
};

const has = (value: unknown, key: string): boolean => typeof value === 'object' && value !== null && key in value;

/**
 * What a run folder holds, from its files: `train-agent` (agent.json and learning.jsonl),
 * `evaluate-agent` (summary.json with comparisons), `tune` (summary.json with outcomes and
 * methods), `reproduce benchmark` / `reproduce synthetic` (summary.json with rows and budget),
 * otherwise a grid (grid.jsonl). Throws when the folder is none of these.
 */
export async function reportKind(dir: string): Promise<ReportKind> {
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder`);
  if (existsSync(path.join(dir, AGENT_FILE)) && existsSync(path.join(dir, LEARNING_FILE))) return 'agent-training';
  const summaryFile = path.join(dir, 'summary.json');
  const summary = existsSync(summaryFile) ? await readJson<unknown>(summaryFile) : undefined;
  if (has(summary, 'comparisons')) return 'evaluate';
  if (has(summary, 'outcomes') && has(summary, 'methods')) return 'tune';
  if (has(summary, 'rows') && has(summary, 'budget')) {
    return (summary as { kind?: unknown }).kind === 'benchmark' ? 'reproduce-benchmark' : 'reproduce-synthetic';
  }
  if (existsSync(path.join(dir, GRID_FILE))) return 'grid';
  throw new Error(
    `${dir}: not a run folder autoflood can report on; expected ${AGENT_FILE} + ${LEARNING_FILE} (train-agent), ` +
      `summary.json of tune, evaluate-agent or reproduce, or ${GRID_FILE} (grid)`,
  );
}

/**
 * `autoflood report <run-dir>`: re-renders the report of a run folder from its saved files,
 * choosing the report by what the folder holds (see `reportKind`).
 * @returns the files written: report.md, report.html, then the chart SVGs.
 */
export async function renderReport(dir: string): Promise<string[]> {
  const files = await WRITERS[await reportKind(dir)](dir);
  return [files.markdown, files.html, ...files.charts];
}
