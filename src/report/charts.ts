/**
 * Chart specs for the reports: pure functions from run data to Vega-Lite specs (data inline,
 * rendered by render.ts). Losses are in nats; accuracies and fractions in [0, 1], shown as
 * percentages.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EpochMetrics } from '../train/controller.js';

const WIDTH = 520;
const HEIGHT = 280;
const PANEL_WIDTH = 360;
const PANEL_HEIGHT = 260;
/** Series with at most this many points get a marker on each point. */
const MAX_MARKED_POINTS = 40;
/** Moving-average window of the learning curve, in updates. */
/** Dash pattern of the rules marking flood levels. */
const DASH: number[] = [6, 4];
/**
 * Shared chart configuration: legend labels (run descriptions) are not truncated and read at 12 px;
 * continuous axes are padded so a line or point at the edge of the data (b = 0, accuracy 100%) is
 * drawn whole, not cut by the axis.
 */
const CONFIG = {
  legend: { labelLimit: 480, labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2.5 },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  scale: { continuousPadding: 6 },
};

/** Dash patterns that tell apart lines drawn on top of each other (cycled through the series). */
const DASHES = [[1, 0], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [6, 2]];

/** One training run as a line on a chart. */
export interface RunSeries {
  /** Legend label, unique per chart. */
  label: string;
  history: EpochMetrics[];
}

/** A run with the flood level b it was trained with (drawn as a rule when b > 0). */
export interface FloodedRunSeries extends RunSeries {
  floodLevel: number;
}

/** One test-accuracy reading of one trained level. */
export interface AccuracyPoint {
  floodLevel: number;
  /** Test accuracy in [0, 1]. */
  testAcc: number;
  /** Which reading (e.g. last epoch, best-validation epoch); one colour each. */
  reading: string;
  seed: number;
}

/** The flood level per epoch of a run (a full history, or only epochs and levels). */
export interface LevelSeries {
  /** Legend label, unique per chart. */
  label: string;
  history: Pick<EpochMetrics, 'epoch' | 'floodLevel'>[];
}

/** The test accuracy one method reached on one seed (or task instance) under one reading. */
export interface MethodAccuracyPoint {
  method: string;
  reading: string;
  /** Test accuracy in [0, 1]. */
  testAcc: number;
  seed: number;
}

/** The test accuracy one method reached on one task instance under one reading. */
export interface InstanceAccuracyPoint {
  /** Label of the task instance; one x position each, in order of first appearance. */
  instance: string;
  method: string;
  reading: string;
  /** Test accuracy in [0, 1]. */
  testAcc: number;
}

/** One policy update of the agent's training: what the policy chose and how sure it was. */
export interface SearchPoint {
  generation: number;
  /** The mean policy's last flood level relative to its run's scale. */
  meanMultiple: number;
  /** Mean standard deviation of the search distribution. */
  std: number;
}

/** The b chosen under a reading. */
export interface ChosenLevel {
  reading: string;
  floodLevel: number;
}

/** One point of an agent's learning curve. */
export interface FitnessPoint {
  generation: number;
  /** 'mean policy', 'best candidate', 'population mean'. */
  series: string;
  /** Accuracy points over no flooding, as a fraction (0.01 = 1 point). */
  fitness: number;
}

type HeldOut = 'test' | 'validation';

/** A run's held-out loss curve: the test loss if the test split was evaluated on at least two epochs, else the validation loss. */
function heldOutCurve(history: EpochMetrics[]): { kind: HeldOut; points: { epoch: number; loss: number }[] } {
  const test = history.flatMap((m) => (m.testLoss === undefined ? [] : [{ epoch: m.epoch, loss: m.testLoss }]));
  if (test.length >= 2) return { kind: 'test', points: test };
  return { kind: 'validation', points: history.map((m) => ({ epoch: m.epoch, loss: m.valLoss })) };
}

