/**
 * Faults a new user hit (issue 20), each as the user met it: two runs on one folder, CSV memory
 * per worker thread, run folders where none can be made, runs that cannot mean anything, and
 * counts that were off by one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readCsv } from '../../src/data/csv.js';
import { datasetOptionsOf } from '../../src/train/train.js';
import { loadDataset } from '../../src/data/index.js';
import { WorkerPool } from '../../src/trials/pool.js';
import { makeTrial } from '../../src/trials/trial.js';
import { CLI, runCli, TINY_FLAGS, tinyConfig, tmpDir } from '../helpers.js';

const tmp = () => tmpDir('faults');
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');

describe('one run per folder', () => {
  it('a second command on a folder in use is refused at once, naming the holder, and writes nothing there; the first ends with every training once', async () => {
    const out = path.join(await tmp(), 'run');
    const args = ['grid', '--dataset', 'two-gaussians', '--noise', '0.1', '--levels', '0,0.1,0.2,0.3', '--seeds', '2', '--epochs', '150', ...TINY_FLAGS, '--workers', '1', '--out', out];
    const first = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let firstText = '';
    first.stderr.on('data', (d: Buffer) => (firstText += d.toString()));
    const firstExit = new Promise<number | null>((resolve) => first.once('exit', resolve));
    // Once the first has logged a training, a resume of the same run starts beside it.
    const log = path.join(out, 'trials.jsonl');
    for (const start = Date.now(); !(existsSync(log) && lines(log).length >= 1); ) {
      if (Date.now() - start > 60_000) throw new Error(`the first run logged nothing: ${firstText}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await runCli([...args, '--resume']);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`--out: .*run is in use by pid ${first.pid} on this host since .*; one run per folder at a time`));
    // Another command replacing the run (--overwrite) is refused before it writes anything there.
    const data = readFileSync(path.join(out, 'data.json'), 'utf8');
    const third = await runCli(['train', '--dataset', 'spiral', '--epochs', '2', ...TINY_FLAGS, '--out', out, '--overwrite']);
    assert.equal(third.code, 1, third.stderr);
    assert.match(third.stderr, new RegExp(`run is in use by pid ${first.pid}`));
    assert.equal(readFileSync(path.join(out, 'data.json'), 'utf8'), data, 'the first run\'s data.json untouched');
    assert.equal(await firstExit, 0, firstText);
    const ids = lines(log).map((l) => JSON.parse(l).id as string);
    assert.equal(ids.length, 8, 'each of the 8 trainings logged');
    assert.equal(new Set(ids).size, 8, 'none twice');
    assert.ok(!existsSync(path.join(out, 'run.lock')), 'the lock is gone with its holder');
  });
});

describe('CSV data and worker threads', () => {
  it('a CSV parsed in the main thread reaches the workers as shared memory: they do not read the file again', async () => {
    const file = path.join(await tmp(), 'points.csv');
    const rows = Array.from({ length: 300 }, (_, i) => `${Math.sin(i).toFixed(4)},${Math.cos(3 * i).toFixed(4)},${i % 3 === 0 ? 'a' : 'b'}`);
    await writeFile(file, `u,v,label\n${rows.join('\n')}\n`);
    const when = new Date('2026-01-01T00:00:00Z'); // a whole second, which utimes can set again exactly
    await utimes(file, when, when);
    const config = tinyConfig({ dataset: `csv:${file}`, trainSize: 0, valSize: 0, testSize: 0, epochs: 2 });
    await loadDataset(datasetOptionsOf(config)); // as the command line does before it starts the workers
    const table = await readCsv(file);
    assert.ok(table.x.buffer instanceof SharedArrayBuffer && table.y.buffer instanceof SharedArrayBuffer);
    // The file now holds garbage of the same size and time: a worker that parsed it would fail.
    const { size } = statSync(file);
    await writeFile(file, 'x'.repeat(size));
    await utimes(file, when, when);
    const pool = new WorkerPool({ workers: 2, backend: 'wasm' });
    try {
      const outputs = await pool.run([makeTrial(config), makeTrial({ ...config, flood: 0.1 })]);
      assert.equal(outputs.length, 2);
      for (const o of outputs) assert.equal(o.history.length, 2);
    } finally {
      await pool.close();
    }
  });
});

describe('runs that cannot mean anything are refused before they start', () => {
  it('--out on the kernel\'s file systems names --out at once (it used to hang, or print a raw EPERM)', async () => {
    for (const [out, system] of [['/proc/autoflood-x', 'proc'], ['/sys/kernel/autoflood-x', 'sysfs']]) {
      const started = Date.now();
      const r = await runCli(['train', '--epochs', '1', '--out', out]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`--out: .* is on the kernel's ${system} file system, where no run folder can be made`));
      assert.ok(Date.now() - started < 30_000);
    }
  });

  it('--epochs 1e9 is refused; a CSV whose training split lacks a class is refused naming the class', async () => {
    const epochs = await runCli(['train', '--epochs', '1e9']);
    assert.equal(epochs.code, 2);
    assert.match(epochs.stderr, /--epochs: expected an integer from 1 to 100000, got "1e9"/);
    const file = path.join(await tmp(), 'five.csv');
    await writeFile(file, 'x,label\n1,a\n2,b\n3,c\n4,d\n5,e\n');
    const r = await runCli(['train', '--dataset', `csv:${file}`, '--epochs', '1', '--out', path.join(await tmp(), 'five')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--dataset: class \d \("[a-e]"\), class \d \("[a-e]"\) of 5 classes have no training example \(3 training, 1 validation and 1 test examples\)/);
  });
});

describe('counts', () => {
  it('grid counts its warm-up among the trainings it ran', async () => {
    const out = path.join(await tmp(), 'grid');
    const r = await runCli(['grid', '--dataset', 'two-gaussians', '--noise', '0.1', '--epochs', '5', ...TINY_FLAGS, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const trained = lines(path.join(out, 'trials.jsonl')).length;
    assert.equal(trained, 12, 'the warm-up and 11 levels');
    assert.match(r.stderr, new RegExp(`; ${trained} trainings run now`));
  });
});
