/**
 * Dependencies point one way, from the bottom up. Every source file belongs to a layer; a file
 * may import only from its own layer or lower ones. A new file must be given a layer here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/** Layers, lowest first: [name, path prefixes (relative to the repo root)]. */
const LAYERS: [string, string[]][] = [
  ['base: data, models, backends, flooding, utilities', ['src/flood.ts', 'src/data/', 'src/models/', 'src/backend/', 'src/util/']],
  ['the training loop and its plain controllers', ['src/train/']],
  ['controllers that learn or adapt, and the RL environment', ['agents/heuristic.ts', 'agents/policy.ts', 'agents/agent.ts', 'envs/']],
  ['trials: specs, the run log, the worker pool and its job handlers, the queue', ['src/trials/', 'src/queue/']],
  ['searches, comparisons and the agent\'s training', ['src/search/', 'src/reproduce/', 'agents/tasks.ts', 'agents/cem.ts', 'agents/train-agent.ts', 'agents/train-once.ts']],
  ['reports', ['src/report/']],
  ['the command line and the package entry', ['src/cli/', 'src/index.ts', 'bin/']],
];

const ROOTS = ['src', 'agents', 'envs', 'bin'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.(ts|mjs)$/.test(name) ? [file] : [];
  });
}

function layerOf(file: string): number {
  const rel = file.split(path.sep).join('/');
  const index = LAYERS.findIndex(([, prefixes]) => prefixes.some((p) => rel === p || rel.startsWith(p)));
  return index;
}

/** Relative imports of a file: static `from '...'`, side-effect `import '...'` and dynamic `import('...')`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

test('every source file has a layer', () => {
  const orphans = ROOTS.flatMap(sources).filter((f) => layerOf(f) < 0);
  assert.deepEqual(orphans, [], 'give these files a layer in test/layers.test.ts');
});

test('no import points up the layers', () => {
  const upward: string[] = [];
  for (const file of ROOTS.flatMap(sources)) {
    const from = layerOf(file);
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (to > from) upward.push(`${file} (${LAYERS[from][0]}) imports ${target} (${LAYERS[to][0]})`);
    }
  }
  assert.deepEqual(upward, []);
});

test('the check sees imports of every form', () => {
  const specs = importsOf(path.join('src', 'trials', 'handlers.ts'));
  assert.ok(specs.includes(path.join('src', 'trials', 'run-trial.ts')), 'dynamic import() is seen');
  assert.ok(importsOf(path.join('src', 'cli', 'main.ts')).includes(path.join('src', 'cli', 'command.ts')), 'static import is seen');
});
