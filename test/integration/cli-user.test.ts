/**
 * The command line as a new user meets it, run as a real process: starts that fail leave no
 * folder, CSV labels by name, Ctrl-C under a terminal (restored, exit 130, a resume command that
 * works), refused resumes, and the help of every command.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CIFAR_TEST_FILE, CIFAR_TRAIN_FILES } from '../../src/data/cifar10.js';
import { TINY_FLAGS, tmpDir, writeCifarBinary } from '../helpers.js';

const BIN = path.resolve('bin/autoflood.mjs');
/** Runs the bin on the TypeScript sources (no build needed). */
const NODE_ARGS = ['--conditions=autoflood-source', '--import', 'tsx', BIN];

interface Outcome {
  code: number;
  stderr: string;
}

async function autoflood(args: string[]): Promise<Outcome> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, [...NODE_ARGS, ...args], { timeout: 120_000 });
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

const tmp = () => tmpDir('cli-user');

/** A CSV of three well-separated classes named by strings, in a temporary folder. */
async function speciesCsv(): Promise<string> {
  const file = path.join(await tmp(), 'flowers.csv');
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = Array.from({ length: 150 }, (_, i) => {
    const c = i % 3;
    return `${(c + 0.1 * Math.sin(i)).toFixed(3)},${(2 * c + 0.1 * Math.cos(i)).toFixed(3)},"${names[c]}"`;
  });
  await writeFile(file, `petal,sepal,species\n${rows.join('\n')}\n`);
  return file;
}

describe('a start that fails names the flag and leaves no run folder', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['an unknown dataset', async () => ['grid', '--dataset', 'imagenet'], /^autoflood: error: --dataset: expected one of .*got "imagenet"$/m],
    ['a label column on a dataset without columns', async () => ['train', '--label-column', 'y'], /--label-column: only csv:<path> datasets/],
    ['a CSV whose label column is continuous', async () => {
      const file = path.join(await tmp(), 'prices.csv');
      const rows = Array.from({ length: 100 }, (_, i) => `${i % 7},${(i * 1.37) % 5},${(10 + i * 0.731).toFixed(2)}`);
      await writeFile(file, `a,b,price\n${rows.join('\n')}\n`);
      return ['train', '--dataset', `csv:${file}`];
    }, /column 2 \("price"\), the label column, looks continuous \(100 distinct numbers in 100 rows.*--label-column/],
    ['a CSV with a ragged row', async () => {
      const file = path.join(await tmp(), 'bad.csv');
      await writeFile(file, 'a,b,label\n1,2,x\n3,y\n');
      return ['tune', '--dataset', `csv:${file}`, '--method', 'none'];
    }, /--dataset: .*bad\.csv: line 3 has 2 columns, expected 3/],
    ['a truncated CIFAR-10 folder', async () => {
      const dir = await tmp();
      for (const f of [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE]) await writeCifarBinary(path.join(dir, f), [1, 2], new Uint8Array(2 * 3072));
      await appendFile(path.join(dir, CIFAR_TEST_FILE), Buffer.from([7, 7, 7]));
      return ['tune', '--dataset', 'cifar10', '--data-dir', dir, '--method', 'none'];
    }, /--data-dir: .*test_batch\.bin/],
    ['a corrupt agent file', async () => {
      const file = path.join(await tmp(), 'agent.json');
      await writeFile(file, '{"kind": "flood-agent", ');
      return ['tune', '--method', 'agent', '--agent', file];
    }, /^autoflood: error: --agent: cannot read .*agent\.json/m],
    ['a CSV file that is not there', async () => ['grid', '--dataset', 'csv:/nonexistent/data.csv'], /--dataset: \/nonexistent\/data\.csv: cannot read \(no such file\)$/m],
    ['an agent file that is not there', async () => ['tune', '--method', 'agent', '--agent', '/nonexistent/agent.json'], /--agent: no such file: \/nonexistent\/agent\.json$/m],
    ['augmentation of tabular data', async () => ['grid', '--augment', 'true'], /--augment: random crops and flips need images; two-gaussians has features of shape \[10\]/],
    ['a ResNet on tabular data', async () => ['train', '--model', 'resnet'], /--model resnet: a ResNet needs images .*shape \[10\] \(use --model mlp\)/],
    ['an out folder inside a file', async () => {
      const file = path.join(await tmp(), 'a-file');
      await writeFile(file, '');
      return ['train', '--out', path.join(file, 'run')];
    }, /--out: .*a-file is a file, so .* cannot be made in it/],
  ];
  for (const [name, argsOf, pattern] of cases) {
    it(name, async () => {
      const out = path.join(await tmp(), 'run');
      const args = await argsOf();
      const r = await autoflood([...args, ...TINY_FLAGS, '--epochs', '2', ...(args.includes('--out') ? [] : ['--out', out])]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\b(name|trainSize|model\.kind|labelColumn): |trial [0-9a-f]{16}|ENOTDIR|ENOENT/);
      assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr); // the error and the hint to --help
      assert.equal(existsSync(out), false, 'no run folder');
    });
  }

  it('a start that fails after the folder was made removes it, but never a folder that was there before', async () => {
    const out = path.join(await tmp(), 'grid');
    const grid = ['grid', '--levels', '0', '--epochs', '1', ...TINY_FLAGS, '--out', out];
    const unreachable = ['--queue', 'redis://127.0.0.1:9'];
    const failed = await autoflood([...grid, ...unreachable]);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /--queue: cannot reach Redis/);
    assert.equal(existsSync(out), false, 'the folder this start made is gone');
    await mkdir(out);
    assert.equal((await autoflood([...grid, ...unreachable])).code, 1);
    assert.ok(existsSync(out), 'a folder that was there before stays');
    assert.equal((await autoflood([...grid, '--resume'])).code, 0);
    assert.equal((await autoflood([...grid, '--resume', ...unreachable])).code, 1);
    assert.equal(savedLines(path.join(out, 'trials.jsonl')), 1, 'a resumed run that fails keeps its trainings');
  });

  it('warns when the flood level is above the loss of a uniform guess', async () => {
    const r = await autoflood(['train', '--flood', '1000', ...TINY_FLAGS, '--epochs', '1', '--out', path.join(await tmp(), 'run')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warn --flood 1000 is above ln\(2 classes\) = 0\.693 nats/);
  });
});

