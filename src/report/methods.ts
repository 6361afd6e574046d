/**
 * Report parts shared by `autoflood tune` and `autoflood evaluate-agent`: the table of methods
 * (agent, heuristic, grid, no flooding) with their accuracy and compute, the chart of test
 * accuracy per method, and the chart of the flood level each method had in force per epoch.
 */
import type { Method, MethodOutcome } from '../methods/compare.js';
import { trajectoryOf } from '../methods/plan.js';
import { READINGS, type Reading } from '../methods/select.js';
import type { MethodSummary } from '../methods/summary.js';
import { stat } from '../core/stats.js';
import { accuracyVsCompute, floodLevelTrajectory, formatLevel, methodAccuracy, type LevelSeries } from './charts.js';
import type { Chart, Table } from './document.js';
import { countStat, durationStat, level, pct, READING_SHORT } from './format.js';

/** Names of the methods in tables and legends. */
export const METHOD_LABEL: Record<Method, string> = {
  agent: 'agent',
  heuristic: 'heuristic',
  rule: 'fixed rule',
  bound: 'noise-bound rule',
  sh: 'successive halving',
  pbt: 'PBT',
  grid: 'grid search',
  none: 'no flooding',
};

/** What each method does and what its b means, as a bullet list. */
export function methodsNote(methods: Method[], outcomes: MethodOutcome[] = []): string {
  const about: Record<Method, string> = {
    agent: '**agent**: the trained policy. Design inrun: one training, b = 0 for its first 20% of epochs (the warm-up), then ' +
      'b = c x the warm-up\'s loss scale, c read by a policy network from the warm-up and its per-example losses. Design twin: the run ' +
      'without flooding, then one more run at b = c x the task\'s loss scale, c read from how far that run memorised. Design steps: ' +
      'one training in which it sets b at decision epochs after a warm-up without flooding. b is the last level in force.',
    bound: '**noise-bound rule**: one training, b = 0 for its warm-up, then b = f x the entropy of the label noise the warm-up\'s ' +
      'per-example losses show (the high group\'s share as the rate), as a multiple of the scale in tenths from 0 to 1.',
    heuristic: '**heuristic**: one training; the reference\'s controller moves b by ±alpha after each epoch as validation ' +
      'accuracy rises or falls. b is the last level in force.',
    rule: '**fixed rule**: one training at b = c x the task\'s loss scale (the lowest validation loss of a warm-up without ' +
      'flooding, 20% of the epochs), c the one multiple best on average over the agent\'s training tasks.',
    sh: '**successive halving**: the grid\'s levels trained to a ninth of the epochs; the best third by validation accuracy ' +
      'continue from where they stopped to a third, the best third of those to the full run. b is the level of the run that finished best.',
    pbt: '**PBT**: a population of runs spread over the grid\'s levels; every generation the worst quarter copy the weights and ' +
      'optimiser state of a top-quarter run and move b to a neighbouring level. b is the best final member\'s level.',
    grid: '**grid search**: one training per flood level; b is chosen by validation accuracy, separately for each reading. ' +
      'Without given levels, the levels are 0, 0.1, ..., 1 x the task\'s loss scale.',
    none: '**no flooding**: one training with b = 0 (the grid\'s b = 0 run).',
  };
  const checked = methods.filter((m) => outcomes.some((o) => o.method === m && o.kept !== undefined));
  const check = checked.length === 0 ? [] : [`**checked** (${checked.map((m) => METHOD_LABEL[m]).join(', ')}; \`--check\`): each ` +
    'also has the run without flooding (same data and initialisation) and, under each reading, keeps its own run only where ' +
    'its validation accuracy is higher, else reads the b = 0 run; the cost includes that run. "Own run kept" counts where it was.'];
  return [...methods.map((m) => about[m]), ...check].map((line) => `- ${line}`).join('\n');
}

/**
 * One row per method: test accuracy (noisy and clean labels) under both readings, b, epochs
 * trained per seed or task instance (`per`; the compute), wall time per seed or instance (summed
 * over the method's trainings), and compute relative to the grid search.
 */
export const ES_NOTE = '"ES reading before flooding" counts the seeds or instances whose early-stopping reading is of an epoch ' +
  'before the method flooded at all (a controller\'s warm-up, or b = 0): there the early-stopping column cannot tell the methods apart. ' +
  'A controller\'s "b, early stopping" is the level in force at its best-validation epoch ("before flooding" when it had set none yet).';

/** Methods whose one training has its level set during the run by a controller, which floods nothing during its warm-up. */
const CONTROLLED: Method[] = ['agent', 'heuristic'];

/**
 * A method's b under a reading. A controller's early-stopping b is the level in force at its
 * best-validation epoch, which may fall before it flooded at all: such seeds say "before
 * flooding" rather than a level that was never in force then.
 */