/** Log scales cannot show losses <= 0 (or non-finite ones). */
const plottable = (loss: number): boolean => Number.isFinite(loss) && loss > 0;

function runColor(labels: string[], legendBelow = false) {
  const legend = legendBelow ? { orient: 'bottom', direction: 'vertical' } as const : {};
  return { field: 'run', type: 'nominal', title: 'run', scale: { domain: labels }, legend } as const;
}

function heldOutTitle(kinds: Set<HeldOut>): string {
  if (!kinds.has('validation')) return 'Test loss (noisy labels)';
  if (!kinds.has('test')) return 'Validation loss (no test-loss evaluations recorded; --test-every 0)';
  return 'Test loss (noisy labels); validation loss for runs without test evaluations';
}

/**
 * Training loss and held-out loss over epochs, one colour per run, log-scale y, side by side.
 * The left panel marks each run's flood level b (b > 0) with a dashed rule of the run's colour;
 * the right panel shows the test loss where the run evaluated the test split on at least two
 * epochs, otherwise the validation loss (the panel title says which). Losses <= 0 are left out
 * (log scale). The test loss's second descent, when it occurs, shows as a late fall after a rise.
 */
export function lossCurves(runs: FloodedRunSeries[]): TopLevelSpec {
  const labels = runs.map((r) => r.label);
  const train = runs.flatMap((r) => r.history.filter((m) => plottable(m.trainLoss)).map((m) => ({ run: r.label, epoch: m.epoch, loss: m.trainLoss })));
  const curves = runs.map((r) => ({ run: r.label, ...heldOutCurve(r.history) }));
  const heldOut = curves.flatMap((c) => c.points.filter((p) => plottable(p.loss)).map((p) => ({ run: c.run, ...p })));
  const kinds = new Set(curves.map((c) => c.kind));
  const levels = runs.filter((r) => r.floodLevel > 0).map((r) => ({ run: r.label, b: r.floodLevel }));
  const longest = (rows: { run: string }[]) => Math.max(0, ...labels.map((l) => rows.filter((row) => row.run === l).length));
  const color = runColor(labels, true);
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch' } as const;
  const y = (title: string) => ({ field: 'loss', type: 'quantitative', title, scale: { type: 'log', nice: false } }) as const;
  return {
    title: `Loss over epochs (log scale): training loss and ${kinds.has('test') ? 'test' : 'validation'} loss`,
    hconcat: [
      {
        title: 'Training loss (unflooded); dashed: flood level b',
        width: PANEL_WIDTH,
        height: PANEL_HEIGHT,
        layer: [
          {
            data: { values: train },
            mark: { type: 'line', point: longest(train) <= MAX_MARKED_POINTS },
            encoding: { x, y: y('training loss (nats)'), color },
          },
          ...(levels.length > 0
            ? [{
                data: { values: levels },
                mark: { type: 'rule', strokeDash: DASH },
                encoding: { y: { field: 'b', type: 'quantitative' }, color },
              } as const]
            : []),
        ],
      },
      {
        title: heldOutTitle(kinds),
        width: PANEL_WIDTH,
        height: PANEL_HEIGHT,
        data: { values: heldOut },
        mark: { type: 'line', point: longest(heldOut) <= MAX_MARKED_POINTS },
        encoding: { x, y: y(`${kinds.has('test') ? 'test' : 'validation'} loss (nats)`), color },
      },
    ],
    resolve: { scale: { color: 'shared' } },
    config: CONFIG,
  };
}

/**
 * Test accuracy against the flood level b, one colour per reading: each seed as a faint point,
 * the mean over seeds as a line, ± one standard deviation as a band (when there are several
 * seeds), and the chosen b of each reading as a dashed rule with a label.
 */
