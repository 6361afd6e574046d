/**
 * The report of `autoflood evaluate-agent`: the agent against the heuristic, the grid search and
 * no flooding on held-out task instances; the methods' accuracy and compute, paired differences
 * with 95% intervals, and charts per instance, built from summary.json alone.
 */
import type { EvaluateSummary } from '../studies/evaluate-agent.js';
import { READINGS } from '../methods/select.js';
import { formatLevel, instanceAccuracy } from './charts.js';
import type { Chart, Report, Section, Table } from './document.js';
import { countStat, datasetName, noiseRate, pairedPoints, READING_LABEL, READING_SHORT } from './format.js';
import { computeChart, ES_NOTE, METHOD_LABEL, methodAccuracyChart, methodsNote, methodsTable, trajectoryChart } from './methods.js';

/** Task instances with a b trajectory chart each. */
const TRAJECTORY_INSTANCES = 3;

type Instance = EvaluateSummary['instances'][number];

const instanceLabel = (instance: Instance, i: number) => `#${i + 1} ${datasetName(instance.dataset)}, ${noiseRate(instance.noise)}`;

function instancesTable(instances: Instance[]): Table {
  return {
    columns: ['Instance', 'Dataset', 'Label noise', 'Seed'],
    rows: instances.map((t, i) => [`#${i + 1}`, datasetName(t.dataset), noiseRate(t.noise), t.seed]),
  };
}

function comparisonsTable(summary: EvaluateSummary): Table {
  const order = (versus: string) => ['heuristic', 'grid', 'none'].indexOf(versus);
  const comparisons = [...summary.comparisons]
    .sort((a, b) => order(a.versus) - order(b.versus) || READINGS.indexOf(a.reading) - READINGS.indexOf(b.reading));
  return {
    columns: ['Comparison', 'Reading', 'Test acc difference (noisy labels)', 'Test acc difference (clean labels)'],
    rows: comparisons.map((c) => [
      `agent − ${METHOD_LABEL[c.versus] ?? c.versus}`, READING_LABEL[c.reading], pairedPoints(c.testAcc), pairedPoints(c.testAccClean),
    ]),
  };
}

function computeNote(summary: EvaluateSummary): string {
  const of = (method: string) => summary.methods.find((m) => m.method === method);
  const agent = of('agent');
  const grid = of('grid');
  // Without a grid among the methods there is no ratio (NaN, which summary.json keeps as null).
  if (grid === undefined || typeof summary.computeRatio !== 'number' || !Number.isFinite(summary.computeRatio)) {
    return agent === undefined ? 'No agent among the methods.' : `The agent trains ${countStat(agent.epochs)} epochs per task instance; the grid search was not among the methods, so there is no ratio to it.`;
  }
  const lines = [
    `The agent trains **${(100 * summary.computeRatio).toFixed(1)}%** of the grid search's epochs per task instance` +
      (agent !== undefined
        ? ` (${countStat(agent.epochs)} against ${countStat(grid.epochs)}: its trainings, the run without flooding it is checked against or reads included, against one per flood level and the warm-up that sets the levels).`
        : '.'),
  ];
  if (agent !== undefined && grid !== undefined && agent.seconds.n > 0 && grid.seconds.mean > 0) {
    lines.push(`In wall time summed over its trainings, the agent took ${(100 * agent.seconds.mean / grid.seconds.mean).toFixed(1)}% of the grid search's.`);
  }
  return lines.join(' ');
}

/** Builds the report of an agent evaluation from its summary. */
export function evaluateReport(summary: EvaluateSummary): Report {
  const methods = summary.methods.map((m) => m.method);
  const instances = summary.instances;
  const levels = summary.levels;
  const intro = [
    `Held-out tasks **${summary.tasks}**: ${summary.taskDescription.replace(/\.?$/, '.')}`,
    `${instances.length} task instances, one seed each; on each, every method trains on the same data and initialisation.` +
      (levels !== undefined && levels.length > 0
        ? ` The searches consider ${levels.length} flood levels (b from ${formatLevel(Math.min(...levels))} to ${formatLevel(Math.max(...levels))}).`
        : ' The searches consider b = 0, 0.1, ..., 1 x each task\'s loss scale.'),
    methodsNote(methods, summary.outcomes),
  ].join('\n\n');
  const points = summary.outcomes.flatMap((o) => {
    const i = instances.findIndex((t) => t.seed === o.seed);
    if (i < 0) return [];
    return READINGS.map((reading) => ({
      instance: instanceLabel(instances[i], i), method: METHOD_LABEL[o.method] ?? o.method, reading: READING_SHORT[reading], testAcc: o.readouts[reading].testAcc,
    }));
  });
  const charts: Chart[] = [];
  if (points.length > 0) {
    charts.push({
      title: 'Test accuracy per task instance and method',
      spec: instanceAccuracy(points),
      caption: 'Test accuracy against the noisy test labels of every method on every held-out instance, under both readings.',
    });
  }
  if (summary.outcomes.length > 0) charts.push(computeChart(summary.methods, 'task instances'), methodAccuracyChart(summary.outcomes, 'task instances'));
  instances.slice(0, TRAJECTORY_INSTANCES).forEach((t, i) => {
    const chart = trajectoryChart(summary.outcomes.filter((o) => o.seed === t.seed), `Flood level b per epoch, instance ${instanceLabel(t, i)}`);
    if (chart !== undefined) charts.push(chart);
  });
  const sections: Section[] = [
    { heading: 'Held-out task instances', table: instancesTable(instances) },
    {
      heading: 'Methods',
      markdown: 'Mean ± std over task instances (the spread includes how hard the instances are; the paired differences ' +
        `below remove it). ${ES_NOTE}`,
      table: methodsTable(summary.methods, summary.outcomes, 'instance'),
    },
    {
      heading: 'Agent against the other methods',
      markdown: 'Mean over task instances of the agent\'s test accuracy minus the other method\'s on the same instance, in ' +
        'percentage points, with a 95% confidence interval (t distribution). Positive: the agent is better.',
      table: comparisonsTable(summary),
    },
    { heading: 'Compute', markdown: computeNote(summary) },
    charts.length > 0 ? { heading: 'Charts', charts } : { heading: 'Charts', markdown: 'No charts: summary.json holds no outcomes.' },
  ];
  return { title: `Agent evaluation on held-out tasks: ${summary.tasks}`, intro, sections };
}
