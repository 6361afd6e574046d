/**
 * Run directories: every output is saved with the config that made it, and per-epoch /
 * per-trial records are appended line by line so a crash loses at most the line in progress.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A sortable, readable run id: `<prefix>-<UTC timestamp>`. */
export function newRunId(prefix: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${prefix.replace(/[^a-zA-Z0-9._-]+/g, '_')}-${stamp}`;
}

/** Creates `dir` (and parents) and returns it. */
export async function ensureDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function readJson<T>(file: string): Promise<T> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${file}: cannot read (${err.code ?? err.message})`);
  });
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

/** Appends one JSON object as a line. */
export async function appendJsonl(file: string, value: unknown): Promise<void> {
  await appendFile(file, `${JSON.stringify(value)}\n`);
}

/** Writes rows as a JSON-lines file, replacing it. */
export async function writeJsonl(file: string, rows: unknown[]): Promise<void> {
  await writeFile(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/**
 * Reads a JSON-lines file. A torn last line (the process died mid-write) is dropped;
 * a bad line elsewhere is an error naming the file and line.
 */
export async function readJsonl<T>(file: string): Promise<T[]> {
  if (!existsSync(file)) return [];
  const lines = (await readFile(file, 'utf8')).split('\n');
  const rows: T[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      rows.push(JSON.parse(line) as T);
    } catch (err) {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (isLast) break;
      throw new Error(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
  }
  return rows;
}

/** Default place for a run's outputs: `runs/<id>` under the working directory. */
export function defaultRunDir(prefix: string): string {
  return path.join('runs', newRunId(prefix));
}
