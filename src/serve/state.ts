/**
 * The state file of `autoflood serve --state <file>`: every run as plain data (runs.ts), written
 * whole after every change, before the client hears of it, by writing a temporary file beside it,
 * flushing it to disk and renaming it over the old one; so a server killed at any moment (SIGKILL
 * included) leaves the state of its last answered request or of the one before, never a torn
 * file. One server per state file: `<file>.lock` holds its pid and host (the run-folder lock of
 * core/lock.ts), and a lock whose process is gone is taken over.
 */
import { existsSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { lockFile } from '../core/lock.js';
import type { RunData } from './runs.js';

export const STATE_KIND = 'autoflood-serve-state';
export const STATE_FORMAT_VERSION = 1;

export interface StateFile {
  kind: typeof STATE_KIND;
  formatVersion: typeof STATE_FORMAT_VERSION;
  runs: RunData[];
}

/** Reads a state file; an absent file is no runs. Throws naming the file when it is not one. */
export async function readState(file: string): Promise<RunData[]> {
  if (!existsSync(file)) return [];
  let state: Partial<StateFile>;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as Partial<StateFile>;
  } catch (err) {
    throw new Error(`${file}: not a state file of autoflood serve (${(err as Error).message})`);
  }
  if (state?.kind !== STATE_KIND) throw new Error(`${file}: not a state file of autoflood serve (kind ${String(state?.kind)})`);
  if (state.formatVersion !== STATE_FORMAT_VERSION) throw new Error(`${file}: state format version ${String(state.formatVersion)}; this autoflood reads version ${STATE_FORMAT_VERSION}`);
  if (!Array.isArray(state.runs)) throw new Error(`${file}: no list of runs`);
  return state.runs;
}

/** Replaces the state file atomically (temporary file, flushed, renamed over it). */
export async function writeState(file: string, runs: readonly RunData[]): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const body: StateFile = { kind: STATE_KIND, formatVersion: STATE_FORMAT_VERSION, runs: [...runs] };
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(body)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * Locks a state file for this process (`<file>.lock`, core/lock.ts); throws naming the holder when
 * a live process holds it. Returns the release.
 */
export async function lockState(file: string): Promise<() => Promise<void>> {
  if (!existsSync(path.dirname(path.resolve(file)))) throw new Error(`${file}: no folder ${path.dirname(file)} to keep it in`);
  return lockFile(`${file}.lock`, { option: 'state', what: file, rule: 'one server per state file' });
}