export function accuracyVsLevel(points: AccuracyPoint[], chosen: ChosenLevel[]): TopLevelSpec {
  const readings = [...new Set([...points.map((p) => p.reading), ...chosen.map((c) => c.reading)])];
  const color = { field: 'reading', type: 'nominal', title: 'reading', scale: { domain: readings } } as const;
  const x = { field: 'floodLevel', type: 'quantitative', title: 'flood level b (nats)' } as const;
  const accuracy = { field: 'testAcc', type: 'quantitative', title: 'test accuracy', axis: { format: '.2%' }, scale: { zero: false } } as const;
  const seedsPerLevel = new Map<string, number>();
  for (const p of points) {
    const key = `${p.reading}\u0000${p.floodLevel}`;
    seedsPerLevel.set(key, (seedsPerLevel.get(key) ?? 0) + 1);
  }
  const band = Math.max(0, ...seedsPerLevel.values()) > 1;
  const marks = chosen.map((c, i) => ({ ...c, label: `chosen b = ${formatLevel(c.floodLevel)}`, py: 10 + 14 * i }));
  return {
    title: 'Test accuracy against the flood level b',
    width: WIDTH,
    height: HEIGHT,
    layer: [
      ...(band
        ? [{
            data: { values: points },
            mark: { type: 'errorband', extent: 'stdev', opacity: 0.2 },
            encoding: { x, y: accuracy, color },
          } as const]
        : []),
      {
        data: { values: points },
        mark: { type: 'circle', size: 24, opacity: 0.45 },
        encoding: { x, y: accuracy, color },
      },
      {
        data: { values: points },
        mark: { type: 'line', point: true },
        encoding: { x, y: { ...accuracy, aggregate: 'mean' }, color },
      },
      ...(marks.length > 0
        ? [
            {
              data: { values: marks },
              mark: { type: 'rule', strokeDash: DASH, strokeWidth: 1.5 },
              encoding: { x, color },
            } as const,
            {
              data: { values: marks },
              mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
              encoding: { x, y: { field: 'py', type: 'quantitative', scale: null }, text: { field: 'label' }, color },
            } as const,
          ]
        : []),
    ],
    config: CONFIG,
  };
}

/** Fraction of each epoch's mini-batches that were flooded (loss below b: gradient ascent), per run. */
export function floodedFraction(runs: RunSeries[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.history.map((m) => ({ run: r.label, epoch: m.epoch, fraction: m.floodedFraction })));
  return {
    title: 'Flooded mini-batches per epoch',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: runs.every((r) => r.history.length <= MAX_MARKED_POINTS) },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'fraction', type: 'quantitative', title: 'flooded mini-batches', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: runColor(runs.map((r) => r.label)),
    },
    config: CONFIG,
  };
}

/**
 * The flood level b in force during each epoch, per run (a step line: b changes between epochs).
 * Only each epoch's `epoch` and `floodLevel` are read, so a bare trajectory works as well as a run.
 */
export function floodLevelTrajectory(runs: LevelSeries[]): TopLevelSpec {
  // Methods often share a level (b = 0, or the rule's and the agent's): each series has its own
  // dash and a width that narrows down the legend, so lines on top of each other all show.
  const values = runs.flatMap((r, i) => r.history.map((m) => ({
    run: r.label, epoch: m.epoch, b: m.floodLevel, dash: DASHES[i % DASHES.length], width: Math.max(2, 5.5 - 0.7 * i),
  })));
  return {
    title: 'Flood level b in force per epoch',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'b', type: 'quantitative', title: 'flood level b (nats)' },
      color: runColor(runs.map((r) => r.label)),
      strokeDash: { field: 'dash', type: 'nominal', scale: null },
      strokeWidth: { field: 'width', type: 'quantitative', scale: null },
    },
    config: CONFIG,
  };
}

