import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { TINY_FLAGS, tmpDir } from '../helpers.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/autoflood.mjs');
/** Runs the bin on the TypeScript sources (no build needed; test/package.test.ts runs the built one). */
const FROM_SOURCE = ['--conditions=autoflood-source', '--import', 'tsx'];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function autoflood(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...FROM_SOURCE, BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const tmp = () => tmpDir('cli');
const SMALL = TINY_FLAGS;

describe('autoflood train', () => {
  it('writes config.json, metrics.jsonl and summary.json, and repeats exactly', async () => {
    const dirs = [await tmp(), await tmp()];
    const summaries = [];
    for (const out of dirs) {
      const r = await autoflood(['train', '--dataset', 'two-gaussians', '--noise', '0.1', '--flood', '0.3', '--epochs', '4', ...SMALL, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /backend: wasm/);
      const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
      assert.equal(config.flood, 0.3);
      const lines = (await readFile(path.join(out, 'metrics.jsonl'), 'utf8')).trim().split('\n');
      assert.equal(lines.length, 4);
      const epoch = JSON.parse(lines[0]);
      for (const key of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'valAccClean', 'floodedFraction', 'floodLevel', 'wallSeconds']) {
        assert.ok(key in epoch, `metrics.jsonl lacks ${key}`);
      }
      summaries.push(JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')));
    }
    const [a, b] = summaries;
    assert.equal(a.kind, 'train');
    assert.equal(a.controller, 'constant');
    assert.equal(a.lastFloodLevel, 0.3);
    for (const key of ['dataset', 'noise', 'seed', 'backend', 'epochs', 'last', 'bestVal', 'wallSeconds']) {
      assert.ok(key in a, `summary.json lacks ${key}`);
    }
    for (const key of ['epoch', 'valAcc', 'testAcc', 'testAccClean', 'testLoss']) assert.ok(key in a.last, `last lacks ${key}`);
    assert.deepEqual(a.last, b.last);
    assert.deepEqual(a.bestVal, b.bestVal);
  });
});

describe('bad input exits non-zero naming the problem', () => {
  const cases: [string, string[], RegExp][] = [
    ['negative flood level', ['train', '--flood', '-0.1', ...SMALL], /--flood: expected a number >= 0, got "-0\.1"/],
    ['unknown dataset', ['train', '--dataset', 'imagenet', ...SMALL], /imagenet/],
    ['noise out of range', ['train', '--noise', '1.5', ...SMALL], /noise/],
    ['missing CIFAR-10 directory', ['train', '--dataset', 'cifar10', '--data-dir', '/nonexistent/cifar', ...SMALL], /\/nonexistent\/cifar/],
    ['unknown backend', ['train', '--backend', 'tpu'], /--backend: expected one of auto, node-gpu, node, wasm, cpu, got "tpu"/],
    ['a search spread that is not a number', ['train-agent', '--std', 'abc'], /--std: expected a number > 0, got "abc"\n\(see autoflood train-agent --help\)/],
    ['a negative population', ['train-agent', '--population', '-1'], /--population: expected an integer from 2 to 1000, got "-1"/],
    ['a rung minimum longer than the run', ['tune', '--epochs', '5', '--min-epochs', '9', '--method', 'sh', ...SMALL], /--min-epochs: expected at most the run's 5 epochs, got 9/],
    ['an unknown dataset for a search, before any folder', ['tune', '--dataset', 'imagenet', ...SMALL], /--dataset: expected one of two-gaussians, .*got "imagenet"/],
    ['an empty level in a list', ['grid', '--levels', '0,,0.3'], /--levels: expected start:stop:step or numbers separated by commas, got "0,,0\.3"/],
    ['a level grid too large to be meant', ['tune', '--levels', '0:1e9:1e-9'], /--levels: .*at most 1000/],
    ['repeated seeds', ['grid', '--seeds', '1,1'], /--seeds: expected a count n/],
    ['augment that is not a boolean', ['train', '--augment', 'maybe'], /--augment: expected true or false, got "maybe"/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => {
      const r = await autoflood(args);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, pattern);
    });
  }

  it('help piped into a reader that stops early (| head) ends quietly', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [...FROM_SOURCE, BIN, 'tune', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.stdout.destroy(); // the reader is gone before the first line is written
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', 'no EPIPE stack trace');
    assert.equal(code, 0);
  });

  it('usage errors exit 2 and print one line and a hint, not the whole help', async () => {
    const r = await autoflood(['grid', '--epochs', 'ten']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
    // A value a kind refuses with its own reason still names the flag.
    const levels = await autoflood(['grid', '--levels', '0:0.5']);
    assert.equal(levels.code, 2);
    assert.match(levels.stderr, /^autoflood: error: --levels: expected start:stop:step, got "0:0\.5"\n\(see autoflood grid --help\)\n$/);
  });

  it('refuses to resume a tune run with other options, naming them, and refuses an existing train run', async () => {
    const out = await tmp();
    const tune = ['tune', '--dataset', 'two-gaussians', '--method', 'none', ...SMALL, '--out', out, '--workers', '1'];
    assert.equal((await autoflood([...tune, '--epochs', '2'])).code, 0);
    const again = await autoflood([...tune, '--epochs', '3', '--resume']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /resume: .* other options \(config\.epochs differ\)/);
    assert.doesNotMatch(again.stderr, /to continue/, 'a refused resume does not advise running itself again');
    const run = path.join(await tmp(), 'run');
    const train = ['train', '--epochs', '1', ...SMALL, '--out', run];
    assert.equal((await autoflood(train)).code, 0);
    assert.match((await autoflood(train)).stderr, /already holds a run; choose another --out or pass --overwrite/);
    assert.equal((await autoflood([...train, '--overwrite'])).code, 0);
  });

  it('leaves no run folder behind when the data cannot be loaded', async () => {
    const out = path.join(await tmp(), 'run');
    const r = await autoflood(['train', '--dataset', 'cifar10', '--data-dir', '/nonexistent/cifar', ...SMALL, '--out', out]);
    assert.notEqual(r.code, 0);
    assert.equal(existsSync(out), false);
  });

  it('corrupt IDX file', async () => {
    const dir = await tmp();
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      await writeFile(path.join(dir, f), Buffer.from([0, 0, 8, 3, 0, 0, 0, 9]));
    }
    const r = await autoflood(['train', '--dataset', 'mnist', '--data-dir', dir, ...SMALL]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(dir.replace(/[/\\.]/g, '\\$&')));
  });
});
