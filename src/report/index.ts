/**
 * Reports: chart specs, SVG rendering, the Markdown/HTML writer, and the report of each kind of
 * run folder. A command writes its report from the results in hand (`writeRunReport`);
 * `autoflood report <dir>` reads the same inputs back from the folder, dispatching on the kind
 * its summary.json names (`renderReport`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AgentFile } from '../../agents/agent.js';
import { AGENT_FILE, LEARNING_FILE, type LearningPoint } from '../../agents/train-agent.js';
import type { FamilyCheck } from '../../agents/train-once.js';
import type { BenchmarkSummary } from '../reproduce/benchmark.js';
import type { RuleFile } from '../search/fit-rule.js';
import type { SyntheticSummary } from '../reproduce/synthetic.js';
import type { EvaluateSummary } from '../search/evaluate.js';
import type { GridSummary } from '../search/grid.js';
import type { TuneSummary } from '../search/tune.js';
import { readRunLog } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';
import { DATA_FILE, readJson, readJsonl, readRunHeader, SUMMARY_FILE, type DataFile } from '../util/files.js';
import { agentTrainingReport } from './agent-training-report.js';
import { benchmarkReport } from './benchmark-report.js';
import { writeReport, type Report, type ReportFiles, type Section } from './document.js';
import { evaluateReport } from './evaluate-report.js';
import { gridReport } from './grid-report.js';
import type { RenderOptions } from './render.js';
import { ruleReport } from './rule-report.js';
import { syntheticReport } from './synthetic-report.js';
import { tuneReport } from './tune-report.js';

export {
  accuracyVsLevel, floodedFraction, floodLevelTrajectory, formatLevel, instanceAccuracy, learningCurve, lossCurves, methodAccuracy,
  searchCurves, type AccuracyPoint, type ChosenLevel, type FloodedRunSeries, type InstanceAccuracyPoint, type LevelSeries,
  type MethodAccuracyPoint, type SearchPoint, type FitnessPoint, type RunSeries,
} from './charts.js';
export { CHARTS_DIR, writeReport, type Chart, type Report, type ReportFiles, type Section, type Table } from './document.js';
export { agentTrainingReport } from './agent-training-report.js';
export { benchmarkReport } from './benchmark-report.js';
export { evaluateReport } from './evaluate-report.js';
export { gridReport } from './grid-report.js';
export { renderSvg, type RenderOptions } from './render.js';
export { syntheticReport } from './synthetic-report.js';
export { tuneReport } from './tune-report.js';
export { ruleReport } from './rule-report.js';

/** What a report is built from, by the kind of run. */
export type RunOutput =
  | { kind: 'grid'; summary: GridSummary; results: TrialResult[] }
  | { kind: 'tune'; summary: TuneSummary; results: TrialResult[] }
  | { kind: 'evaluate-agent'; summary: EvaluateSummary }
  | { kind: 'reproduce-synthetic'; summary: SyntheticSummary; results: TrialResult[] }
  | { kind: 'reproduce-benchmark'; summary: BenchmarkSummary; results: TrialResult[] }
  | { kind: 'train-agent'; agent: AgentFile; curve: LearningPoint[]; families?: FamilyCheck[] }
  | { kind: 'fit-rule'; rule: RuleFile };

export function buildReport(run: RunOutput): Report {
  switch (run.kind) {
    case 'grid': return gridReport(run.results, run.summary);
    case 'tune': return tuneReport(run.summary, run.results);
    case 'evaluate-agent': return evaluateReport(run.summary);
    case 'reproduce-synthetic': return syntheticReport(run.summary, run.results);
    case 'reproduce-benchmark': return benchmarkReport(run.summary, run.results);
    case 'train-agent': return agentTrainingReport(run.agent, run.curve, run.families);
    case 'fit-rule': return ruleReport(run.rule);
  }
}

/** The section on the run's data (data.json): split sizes, backend, and the classes by name when the data names them. */
export function dataSection(data: DataFile): Section {
  const sizes = `${data.sizes.train} training, ${data.sizes.val} validation and ${data.sizes.test} test examples`;
  return {
    heading: 'Data',
    markdown: `\`${data.dataset}\`: ${sizes} of shape [${data.featureShape.join(', ')}], ${data.classes} classes; backend ${data.backend}.`,
    ...(data.classNames === undefined ? {} : {
      table: { columns: ['class', 'label in the data'], rows: data.classNames.map((name, i) => [i, name]) },
    }),
  };
}

/** Writes report.md, report.html and charts/ into `dir` from a run's output (with its data section when data.json is there). */
export async function writeRunReport(dir: string, run: RunOutput, options: RenderOptions = {}): Promise<ReportFiles> {
  const report = buildReport(run);
  const dataFile = path.join(dir, DATA_FILE);
  if (existsSync(dataFile)) report.sections.push(dataSection(await readJson<DataFile>(dataFile)));
  return writeReport(dir, report, options);
}

/** Reads back from a run folder what its report is built from. */
export async function readRunOutput(dir: string): Promise<RunOutput> {
  const { kind } = await readRunHeader(dir);
  const summaryFile = path.join(dir, SUMMARY_FILE);
  switch (kind) {
    case 'grid': return { kind, summary: await readJson<GridSummary>(summaryFile), results: await readRunLog(dir) };
    case 'tune': return { kind, summary: await readJson<TuneSummary>(summaryFile), results: await readRunLog(dir) };
    case 'evaluate-agent': return { kind, summary: await readJson<EvaluateSummary>(summaryFile) };
    case 'reproduce-synthetic': return { kind, summary: await readJson<SyntheticSummary>(summaryFile), results: await readRunLog(dir) };
    case 'reproduce-benchmark': return { kind, summary: await readJson<BenchmarkSummary>(summaryFile), results: await readRunLog(dir) };
    case 'train-agent': {
      const curve = (await readJsonl<LearningPoint>(path.join(dir, LEARNING_FILE))).sort((a, b) => a.generation - b.generation);
      const { families } = await readJson<{ families?: FamilyCheck[] }>(summaryFile);
      return { kind, agent: await readJson<AgentFile>(path.join(dir, AGENT_FILE)), curve, families };
    }
    case 'fit-rule': return { kind, rule: await readJson<RuleFile>(summaryFile) };
    case 'train':
      throw new Error(`${dir}: a single training has no report; its results are in summary.json and metrics.jsonl`);
  }
}

/**
 * `autoflood report <run-dir>`: re-renders the report of a run folder from its saved files.
 * @returns the files written: report.md, report.html, then the chart SVGs.
 */
export async function renderReport(dir: string, options: RenderOptions = {}): Promise<string[]> {
  const files = await writeRunReport(dir, await readRunOutput(dir), options);
  return [files.markdown, files.html, ...files.charts];
}
