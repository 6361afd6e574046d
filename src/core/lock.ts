/**
 * One process per run folder: whatever writes a run folder (a training, a search, a queue
 * coordinator) locks it with a lock file (run.lock: `{ pid, host, since }`) and keeps it until it
 * is done or its process exits. The same lock guards other files (serve's state file). A second process on the same folder is refused, naming the
 * holder, before it reads or writes anything there. A lock whose holder is gone is taken over: on
 * the same host, when its process no longer exists; from another host (a shared folder), when it
 * has not been refreshed for STALE_MS.
 */
import { readFileSync, unlinkSync } from 'node:fs';
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

const refused = (subject: LockSubject) =>
  new OptionError(subject.option, `${subject.what} was taken by another process at the same moment; ${subject.rule}`);

/** A takeover guard older than this was left by a process that died while taking a lock over. */
const GUARD_STALE_MS = 10_000;

/**
 * Replaces the stale lock `judged` (its text when judged) by this process's own, as a
 * compare-and-swap: under a guard directory (mkdir is atomic, so one process at a time), the lock is
 * replaced only if it is still the one judged stale; it is removed and created exclusively, so a
 * process that creates it in between wins and this one is refused. Of several processes taking one
 * stale lock over at the same moment exactly one gets it.
 */
async function takeOver(file: string, judged: string, made: () => Promise<boolean>, subject: LockSubject): Promise<void> {
  const guard = `${file}.takeover`;
  const enter = () => mkdir(guard).then(() => true, (err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') return false;
    throw new OptionError(subject.option, `${subject.what}: cannot make ${guard} (${err.code ?? err.message})`);
  });
  let entered = await enter();
  if (!entered) {
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > GUARD_STALE_MS) {
      await rm(guard, { recursive: true, force: true });
      entered = await enter();
    }
  }
  if (!entered) throw refused(subject);
  try {
    const now = await readFile(file, 'utf8').catch(() => undefined);
    if (now !== undefined && now !== judged) throw refused(subject);
    await rm(file, { force: true });
    if (!(await made())) throw refused(subject);
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
    if (!(await made())) {
      const judged = await readFile(file, 'utf8').catch(() => undefined);
      // Gone since (its holder released it): take it as if it had never been there.
      if (judged === undefined) {
        if (!(await made())) throw refused(subject);
      } else {
        const holder = readLock(judged);
        const why = await stillHeld(file, holder);
        if (why !== undefined) {
          throw new OptionError(subject.option, `${subject.what} is in use by ${why} since ${holder.since}; ${subject.rule} (if that process is gone, delete ${file})`);
        }
        await takeOver(file, judged, made, subject);
      }
    }
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
    const holder = readLock(await readFile(file, 'utf8').catch(() => ''));
    if (holder.pid === process.pid && holder.host === hostname()) await rm(file, { force: true });
  };
}

/** At exit: removes the locks this process still holds. */
function releaseAll(): void {
  for (const file of held.keys()) {
    try {
      if (readLock(readFileSync(file, 'utf8')).pid === process.pid) unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
}
