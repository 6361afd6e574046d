import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { AgentFile } from '../../../src/control/agent.js';
import { planOf, type Method } from '../../../src/methods/compare.js';
import { makeTrial } from '../../../src/trials/trial.js';
import { pairedDifference } from '../../../src/core/stats.js';
import { RUN_FORMAT_VERSION, type RunKind } from '../../../src/core/files.js';
import { RUN_LOG_FILE } from '../../../src/trials/run-log.js';
import type { EvaluateSummary } from '../../../src/studies/evaluate-agent.js';
import type { LearningPoint } from '../../../src/control/agent.js';
import { esBeforeFlooding, summarizeOutcomes } from '../../../src/methods/summary.js';
import type { TuneSummary } from '../../../src/studies/tune.js';
import { summarizeGridRuns } from '../../../src/studies/grid.js';
import { READINGS } from '../../../src/methods/select.js';
import type { TrialResult } from '../../../src/trials/trial.js';
import { renderReport, writeRunReport } from '../../../src/report/index.js';
import { SYNTHETIC_BUDGETS, syntheticRows, type SyntheticSummary } from '../../../src/studies/reproduce-synthetic.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../src/train/config.js';
import type { EpochMetrics } from '../../../src/train/controller.js';
import type { Readout } from '../../../src/train/trainer.js';
import { tmpDir } from '../../helpers.js';

const EPOCHS = 8;
/** The agent the fixture's agent runs belong to (inline in their trials). */
const AGENT = { formatVersion: 2, kind: 'flood-agent', design: 'steps', features: [], schedule: { warmupFraction: 0.2, decisions: 4 }, params: [], training: {} } as AgentFile;
const LEVELS = [0, 0.2, 0.4];
const SEEDS = [0, 1];

const tmp = () => tmpDir('report-more');

const svgCount = async (html: string) => ((await readFile(html, 'utf8')).match(/<svg/g) ?? []).length;
const jsonl = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

function readout(epoch: number, valAcc: number, testAcc: number): Readout {
  return { epoch, valAcc, valAccClean: valAcc + 0.05, testLoss: 0.5, testAcc, testLossClean: 0.3, testAccClean: testAcc + 0.05 };
}

/** Training loss falls to b (or towards 0); test loss every 2nd epoch; `levels` gives b per epoch (controllers). */
function history(levels: number[], lowLoss = false): EpochMetrics[] {
  return levels.map((b, i) => {
    const epoch = i + 1;
    const trainLoss = lowLoss && epoch >= 4 && b === 0 ? 5e-5 : Math.max(b, 0.7 * Math.exp(-0.6 * epoch));
    const test = epoch % 2 === 0 ? { testLoss: 0.4 + 0.02 * epoch, testAcc: 0.8, testLossClean: 0.2, testAccClean: 0.85 } : {};
    return {
      epoch, trainLoss, trainAcc: 0.9, valLoss: 0.45, valAcc: 0.8, valLossClean: 0.3, valAccClean: 0.85,
      floodedFraction: b > 0 && trainLoss <= b ? 0.5 : 0, floodLevel: b, lr: 1e-3, wallSeconds: epoch * 0.5, ...test,
    };
  });
}

interface RunSpec {
  config: Partial<TrainConfig>;
  tag?: string;
  controller?: string;
  /** b per epoch (default: config.flood throughout). */
  levels?: number[];
  lowLoss?: boolean;
  last: [valAcc: number, testAcc: number];
  bestVal: [valAcc: number, testAcc: number];
}

function run(spec: RunSpec): TrialResult {
  const config = { ...DEFAULT_TRAIN_CONFIG, dataset: 'two-gaussians', noise: 0.1, epochs: EPOCHS, testEvery: 2, ...spec.config };
  const tag = spec.tag ?? 'grid';
  const kind = spec.controller ?? 'constant';
  const controller = kind === 'agent' ? { kind, agent: AGENT } : { kind };
  return {
    id: makeTrial(config, controller, tag).id,
    tag, config, controller, backend: 'cpu', classes: 2,
    history: history(spec.levels ?? Array.from({ length: EPOCHS }, () => config.flood), spec.lowLoss),
    last: readout(EPOCHS, ...spec.last),
    bestVal: readout(5, ...spec.bestVal),
    wallSeconds: EPOCHS * 0.5,
  };
}

