/**
 * The package as a user gets it: `npm pack`, installed into a scratch project without network,
 * used from plain `node` (no tsx, no TypeScript): the library, the README's own-loop example and
 * the `autoflood` bin, whose trials run on worker threads from the compiled files.
 *
 * Offline install: the scratch project's lockfile lists the tarball and this repo's locked
 * production dependencies, with their registry tarball URLs, so `npm ci --offline` takes every
 * tarball from the npm cache that the repo's own `npm ci` filled.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tmpDir } from '../helpers.js';

const run = promisify(execFile);
const REPO = path.resolve('.');
const EXAMPLE = 'examples/own-loop.mjs';

interface PackResult {
  filename: string;
  integrity: string;
  files: { path: string }[];
}

interface LockEntry {
  name?: string;
  version: string;
  dev?: boolean;
  [field: string]: unknown;
}

/** Packs the repo (its `prepare` script builds dist/ first) into `dir`. */
async function pack(dir: string): Promise<PackResult> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, maxBuffer: 1 << 24 });
  return (JSON.parse(stdout.slice(stdout.indexOf('['))) as PackResult[])[0];
}

/**
 * A scratch project that depends on the tarball and on @tensorflow/tfjs (as the README says), with
 * a lockfile made of this repo's production entries, so that nothing needs the registry.
 */
async function scratchProject(dir: string, tarball: string, packed: PackResult): Promise<void> {
  const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8'));
  const lock = JSON.parse(await readFile(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const registry = (process.env.npm_config_registry ?? 'https://registry.npmjs.org/').replace(/\/?$/, '/');
  const tarballOf = (name: string, version: string) => `${registry}${name}/-/${name.split('/').pop()}-${version}.tgz`;
  const dependencies = { autoflood: `file:${tarball}`, '@tensorflow/tfjs': pkg.dependencies['@tensorflow/tfjs'] };
  const packages: Record<string, unknown> = { '': { name: 'scratch', dependencies } };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev) continue;
    const name = entry.name ?? key.split('node_modules/').pop()!;
    packages[key] = { resolved: tarballOf(name, entry.version), ...entry };
  }
  packages['node_modules/autoflood'] = {
    version: pkg.version, resolved: `file:${tarball}`, integrity: packed.integrity, license: pkg.license,
    dependencies: pkg.dependencies, optionalDependencies: pkg.optionalDependencies, bin: pkg.bin, engines: pkg.engines,
  };
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies }, null, 2));
  await writeFile(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'scratch', lockfileVersion: 3, requires: true, packages }, null, 2));
  // Without the native tfjs backends (they download libtensorflow at install): wasm runs.
  await run('npm', ['ci', '--offline', '--omit=optional', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 1 << 24 });
}

describe('the packed package, installed and used without TypeScript', { timeout: 120_000 }, () => {
  let packed: PackResult;
  let app: string;
  const node = (args: string[]) => run(process.execPath, args, { cwd: app, timeout: 60_000 });

  before(async () => {
    const packDir = await tmpDir('pack');
    app = await tmpDir('app');
    packed = await pack(packDir);
    await scratchProject(app, path.join(packDir, packed.filename), packed);
  });

  it('ships the build, the agents, the task distributions, README and LICENSE, and no tests, benches, CI or sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const needed of ['LICENSE', 'README.md', 'package.json', 'bin/autoflood.mjs', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/trials/worker.js', 'agents/default-agent.json', 'agents/steps-agent.json', 'agents/default-rule.json', 'envs/broad.json', 'envs/fashion-mnist-heldout.json', 'envs/synthetic-heldout.json', 'envs/digits-heldout.json']) {
      assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
    }
    const unwanted = files.filter((f) => /^(test|bench|\.ci|runs|src|examples|docs|results)\//.test(f) || /^(agents|envs)\/.*\.(?!json$|md$)[^.]+$/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    assert.deepEqual(unwanted, []);
  });

  it('imports under plain node, without tsx installed, and floods a loss', async () => {
    assert.equal(existsSync(path.join(app, 'node_modules', 'tsx')), false, 'tsx is a dev dependency only');
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { flood, iflood } from 'autoflood';
      console.log(import.meta.resolve('autoflood'));
      console.log(flood(tf.scalar(0.1), 0.3).arraySync(), iflood(tf.tensor1d([0.1, 0.5]), 0.3).arraySync());`;
    const { stdout } = await node(['--input-type=module', '-e', script]);
    const [resolved, values] = stdout.trim().split('\n');
    assert.match(resolved, /node_modules\/autoflood\/dist\/src\/index\.js$/);
    const [flooded, perSample] = values.split(' ').map(Number);
    assert.ok(Math.abs(flooded - 0.5) < 1e-6, `|0.1 - 0.3| + 0.3 = 0.5, got ${flooded}`);
    assert.ok(Math.abs(perSample - 0.5) < 1e-6, `mean(|0.1 - 0.3| + 0.3, |0.5 - 0.3| + 0.3) = 0.5, got ${perSample}`);
  });

  it("runs the README's own-loop example: a run without flooding, then the shipped agent's level for a second", async () => {
    const code = await readFile(path.join(REPO, EXAMPLE), 'utf8');
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    assert.ok(readme.includes(code), `README.md shows ${EXAMPLE} verbatim`);
    await copyFile(path.join(REPO, EXAMPLE), path.join(app, 'own-loop.mjs'));
    const { stdout } = await node(['own-loop.mjs', '10']);
    const runs = [...stdout.matchAll(/^run (\d) b ([\d.]+) .*val acc ([\d.]+)$/gm)].map((m) => ({ b: Number(m[2]), valAcc: Number(m[3]) }));
    assert.equal(runs.length, 2, stdout);
    assert.equal(runs[0].b, 0, 'the first run does not flood');
    assert.ok(runs[1].b > 0, `the agent floods the second run of a task that memorises noise, got b = ${runs[1].b}`);
    const kept = Number(/^keep b = ([\d.]+)$/m.exec(stdout)?.[1]);
    assert.equal(kept, runs[1].valAcc > runs[0].valAcc ? runs[1].b : 0);
  });

  it('installs the autoflood bin: --version, and a tune whose trials run on workers from dist/', async () => {
    const bin = path.join(app, 'node_modules', '.bin', 'autoflood');
    const { stdout } = await run(bin, ['--version'], { cwd: app });
    assert.equal(stdout.trim(), JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')).version);
    const out = path.join(app, 'tune');
    const tiny = ['--seeds', '1', '--epochs', '3', '--train-size', '100', '--val-size', '50', '--test-size', '50', '--depth', '1', '--width', '10', '--workers', '1'];
    await run(bin, ['tune', '--method', 'agent', ...tiny, '--out', out], { cwd: app, timeout: 60_000 });
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.kind, 'tune');
    assert.deepEqual(summary.methods.map((m: { method: string }) => m.method), ['agent']);
  });
});
