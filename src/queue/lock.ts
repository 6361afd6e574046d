/**
 * One coordinator per run folder: a coordinator claims the folder with a lock file
 * (queue.lock: `{ pid, host, since }`) before it sends trials to the queue, and keeps it until
 * its process exits. A second coordinator on the same folder is refused, naming the holder. A
 * lock whose holder is gone is taken over: on the same host, when its process no longer exists;
 * from another host (a shared folder), when it has not been refreshed for STALE_MS.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, rm, utimes, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'queue.lock';
/** The holder touches its lock this often... */
const REFRESH_MS = 10_000;
/** ...so a lock from another host untouched this long is stale. */
const STALE_MS = 60_000;

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Folders this process holds (so claiming again, for the next batch, is a no-op). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `holder` still holds the lock, or undefined when it is stale. */
async function stillHeld(file: string, holder: Partial<LockInfo>): Promise<string | undefined> {
  if (holder.host === hostname() && holder.pid !== undefined) return alive(holder.pid) ? `pid ${holder.pid} on this host` : undefined;
  const age = Date.now() - (await stat(file)).mtimeMs;
  return age < STALE_MS ? `pid ${holder.pid ?? '?'} on ${holder.host ?? 'an unknown host'}` : undefined;
}

/** A lock file's holder; an unreadable file (torn by a crash) holds nothing but its age. */
function readLock(text: string): Partial<LockInfo> {
  try {
    return JSON.parse(text) as LockInfo;
  } catch {
    return {};
  }
}

/** Creates the lock file; false when one exists. */
async function create(file: string, info: LockInfo): Promise<boolean> {
  try {
    await writeFile(file, `${JSON.stringify(info)}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Claims `dir` for this process until it exits. Throws when another live coordinator holds it. */
export async function claimCoordinator(dir: string): Promise<void> {
  const file = path.resolve(dir, LOCK_FILE);
  if (held.has(file)) return;
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  if (!(await create(file, mine))) {
    const holder = readLock(await readFile(file, 'utf8').catch(() => ''));
    const why = await stillHeld(file, holder);
    if (why !== undefined) {
      throw new Error(`${dir} is being coordinated by ${why} since ${holder.since}; one coordinator per run folder (if that process is gone, delete ${file})`);
    }
    await rm(file, { force: true });
    if (!(await create(file, mine))) throw new Error(`${dir} was claimed by another coordinator at the same moment; one coordinator per run folder`);
  }
  if (held.size === 0) {
    setInterval(() => {
      const now = new Date();
      for (const f of held) utimes(f, now, now).catch(() => undefined);
    }, REFRESH_MS).unref();
    process.once('exit', releaseAll);
  }
  held.add(file);
}

/** At exit: removes the locks this process still holds. */
function releaseAll(): void {
  for (const file of held) {
    try {
      if (readLock(readFileSync(file, 'utf8')).pid === process.pid) unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
}
