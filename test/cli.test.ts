import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve('bin/autoflood.mjs');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function autoflood(args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const tmp = () => mkdtemp(path.join(tmpdir(), 'autoflood-cli-'));
const SMALL = ['--train-size', '200', '--val-size', '100', '--test-size', '400', '--depth', '2', '--width', '32', '--backend', 'wasm'];

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
    for (const key of ['dataset', 'noise', 'seed', 'backend', 'epochs', 'floodLevel', 'last', 'bestVal', 'wallSeconds']) {
      assert.ok(key in a, `summary.json lacks ${key}`);
    }
    for (const key of ['epoch', 'valAcc', 'testAcc', 'testAccClean', 'testLoss']) assert.ok(key in a.last, `last lacks ${key}`);
    assert.deepEqual(a.last, b.last);
    assert.deepEqual(a.bestVal, b.bestVal);
  });
});

describe('bad input exits non-zero naming the problem', () => {
  const cases: [string, string[], RegExp][] = [
    ['negative flood level', ['train', '--flood', '-0.1', ...SMALL], /flood: must be a finite number >= 0/],
    ['unknown dataset', ['train', '--dataset', 'imagenet', ...SMALL], /imagenet/],
    ['noise out of range', ['train', '--noise', '1.5', ...SMALL], /noise/],
    ['missing CIFAR-10 directory', ['train', '--dataset', 'cifar10', '--data-dir', '/nonexistent/cifar', ...SMALL], /\/nonexistent\/cifar/],
    ['unknown backend', ['train', '--backend', 'tpu'], /backend/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => {
      const r = await autoflood(args);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, pattern);
    });
  }

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