/** The agent's learning curve: fitness per generation of the mean policy, the best candidate and the population. */
export function learningCurve(points: FitnessPoint[]): TopLevelSpec {
  return {
    title: 'Agent learning curve: validation accuracy over no flooding',
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    mark: { type: 'line', point: points.length <= 3 * MAX_MARKED_POINTS },
    encoding: {
      x: { field: 'generation', type: 'quantitative', title: 'generation' },
      y: { field: 'fitness', type: 'quantitative', title: 'val acc minus no flooding\'s', axis: { format: '+.1%' } },
      color: { field: 'series', type: 'nominal', title: '' },
    },
    config: CONFIG,
  };
}

/**
 * Test accuracy per method, side by side for each reading: each seed as a faint point, the mean
 * over seeds as a filled point and, when a method has several seeds, ± one standard deviation as
 * an error bar.
 */
export function methodAccuracy(points: MethodAccuracyPoint[]): TopLevelSpec {
  const methods = [...new Set(points.map((p) => p.method))];
  const readings = [...new Set(points.map((p) => p.reading))];
  const x = { field: 'method', type: 'nominal', title: 'method', scale: { domain: methods }, axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'reading', type: 'nominal', scale: { domain: readings } } as const;
  const color = { field: 'reading', type: 'nominal', title: 'reading', scale: { domain: readings } } as const;
  const accuracy = { field: 'testAcc', type: 'quantitative', title: 'test accuracy (noisy labels)', axis: { format: '.2%' }, scale: { zero: false } } as const;
  const perGroup = new Map<string, number>();
  for (const p of points) perGroup.set(`${p.method}\u0000${p.reading}`, (perGroup.get(`${p.method}\u0000${p.reading}`) ?? 0) + 1);
  const bars = Math.max(0, ...perGroup.values()) > 1;
  return {
    title: `Test accuracy per method${bars ? ' (mean ± std over seeds)' : ''}`,
    width: Math.max(PANEL_WIDTH, 110 * methods.length),
    height: HEIGHT,
    data: { values: points },
    layer: [
      ...(bars ? [{ mark: { type: 'errorbar', extent: 'stdev', ticks: true }, encoding: { x, xOffset, y: accuracy, color } } as const] : []),
      { mark: { type: 'circle', size: 30, opacity: 0.35 }, encoding: { x, xOffset, y: accuracy, color } },
      { mark: { type: 'point', filled: true, size: 90, shape: 'diamond' }, encoding: { x, xOffset, y: { ...accuracy, aggregate: 'mean' }, color } },
    ],
    config: CONFIG,
  };
}

/** One method's mean test accuracy against its mean compute, under one reading. */
export interface ComputePoint {
  method: string;
  reading: string;
  /** Epochs trained per task (mean over seeds or instances). */
  epochs: number;
  testAcc: number;
  /** Standard deviation of the test accuracy over seeds or instances. */
  std: number;
}

/**
 * Test accuracy against compute (epochs trained, log scale), one point per method and reading
 * with ± one standard deviation: the chart a user decides from.
 */
export function accuracyVsCompute(points: ComputePoint[]): TopLevelSpec {
  const values = points.map((p) => ({ ...p, low: p.testAcc - p.std, high: p.testAcc + p.std }));
  const x = { field: 'epochs', type: 'quantitative', title: 'compute: epochs trained per task (log scale)', scale: { type: 'log' } } as const;
  const y = { field: 'testAcc', type: 'quantitative', title: 'test accuracy (noisy labels)', axis: { format: '.2%' }, scale: { zero: false } } as const;
  const color = { field: 'method', type: 'nominal', title: 'method' } as const;
  const shape = { field: 'reading', type: 'nominal', title: 'reading' } as const;
  return {
    title: 'Test accuracy against compute (mean ± std)',
    width: PANEL_WIDTH * 1.5,
    height: HEIGHT,
    data: { values },
    layer: [
      { mark: { type: 'rule' }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
      { mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y, color, shape } },
    ],
    config: CONFIG,
  };
}

/**
 * Test accuracy of every method on every task instance: one x position per instance, one colour
 * and shape per method, one row of panels per reading.
 */
