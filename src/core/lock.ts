/**
 * One process per run folder: whatever writes a run folder (a training, a search, a queue
 * coordinator) locks it with a lock file (run.lock: `{ pid, host, since }`) and keeps it until it
 * is done or its process exits. The same lock guards other files (serve's state file). A second process on the same folder is refused, naming the
 * holder, before it reads or writes anything there. A lock whose holder is gone is taken over: on
 * the same host, when its process no longer exists; from another host (a shared folder), when it
 * has not been refreshed for STALE_MS. Every change of a lock file (made, taken over, removed)
 * happens under its guard (`guarded`), so two processes never both hold one.
 */
import { mkdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { OptionError } from './errors.js';

export const LOCK_FILE = 'run.lock';
/** The holder touches its lock this often... */
const REFRESH_MS = 10_000;
/** ...so a lock from another host untouched this long is stale. */
const STALE_MS = 60_000;

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Lock files this process holds, with how many claims each has (claiming again is a no-op). */
const held = new Map<string, number>();
let timer: NodeJS.Timeout | undefined;

/** Whether a process of this host with this pid is alive (EPERM: alive, someone else's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `holder` still holds the lock, or undefined when it is stale. */
async function stillHeld(file: string, holder: Partial<LockInfo>): Promise<string | undefined> {
  // This pid, though this process never took the lock: a process before a restart that reused the pid.
  if (holder.host === hostname() && holder.pid === process.pid) return held.has(file) ? 'this process' : undefined;
  if (holder.host === hostname() && holder.pid !== undefined) return alive(holder.pid) ? `pid ${holder.pid} on this host` : undefined;
  // Gone since it was read: its holder released it, so it holds nothing.
  const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => Infinity);
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

/** What a lock guards, for the error that refuses it: the option that named it, the thing, and its rule. */
export interface LockSubject {
  /** The option whose value the thing is ('out' for a run folder). */
  option: string;
  /** The thing locked, as the user named it (a folder, a state file). */
  what: string;
  /** The rule, e.g. "one run per folder at a time". */
  rule: string;
}

/**
 * Locks the existing folder `dir` for this process. Throws an OptionError on `out` when another
 * live process holds it.
 * @returns the release; the lock is also released when the process exits.
 */
export function lockRunFolder(dir: string): Promise<() => Promise<void>> {
  return lockFile(path.resolve(dir, LOCK_FILE), { option: 'out', what: dir, rule: 'one run per folder at a time' });
}

/** How long a process waits for another one's change of the same lock (milliseconds each take). */
const GUARD_WAIT_MS = 5_000;

/**
 * Runs `work` (a change of the lock file: make it, take a stale one over, remove one's own) while
 * holding the lock's guard, a directory beside it (mkdir is atomic: one process at a time), so a
 * lock is judged and replaced with nobody changing it in between: of several processes taking one
 * stale lock over at the same moment exactly one gets it, and a release never removes a lock
 * another process has just made. The guard is held for milliseconds; one left by a process that
 * died holding it is named in the error, not removed (removing it by path could remove another's).
 */
async function guarded<T>(file: string, subject: LockSubject, work: () => Promise<T>): Promise<T> {
  const guard = `${file}.guard`;
  for (const start = Date.now(); ;) {
    try {
      await mkdir(guard);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new OptionError(subject.option, `${subject.what}: cannot make ${guard} (${code ?? (err as Error).message})`);
      if (Date.now() - start > GUARD_WAIT_MS) {
        throw new OptionError(subject.option, `${subject.what}: its lock ${file} has been changing for ${GUARD_WAIT_MS / 1000} s (${guard} is there): ` +
          `a process died while it locked or released it; if no autoflood runs on ${subject.what}, delete ${guard}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
  try {
    return await work();
  } finally {
    await rm(guard, { recursive: true, force: true });
  }
}

/**
 * Locks `file` (a lock file beside what it guards) for this process, as `lockRunFolder` does for a
 * run folder. Throws an OptionError on the subject's option when another live process holds it.
 */
export async function lockFile(file: string, subject: LockSubject): Promise<() => Promise<void>> {
  const claims = held.get(file);
  if (claims === undefined) {
    const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const made = async () => {
      try {
        return await create(file, mine);
      } catch (err) {
        throw new OptionError(subject.option, `${subject.what}: cannot make the lock file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    };
    await guarded(file, subject, async () => {
      if (await made()) return;
      const judged = await readFile(file, 'utf8').catch(() => undefined);
      if (judged !== undefined) {
        const holder = readLock(judged);
        const why = await stillHeld(file, holder);
        if (why !== undefined) {
          throw new OptionError(subject.option, `${subject.what} is in use by ${why} since ${holder.since}; ${subject.rule} (if that process is gone, delete ${file})`);
        }
        // Stale: taken over (nobody else changes the lock while this process holds the guard).
        await rm(file, { force: true });
      }
      if (!(await made())) throw new OptionError(subject.option, `${subject.what} was locked by another process at the same moment; ${subject.rule}`);
    });
    if (timer === undefined) {
      timer = setInterval(() => {
        const now = new Date();
        for (const f of held.keys()) utimes(f, now, now).catch(() => undefined);
      }, REFRESH_MS).unref();
      process.once('exit', releaseAll);
    }
  }
  held.set(file, (claims ?? 0) + 1);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const left = (held.get(file) ?? 1) - 1;
    if (left > 0) {
      held.set(file, left);
      return;
    }
    held.delete(file);
    // Only our own lock: one taken over after ours was judged stale is someone else's now.
    const remove = async () => {
      const holder = readLock(await readFile(file, 'utf8').catch(() => ''));
      if (holder.pid === process.pid && holder.host === hostname()) await rm(file, { force: true });
    };
    // A guard that stays (a process died holding it) leaves the lock, which is stale once this process exits.
    await guarded(file, subject, remove).catch(() => undefined);
  };
}

/** At exit: removes the locks this process still holds (under their guards, as a release does; a busy guard leaves the lock, stale from now). */
function releaseAll(): void {
  for (const file of held.keys()) {
    const guard = `${file}.guard`;
    try {
      mkdirSync(guard);
    } catch {
      continue;
    }
    try {
      const holder = readLock(readFileSync(file, 'utf8'));
      if (holder.pid === process.pid && holder.host === hostname()) unlinkSync(file);
    } catch {
      // Already gone.
    } finally {
      rmSync(guard, { recursive: true, force: true });
    }
  }
}
