/**
 * Run directories: every output is saved with the config that made it, and per-epoch /
 * per-trial records are appended line by line so a crash loses at most the line in progress.
 */
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { accessSync, constants, existsSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { OptionError } from './errors.js';

/**
 * The package's own folder: the nearest folder above this file with a package.json (the clone's
 * root from src/core, the package's from dist/src/core).
 */
export function packageRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('autoflood: package.json not found above its sources');
  }
}

/** A file shipped with the package, e.g. packageFile('agents/default-agent.json'). */
export function packageFile(relative: string): string {
  return path.join(packageRoot(), relative);
}

/** A sortable, readable run id: `<prefix>-<UTC timestamp>`. */
export function newRunId(prefix: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${prefix.replace(/[^a-zA-Z0-9._-]+/g, '_')}-${stamp}`;
}

/**
 * Creates `dir` (and parents) and returns it. One folder at a time from the nearest one that
 * exists: Node's recursive mkdir loops forever where the kernel answers ENOENT for a folder it will
 * never make (under /proc), and a step's error names the folder it could not make.
 */
export async function ensureDir(dir: string): Promise<string> {
  const missing: string[] = [];
  for (let p = path.resolve(dir); !existsSync(p); p = path.dirname(p)) missing.unshift(p);
  for (const p of missing) {
    try {
      await mkdir(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(p).isDirectory()) continue;
      throw new Error(`${p}: cannot make this folder (${code ?? (err as Error).message})`);
    }
  }
  return dir;
}

/** File systems of the kernel's own (statfs magic numbers): nothing can be made in them. */
const VIRTUAL_FILE_SYSTEMS: Record<number, string> = {
  0x9fa0: 'proc', 0x62656572: 'sysfs', 0x1cd1: 'devpts', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2',
  0x64626720: 'debugfs', 0x74726163: 'tracefs', 0x73636673: 'securityfs', 0xcafe4a11: 'bpf',
};

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

/** Writes rows as a JSON-lines file, replacing it atomically (a crash leaves the old file or the new one). */
export async function writeJsonl(file: string, rows: unknown[]): Promise<void> {
  await writeFile(`${file}.tmp`, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await rename(`${file}.tmp`, file);
}

/**
 * Reads a JSON-lines file. A torn last line (the process died mid-write) is dropped;
 * a bad line elsewhere is an error naming the file and line.
 */
export async function readJsonl<T>(file: string): Promise<T[]> {
  // A finished log may be kept compressed beside where it was written (results/): read either.
  const packed = `${file}.gz`;
  if (!existsSync(file) && existsSync(packed)) return parseJsonl<T>(gunzipSync(await readFile(packed)).toString('utf8'), packed);
  if (!existsSync(file)) return [];
  return parseJsonl<T>(await readFile(file, 'utf8'), file);
}

function parseJsonl<T>(text: string, file: string): T[] {
  const lines = text.split('\n');
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

/** Default place for a run's outputs: `runs/<id>` under the working directory (`runs/agents/<id>` for prefix 'agents/x'). */
export function defaultRunDir(prefix: string): string {
  return path.join('runs', path.dirname(prefix), newRunId(path.basename(prefix)));
}

/**
 * Why `dir` cannot be a run folder (undefined when it can): it is a file, or the nearest folder
 * that exists above it is a file or not writable. Checked before anything is made.
 */
export function runFolderProblem(dir: string): string | undefined {
  const writable = (p: string) => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  let probe = path.resolve(dir);
  while (!existsSync(probe)) probe = path.dirname(probe);
  const shown = probe === path.resolve(dir) ? dir : probe;
  if (!statSync(probe).isDirectory()) return probe === path.resolve(dir) ? `${dir} is a file, not a folder` : `${shown} is a file, so ${dir} cannot be made in it`;
  const system = VIRTUAL_FILE_SYSTEMS[statfsSync(probe).type];
  if (system !== undefined) return `${shown} is on the kernel's ${system} file system, where no run folder can be made`;
  if (!writable(probe)) return probe === path.resolve(dir) ? `${dir} is not writable` : `${dir} cannot be made: ${shown} is not writable`;
  return undefined;
}


