/**
 * Starts a run folder's log with trainings another run already logged, so a run that extends
 * an earlier one (more seeds at one noise rate, say) trains only what is new: a trial's id is a hash
 * of everything that decides its result, so a copied trial is skipped exactly when the new run
 * would train the same thing. Reads a plain or packed log (trials.jsonl or trials.jsonl.gz).
 * `node --import tsx bench/seed-run-log.ts <from run folder> <new run folder> [--noise <rate>]`
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonl } from '../src/core/files.js';
import { readRunLog, RUN_LOG_FILE } from '../src/trials/run-log.js';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith('--') && a !== '--noise');
if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(', ')} (only --noise <rate>)`);
const noiseAt = args.indexOf('--noise');
const noise = noiseAt >= 0 ? Number(args[noiseAt + 1]) : undefined;
const [from, to] = args.filter((a, i) => !a.startsWith('--') && (noiseAt < 0 || i !== noiseAt + 1));
if (from === undefined || to === undefined || (noise !== undefined && !Number.isFinite(noise))) {
  throw new Error('usage: bench/seed-run-log.ts <from run folder> <new run folder> [--noise <rate>]');
}
if (['config.json', RUN_LOG_FILE, `${RUN_LOG_FILE}.gz`].some((f) => existsSync(path.join(to, f)))) throw new Error(`${to}: already holds a run`);
const trials = (await readRunLog(from)).filter((t) => noise === undefined || t.config.noise === noise);
if (trials.length === 0) throw new Error(`${from}: no logged trials${noise === undefined ? '' : ` at noise ${noise}`}`);
await mkdir(to, { recursive: true });
await writeJsonl(path.join(to, RUN_LOG_FILE), trials);
console.log(`${to}: started with ${trials.length} trainings logged in ${from}`);
