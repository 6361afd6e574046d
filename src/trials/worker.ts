/**
 * A worker thread: one tfjs instance, the backend chosen once, jobs run one at a time by the
 * handler their kind names.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendChoice } from '../backend/index.js';
import { loadHandler } from './handlers.js';
import type { FromWorker, ToWorker } from './messages.js';

const port = parentPort;
if (port == null) throw new Error('pool/worker.ts must run in a worker thread');

const post = (msg: FromWorker) => port.postMessage(msg);

const ready = initBackend((workerData as { backend: BackendChoice }).backend);
ready.then(
  (info) => post({ type: 'ready', backend: info.name }),
  (err: Error) => post({ type: 'error', message: err.message }),
);

port.on('message', ({ kind, job }: ToWorker) => {
  ready
    .then(() => loadHandler(kind))
    .then((handle) => handle(job, { onEpoch: (metrics) => post({ type: 'epoch', id: job.id, metrics }) }))
    .then((result) => post({ type: 'result', id: job.id, result }))
    .catch((err: Error) => post({ type: 'error', id: job.id, message: err.message }));
});
