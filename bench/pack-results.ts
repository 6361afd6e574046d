/**
 * Copies a finished run folder into results/ for committing: its small files as they are
 * (config, summary, data, agent and learning files, report.md with its charts) and its run log as
 * trials.jsonl.gz, exactly as logged (rounding would move a warm-up's scale, and with it the ids of
 * the trials that continue it; `readRunLog` reads the packed log, so `autoflood report
 * results/<name>` re-renders the report from these files alone). Checkpoints are never copied.
 * With --no-log the run log is left out (reports of evaluate-agent and fit-rule folders are built
 * from summary.json alone). With --partial a run that has not finished is packed too (its config
 * and log), so a long measurement continues in another checkout: copy them back into a run folder
 * and resume (bench/table1.sh does). A packed folder packs again (to round its log, below).
 * With --round-history the per-epoch history of every trial keeps 5 significant digits (accuracies
 * over at most 20,000 examples stay exact, over more move by under 0.001 points; losses by under
 * 0.005%): the packed log of a long run shrinks by half. Only for runs without segments (a continued trial's id
 * hashes its warm-up's numbers); `last` and `bestVal`, which the tables read, are kept as logged.
 * `node --import tsx bench/pack-results.ts <run folder> <results folder> [--no-log] [--partial] [--round-history]`
 */
import { copyFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRunLog, RUN_LOG_FILE } from '../src/trials/run-log.js';
import type { TrialResult } from '../src/trials/trial.js';

const [from, to] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const withLog = !process.argv.includes('--no-log');
const rounding = process.argv.includes('--round-history');

/** A trial with its per-epoch numbers to 5 significant digits. */
function roundHistory(trial: TrialResult): TrialResult {
  if (trial.segment !== undefined) throw new Error(`${from}: trial with a segment; --round-history would change the ids of what continues it`);
  const round = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(5)) : value);
  return { ...trial, history: JSON.parse(JSON.stringify(trial.history), round) };
}
if (from === undefined || to === undefined) throw new Error('usage: bench/pack-results.ts <run folder> <results folder>');
if (!process.argv.includes('--partial') && !existsSync(path.join(from, 'summary.json'))) throw new Error(`${from}: no summary.json (the run has not finished; --partial packs it anyway)`);
if (path.resolve(from) === path.resolve(to)) throw new Error(`${from}: pack into another folder (a packed folder packs again, into a new one)`);
await mkdir(to, { recursive: true });
// The run log, plain or packed, read as resuming reads it (a torn last line dropped); JSON
// numbers round-trip exactly, so without --round-history the trials are packed as logged.
if (withLog && (existsSync(path.join(from, RUN_LOG_FILE)) || existsSync(path.join(from, `${RUN_LOG_FILE}.gz`)))) {
  const trials = await readRunLog(from);
  const text = trials.map((t) => `${JSON.stringify(rounding ? roundHistory(t) : t)}\n`).join('');
  await writeFile(path.join(to, `${RUN_LOG_FILE}.gz`), gzipSync(text, { level: 9 }));
}
for (const name of await readdir(from)) {
  if (name === RUN_LOG_FILE || name === `${RUN_LOG_FILE}.gz`) {
    continue;
  } else if (name === 'charts') {
    await cp(path.join(from, name), path.join(to, name), { recursive: true });
  } else if (/\.(json|jsonl|md)$/.test(name)) {
    await copyFile(path.join(from, name), path.join(to, name));
  }
}
console.log(`packed ${from} into ${to}`);
