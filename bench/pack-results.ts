/**
 * Copies a finished run folder into results/ for committing: its small files as they are
 * (config, summary, data, agent and learning files, report.md with its charts) and its run log as
 * trials.jsonl.gz, exactly as logged (rounding would move a warm-up's scale, and with it the ids of
 * the trials that continue it; `readRunLog` reads the packed log, so `autoflood report
 * results/<name>` re-renders the report from these files alone). Checkpoints are never copied.
 * With --no-log the run log is left out (reports of evaluate-agent and fit-rule folders are built
 * from summary.json alone). With --partial a run that has not finished is packed too (its config
 * and log), so a long measurement continues in another checkout: copy them back into a run folder
 * and resume (bench/table1.sh does).
 * `node --import tsx bench/pack-results.ts <run folder> <results folder> [--no-log] [--partial]`
 */
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const [from, to] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const withLog = !process.argv.includes('--no-log');
if (from === undefined || to === undefined) throw new Error('usage: bench/pack-results.ts <run folder> <results folder>');
if (!process.argv.includes('--partial') && !existsSync(path.join(from, 'summary.json'))) throw new Error(`${from}: no summary.json (the run has not finished; --partial packs it anyway)`);
await mkdir(to, { recursive: true });
for (const name of await readdir(from)) {
  if (name === 'trials.jsonl') {
    if (!withLog) continue;
    await writeFile(path.join(to, 'trials.jsonl.gz'), gzipSync(await readFile(path.join(from, name)), { level: 9 }));
  } else if (name === 'charts') {
    await cp(path.join(from, name), path.join(to, name), { recursive: true });
  } else if (/\.(json|jsonl|md)$/.test(name)) {
    await copyFile(path.join(from, name), path.join(to, name));
  }
}
console.log(`packed ${from} into ${to}`);
