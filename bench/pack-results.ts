/**
 * Copies a finished run folder into results/ for committing: its small files as they are
 * (config, summary, data, agent and learning files, report.md with its charts) and its run log as
 * trials.jsonl.gz, every number rounded to 6 significant digits (far below any figure's precision;
 * `readRunLog` reads the packed log, so `autoflood report results/<name>` re-renders the report from
 * these files alone). Checkpoints are never copied.
 * `node --import tsx bench/pack-results.ts <run folder> <results folder>`
 */
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const [from, to] = process.argv.slice(2);
if (from === undefined || to === undefined) throw new Error('usage: bench/pack-results.ts <run folder> <results folder>');
if (!existsSync(path.join(from, 'summary.json'))) throw new Error(`${from}: no summary.json (the run has not finished)`);
await mkdir(to, { recursive: true });
const round = (_: string, v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);
for (const name of await readdir(from)) {
  if (name === 'trials.jsonl') {
    const lines = (await readFile(path.join(from, name), 'utf8')).split('\n').filter((l) => l.trim() !== '');
    const packed = lines.map((l) => JSON.stringify(JSON.parse(l), round)).join('\n');
    await writeFile(path.join(to, 'trials.jsonl.gz'), gzipSync(`${packed}\n`, { level: 9 }));
  } else if (name === 'charts') {
    await cp(path.join(from, name), path.join(to, name), { recursive: true });
  } else if (/\.(json|jsonl|md)$/.test(name)) {
    await copyFile(path.join(from, name), path.join(to, name));
  }
}
console.log(`packed ${from} into ${to}`);
