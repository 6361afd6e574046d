/**
 * Dependencies point one way, from the bottom up. Every folder of src/ belongs to a layer; a file
 * may import only from its own layer or lower ones, nothing in src/ imports from outside it, and
 * bench/ never imports test/. There is no cycle between files, nor between folders.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/** Layers, lowest first: [what it is, its folders under src/ (a file directly in src/ is its own name)]. */
export const LAYERS: [string, string[]][] = [
  ['core: flooding, errors, files, locks, values, statistics', ['core']],
  ['data, models, backends', ['data', 'models', 'backend']],
  ['the training loop, its config, its scale, task distributions', ['train', 'tasks']],
  ['controllers and the agent (pure: no trials, no run folders)', ['control']],
  ['the flood-level service: runs of controllers over HTTP, a state file', ['serve']],
  ['trials: specs, the run log, runners (the local pool), run folders', ['trials']],
  ['the queue: a runner over Redis', ['queue']],
  ['methods: grid, halving, PBT, rule, agent, check, compare', ['methods']],
  ['studies: tune, evaluate-agent, fit-rule, train-agent, reproduce', ['studies']],
  ['reports', ['report']],
  ['the command line and the package entry', ['cli', 'index.ts']],
];

const ROOT = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.(ts|mjs)$/.test(name) ? [file] : [];
  });
}

/** The folder of a file under src/ ('train' for src/train/x.ts, 'index.ts' for src/index.ts), or undefined outside src/. */
function folderOf(file: string): string | undefined {
  const rel = path.relative(path.join(ROOT, 'src'), file).split(path.sep);
  return rel[0] === '..' ? undefined : rel[0];
}

const layerOf = (folder: string) => LAYERS.findIndex(([, folders]) => folders.includes(folder));

/**
 * Relative imports of a file: static `from '...'`, side-effect `import '...'`, dynamic `import('...')`,
 * and modules a line resolves against `import.meta.url` (a worker thread's entry file).
 */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...[...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1]),
    ...text.split('\n').filter((line) => line.includes('import.meta.url'))
      .flatMap((line) => [...line.matchAll(/['"](\.{1,2}\/[^'"]+\.(?:m?js|ts))['"]/g)].map((m) => m[1])),
  ];
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** Bare imports of a file that name this package itself: its `#` import map, or 'autoflood'. */
export function selfImportsOf(file: string): string[] {
  // Code lines only: a doc comment may show how users import the package.
  const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join('\n');
  return [...code.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"]((?:#|autoflood(?:\/|(?=['"])))[^'"]*)/gm)].map((m) => m[1]);
}

/** A cycle in a graph given as adjacency lists, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

const srcFiles = sources(path.join(ROOT, 'src'));

describe('layers', () => {
  it('every folder of src/ has a layer', () => {
    const orphans = [...new Set(srcFiles.map((f) => folderOf(f) as string))].filter((folder) => layerOf(folder) < 0);
    assert.deepEqual(orphans, [], 'give these folders a layer in test/unit/layers.test.ts');
  });

  it('no import points up the layers or out of src/', () => {
    const wrong: string[] = [];
    for (const file of srcFiles) {
      const from = layerOf(folderOf(file) as string);
      for (const target of importsOf(file)) {
        const folder = folderOf(target);
        if (folder === undefined) wrong.push(`${path.relative(ROOT, file)} imports ${path.relative(ROOT, target)}, outside src/`);
        else if (layerOf(folder) > from) wrong.push(`${path.relative(ROOT, file)} (${LAYERS[from][0]}) imports ${path.relative(ROOT, target)} (${LAYERS[layerOf(folder)][0]})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('nothing in src/ imports this package by its own name (its # import map or \'autoflood\'), which would hide a layer', () => {
    const wrong = srcFiles.flatMap((file) => selfImportsOf(file).map((spec) => `${path.relative(ROOT, file)} imports ${spec}`));
    assert.deepEqual(wrong, []);
  });

  it('bench/ never imports test/', () => {
    const wrong = sources(path.join(ROOT, 'bench')).flatMap((file) =>
      importsOf(file).filter((t) => path.relative(ROOT, t).startsWith(`test${path.sep}`)).map((t) => `${path.relative(ROOT, file)} imports ${path.relative(ROOT, t)}`));
    assert.deepEqual(wrong, []);
  });

  it('no cycle between files, nor between folders', () => {
    const files = new Map(srcFiles.map((f) => [f, new Set(importsOf(f))]));
    assert.equal(findCycle(files)?.map((f) => path.relative(ROOT, f)).join(' -> '), undefined);
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of files) {
      const from = folderOf(file) as string;
      const edges = folders.get(from) ?? new Set<string>();
      for (const t of targets) {
        const to = folderOf(t);
        if (to !== undefined && to !== from) edges.add(to);
      }
      folders.set(from, edges);
    }
    assert.equal(findCycle(folders)?.join(' -> '), undefined);
  });

  it('the check sees imports of every form, and finds a cycle', () => {
    assert.ok(importsOf(path.join(ROOT, 'src', 'cli', 'main.ts')).includes(path.join(ROOT, 'src', 'cli', 'command.ts')), 'static import is seen');
    assert.ok(importsOf(path.join(ROOT, 'src', 'cli', 'commands', 'train.ts')).includes(path.join(ROOT, 'src', 'train', 'run-train.ts')), 'dynamic import() is seen');
    assert.ok(importsOf(path.join(ROOT, 'src', 'trials', 'pool.ts')).includes(path.join(ROOT, 'src', 'trials', 'worker-entry.mjs')), 'a worker entry resolved against import.meta.url is seen');
    assert.deepEqual(selfImportsOf(path.join(ROOT, 'bin', 'autoflood.mjs')), ['#cli'], 'an import of the package\'s own import map is seen');
    assert.deepEqual(findCycle(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]])), ['a', 'b', 'c', 'a']);
    assert.equal(findCycle(new Map([['a', new Set(['b'])], ['b', new Set<string>()]])), undefined);
  });
});
