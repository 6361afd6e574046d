/**
 * Trials through a real Redis (Debian's redis-server on a free loopback port, with a password)
 * and real `autoflood worker` processes: a worker killed mid-trial, a coordinator killed and
 * resumed, a second coordinator refused, failing jobs, an unreachable Redis, and the password
 * kept out of every log and run folder. Results must equal the local pool's, number for number.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { parseQueueUrl, redisOptions } from '../../src/queue/address.js';
import { QueueRunner } from '../../src/queue/coordinator.js';
import { lockRunFolder } from '../../src/core/lock.js';
import { QUEUE_NAME } from '../../src/queue/wire.js';
import { runGrid } from '../../src/studies/grid.js';
import { tune } from '../../src/studies/tune.js';
import { Rng } from '../../src/data/rng.js';
import type { EpochMetrics } from '../../src/train/controller.js';
import type { TrialResult } from '../../src/trials/trial.js';
import { freePort, startRedis, type LocalRedis } from '../../bench/redis.js';
import { TINY_FLAGS, tinyConfig, tmpDir } from '../helpers.js';

const BIN = path.resolve('bin/autoflood.mjs');
const FROM_SOURCE = ['--conditions=autoflood-source', '--import', 'tsx'];
const PASSWORD = 'q-secret-7f3';

/** A child process with its stderr gathered, and a way to wait for a line. */
class Proc {
  readonly child: ChildProcess;
  text = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [...FROM_SOURCE, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stdout?.on('data', (d: Buffer) => (this.text += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.text += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first match of `pattern` in the output so far or to come. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    const start = Date.now();
    for (;;) {
      const m = this.text.match(pattern);
      if (m !== null) return m;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; output:\n${this.text}`);
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${pattern}; output:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

const until = async (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const readLog = (dir: string): TrialResult[] =>
  readFileSync(path.join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as TrialResult);

/** A result without its timings, which differ between any two runs. */
const numbers = (r: TrialResult) => JSON.stringify({ ...r, wallSeconds: 0, history: r.history.map((m) => ({ ...m, wallSeconds: 0 })) });

/** Every file under `dir`, as text. */
const filesOf = (dir: string): string[] =>
  !existsSync(dir) ? [] : readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesOf(file) : [readFileSync(file, 'latin1')];
  });

/** A grid of 2 levels x 2 seeds, trainings of a few seconds each. */
const GRID = ['grid', '--dataset', 'two-gaussians', '--noise', '0.1', '--levels', '0,0.2', '--seeds', '2', '--epochs', '300', ...TINY_FLAGS];

/** The queue, to look at from the test; it gives up at once if Redis is gone (no hang). */
const queueAt = (url: string) => new Queue(QUEUE_NAME, { connection: { ...redisOptions(parseQueueUrl(url)), retryStrategy: () => null } });

// The suite's limit covers all its tests (the soak alone takes about 45 s, more on a loaded machine); each test bounds its own waits.
describe('trials through a Redis queue', { timeout: 480_000 }, () => {
  let redis: LocalRedis | undefined;
  let url = '';
  let reference = new Map<string, string>();
  const procs: Proc[] = [];
  const start = (args: string[]) => {
    const p = new Proc(args);
    procs.push(p);
    return p;
  };
  const worker = () => start(['worker', '--queue', url, '--concurrency', '1', '--backend', 'wasm', '--lock-duration', '2']);

  /** Asserts the run folder holds every reference trial exactly once, with the same numbers, and no password. */
  const assertSameAsLocal = (dir: string) => {
    const logged = readLog(dir);
    assert.deepEqual(logged.map((r) => r.id).sort(), [...reference.keys()].sort(), 'each trial logged exactly once');
    for (const r of logged) assert.equal(numbers(r), reference.get(r.id), `trial ${r.id} differs from the local pool's`);
    for (const text of filesOf(dir)) assert.ok(!text.includes(PASSWORD), 'the password is in the run folder');
  };

  before(async () => {
    redis = await startRedis(PASSWORD);
    url = redis.url;
    // The reference: the same grid on the local worker pool.
    const out = await tmpDir('queue-ref');
    const local = start([...GRID, '--workers', '2', '--out', out, '--resume']);
    assert.equal(await local.exited, 0, local.text);
    reference = new Map(readLog(out).map((r) => [r.id, numbers(r)]));
    assert.equal(reference.size, 4);
  });

  after(() => {
    for (const p of procs) p.kill();
    redis?.stop();
  });

  it('a worker killed mid-trial: its trial is run again elsewhere and every trial is logged once, as on the local pool', async () => {
    const [a, b] = [worker(), worker()];
    await Promise.all([a.waitFor(/taking jobs/), b.waitFor(/taking jobs/)]);
    const out = await tmpDir('queue-a');
    const coordinator = start([...GRID, '--queue', url, '--out', out]);
    // Whichever worker starts a trial first is killed in the middle of it.
    const running = /running trial ([0-9a-f]{16})/;
    await until(() => running.test(a.text) || running.test(b.text), 60_000, 'a worker to start a trial');
    const [victim, survivor] = running.test(a.text) ? [a, b] : [b, a];
    const killed = (victim.text.match(running) as RegExpMatchArray)[1];
    victim.kill('SIGKILL');
    assert.equal(await coordinator.exited, 0, coordinator.text);
    assert.match(survivor.text, new RegExp(`running trial ${killed}`), 'the killed worker\'s trial went to the other worker');
    assertSameAsLocal(out);
    for (const p of [a, b, coordinator]) assert.ok(!p.text.includes(PASSWORD), 'the password is in a log');
    survivor.kill('SIGTERM');
    assert.equal(await survivor.exited, 0, survivor.text);
    assert.match(survivor.text, /worker stopped: \d+ done/);
  });

  it('a coordinator killed and resumed collects what finished meanwhile; a second coordinator is refused', async () => {
    const w = worker();
    await w.waitFor(/taking jobs/);
    const out = await tmpDir('queue-b');
    const first = start([...GRID, '--queue', url, '--out', out]);
    await until(() => { try { return readLog(out).length >= 1; } catch { return false; } }, 60_000, 'a first trial logged');
    await assert.rejects(lockRunFolder(out), new RegExp(`in use by pid ${first.child.pid} on this host`));
    first.kill('SIGKILL');
    // The worker finishes the run's other trials while no coordinator is there.
    const queue = queueAt(url);
    try {
      await until(async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
        return counts.waiting + counts.active + counts.delayed === 0;
      }, 60_000, 'the queue to drain');
      assert.ok((await queue.getJobCounts('completed')).completed >= 1, 'results wait in Redis for the coordinator');
    } finally {
      await queue.close();
    }
    const resumed = start([...GRID, '--queue', url, '--out', out, '--resume']);
    assert.equal(await resumed.exited, 0, resumed.text);
    assertSameAsLocal(out);
    w.kill('SIGKILL');
  });

  it('segments (successive halving) carry their checkpoints through the queue; SIGTERM hands the job in progress back', async () => {
    const spec = { config: tinyConfig({ epochs: 60 }), seeds: [0], methods: ['sh' as const], levels: [0, 0.1, 0.2, 0.3], backend: 'wasm' };
    // Every epoch of every trial reaches the coordinator's onEpoch (progress), as with the local pool.
    const epochs = { local: new Set<string>(), queued: new Set<string>() };
    const seen = (into: Set<string>) => (id: string, m: EpochMetrics) => void into.add(`${id}:${m.epoch}`);
    const local = await tune({ ...spec, out: await tmpDir('queue-sh'), workers: 2, onEpoch: seen(epochs.local) });
    const first = worker();
    await first.waitFor(/taking jobs/);
    const runner = await QueueRunner.open(url);
    const queued = tune({ ...spec, out: await tmpDir('queue-sh'), runner, onEpoch: seen(epochs.queued) }).finally(() => runner.close());
    await first.waitFor(/running trial/);
    first.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.text);
    assert.match(first.text, /handed back trial [0-9a-f]{16} to the queue/);
    const second = worker();
    const { results } = await queued;
    const expected = new Map(local.results.map((r) => [r.id, numbers(r)]));
    assert.deepEqual(results.map((r) => r.id).sort(), [...expected.keys()].sort());
    for (const r of results) assert.equal(numbers(r), expected.get(r.id), `trial ${r.id} differs from the local pool's`);
    assert.ok(results.some((r) => r.segment?.from !== undefined), 'some trials continued a checkpoint');
    assert.deepEqual([...epochs.queued].sort(), [...epochs.local].sort());
    second.kill('SIGKILL');
  });

  it('a worker given Ctrl-C (SIGINT) hands its trial back at once and exits 0; a worker does not print the coordinator\'s queue line', async () => {
    const w = worker();
    await w.waitFor(/taking jobs/);
    const out = await tmpDir('queue-int');
    const coordinator = start([...GRID, '--queue', url, '--out', out]);
    await w.waitFor(/running trial/);
    w.kill('SIGINT');
    assert.equal(await w.exited, 0, w.text);
    assert.match(w.text, /SIGINT: handing back the jobs in progress and stopping/);
    assert.match(w.text, /handed back trial [0-9a-f]{16} to the queue/);
    assert.ok(!/trainings go to the queue/.test(w.text), 'the coordinator\'s line, printed by a worker');
    assert.match(coordinator.text, /trainings go to the queue at redis:\/\/127\.0\.0\.1:\d+\/0/);
    const next = worker();
    assert.equal(await coordinator.exited, 0, coordinator.text);
    assertSameAsLocal(out);
    next.kill('SIGKILL');
  });

  it('a coordinator whose Redis stays away says what is saved and the command that continues, as Ctrl-C does', async () => {
    const own = await startRedis(PASSWORD);
    const w = start(['worker', '--queue', own.url, '--concurrency', '1', '--backend', 'wasm', '--lock-duration', '2']);
    await w.waitFor(/taking jobs/);
    const out = await tmpDir('queue-gone');
    const coordinator = new Proc([...GRID, '--queue', own.url, '--out', out], { AUTOFLOOD_QUEUE_RECONNECT_S: '3' });
    procs.push(coordinator);
    await until(() => { try { return readLog(out).length >= 1; } catch { return false; } }, 60_000, 'a first trial logged');
    own.stop();
    const started = Date.now();
    assert.equal(await coordinator.exited, 1, coordinator.text);
    assert.ok(Date.now() - started < 30_000, 'it gave up in about the reconnect window');
    assert.match(coordinator.text, /autoflood: stopped; \d+ trainings? saved in /);
    assert.match(coordinator.text, new RegExp(`to continue: autoflood grid .*--queue 'redis://\\*\\*\\*@127\\.0\\.0\\.1:${own.port}/0'.* --resume`));
    assert.ok(!coordinator.text.includes(PASSWORD), 'the password is in the hint');
    w.kill('SIGKILL');
  });

  it('soak: a tune through the queue with 2 workers, its coordinator and workers killed at random points and restarted, ends with every trial once and the local numbers', { timeout: 240_000 }, async () => {
    const args = ['tune', '--dataset', 'two-gaussians', '--noise', '0.1', '--epochs', '120', '--method', 'grid,sh,rule,none', '--levels', '0,0.1,0.2,0.3', '--seeds', '2', ...TINY_FLAGS];
    const reference = await tmpDir('queue-soak-ref');
    const local = start([...args, '--workers', '2', '--out', reference]);
    assert.equal(await local.exited, 0, local.text);
    const expected = new Map(readLog(reference).map((r) => [r.id, numbers(r)]));
    const out = await tmpDir('queue-soak');
    const rng = new Rng(20);
    const workers = [worker(), worker()];
    let coordinator = start([...args, '--queue', url, '--out', out]);
    let kills = 0;
    for (let round = 0; round < 6 && coordinator.child.exitCode === null; round++) {
      await new Promise((r) => setTimeout(r, 1000 + 3000 * rng.uniform()));
      if (coordinator.child.exitCode !== null) break;
      const victim = Math.floor(3 * rng.uniform()); // 0: the coordinator, 1 or 2: a worker
      if (victim === 0) {
        coordinator.kill('SIGKILL');
        await coordinator.exited;
        coordinator = start([...args, '--queue', url, '--out', out, '--resume']);
      } else {
        workers[victim - 1].kill('SIGKILL');
        await workers[victim - 1].exited;
        workers[victim - 1] = worker();
      }
      kills++;
    }
    assert.equal(await coordinator.exited, 0, coordinator.text);
    assert.ok(kills >= 3, `only ${kills} kills before the run ended: make the run longer`);
    const logged = readLog(out);
    assert.deepEqual(logged.map((r) => r.id).sort(), [...expected.keys()].sort(), 'every trial once');
    for (const r of logged) assert.equal(numbers(r), expected.get(r.id), `trial ${r.id} differs from the local run's`);
    for (const w of workers) w.kill('SIGKILL');
  });

  it('a failing trial is tried ATTEMPTS times, then the run stops naming the worker, the trial and the message; other formats are refused', async () => {
    const w = worker();
    await w.waitFor(/taking jobs/);
    const missing = path.join(await tmpDir('queue-c'), 'absent.csv');
    const base = tinyConfig({ dataset: `csv:${missing}` });
    const runner = await QueueRunner.open(url);
    await assert.rejects(
      runGrid({ base, levels: [0], seeds: [0], out: await tmpDir('queue-c'), runner }).finally(() => runner.close()),
      (err: Error) => /^trial [0-9a-f]{16}: queue job trial-[0-9a-f]{16} failed 3 times at redis:\/\/127\.0\.0\.1:\d+\/0, the last on worker \S+ pid \d+: .*absent\.csv/.test(err.message) || assert.fail(err.message),
    );
    const queue = queueAt(url);
    try {
      const job = await queue.add('trial', { format: 99, kind: 'trial', job: { id: 'x' } }, { jobId: 'trial-from-the-future' });
      await until(async () => (await job.getState()) === 'failed', 20_000, 'the worker to refuse the job');
      const refused = await queue.getJob('trial-from-the-future');
      assert.match(refused?.failedReason ?? '', /job data has format 99; this autoflood understands format 1/);
      assert.equal(refused?.attemptsMade, 1, 'refused without retries');
      await refused?.remove();
    } finally {
      await queue.close();
    }
    w.kill('SIGKILL');
  });

  it('an unreachable Redis, a wrong or a missing password fail within seconds, naming host and port and what Redis said, never the password', async () => {
    const closed = await freePort();
    const where = `127.0.0.1:${parseQueueUrl(url).port}`;
    const cases = [
      { url: `redis://:hunter2@127.0.0.1:${closed}`, said: `cannot reach Redis at 127\\.0\\.0\\.1:${closed}`, secret: 'hunter2' },
      { url: url.replace(PASSWORD, 'wrong-pw-41'), said: `authentication failed at Redis ${where.replace(/\./g, '\\.')} .*: the password \\(or user\\) in the URL is not the one it has \\(Redis answered WRONGPASS\\)`, secret: 'wrong-pw-41' },
      { url: url.replace(`:${PASSWORD}@`, ''), said: `authentication failed at Redis ${where.replace(/\./g, '\\.')} .*: it needs a password and the URL gives none \\(Redis answered NOAUTH\\)`, secret: PASSWORD },
    ];
    for (const c of cases) {
      const out = await tmpDir('queue-d');
      const started = Date.now();
      const p = start([...GRID, '--queue', c.url, '--out', out]);
      assert.equal(await p.exited, 1, p.text);
      assert.ok(Date.now() - started < 20_000, 'failed slowly');
      assert.match(p.text, new RegExp(`--queue: ${c.said}`));
      assert.ok(!p.text.includes(c.secret), `the password is in the output:\n${p.text}`);
      for (const text of filesOf(out)) assert.ok(!text.includes(c.secret), 'the password is in the run folder');
    }
    const bad = start(['grid', '--queue', 'http://:hunter2@somewhere', '--levels', '0']);
    assert.equal(await bad.exited, 2);
    assert.match(bad.text, /--queue: .*redis:\/\//);
    assert.ok(!bad.text.includes('hunter2'));
    assert.deepEqual(parseQueueUrl('rediss://:p%40ss@h.example:6380/3'), { host: 'h.example', port: 6380, db: 3, tls: true, password: 'p@ss' });
  });
});
