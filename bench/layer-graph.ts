/**
 * The picture of docs/architecture.md, drawn from the code: the folders of src/ and which import
 * which (an edge a -> b: some file of a imports one of b), as a mermaid graph, lowest folders at the
 * bottom. Redundant edges (a -> c when a -> b -> c) are left out so the layers read at a glance.
 * `node --import tsx bench/layer-graph.ts`
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve('src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sources(file) : /\.(ts|mjs)$/.test(name) ? [file] : [];
  });
}

const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, '');
const edges = new Map<string, Set<string>>();
for (const file of sources(SRC)) {
  const from = folderOf(file);
  const targets = edges.get(from) ?? new Set<string>();
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const to = folderOf(path.normalize(path.join(path.dirname(file), m[1])));
    if (to !== from && !to.startsWith('..')) targets.add(to);
  }
  edges.set(from, targets);
}
/** Every folder reachable from `a` in one or more steps. */
const reach = (a: string, seen = new Set<string>()): Set<string> => {
  for (const b of edges.get(a) ?? []) if (!seen.has(b)) reach(b, seen.add(b));
  return seen;
};
const lines = ['```mermaid', 'graph TD'];
for (const [a, targets] of [...edges].sort()) {
  for (const b of [...targets].sort()) {
    const indirect = [...targets].some((c) => c !== b && reach(c).has(b));
    if (!indirect) lines.push(`  ${a} --> ${b}`);
  }
}
lines.push('```');
console.log(lines.join('\n'));
