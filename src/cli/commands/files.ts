/** `autoflood report <run-dir>` and `autoflood data fetch`: commands on folders, no training. */
import { existsSync } from 'node:fs';
import { lockRunFolder } from '../../core/lock.js';
import { fetchCifar10 } from '../../data/cifar10.js';
import { integer, oneOf, text } from '../../core/values.js';
import type { CommandSpec } from '../command.js';
import { UsageError } from '../options.js';

export const reportCommand: CommandSpec<{ dir: string }, string[]> = {
  name: ['report'],
  description: 're-render report.md and report.html of a run folder from its saved files',
  example: 'autoflood report runs/tune-two-gaussians-20261201T120000Z',
  args: [{ key: 'dir', name: '<run-dir>', help: 'a folder written by grid, tune, evaluate-agent, fit-rule, reproduce or train-agent' }],
  flags: [],
  backend: false,
  async run(o) {
    // A folder another process is writing is refused, as by every command that writes one.
    const release = existsSync(o.dir) ? await lockRunFolder(o.dir) : async () => undefined;
    try {
      return await (await import('../../report/index.js')).renderReport(o.dir);
    } finally {
      await release();
    }
  },
  lines: (files) => [`wrote ${files.join(', ')}`],
};

interface FetchFlags extends Record<string, unknown> {
  dataset: 'cifar10';
  dataDir: string;
  archive?: string;
  timeout: number;
}

export const fetchCommand: CommandSpec<FetchFlags, string[]> = {
  name: ['data', 'fetch'],
  description: 'download and checksum a dataset archive (needs internet), or unpack one you downloaded',
  example: 'autoflood data fetch cifar10 --data-dir ~/data/cifar-10-batches-bin',
  args: [{ key: 'dataset', name: '<dataset>', help: 'cifar10' }],
  flags: [
    { key: 'dataDir', flag: '--data-dir <dir>', help: 'where to put the extracted files (required)', kind: text },
    { key: 'archive', flag: '--archive <file>', help: 'a cifar-10-binary.tar.gz you already have (no download)', kind: text },
    { key: 'timeout', flag: '--timeout <seconds>', help: 'network timeout per chunk', kind: integer(1), default: 30 },
  ],
  backend: false,
  async run(o) {
    if (!oneOf(['cifar10']).check(o.dataset)) throw new UsageError(`<dataset>: only cifar10 can be fetched, got "${String(o.dataset)}"`);
    if (o.dataDir === undefined) throw new UsageError('--data-dir: required (where to put the extracted files)');
    return fetchCifar10(o.dataDir, { archive: o.archive, timeoutMs: 1000 * o.timeout });
  },
  lines: (files, o) => [`cifar10: ${files.length} files in ${o.dataDir}`],
};
