/**
 * A worker thread: one tfjs instance, the backend chosen once, trials run one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendChoice } from '../backend/index.js';
import { OptionError } from '../core/errors.js';
import { adoptCsvTables, type CsvTableEntry } from '../data/csv.js';
import type { FromWorker, ToWorker } from './messages.js';
import { runTrial } from './run-trial.js';

const port = parentPort;
if (port == null) throw new Error('trials/worker.ts must run in a worker thread');

const post = (msg: FromWorker) => port.postMessage(msg);

const data = workerData as { backend: BackendChoice; csvTables: CsvTableEntry[] };
adoptCsvTables(data.csvTables);
const ready = initBackend(data.backend);
ready.then(
  (info) => post({ type: 'ready', backend: info.name }),
  (err: Error) => post({ type: 'error', message: err.message }),
);

port.on('message', ({ job }: ToWorker) => {
  ready
    .then(() => runTrial(job, (metrics) => post({ type: 'epoch', id: job.id, metrics })))
    .then((result) => post({ type: 'result', id: job.id, result }))
    .catch((err: Error) => post({
      type: 'error', id: job.id, message: err instanceof OptionError ? err.detail : err.message,
      ...(err instanceof OptionError ? { option: err.option } : {}),
    }));
});
