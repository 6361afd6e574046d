/**
 * Task distributions: families of training tasks described as data (envs/*.json, or a file of
 * your own), each instance a full training config drawn from a seed. The agent trains on one
 * distribution (`broad`) and is judged on others it never sees, with fresh seeds, as dynamic
 * algorithm configuration judges controllers on held-out instance sets.
 *
 * A file: `{ kind: "autoflood-tasks", formatVersion: 1, name, description, seedOffset, families }`.
 * Instance i of stream `seed` has the seed `seedOffset + seed * 100003 + i`; with several
 * families one is picked uniformly (a draw of the instance's own random stream), then each of
 * the family's draws sets one field in order: `pick` draws uniformly from a list (the first of
 * `cases` whose `if` matches the fields drawn so far replaces the list), `cycle` takes element
 * floor(i / every) mod its length. Fields that are not training settings (`features`, `classes`)
 * fill `{name}` placeholders of the family's config, e.g. "clusters:{features}:{classes}".
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OptionError } from '../core/errors.js';
import { packageFile, readJson } from '../core/files.js';
import { Rng } from '../data/rng.js';
import { SYNTHETIC_NAMES } from '../data/synthetic.js';
import { resolveTrainConfig, TRAIN_OPTIONS, type TrainConfig } from '../train/config.js';

type Value = string | number;

export interface Draw {
  field: string;
  pick?: Value[];
  cases?: { if: Record<string, Value>; pick: Value[] }[];
  cycle?: Value[];
  /** `cycle` moves on every this many instances (default 1). */
  every?: number;
}

export interface TaskFamily {
  name: string;
  /** Training settings every instance of the family shares; strings may hold `{field}` placeholders. */
  config: Record<string, Value>;
  draws: Draw[];
}

export interface TaskFile {
  kind: 'autoflood-tasks';
  formatVersion: 1;
  name: string;
  description: string;
  seedOffset: number;
  families: TaskFamily[];
}

export interface TaskDistribution {
  name: string;
  description: string;
  /** The `index`-th task instance of the stream seeded by `seed`. */
  sample(seed: number, index: number): TrainConfig;
}

/** The folder of the shipped distributions. */
export const ENVS_DIR = packageFile('envs');

/** The shipped distributions, by name (envs/<name>.json). */
export function shippedDistributions(): string[] {
  return existsSync(ENVS_DIR) ? readdirSync(ENVS_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort() : [];
}

const isValue = (v: unknown): v is Value => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isList = (v: unknown): v is Value[] => Array.isArray(v) && v.length > 0 && v.every(isValue);

/** Checks a task file's shape; errors name the file and the part at fault. */
export function checkTaskFile(file: TaskFile, source: string): TaskFile {
  const fail = (what: string): never => {
    throw new OptionError('tasks', `${source}: ${what}`);
  };
  if (file?.kind !== 'autoflood-tasks' || file.formatVersion !== 1) fail('not an autoflood task file (kind "autoflood-tasks", formatVersion 1)');
  if (typeof file.name !== 'string' || typeof file.description !== 'string') fail('needs a name and a description');
  if (!(Number.isInteger(file.seedOffset) && file.seedOffset >= 0)) fail('seedOffset must be an integer >= 0');
  if (!Array.isArray(file.families) || file.families.length === 0) fail('needs at least one family');
  for (const family of file.families) {
    if (typeof family.name !== 'string' || family.config === null || typeof family.config !== 'object' || !Array.isArray(family.draws)) {
      fail(`family ${JSON.stringify(family?.name)} needs a name, a config object and a list of draws`);
    }
    for (const d of family.draws) {
      if (typeof d.field !== 'string') fail(`family ${family.name}: a draw without a field`);
      if ((d.pick === undefined) === (d.cycle === undefined)) fail(`family ${family.name}, ${d.field}: give either pick or cycle`);
      if (d.pick !== undefined && !isList(d.pick)) fail(`family ${family.name}, ${d.field}: pick must be a non-empty list of numbers or strings`);
      if (d.cycle !== undefined && !isList(d.cycle)) fail(`family ${family.name}, ${d.field}: cycle must be a non-empty list of numbers or strings`);
      if (d.every !== undefined && !(Number.isInteger(d.every) && d.every >= 1)) fail(`family ${family.name}, ${d.field}: every must be an integer >= 1`);
      for (const c of d.cases ?? []) if (!isList(c.pick) || c.if === null || typeof c.if !== 'object') fail(`family ${family.name}, ${d.field}: each case needs an if object and a pick list`);
    }
  }
  return file;
}

const SETTINGS = new Set<string>(TRAIN_OPTIONS.map((row) => row.key));

/** Instance seeds are spread so streams of different seeds never share one. */
const instanceSeed = (seed: number, index: number) => seed * 100_003 + index;

/** The distribution a task file describes. */
export function distributionOf(file: TaskFile): TaskDistribution {
  return {
    name: file.name,
    description: file.description,
    sample(seed, index) {
      const s = file.seedOffset + instanceSeed(seed, index);
      const rng = new Rng(s);
      const uniformIndex = (n: number) => Math.floor(rng.uniform() * n);
      const family = file.families.length === 1 ? file.families[0] : file.families[uniformIndex(file.families.length)];
      const drawn: Record<string, Value> = {};
      for (const d of family.draws) {
        if (d.cycle !== undefined) {
          drawn[d.field] = d.cycle[Math.floor(index / (d.every ?? 1)) % d.cycle.length];
          continue;
        }
        const list = d.cases?.find((c) => Object.entries(c.if).every(([k, v]) => drawn[k] === v))?.pick ?? (d.pick as Value[]);
        drawn[d.field] = list[uniformIndex(list.length)];
      }
      const fill = (v: Value) => (typeof v === 'string' ? v.replace(/\{(\w+)\}/g, (_, k: string) => String(drawn[k] ?? `{${k}}`)) : v);
      const config = Object.fromEntries(Object.entries(family.config).map(([k, v]) => [k, fill(v)]));
      const settings = Object.fromEntries(Object.entries(drawn).filter(([k]) => SETTINGS.has(k)));
      return resolveTrainConfig({ ...config, ...settings, seed: s } as Partial<TrainConfig>);
    },
  };
}

/**
 * A task distribution by name (a shipped one, envs/<name>.json) or by the path of a task file.
 * Throws an OptionError on `tasks` naming what is known.
 */
export async function loadTasks(nameOrFile: string): Promise<TaskDistribution> {
  const shipped = path.join(ENVS_DIR, `${nameOrFile}.json`);
  const file = !nameOrFile.endsWith('.json') && existsSync(shipped) ? shipped : nameOrFile;
  if (!existsSync(file)) {
    throw new OptionError('tasks', `no task distribution "${nameOrFile}" (shipped: ${shippedDistributions().join(', ')}; or the path of a task file)`);
  }
  return distributionOf(checkTaskFile(await readJson<TaskFile>(file), file));
}

/** The family of a dataset name, for holding one family out. */
export function familyOf(dataset: string): string {
  if ((SYNTHETIC_NAMES as readonly string[]).includes(dataset)) return 'synthetic';
  return dataset.split(':')[0];
}
