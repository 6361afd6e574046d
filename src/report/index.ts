/**
 * Reports: chart specs, SVG rendering, the Markdown/HTML writer, and the report of each kind of
 * run folder. A command writes its report from the results in hand (`writeRunReport`);
 * `autoflood report <dir>` reads the same inputs back from the folder, dispatching on the kind
 * its summary.json names (`renderReport`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AGENT_FILE, LEARNING_FILE, type AgentFile, type LearningPoint } from '../control/agent.js';
import type { FamilyCheck } from '../control/twin-fit.js';
import type { BenchmarkSummary } from '../studies/reproduce-benchmark.js';
import type { RuleFile } from '../methods/rule.js';
import type { SyntheticSummary } from '../studies/reproduce-synthetic.js';
import type { EvaluateSummary } from '../studies/evaluate-agent.js';
import type { GridSummary } from '../studies/grid.js';
import type { TuneSummary } from '../studies/tune.js';
import { readRunLog } from '../trials/run-log.js';
import type { TrialResult } from '../trials/trial.js';
import { DATA_FILE, readJson, readJsonl, readRunHeader, SUMMARY_FILE, type DataFile } from '../core/files.js';
import { agentTrainingReport } from './agent-training-report.js';
import { inrunTrainingReport } from './inrun-report.js';
import type { LearnerPoint } from '../control/reinforce.js';
import type { InrunSummary } from '../studies/train-inrun.js';
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

/** What each kind of run folder's report is built from. */
interface Outputs {
  'grid': { summary: GridSummary; results: TrialResult[] };
  'tune': { summary: TuneSummary; results: TrialResult[] };
  'evaluate-agent': { summary: EvaluateSummary };
  'reproduce-synthetic': { summary: SyntheticSummary; results: TrialResult[] };
  'reproduce-benchmark': { summary: BenchmarkSummary; results: TrialResult[] };
  'train-agent': { agent: AgentFile; curve: LearningPoint[] | LearnerPoint[]; families?: FamilyCheck[]; inrun?: InrunSummary };
  'fit-rule': { rule: RuleFile };
}

/** What a report is built from, by the kind of run. */
export type RunOutput = { [K in keyof Outputs]: { kind: K } & Outputs[K] }[keyof Outputs];

/** Per kind of run folder: how its inputs are read back from the folder, and how its report is built from them. */
type ReportKinds = { [K in keyof Outputs]: { read(dir: string): Promise<Outputs[K]>; build(output: Outputs[K]): Report } };

const summaryOf = <T>(dir: string) => readJson<T>(path.join(dir, SUMMARY_FILE));
const withLog = async <T>(dir: string) => ({ summary: await summaryOf<T>(dir), results: await readRunLog(dir) });

export const REPORTS: ReportKinds = {
  'grid': { read: (dir) => withLog<GridSummary>(dir), build: (o) => gridReport(o.results, o.summary) },
  'tune': { read: (dir) => withLog<TuneSummary>(dir), build: (o) => tuneReport(o.summary, o.results) },
  'evaluate-agent': { read: async (dir) => ({ summary: await summaryOf<EvaluateSummary>(dir) }), build: (o) => evaluateReport(o.summary) },
  'reproduce-synthetic': { read: (dir) => withLog<SyntheticSummary>(dir), build: (o) => syntheticReport(o.summary, o.results) },
  'reproduce-benchmark': { read: (dir) => withLog<BenchmarkSummary>(dir), build: (o) => benchmarkReport(o.summary, o.results) },
  'train-agent': {
    async read(dir) {
      const agent = await readJson<AgentFile>(path.join(dir, AGENT_FILE));
      if (agent.design === 'inrun') {
        return { agent, curve: await readJsonl<LearnerPoint>(path.join(dir, LEARNING_FILE)), inrun: await summaryOf<InrunSummary>(dir) };
      }
      const curve = (await readJsonl<LearningPoint>(path.join(dir, LEARNING_FILE))).sort((a, b) => a.generation - b.generation);
      const { families } = await summaryOf<{ families?: FamilyCheck[] }>(dir);
      return { agent, curve, families };
    },
    build: (o) => (o.inrun !== undefined
      ? inrunTrainingReport(o.agent, o.curve as LearnerPoint[], o.inrun)
      : agentTrainingReport(o.agent, o.curve as LearningPoint[], o.families)),
  },
  'fit-rule': { read: async (dir) => ({ rule: await summaryOf<RuleFile>(dir) }), build: (o) => ruleReport(o.rule) },
};

export function buildReport(run: RunOutput): Report {
  const kind = REPORTS[run.kind] as { build(output: RunOutput): Report };
  return kind.build(run);
}

/** The section on the run's data (data.json): split sizes, backend, and the classes by name when the data names them. */
export function dataSection(data: DataFile): Section {
  const sizes = `${data.sizes.train} training, ${data.sizes.val} validation and ${data.sizes.test} test examples`;
  return {
    heading: 'Data',
    markdown: `\`${data.dataset}\`: ${sizes} of shape [${data.featureShape.join(', ')}], ${data.classes} classes; backend ${data.backend}.`,
    ...(data.classNames === undefined ? {} : {
      table: { columns: ['class', 'label in the data'], rows: data.classNames.map((name, i) => [i, { literal: name }]) },
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
  if (kind === 'train') throw new Error(`${dir}: a single training has no report; its results are in summary.json and metrics.jsonl`);
  const output = await (REPORTS[kind] as { read(dir: string): Promise<object> }).read(dir);
  return { kind, ...output } as RunOutput;
}

/**
 * `autoflood report <run-dir>`: re-renders the report of a run folder from its saved files.
 * @returns the files written: report.md, report.html, then the chart SVGs.
 */
export async function renderReport(dir: string, options: RenderOptions = {}): Promise<string[]> {
  const files = await writeRunReport(dir, await readRunOutput(dir), options);
  return [files.markdown, files.html, ...files.charts];
}