function levelCell(m: MethodSummary, outcomes: MethodOutcome[], reading: Reading): string {
  const mine = outcomes.filter((o) => o.method === m.method);
  if (reading !== 'bestVal' || !CONTROLLED.includes(m.method) || mine.length === 0) {
    // A checked method that kept b = 0 under this reading: say so, and the level its own run had.
    const dropped = mine.filter((o) => o.kept?.[reading] === false && o.ownLevel !== undefined);
    if (dropped.length === 0) return level(m.floodLevel[reading]);
    return `${level(m.floodLevel[reading])} (${dropped.length} of ${mine.length} b = 0 kept by the check; its own b ${level(stat(dropped.map((o) => o.ownLevel as number)))})`;
  }
  // A checked method that kept the run without flooding under this reading reads b = 0, whatever its own run did.
  const own = mine.filter((o) => o.kept?.bestVal !== false);
  const atZero = mine.length - own.length;
  const inForce = own.map((o) => trajectoryOf(o, 'bestVal')[o.readouts.bestVal.epoch - 1] ?? 0);
  const flooded = inForce.filter((b) => b > 0);
  const notes = [
    ...(flooded.length < own.length ? [`${own.length - flooded.length} of ${mine.length} before flooding`] : []),
    ...(atZero > 0 ? [`${atZero} of ${mine.length} b = 0 kept by the check`] : []),
  ];
  if (flooded.length === 0 && atZero === 0) return 'before flooding';
  const cell = level(stat(flooded.length > 0 ? flooded : mine.map(() => 0)));
  return notes.length === 0 ? cell : `${cell} (${notes.join(', ')})`;
}

export function methodsTable(methods: MethodSummary[], outcomes: MethodOutcome[], per: string): Table {
  const grid = methods.find((m) => m.method === 'grid');
  return {
    columns: [
      'Method',
      ...READINGS.flatMap((r) => [`Test acc, ${READING_SHORT[r]}`, `Test acc, ${READING_SHORT[r]} (clean labels)`]),
      ...READINGS.map((r) => `b, ${READING_SHORT[r]}`),
      `Epochs trained per ${per}`, `Wall time per ${per}`, 'Compute vs grid', 'ES reading before flooding', 'Own run kept (checked)',
    ],
    rows: methods.map((m) => [
      METHOD_LABEL[m.method] ?? m.method,
      ...READINGS.flatMap((r) => [pct(m.testAcc[r]), pct(m.testAccClean[r])]),
      ...READINGS.map((r) => levelCell(m, outcomes, r)),
      countStat(m.epochs),
      durationStat(m.seconds),
      grid !== undefined && grid.epochs.mean > 0 ? `${(100 * m.epochs.mean / grid.epochs.mean).toFixed(1)}%` : '—',
      `${m.esBeforeFlooding ?? 0} of ${m.testAcc.last.n}`,
      m.kept === undefined ? '—' : READINGS.map((r) => `${READING_SHORT[r]} ${m.kept?.[r]}`).join(', ') + ` of ${m.testAcc.last.n}`,
    ]),
  };
}

/** The chart of test accuracy per method, every seed (or task instance) and both readings. */
export function methodAccuracyChart(outcomes: MethodOutcome[], over: string): Chart {
  const points = outcomes.flatMap((o) => READINGS.map((reading) => ({
    method: METHOD_LABEL[o.method] ?? o.method, reading: READING_SHORT[reading], testAcc: o.readouts[reading].testAcc, seed: o.seed,
  })));
  return {
    title: 'Test accuracy per method',
    spec: methodAccuracy(points),
    caption: `Test accuracy against the noisy test labels, under both readings: faint points are ${over}, diamonds their mean, ` +
      'error bars ± one standard deviation.',
  };
}

/** The chart of test accuracy against compute, per method and reading (means over seeds or instances). */
export function computeChart(methods: MethodSummary[], over: string): Chart {
  const points = methods.flatMap((m) => READINGS.map((reading) => ({
    method: METHOD_LABEL[m.method] ?? m.method, reading: READING_SHORT[reading],
    epochs: m.epochs.mean, testAcc: m.testAcc[reading].mean, std: Number.isFinite(m.testAcc[reading].std) ? m.testAcc[reading].std : 0,
  })));
  return {
    title: 'Test accuracy against compute',
    spec: accuracyVsCompute(points),
    caption: `Each method's mean test accuracy (noisy test labels) against the epochs it trained per task, under both readings; ` +
      `bars: ± one standard deviation over ${over}. Up and to the left is better.`,
  };
}

/** The flood level in force per epoch of each method's run on one seed (searches: the run they chose). */
export function trajectorySeries(outcomes: MethodOutcome[]): LevelSeries[] {
  const order: Method[] = ['agent', 'heuristic', 'pbt', 'sh', 'rule', 'grid'];
  return order.flatMap((method) => {
    const outcome = outcomes.find((o) => o.method === method);
    if (outcome === undefined || outcome.trajectory.length === 0) return [];
    const constant = outcome.trajectory.every((b) => b === outcome.trajectory[0]);
    const label = constant ? `${METHOD_LABEL[method]}: b = ${formatLevel(outcome.trajectory[0])} (constant)` : METHOD_LABEL[method];
    return [{ label, history: outcome.trajectory.map((floodLevel, i) => ({ epoch: i + 1, floodLevel })) }];
  });
}

/** The trajectory chart of one seed's (or task instance's) outcomes, or nothing when no method has one. */
export function trajectoryChart(outcomes: MethodOutcome[], title: string): Chart | undefined {
  const series = trajectorySeries(outcomes);
  if (series.length === 0) return undefined;
  return {
    title,
    spec: floodLevelTrajectory(series),
    caption: 'The flood level b in force during each epoch of the run each method\'s last-epoch reading comes from. The twin ' +
      'agent\'s is its second run, at one level read from its run without flooding; an in-run agent floods nothing during ' +
      'its warm-up, then sets b at its decision epochs; the heuristic moves b after each epoch; PBT\'s line is the lineage ' +
      'of its best member (b changes where it copied another member and explored); the searches\' and the rule\'s b are ' +
      'constant. A checked method that kept its run without flooding reads b = 0. Lines that coincide are told apart by ' +
      'their dashes and widths.',
  };
}
