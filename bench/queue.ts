/**
 * The queue on this machine: `node --import tsx bench/queue.ts [--quick]` (needs `redis-server`).
 *
 * Starts its own redis-server on a free loopback port and `autoflood worker` processes
 * (concurrency 1 each, wasm), and times whole grids from the coordinator's side (`runGrid`, as
 * `autoflood grid` runs it), every worker process or thread already warm (one short training
 * first, so no figure includes starting a thread, tfjs or loading the data):
 * (a) throughput: a grid of the paper's synthetic MLP (Two Gaussians, 10-500x4-2 with batch
 *     norm, 1000 examples) through the queue with 1 worker process, then 2; the ratio of the
 *     times, and the local pool's time with 2 threads beside them;
 * (b) overhead per trial: a grid of many very short trainings (a 2x32 MLP, 2 epochs) through
 *     the queue with 1 worker process against the local pool with 1 thread: (queue - local) / trials,
 *     from the medians of 5 grids each.
 * Prints the load average before and after: figures taken on a loaded machine are not comparable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { QueueRunner } from '../src/queue/coordinator.js';
import { runGrid } from '../src/studies/grid.js';
import { resolveTrainConfig, type TrainConfig } from '../src/train/config.js';
import { WorkerPool } from '../src/trials/pool.js';
import type { Runner } from '../src/trials/runner.js';
import { startRedis } from './redis.js';

const QUICK = process.argv.includes('--quick');
const BIN = path.resolve('bin/autoflood.mjs');

/** (a): 8 trainings of about 10 s each (4 with --quick, fewer epochs). */
const HEAVY = { config: resolveTrainConfig({ dataset: 'two-gaussians', noise: 0.1, epochs: QUICK ? 8 : 30 }), levels: [0, 0.1, 0.2, 0.3], seeds: QUICK ? [0] : [0, 1] };
/** (b): 60 trainings of a fraction of a second (20 with --quick). */
const LIGHT = {
  config: resolveTrainConfig({ dataset: 'two-gaussians', noise: 0.1, trainSize: 200, valSize: 100, testSize: 400, depth: 2, width: 32, epochs: 2, batchSize: 100 }),
  levels: Array.from({ length: QUICK ? 10 : 30 }, (_, i) => i / 100),
  seeds: [0, 1],
};

/** Starts `autoflood worker`s and resolves once each is taking jobs. */
async function startWorkers(url: string, count: number): Promise<ChildProcess[]> {
  return Promise.all(Array.from({ length: count }, () => new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=autoflood-source', '--import', 'tsx', BIN, 'worker', '--queue', url, '--concurrency', '1', '--backend', 'wasm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('taking jobs')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${text}`)));
  })));
}

type Grid = { config: TrainConfig; levels: number[]; seeds: number[] };

/** Seconds for one grid into a fresh folder. */
async function timeGrid(grid: Grid, runner: Runner): Promise<number> {
  const out = await mkdtemp(path.join(tmpdir(), 'autoflood-bench-queue-'));
  try {
    const start = performance.now();
    await runGrid({ base: grid.config, levels: grid.levels, seeds: grid.seeds, out, runner });
    return (performance.now() - start) / 1000;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** One 1-epoch training per worker first, so no timing includes starting a thread, tfjs and the data. */
const warm = (grid: Grid, runner: Runner, workers: number) =>
  timeGrid({ config: { ...grid.config, epochs: 1 }, levels: grid.levels.slice(0, workers), seeds: [1000] }, runner);

const REPEATS = 5;

/** The median of REPEATS timings. */
async function medianOf(time: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await time());
  return times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const redis = await startRedis();
const { url } = redis;
const workers: ChildProcess[] = [];
const queue = await QueueRunner.open(url);
try {
  console.log(`load average before: ${load()}`);
  const heavyTrials = HEAVY.levels.length * HEAVY.seeds.length;
  const lightTrials = LIGHT.levels.length * LIGHT.seeds.length;

  workers.push(...(await startWorkers(url, 1)));
  await warm(HEAVY, queue, 1);
  const queue1 = await timeGrid(HEAVY, queue);
  await warm(LIGHT, queue, 1);
  const lightQueue = await medianOf(() => timeGrid(LIGHT, queue));
  workers.push(...(await startWorkers(url, 1)));
  await warm(HEAVY, queue, 2);
  const queue2 = await timeGrid(HEAVY, queue);
  for (const w of workers.splice(0)) w.kill('SIGTERM');
  const pools = [new WorkerPool({ workers: 1, backend: 'wasm' }), new WorkerPool({ workers: 2, backend: 'wasm' })];
  await warm(HEAVY, pools[1], 2);
  const local2 = await timeGrid(HEAVY, pools[1]);
  await warm(LIGHT, pools[0], 1);
  const lightLocal = await medianOf(() => timeGrid(LIGHT, pools[0]));
  await Promise.all(pools.map((p) => p.close()));

  console.log(`(a) ${heavyTrials} trainings of ${HEAVY.config.epochs} epochs (paper MLP, Two Gaussians):`);
  console.log(`    queue, 1 worker process  ${queue1.toFixed(1)} s`);
  console.log(`    queue, 2 worker processes ${queue2.toFixed(1)} s  -> ${(queue1 / queue2).toFixed(2)}x the throughput of 1`);
  console.log(`    local pool, 2 threads     ${local2.toFixed(1)} s`);
  console.log(`(b) ${lightTrials} trainings of ${LIGHT.config.epochs} epochs (2x32 MLP): queue ${lightQueue.toFixed(2)} s, local pool ${lightLocal.toFixed(2)} s (1 worker each)`);
  console.log(`    queue overhead per trial: ${((1000 * (lightQueue - lightLocal)) / lightTrials).toFixed(1)} ms (medians of ${REPEATS} grids)`);
  console.log(`load average after: ${load()}`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await queue.close();
  redis.stop();
}