/**
 * Per level, per seed, [valAcc, testAcc]. Last epoch: b = 0.2 wins on validation for both seeds;
 * best-validation epoch: b = 0.4 wins for both.
 */
const LAST: Record<number, [number, number][]> = { 0: [[0.78, 0.78], [0.8, 0.79]], 0.2: [[0.85, 0.83], [0.84, 0.84]], 0.4: [[0.82, 0.81], [0.83, 0.8]] };
const BEST: Record<number, [number, number][]> = { 0: [[0.8, 0.8], [0.81, 0.8]], 0.2: [[0.85, 0.83], [0.85, 0.82]], 0.4: [[0.87, 0.845], [0.86, 0.835]] };
const shift = (v: [number, number], by: number): [number, number] => [v[0] + by, v[1] + by];

/** One seed's grid for a setting; accuracies shifted by `by`. */
const gridRuns = (dataset: string, noise: number, seed: number, by = 0, levels = LEVELS): TrialResult[] =>
  levels.map((flood) => run({ config: { dataset, noise, seed, flood }, last: shift(LAST[flood][seed], by), bestVal: shift(BEST[flood][seed], by) }));

test('writeSyntheticReport: Table 1 (noisy and clean), paper comparison, backward note and charts', async () => {
  const dir = await tmp();
  const results = [
    ...SEEDS.flatMap((seed) => gridRuns('two-gaussians', 0.1, seed)),
    ...SEEDS.flatMap((seed) => gridRuns('two-gaussians', 0.01, seed, 0.08)),
    ...SEEDS.flatMap((seed) => gridRuns('spiral', 0.1, seed, 0.1)),
    // The backward variant at the chosen b = 0.2: seed 0 got its training loss below 1e-4, seed 1 never did.
    run({ config: { seed: 0, flood: 0.2 }, tag: 'backward', controller: 'backward', levels: [0, 0, 0, 0, 0.2, 0.2, 0.2, 0.2], lowLoss: true, last: [0.84, 0.82], bestVal: [0.85, 0.83] }),
    run({ config: { seed: 1, flood: 0.2 }, tag: 'backward', controller: 'backward', levels: Array(EPOCHS).fill(0), last: [0.83, 0.81], bestVal: [0.84, 0.82] }),
  ];
  const summary: SyntheticSummary = {
    budget: 'quick',
    settings: { ...SYNTHETIC_BUDGETS.quick, epochs: EPOCHS, levels: '0:0.4:0.2', seeds: 2, testEvery: 2 },
    rows: syntheticRows(results),
    trainings: results.length,
    epochsTrained: results.length * EPOCHS,
    trialSeconds: results.length * EPOCHS * 0.5,
    wallSeconds: 1234,
    trainingsRunNow: 5,
  };
  const warnings: string[] = [];
  const files = await writeRunReport(dir, { kind: 'reproduce-synthetic', summary, results }, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);
  const md = await readFile(files.markdown, 'utf8');

  assert.match(md, /Budget \*\*quick\*\*: 8 epochs/);
  assert.match(md, /- 200 epochs instead of 500/);
  assert.match(md, /Wall time \*\*20\.6 min\*\*: that is of the invocation that finished the run, which ran 5 of the 20 trainings/);
  // Two Gaussians, high noise. No ES: without (0.78, 0.79), with b = 0.2 (0.83, 0.84), backward (0.82, 0.81);
  // ES: without (0.80, 0.80), with b = 0.4 (0.845, 0.835), backward (0.83, 0.82).
  assert.match(md, /\| Two Gaussians \| high \(10%\) \| 78\.50 ± 0\.71% \| 83\.50 ± 0\.71% \| 0\.200 ± 0\.000 \| 81\.50 ± 0\.71% \| 80\.00 ± 0\.00% \| 84\.00 ± 0\.71% \| 0\.400 ± 0\.000 \| 82\.50 ± 0\.71% \|/);
  // Clean labels: +5 points everywhere, same b.
  assert.match(md, /\| Two Gaussians \| high \(10%\) \| 83\.50 ± 0\.71% \| 88\.50 ± 0\.71% \| 0\.200 ± 0\.000 \| 86\.50 ± 0\.71% \| 85\.00 ± 0\.00% \| 89\.00 ± 0\.71% \|/);
  assert.match(md, /\| Two Gaussians \| low \(1%\) \| 86\.50 ± 0\.71% \| 91\.50 ± 0\.71% \| 0\.200 ± 0\.000 \| — \|/);
  assert.match(md, /\| Spiral \| high \(10%\) \| 88\.50 ± 0\.71% \| 93\.50 ± 0\.71% \|/);
  // Rows in the paper's order: Two Gaussians low before high, then Spiral.
  assert.ok(md.indexOf('| Two Gaussians | low (1%)') < md.indexOf('| Two Gaussians | high (10%)'));
  assert.ok(md.indexOf('| Two Gaussians | high (10%)') < md.indexOf('| Spiral | high (10%)'));
  // Against the paper (78.44 / 83.59, b 0.32 at high noise): means ± 95% t intervals over the 2 seeds (t = 12.706),
  // the gain paired by seed; both readings, both label sets (clean = noisy + 5 points).
  assert.match(md, /\| high \(10%\) \| last epoch \| noisy \| 78\.50 ± 6\.35 \| 83\.50 ± 6\.35 \| \+5\.00 ± 0\.00 \| 0\.200 ± 0\.000 \| 78\.44 \/ 83\.59 \/ 0\.32 \| \+0\.06 \/ -0\.09 \|/);
  assert.match(md, /\| high \(10%\) \| last epoch \| clean \| 83\.50 ± 6\.35 \| 88\.50 ± 6\.35 \| \+5\.00 ± 0\.00 \|/);
  assert.match(md, /\| high \(10%\) \| early stopping \| noisy \| 80\.00 ± 0\.00 \| 84\.00 ± 6\.35 \| \+4\.00 ± 6\.35 \| 0\.400 ± 0\.000 \| 78\.44 \/ 83\.59 \/ 0\.32 \| \+1\.56 \/ \+0\.41 \|/);
  assert.match(md, /\| low \(1%\) \| last epoch \| noisy \| 86\.50 ± 6\.35 \|.*\| 90\.52 \/ 92\.13 \/ 0\.17 \| -4\.02 \//);
  assert.doesNotMatch(md, /\| middle \(5%\) \| last epoch/);
  assert.match(md, /\*\*1 of 2\*\* backward trainings ever reached a training loss below 0\.0001/);
  assert.match(md, /- Two Gaussians, high \(10%\) label noise: 1 of 2/);
  assert.doesNotMatch(md, /0 of 0/, 'settings without backward trainings are not listed');

  // Loss curves and flooded fraction for Two Gaussians at 10%, loss curves at 1%, accuracy vs b for both datasets at 10%.
  assert.equal(files.charts.length, 5);
  assert.equal(await svgCount(files.html), 5);
  assert.match(md, /### Loss curves, Two Gaussians, high \(10%\) label noise: b = 0 against the chosen b \(seed 0\)/);
  assert.match(md, /### Test accuracy against b, Spiral, high \(10%\) label noise/);
});

/** Controller runs: b = 0 for 2 epochs, then the given levels. */
const controllerLevels = (...later: number[]) => [0, 0, ...later, ...Array(EPOCHS - 2 - later.length).fill(later.at(-1))];

/** One seed's trainings of tune / evaluate-agent: the grid (with b = 0), the heuristic's and the agent's run. */
function methodRunsOf(config: Partial<TrainConfig>, seed: number, agentAcc: [number, number], heuristicAcc: [number, number]): TrialResult[] {
  return [
    ...LEVELS.map((flood) => run({ config: { ...config, seed, flood }, last: LAST[flood][seed % 2], bestVal: BEST[flood][seed % 2] })),
    run({ config: { ...config, seed, flood: 0 }, tag: 'heuristic', controller: 'heuristic', levels: controllerLevels(0.0001, 0.015, 0.03), last: heuristicAcc, bestVal: heuristicAcc }),
    run({ config: { ...config, seed, flood: 0 }, tag: 'agent', controller: 'agent', levels: controllerLevels(0.1, 0.1, 0.15), last: agentAcc, bestVal: agentAcc }),
  ];
}

const METHODS: Method[] = ['agent', 'heuristic', 'grid', 'none'];

/** The outcomes of `methods` on one task's finished trainings, read by the methods' own plans. */
function methodOutcomes(runs: TrialResult[], methods: Method[], check = false) {
  const done = new Map(runs.map((r) => [r.id, r]));
  const config = { ...runs[0].config, flood: 0 };
  return methods.map((m) => planOf(m, config, { methods, levels: LEVELS, agent: AGENT, check }).outcome(done));
}

test('a checked agent keeps its run only where it validates better than b = 0, and pays for that run', async () => {
  // Seed 0: the agent validates at 0.84 against b = 0's 0.78 (last) and 0.8 (ES): kept. Seed 1: 0.79 / 0.79 against 0.8 / 0.81: b = 0's readings.
  const perSeed = SEEDS.map((seed) => methodRunsOf({}, seed, seed === 0 ? [0.84, 0.82] : [0.79, 0.83], [0.83, 0.8]));
  const outcomes = perSeed.flatMap((runs) => methodOutcomes(runs, METHODS, true));
  const agent = outcomes.filter((o) => o.method === 'agent');
  const none = outcomes.filter((o) => o.method === 'none');
  assert.deepEqual(agent.map((o) => o.kept), [{ last: true, bestVal: true }, { last: false, bestVal: false }]);
  assert.deepEqual(agent.map((o) => o.readouts.last.testAcc), [0.82, none[1].readouts.last.testAcc]);
  assert.deepEqual(agent[1].readouts.bestVal, none[1].readouts.bestVal);
  assert.deepEqual(agent.map((o) => o.floodLevel.last), [0.15, 0]);
  assert.ok(agent[1].trajectory.every((b) => b === 0), 'a reverted agent reports the b = 0 run\'s levels');
  assert.deepEqual(agent.map((o) => o.epochs), [2 * EPOCHS, 2 * EPOCHS], 'its own run and the b = 0 run');
  for (const [i, o] of agent.entries()) assert.ok(o.trialIds.includes(none[i].trialIds[0]), `seed ${i}: checked against its own b = 0 run`);
  // Unchecked methods are as before.
  assert.equal(outcomes.find((o) => o.method === 'grid')?.kept, undefined);
  const summary: TuneSummary = {
    dataset: 'two-gaussians', noise: 0.1, seeds: SEEDS, levels: LEVELS, methods: summarizeOutcomes(outcomes, METHODS), outcomes,
  };
  assert.deepEqual(summary.methods.find((m) => m.method === 'agent')?.kept, { last: 1, bestVal: 1 });
  const files = await writeRunReport(await tmp(), { kind: 'tune', summary, results: perSeed.flat() });
  const md = await readFile(files.markdown, 'utf8');
  assert.match(md, /\*\*checked\*\* \(agent, heuristic; `--check`\)/);
  assert.match(md, /\| agent \|[^\n]*\| 16 \|[^\n]*\| last epoch 1, early stopping 1 of 2 \|/);
  // Early stopping: seed 0 kept its own run (b = 0.15 in force at its best epoch), seed 1 reads the b = 0 run.
  assert.match(md, /\| agent \|[^\n]*\| 0\.15 \(1 of 2 b = 0 kept by the check\) \|/);
  // Last epoch: seed 1 reads b = 0, and the cell says what its own run had.
  assert.deepEqual(agent.map((o) => o.ownLevel), [0.15, 0.15]);
  assert.match(md, /\| agent \|[^\n]*\| 0\.075 ± 0\.106 \(1 of 2 b = 0 kept by the check; its own b 0\.15\) \|/);
  assert.match(md, /\| grid search \|[^\n]*\| — \|\n/);
});

test('a checked agent kept under one reading only reads each reading\'s own levels', () => {
  // The agent validates below b = 0 at the last epoch (0.7 < 0.78) and above it at its best epoch 5 (0.9 > 0.8), where b = 0.15 is in force.
  const runs = [
    ...methodRunsOf({}, 0, [0.84, 0.82], [0.83, 0.8]).filter((r) => r.tag !== 'agent'),
    run({ config: { seed: 0, flood: 0 }, tag: 'agent', controller: 'agent', levels: controllerLevels(0.1, 0.1, 0.15), last: [0.7, 0.75], bestVal: [0.9, 0.85] }),
  ];
  const [agent] = methodOutcomes(runs, ['agent'], true);
  assert.deepEqual(agent.kept, { last: false, bestVal: true });
  assert.ok(agent.trajectory.every((b) => b === 0), 'the last-epoch reading is the b = 0 run\'s');
  assert.equal(agent.bestValTrajectory?.[4], 0.15, 'the early-stopping reading is its own run\'s, at epoch 5');
  assert.equal(esBeforeFlooding(agent), false);
  const [summary] = summarizeOutcomes([agent], ['agent']);
  assert.equal(summary.esBeforeFlooding, 0);
});

test('writeTuneReport: methods table, b trajectories, accuracy per method and loss curves', async () => {
  const dir = await tmp();
  const perSeed = SEEDS.map((seed) => methodRunsOf({}, seed, [0.84, seed === 0 ? 0.82 : 0.81], [0.83, 0.8]));
  const outcomes = perSeed.flatMap((runs) => methodOutcomes(runs, METHODS));
  const summary: TuneSummary = {
    dataset: 'two-gaussians', noise: 0.1, seeds: SEEDS, levels: LEVELS, methods: summarizeOutcomes(outcomes, METHODS), outcomes,
  };
  const warnings: string[] = [];
  const files = await writeRunReport(dir, { kind: 'tune', summary, results: perSeed.flat() }, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);
  const md = await readFile(files.markdown, 'utf8');

  assert.match(md, /^# Finding the flood level: Two Gaussians, 10% label noise/);
  // agent: test acc (0.82, 0.81) both readings, clean +5; last b 0.15; 8 epochs = 33.3% of the grid's 24.
  assert.match(md, /\| agent \| 81\.50 ± 0\.71% \| 86\.50 ± 0\.71% \| 81\.50 ± 0\.71% \| 86\.50 ± 0\.71% \| 0\.150 ± 0\.000 \| 0\.150 ± 0\.000 \| 8 \| 4\.0 ± 0\.0 s \| 33\.3% \|/);
  // grid: last epoch b = 0.2 (0.83, 0.84), early stopping b = 0.4 (0.845, 0.835); 3 trainings of 8 epochs.
  assert.match(md, /\| grid search \| 83\.50 ± 0\.71% \| 88\.50 ± 0\.71% \| 84\.00 ± 0\.71% \| 89\.00 ± 0\.71% \| 0\.200 ± 0\.000 \| 0\.400 ± 0\.000 \| 24 \| 12\.0 ± 0\.0 s \| 100\.0% \|/);
  assert.match(md, /\| no flooding \| 78\.50 ± 0\.71% \|/);
  assert.match(md, /\| heuristic \| 80\.00 ± 0\.00% \|[^\n]*\| 0\.030 ± 0\.000 \|/);
  // Trajectories, accuracy against compute, accuracy per method, loss curves.
  assert.equal(files.charts.length, 4);
  assert.equal(await svgCount(files.html), 4);
  const compute = await readFile(files.charts[1], 'utf8');
  assert.match(compute, /compute: epochs trained per task/);
  const trajectory = await readFile(files.charts[0], 'utf8');
  assert.match(trajectory, /grid search: b = 0\.2 \(constant\)/);
  const curves = await readFile(files.charts[3], 'utf8');
  for (const label of ['agent (last b = 0.15)', 'heuristic (last b = 0.03)', 'no flooding (b = 0)', 'grid search: chosen b = 0.2']) {
    assert.ok(curves.includes(label), label);
  }
});

const INSTANCES = [
  { dataset: 'two-gaussians', noise: 0.1, seed: 9_000_000 },
  { dataset: 'spiral', noise: 0.1, seed: 9_000_001 },
  { dataset: 'sinusoid', noise: 0.1, seed: 9_000_002 },
  { dataset: 'two-gaussians', noise: 0.1, seed: 9_000_003 },
  { dataset: 'spiral', noise: 0.1, seed: 9_000_004 },
];
/** Heuristic's test accuracy per instance; the agent's is 0.01, 0.02, 0, 0.01, 0.01 above it. */
const HEURISTIC = [0.8, 0.78, 0.82, 0.79, 0.81];
const AGENT_GAIN = [0.01, 0.02, 0, 0.01, 0.01];

function evaluateFolder(): { summary: EvaluateSummary; results: TrialResult[] } {
  const perTask = INSTANCES.map((t, i) => {
    const agent = HEURISTIC[i] + AGENT_GAIN[i];
    return methodRunsOf({ dataset: t.dataset, noise: t.noise }, t.seed, [0.85, agent], [0.84, HEURISTIC[i]]);
  });
  const outcomes = perTask.flatMap((runs) => methodOutcomes(runs, METHODS));
  const of = (m: Method) => outcomes.filter((o) => o.method === m);
  const comparisons = (['heuristic', 'grid', 'none'] as const).flatMap((versus) => READINGS.map((reading) => {
    const acc = (m: Method, clean: boolean) => of(m).map((o) => (clean ? o.readouts[reading].testAccClean : o.readouts[reading].testAcc));
    return {
      versus, reading,
      testAcc: pairedDifference(acc('agent', false), acc(versus, false)),
      testAccClean: pairedDifference(acc('agent', true), acc(versus, true)),
    };
  }));
  const summary: EvaluateSummary = {
    tasks: 'synthetic-heldout-high',
    taskDescription: 'held out: Two Gaussians / Spiral / Sinusoid at 10% label noise',
    instances: INSTANCES,
    levels: LEVELS,
    methods: summarizeOutcomes(outcomes, METHODS),
    comparisons,
    computeRatio: of('agent')[0].epochs / of('grid')[0].epochs,
    outcomes,
  };
  return { summary, results: perTask.flat() };
}

test('writeEvaluateReport: instances, methods, paired differences with 95% intervals, compute and charts', async () => {
  const dir = await tmp();
  const { summary } = evaluateFolder();
  const warnings: string[] = [];
  const files = await writeRunReport(dir, { kind: 'evaluate-agent', summary }, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);
  const md = await readFile(files.markdown, 'utf8');

  assert.match(md, /Held-out tasks \*\*synthetic-heldout-high\*\*: held out: Two Gaussians \/ Spiral \/ Sinusoid at 10% label noise\./);
  assert.match(md, /\| #2 \| Spiral \| 10% \| 9000001 \|/);
  // Differences 1, 2, 0, 1, 1 points: mean 1.00, sd 0.71, t(4) = 2.776 → ± 0.88.
  assert.match(md, /\| agent − heuristic \| last epoch \(no early stopping\) \| \+1\.00 ± 0\.88 points \(95% CI, n = 5\) \| \+1\.00 ± 0\.88 points \(95% CI, n = 5\) \|/);
  assert.match(md, /\| agent − no flooding \| best-validation epoch \(early stopping\) \|/);
  assert.match(md, /The agent trains \*\*33\.3%\*\* of the grid search's epochs per task instance \(8 against 24/);
  assert.match(md, /\| agent \| [^|]+ \|[^\n]*\| 8 \| 4\.0 ± 0\.0 s \| 33\.3% \|/);
  // Per-instance accuracy, accuracy per method, and b trajectories of the first 3 instances.
  assert.equal(files.charts.length, 6);
  assert.equal(await svgCount(files.html), 6);
  assert.match(md, /### Flood level b per epoch, instance #3 Sinusoid, 10%/);
  assert.doesNotMatch(md, /instance #4/);
});

function agentFolderFiles(): { agent: AgentFile; curve: LearningPoint[] } {
  const curve: LearningPoint[] = Array.from({ length: 20 }, (_, generation) => ({
    generation,
    meanFitness: generation < 10 ? 0.01 : 0.03,
    bestFitness: generation < 10 ? 0.02 : 0.04,
    populationFitness: generation < 10 ? 0 : 0.02,
    std: generation < 10 ? 0.8 : 0.2,
    meanMultiple: generation < 10 ? 0.6 : 0.7,
    episodes: 32 * (generation + 1),
    epochs: 1600 * (generation + 1),
    seconds: 30 * (generation + 1),
  }));
  const agent: AgentFile = {
    formatVersion: 2, kind: 'flood-agent', design: 'steps', features: ['trainLoss', 'valAcc'], params: [0.1, -0.2],
    schedule: { warmupFraction: 0.2, decisions: 4 },
    training: {
      tasks: 'broad', taskDescription: 'synthetic, MNIST and tabular tasks', learner: 'cross-entropy method', generations: 20,
      tasksPerGeneration: 4, population: 8, episodes: 640, epochs: 32000, seed: 0, seconds: 600, finalMeanFitness: 0.03,
    },
  };
  return { agent, curve };
}

test('writeAgentTrainingReport: settings table, learning summary and two charts', async () => {
  const dir = await tmp();
  const { agent, curve } = agentFolderFiles();
  const warnings: string[] = [];
  const files = await writeRunReport(dir, { kind: 'train-agent', agent, curve }, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(warnings, []);
  const md = await readFile(files.markdown, 'utf8');

  assert.match(md, /^# Flood-level agent training: broad tasks/);
  assert.match(md, /\| Task distribution \| broad: synthetic, MNIST and tabular tasks \|/);
  assert.match(md, /\| Action design \| steps: first b = 1\.2 x sigmoid\(policy\) x the run's scale, then b x 2\^tanh\(policy\) per decision \|/);
  assert.match(md, /\| Schedule \| no flooding for the first 20% of the epochs, then 4 decisions per run \|/);
  assert.match(md, /\| Learner \| cross-entropy method \|/);
  assert.match(md, /\| Episodes \| 640 \|/);
  assert.match(md, /\| Wall time \| 10\.0 min \|/);
  assert.match(md, /\| Final mean policy: val acc over no flooding \| \+3\.00 points \|/);
  assert.match(md, /20 generations, 640 episodes, in 10\.0 min\. Averages over the first and the last 5 generations:/);
  assert.match(md, /- mean policy, validation accuracy over no flooding: \+1\.00 points → \+3\.00 points/);
  assert.match(md, /- search std: 0\.800 → 0\.200/);
  assert.equal(files.charts.length, 2);
  assert.equal(await svgCount(files.html), 2);
});

test('renderReport dispatches on the kind in summary.json and refuses folders it cannot read', async () => {
  const root = await tmp();
  const folder = async (name: string, contents: Record<string, string>) => {
    const dir = path.join(root, name);
    await mkdir(dir);
    for (const [file, text] of Object.entries(contents)) await writeFile(path.join(dir, file), text);
    return dir;
  };
  const summaryOf = (kind: RunKind, body: object) => JSON.stringify({ kind, formatVersion: RUN_FORMAT_VERSION, ...body });
  const { agent, curve } = agentFolderFiles();
  const evaluate = evaluateFolder();
  const tuneRuns = methodRunsOf({ dataset: 'spiral', noise: 0.05 }, 0, [0.84, 0.82], [0.83, 0.8]);
  const tuneOutcomes = methodOutcomes(tuneRuns, ['grid', 'heuristic']);
  const tune: TuneSummary = {
    dataset: 'spiral', noise: 0.05, seeds: [0], levels: LEVELS, methods: summarizeOutcomes(tuneOutcomes, ['grid', 'heuristic']), outcomes: tuneOutcomes,
  };
  const syntheticResults = SEEDS.flatMap((seed) => gridRuns('two-gaussians', 0.1, seed));
  const synthetic: SyntheticSummary = {
    budget: 'quick', settings: { ...SYNTHETIC_BUDGETS.quick, epochs: EPOCHS, levels: '0:0.4:0.2', seeds: 2 }, rows: syntheticRows(syntheticResults),
    trainings: 6, epochsTrained: 48, trialSeconds: 24, wallSeconds: 20, trainingsRunNow: 6,
  };
  const grid = gridRuns('two-gaussians', 0.05, 0);
  const dirs = {
    agent: await folder('agent', { 'summary.json': summaryOf('train-agent', {}), 'agent.json': JSON.stringify(agent), 'learning.jsonl': jsonl(curve) }),
    evaluate: await folder('evaluate', { 'summary.json': summaryOf('evaluate-agent', evaluate.summary), [RUN_LOG_FILE]: jsonl(evaluate.results) }),
    tune: await folder('tune', { 'summary.json': summaryOf('tune', tune), [RUN_LOG_FILE]: jsonl(tuneRuns) }),
    synthetic: await folder('synthetic', { 'summary.json': summaryOf('reproduce-synthetic', synthetic), [RUN_LOG_FILE]: jsonl(syntheticResults) }),
    grid: await folder('grid', { 'summary.json': summaryOf('grid', summarizeGridRuns(grid, LEVELS, [0], 3)), [RUN_LOG_FILE]: jsonl(grid) }),
  };
  const titles: Record<keyof typeof dirs, RegExp> = {
    agent: /^# Flood-level agent training/,
    evaluate: /^# Agent evaluation on held-out tasks: synthetic-heldout-high/,
    tune: /^# Finding the flood level: Spiral, 5% label noise/,
    synthetic: /^# Reproduction of the paper's Table 1/,
    grid: /^# Flooding grid search: two-gaussians, 5% label noise/,
  };
  for (const [kind, dir] of Object.entries(dirs) as [keyof typeof dirs, string][]) {
    const files = await renderReport(dir);
    assert.equal(files[0], path.join(dir, 'report.md'), kind);
    assert.equal(files[1], path.join(dir, 'report.html'), kind);
    assert.ok(files.length >= 4, `${kind}: ${files.length} files`);
    assert.match(await readFile(files[0], 'utf8'), titles[kind], kind);
  }
  // A folder of the previous layout (summary without kind, trials in grid.jsonl) is refused with what to do.
  const old = await folder('old', { 'summary.json': JSON.stringify(synthetic), 'grid.jsonl': jsonl(syntheticResults) });
  await assert.rejects(renderReport(old), /another version of autoflood \(run-folder format 1, this one reads 2\); run the command that made it again/);
  await assert.rejects(renderReport(await folder('unfinished', { 'config.json': '{}' })), /no summary\.json; the command that writes it has not finished there \(run it again with --resume/);
  await assert.rejects(renderReport(root), /not a run folder \(no config\.json, no summary\.json: no autoflood command ran there\)/);
  await assert.rejects(renderReport(path.join(root, 'missing')), /no such folder/);
});
