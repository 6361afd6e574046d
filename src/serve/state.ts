/**
 * The state file of `autoflood serve --state <file>`: every run as plain data (runs.ts), written
 * whole after every change, before the client hears of it, by writing a temporary file beside it,
 * flushing it to disk and renaming it over the old one; so a server killed at any moment (SIGKILL
 * included) leaves the state of its last answered request or of the one before, never a torn
 * file. One server per state file: `<file>.lock` holds its pid and host, and a lock whose process
 * is gone (on this host) is taken over.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { alive } from '../core/lock.js';
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
 * Locks a state file for this process (`<file>.lock`); throws naming the holder when a live
 * process holds it. Returns the release.
 */
export async function lockState(file: string): Promise<() => Promise<void>> {
  const lock = `${file}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  const take = async () => writeFile(lock, `${mine}\n`, { flag: 'wx' }).then(() => true, (err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') return false;
    if (err.code === 'ENOENT') throw new Error(`${file}: no folder ${path.dirname(file)} to keep it in`);
    throw new Error(`${lock}: cannot make the lock file (${err.code ?? err.message})`);
  });
  if (!(await take())) {
    let holder: { pid?: number; host?: string; since?: string } = {};
    try {
      holder = JSON.parse(await readFile(lock, 'utf8')) as typeof holder;
    } catch {
      // A torn lock file holds nothing.
    }
    const live = holder.pid !== undefined && (holder.host !== hostname() || alive(holder.pid));
    if (live) throw new Error(`${file} is in use by the server of pid ${holder.pid} on ${holder.host} since ${holder.since}; one server per state file (if it is gone, delete ${lock})`);
    await rm(lock, { force: true });
    if (!(await take())) throw new Error(`${file} was taken by another server at the same moment; one server per state file`);
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    process.off('exit', releaseSync);
    await rm(lock, { force: true });
  };
  const releaseSync = () => {
    try {
      // Synchronous at exit.
      if (!released) unlinkSync(lock);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', releaseSync);
  return release;
}