export function instanceAccuracy(points: InstanceAccuracyPoint[]): TopLevelSpec {
  const instances = [...new Set(points.map((p) => p.instance))];
  const methods = [...new Set(points.map((p) => p.method))];
  const readings = [...new Set(points.map((p) => p.reading))];
  const method = { field: 'method', type: 'nominal', title: 'method', scale: { domain: methods } } as const;
  return {
    title: 'Test accuracy per task instance and method',
    data: { values: points },
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      x: { field: 'instance', type: 'nominal', title: 'task instance', scale: { domain: instances }, axis: { labelAngle: -30, labelLimit: 220 } },
      xOffset: { field: 'method', type: 'nominal', scale: { domain: methods } },
      y: { field: 'testAcc', type: 'quantitative', title: 'test accuracy (noisy labels)', axis: { format: '.1%' }, scale: { zero: false } },
      color: method,
      shape: method,
      row: { field: 'reading', type: 'nominal', title: null, sort: readings, header: { labelFontWeight: 'bold' } },
    },
    width: Math.max(PANEL_WIDTH, 90 * instances.length),
    height: PANEL_HEIGHT - 60,
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  };
}

/** What the search settled on: the mean policy's level relative to the scale, and the search's spread. */
export function searchCurves(points: SearchPoint[]): TopLevelSpec {
  const x = { field: 'generation', type: 'quantitative', title: 'generation' } as const;
  const panel = (field: keyof SearchPoint, title: string) => ({
    width: WIDTH,
    height: 140,
    mark: { type: 'line', point: points.length <= MAX_MARKED_POINTS },
    encoding: { x, y: { field, type: 'quantitative', title, scale: { zero: false } } },
  }) as const;
  return {
    title: 'Agent training: the mean policy and the search distribution, per generation',
    data: { values: points },
    vconcat: [panel('meanMultiple', 'last b / run scale'), panel('std', 'search std (mean)')],
    config: CONFIG,
  };
}

/** A flood level as text: up to 4 decimals, trailing zeros dropped (0.29, 0.0001, 0). */
export function formatLevel(b: number): string {
  return String(Number(b.toFixed(4)));
}

/** One point of a learner's curve, as charted: `series` names learner and seed. */
export interface LearnerCurvePoint {
  series: string;
  learner: string;
  episodes: number;
  gain: number;
}

/** Learning curves of several learners and seeds: the greedy policy's mean gain against episodes replayed. */
export function learnerCurves(points: LearnerCurvePoint[]): TopLevelSpec {
  return {
    title: 'Learning curves: the greedy policy on the training tasks',
    width: WIDTH,
    height: HEIGHT,
    data: { values: points },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'episodes', type: 'quantitative', title: 'episodes replayed' },
      y: { field: 'gain', type: 'quantitative', title: 'val acc minus no flooding\'s', axis: { format: '+.1%' } },
      color: { field: 'learner', type: 'nominal', title: 'learner' },
      detail: { field: 'series', type: 'nominal' },
    },
    config: CONFIG,
  };
}

/**
 * What the per-example training losses said each epoch: the share in their high group (the noise
 * estimate) and the share above ln(classes), per run. Epochs logged before these were kept are left out.
 */
export function lossGroups(runs: RunSeries[]): TopLevelSpec {
  const values = runs.flatMap((r) => r.history.flatMap((m) => (m.noisyShare === undefined || m.highLossShare === undefined ? [] : [
    { run: r.label, epoch: m.epoch, share: m.noisyShare, what: 'high group of the losses' },
    { run: r.label, epoch: m.epoch, share: m.highLossShare, what: 'losses above ln(classes)' },
  ])));
  return {
    title: 'Per-example training losses per epoch',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'share', type: 'quantitative', title: 'share of training examples', axis: { format: '.0%' } },
      color: runColor(runs.map((r) => r.label)),
      strokeDash: { field: 'what', type: 'nominal', title: 'share' },
    },
    config: CONFIG,
  };
}