/**
 * Version of the run-folder layout this autoflood writes. 1: before summaries carried a kind
 * (trials in grid.jsonl, floodAfterLoss and backend in every trial's config); 2: now.
 */
export const RUN_FORMAT_VERSION = 2;

/** What a run folder holds, by the command that made it. */
export const RUN_KINDS = [
  'train', 'grid', 'tune', 'evaluate-agent', 'train-agent', 'fit-rule', 'reproduce-synthetic', 'reproduce-benchmark',
] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** Every run folder's summary.json starts with this header. */
export interface RunHeader {
  kind: RunKind;
  formatVersion: number;
}

export const SUMMARY_FILE = 'summary.json';

/** Writes `dir`/summary.json with the run header first. */
export async function writeSummary<T extends object>(dir: string, kind: RunKind, body: T): Promise<RunHeader & T> {
  // The header goes last so nothing in the body (a rule file's own kind, say) can overwrite it.
  const summary = { ...body, kind, formatVersion: RUN_FORMAT_VERSION };
  await writeJson(path.join(dir, SUMMARY_FILE), summary);
  return summary;
}

/**
 * Reads the header of a run folder's summary.json, refusing folders of another layout version
 * with a message that says how to re-make them.
 */
export async function readRunHeader(dir: string): Promise<RunHeader> {
  const file = path.join(dir, SUMMARY_FILE);
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder`);
  if (!existsSync(file) && !existsSync(path.join(dir, CONFIG_FILE))) throw new Error(`${dir}: not a run folder (no ${CONFIG_FILE}, no ${SUMMARY_FILE}: no autoflood command ran there)`);
  if (!existsSync(file)) {
    throw new Error(`${dir}: no ${SUMMARY_FILE}; the command that writes it has not finished there (run it again with --resume --out ${dir})`);
  }
  const header = await readJson<Partial<RunHeader>>(file);
  if (header.formatVersion !== RUN_FORMAT_VERSION || !(RUN_KINDS as readonly string[]).includes(String(header.kind))) {
    throw new Error(
      `${dir}: written by another version of autoflood (run-folder format ${header.formatVersion ?? 1}, this one reads ${RUN_FORMAT_VERSION}); ` +
        'run the command that made it again into a new --out folder',
    );
  }
  return header as RunHeader;
}

export const CONFIG_FILE = 'config.json';

/** What a run's data turned out to be (sizes, shape, classes and their names, the backend), written by the CLI. */
export const DATA_FILE = 'data.json';

export interface DataFile {
  dataset: string;
  sizes: { train: number; val: number; test: number };
  featureShape: number[];
  classes: number;
  /** Class names in index order (CSV labels). */
  classNames?: string[];
  backend: string;
}

/** Paths (a.b.c) where two JSON values differ. */
export function differingFields(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingFields(a[k], b[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix === '' ? '(the whole config)' : prefix];
}

/**
 * Makes `dir` the home of a run made with `config` (the command's resolved options): a new
 * folder gets config.json; a folder that already holds a run is refused unless `resume`, and a
 * resume with another config is refused naming the fields that differ.
 */
export async function claimRunFolder(dir: string, config: object, resume: boolean): Promise<void> {
  const file = path.join(dir, CONFIG_FILE);
  if (existsSync(file)) {
    if (!resume) throw new OptionError('out', `${dir} already holds a run; pass --resume to continue it or choose another --out`);
    const saved = await readJson<unknown>(file);
    const fields = differingFields(saved, JSON.parse(JSON.stringify(config)));
    if (fields.length > 0) {
      throw new OptionError('resume', `${dir} was started with other options (${fields.join(', ')} differ); use the same options or another --out`);
    }
    return;
  }
  await ensureDir(dir);
  await writeJson(file, config);
}
