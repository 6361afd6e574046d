/** What the tests share: temporary folders, tiny real configs, scripted epochs and readouts. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { resolveTrainConfig, type TrainConfig } from '../src/train/config.js';
import type { EpochMetrics } from '../src/train/controller.js';
import type { Readout } from '../src/train/trainer.js';
import { WorkerPool } from '../src/trials/pool.js';
import type { RunContext } from '../src/trials/run-folder.js';
import { RunLog, type RunProgress } from '../src/trials/run-log.js';

const made: string[] = [];
after(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed when the test file ends. */
export async function tmpDir(name = 'test'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `autoflood-${name}-`));
  made.push(dir);
  return dir;
}

/** A small but real task: Two Gaussians at 10% noise, a 2x32 MLP, 4 epochs (about a second). */
export function tinyConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return resolveTrainConfig({
    dataset: 'two-gaussians', noise: 0.1, trainSize: 200, valSize: 100, testSize: 400,
    depth: 2, width: 32, epochs: 4, batchSize: 100, ...overrides,
  });
}

/** The same task as command-line flags (with the wasm backend). */
export const TINY_FLAGS = ['--train-size', '200', '--val-size', '100', '--test-size', '400', '--depth', '2', '--width', '32', '--backend', 'wasm'];

/** Scripted epochs: every field has a plain value unless the row sets it; epochs are numbered 1.. */
export function scriptedEpochs(rows: Partial<EpochMetrics>[]): EpochMetrics[] {
  return rows.map((row, i) => ({
    epoch: i + 1, trainLoss: 0.5, trainAcc: 0.9, valLoss: 0.45, valAcc: 0.8, valLossClean: 0.3, valAccClean: 0.85,
    floodedFraction: 0, floodLevel: 0, lr: 1e-3, wallSeconds: 0.5 * (i + 1), ...row,
  }));
}

/** A test reading with clean-label figures 5 points above the noisy ones. */
export function readout(epoch: number, valAcc: number, testAcc: number): Readout {
  return { epoch, valAcc, valAccClean: valAcc + 0.05, testLoss: 0.5, testAcc, testLossClean: 0.3, testAccClean: testAcc + 0.05 };
}

/** A run context on the run log of `dir` with a local pool of `workers` threads; `close()` stops the pool. */
export async function localRun(dir: string, progress: RunProgress = {}, workers = 2): Promise<RunContext & { close(): Promise<void> }> {
  const runner = new WorkerPool({ workers, backend: 'wasm' });
  return { log: await RunLog.open(dir), runner, progress, close: () => runner.close() };
}

/** The bin run on the TypeScript sources (no build needed): node arguments before the command's. */
export const CLI = ['--conditions=autoflood-source', '--import', 'tsx', path.resolve('bin/autoflood.mjs')];

/** Runs `autoflood <args>` to its end; its exit code and what it wrote to stderr. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [...CLI, ...args], { timeout: 120_000, env: { ...process.env, ...env } });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

/**
 * Writes records in the CIFAR-10 binary format (test fixtures): a label byte, then 3072 pixel bytes.
 * @param labels one byte per record (0..255, so invalid labels can be written on purpose).
 * @param pixels n * 3072 bytes, each image channel-major (1024 red, 1024 green, 1024 blue).
 */
export async function writeCifarBinary(file: string, labels: ArrayLike<number>, pixels: Uint8Array): Promise<void> {
  const n = labels.length;
  if (pixels.length !== n * 3072) throw new Error(`${file}: pixels must hold ${n * 3072} bytes for ${n} labels, got ${pixels.length}`);
  const buf = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label > 255) throw new Error(`${file}: labels[${i}] = ${label} does not fit in a byte`);
    buf[i * 3073] = label;
    buf.set(pixels.subarray(i * 3072, (i + 1) * 3072), i * 3073 + 1);
  }
  await writeFile(file, buf);
}
