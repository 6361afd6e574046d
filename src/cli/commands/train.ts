/** `autoflood train`: one run with a fixed flood level (or the backward variant). */
import type { Dataset } from '../../data/types.js';
import { percent } from '../../report/format.js';
import { backwardFlood } from '../../train/controller.js';
import type { TrainSummary } from '../../train/run-train.js';
import { real } from '../../core/values.js';
import type { CommandSpec } from '../command.js';
import { BACKEND_FLAG, outFlag, trainFlags } from '../options.js';
import { prepareTask, warnHighLevels, type Task } from '../task.js';

interface TrainFlags extends Record<string, unknown> {
  floodAfterLoss?: number;
  overwrite: boolean;
  /** Set by prepare. */
  task: Task;
  loaded: Dataset;
}

/** A folder-name-safe dataset name (csv:/path/x.csv -> csv-x.csv). */
export const datasetSlug = (dataset: unknown): string => String(dataset ?? 'two-gaussians').replace(/^csv:.*[\\/]/, 'csv-').replace(/^csv:/, 'csv-');

export const trainCommand: CommandSpec<TrainFlags, TrainSummary> = {
  name: ['train'],
  description: 'train one model with a fixed flood level',
  example: 'autoflood train --dataset two-gaussians --noise 0.1 --flood 0.3 --epochs 50 --seed 1',
  flags: [
    ...trainFlags(),
    {
      key: 'floodAfterLoss', flag: '--flood-after-loss <loss>', kind: real({ min: 0, above: true }),
      help: 'the backward variant: no flooding until the training loss falls below this (nats), then b',
    },
    BACKEND_FLAG,
    outFlag('runs/<dataset>-b<flood>-<time>'),
    { key: 'overwrite', flag: '--overwrite', help: 'replace a run already in --out' },
  ],
  outPrefix: (o) => `${datasetSlug(o.dataset)}-b${String(o.flood ?? 0)}`,
  async prepare(o, logger) {
    const { dataset, ...task } = await prepareTask(o, logger);
    o.task = task;
    o.loaded = dataset;
    warnHighLevels(o.task, [o.task.config.flood], '--flood', logger);
  },
  async run(o, context) {
    const { config } = o.task;
    const dataset = o.loaded;
    // Training loads tfjs: only when a command runs, never for --help.
    const { runTrain } = await import('../../train/run-train.js');
    const progress = context.progress('train', config.epochs);
    return runTrain({
      config, dataset, out: context.out, overwrite: o.overwrite,
      controller: o.floodAfterLoss === undefined ? undefined : backwardFlood(config.flood, o.floodAfterLoss),
      onEpoch: (m) => progress.update(m.epoch, `loss ${m.trainLoss.toFixed(4)} val acc ${percent(m.valAcc)} b ${m.floodLevel}`),
    });
  },
  lines: (summary, _o, context) => [
    `test acc last epoch ${percent(summary.last.testAcc)} (clean ${percent(summary.last.testAccClean)}), ` +
      `best-val epoch ${summary.bestVal.epoch} ${percent(summary.bestVal.testAcc)} ` +
      `(clean ${percent(summary.bestVal.testAccClean)}); ${summary.wallSeconds.toFixed(1)} s`,
    `wrote ${context.out}/{config.json,data.json,metrics.jsonl,summary.json}`,
  ],
};