describe('CSV labels by name', () => {
  it('trains a grid end to end on string labels, saving and reporting the class names and the resolved config', async () => {
    const file = await speciesCsv();
    const out = path.join(await tmp(), 'grid');
    const r = await autoflood(['grid', '--dataset', `csv:${file}`, '--levels', '0,0.2', '--epochs', '3', '--depth', '2', '--width', '16', '--backend', 'wasm', '--workers', '1', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(await readFile(path.join(out, 'data.json'), 'utf8'));
    assert.deepEqual(data.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(data.sizes, { train: 90, val: 30, test: 30 });
    assert.equal(data.backend, 'wasm');
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.base.trainSize, config.base.valSize, config.base.testSize], [90, 30, 30]);
    assert.deepEqual([config.base.model, config.base.depth, config.base.width], ['mlp', 2, 16]);
    const report = await readFile(path.join(out, 'report.md'), 'utf8');
    assert.match(report, /\| 0 \| setosa \|\n\| 1 \| versicolor \|\n\| 2 \| virginica \|/);
    const trials = (await readFile(path.join(out, 'trials.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(trials.length, 2);
    assert.ok(trials.every((t) => t.classes === 3));
  });

  it('a train run records its resolved sizes, model and backend, not the zeros meaning "default"', async () => {
    const out = path.join(await tmp(), 'run');
    const r = await autoflood(['train', '--epochs', '1', '--backend', 'wasm', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual([config.trainSize, config.valSize, config.testSize, config.model, config.depth, config.width], [1000, 100, 20000, 'mlp', 4, 500]);
    assert.equal(config.backend, 'wasm');
  });
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * Runs the CLI under a pseudo-terminal (util-linux `script`), types Ctrl-C once `ready()` holds,
 * and returns the exit code and everything written to the terminal.
 */
function interruptUnderTerminal(args: string[], ready: () => boolean): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, ...NODE_ARGS, ...args].map((w) => `'${w}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const poll = setInterval(() => {
    if (ready()) {
      clearInterval(poll);
      child.stdin.write('\x03');
    }
  }, 200);
  return new Promise((resolve) => child.on('close', (code) => {
    clearInterval(poll);
    resolve({ code, output });
  }));
}

const savedLines = (file: string) => (existsSync(file) ? execFileSync('cat', [file]).toString().trim().split('\n').filter((l) => l !== '').length : 0);

describe('Ctrl-C on a terminal', { skip: hasScript ? false : 'util-linux script is not installed' }, () => {
  it('restores the terminal, says what is saved and how to continue, exits 130; the printed command finishes the run', async () => {
    const out = path.join(await tmp(), 'grid');
    const args = ['grid', '--levels', '0:0.5:0.1', '--seeds', '2', '--epochs', '20', ...TINY_FLAGS, '--workers', '1', '--out', out];
    const r = await interruptUnderTerminal(args, () => savedLines(path.join(out, 'trials.jsonl')) >= 2);
    assert.equal(r.code, 130, r.output);
    assert.ok(r.output.includes('\x1b[?25h'), 'the cursor is shown again');
    assert.ok(r.output.includes('\x1b[?7h'), 'line wrapping is on again');
    const saved = /interrupted; (\d+) trainings saved in (\S+)/.exec(r.output);
    assert.ok(saved !== null, r.output);
    assert.ok(Number(saved[1]) >= 2 && Number(saved[1]) < 12);
    assert.equal(Number(saved[1]), savedLines(path.join(out, 'trials.jsonl')));
    const hint = /to continue: autoflood (.*?)\r?\n/.exec(r.output);
    assert.ok(hint !== null, r.output);
    assert.equal(hint[1], [...args, '--resume'].join(' '));
    const resumed = await autoflood(hint[1].split(' '));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`${12 - Number(saved[1])} trainings run now`));
    assert.equal(savedLines(path.join(out, 'trials.jsonl')), 12);
  });

  it('train-agent: interrupted, then a resume with other options is refused naming them', async () => {
    const out = path.join(await tmp(), 'agent');
    const args = ['train-agent', '--design', 'steps', '--generations', '2', '--tasks-per-generation', '1', '--population', '2', '--workers', '1', '--backend', 'wasm', '--out', out];
    const r = await interruptUnderTerminal(args, () => existsSync(path.join(out, 'config.json')));
    assert.equal(r.code, 130, r.output);
    assert.match(r.output, /to continue: autoflood train-agent .* --resume/);
    const other = await autoflood([...args.map((a) => (a === '2' ? '3' : a)), '--resume']);
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /resume: .* was started with other options \(.*generations.* differ\)/);
  });
});

describe('help', () => {
  it('an unknown flag is a usage error: exit 2, one line and the hint to --help', async () => {
    const r = await autoflood(['train', '--xyzzy', '-1']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "error: unknown option '--xyzzy'\n(see autoflood train --help)\n");
  });

  for (const command of [['train'], ['grid'], ['tune'], ['train-agent'], ['evaluate-agent'], ['fit-rule'], ['reproduce', 'synthetic'], ['reproduce', 'benchmark'], ['report'], ['data', 'fetch'], ['suggest'], ['serve'], ['worker']]) {
    it(`${command.join(' ')} --help shows an example and each default once`, async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [...NODE_ARGS, ...command, '--help']);
      assert.match(stdout, /\nExample:\n {2}autoflood /);
      for (const line of stdout.split('\n')) assert.ok((line.match(/\(default/g) ?? []).length <= 1, line);
    });
  }
});
