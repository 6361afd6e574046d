/**
 * Peak memory of a grid on a large CSV with 1 and 2 worker threads: the file is parsed once in the
 * main thread and handed to the workers as shared memory, so a second worker should add only its
 * own tfjs instance, not another copy of the data. Generates a 50 MB CSV (303,571 rows x 20
 * features and a label), runs `autoflood grid` on 2000 / 500 / 500 of its rows (2 levels, 2 epochs)
 * with --workers 1 and 2, and prints each process's peak resident memory (VmHWM, which counts
 * every thread of the process) and their ratio.
 * `npm run build && node --import tsx bench/csv-memory.ts` (add --source to run the CLI from the TypeScript sources)
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rng } from '../src/data/rng.js';

const ROWS = 303_571;
const FEATURES = 20;
const BIN = path.resolve('bin/autoflood.mjs');
/** The compiled package (dist/, `npm run build`) as users run it; --source runs the TypeScript through tsx instead. */
const NODE_ARGS = process.argv.includes('--source') ? ['--conditions=autoflood-source', '--import', 'tsx'] : [];

async function writeCsv(file: string): Promise<void> {
  const rng = new Rng(1);
  const out = createWriteStream(file);
  out.write(`${Array.from({ length: FEATURES }, (_, j) => `f${j}`).join(',')},label\n`);
  for (let i = 0; i < ROWS; i++) {
    const label = i % 5;
    const cells = Array.from({ length: FEATURES }, (_, j) => (rng.normal() + (j === label ? 2 : 0)).toFixed(5));
    if (!out.write(`${cells.join(',')},c${label}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** Runs the command, sampling its peak resident memory (kB) until it exits. */
async function peakMemory(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [...NODE_ARGS, BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let peak = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // exited
    }
  };
  const timer = setInterval(sample, 50);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`autoflood ${args.join(' ')} exited ${code}: ${err}`);
  return peak;
}

const dir = await mkdtemp(path.join(tmpdir(), 'autoflood-csv-memory-'));
try {
  const file = path.join(dir, 'big.csv');
  await writeCsv(file);
  console.log(`CSV: ${ROWS} rows x ${FEATURES} features, ${((await stat(file)).size / 1e6).toFixed(1)} MB`);
  const common = ['grid', '--dataset', `csv:${file}`, '--train-size', '2000', '--val-size', '500', '--test-size', '500',
    '--levels', '0,0.1', '--seeds', '1', '--epochs', '2', '--depth', '2', '--width', '32', '--backend', 'wasm', '--log-level', 'warn'];
  const peaks: number[] = [];
  for (const workers of [1, 2]) {
    const peak = await peakMemory([...common, '--workers', String(workers), '--out', path.join(dir, `w${workers}`)]);
    peaks.push(peak);
    console.log(`--workers ${workers}: peak resident memory ${(peak / 1024).toFixed(0)} MB`);
  }
  console.log(`2 workers / 1 worker: ${(peaks[1] / peaks[0]).toFixed(2)} (+${(100 * (peaks[1] / peaks[0] - 1)).toFixed(0)}%)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
