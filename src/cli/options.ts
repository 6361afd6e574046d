/**
 * Command-line options as one table per command: each row is a flag with its help, its kind of
 * value (parse + validation) and its default. The same rows make the commander options, the
 * help text and the parsed, validated options object; errors name the flag as the user typed it.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { BACKEND_CHOICES } from '../backend/index.js';
import { clusterShape } from '../data/clusters.js';
import { SYNTHETIC_NAMES } from '../data/synthetic.js';
import { queueUrl } from '../queue/address.js';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig, TRAIN_OPTIONS, type TrainConfig } from '../train/config.js';
import { OptionError } from '../core/errors.js';
import { shippedDistributions } from '../tasks/tasks.js';
import { integer, listOf, oneOf, parseValue, text, type ValueKind } from '../core/values.js';
import { LOG_LEVELS } from './log.js';

export interface Flag {
  /** Property of the parsed options object. */
  key: string;
  /** As commander takes it: '--train-size <n>', or '--resume' for a switch. */
  flag: string;
  help: string;
  /** The kind of value; absent for a switch (true when given, else false). */
  kind?: ValueKind<unknown>;
  /** Used when the flag is not given; absent: the option stays undefined. */
  default?: unknown;
  /** How the default reads in the help, when it is not `default` itself. */
  defaultText?: string;
}

/** A usage error: the user's words are off. The CLI prints it with a hint to --help. */
export class UsageError extends Error {
  /** The command, as typed after `autoflood` (set by the wrapper), for the hint to its --help. */
  command?: string;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The long flag, e.g. '--train-size' of '--train-size <n>'. */
export const flagName = (row: Flag): string => row.flag.split(' ')[0];

const show = (value: unknown): string => (Array.isArray(value) ? value.join(',') || 'none' : String(value));

/** The help line of a row, with its default once. */
export function helpOf(row: Flag): string {
  const fallback = row.defaultText ?? (row.default === undefined ? undefined : show(row.default));
  // A help that says its default itself ("(default: on for cifar10)") keeps only that one.
  if (fallback === undefined || row.help.includes('(default')) return row.help;
  // "(0 = dataset default)" with default 0 reads once: "(default: 0 = dataset default)".
  const zero = / \(0 = ([^)]*)\)/.exec(row.help);
  if (fallback === '0' && zero !== null) return `${row.help.replace(zero[0], '')} (default: 0 = ${zero[1]})`;
  return `${row.help} (default: ${fallback})`;
}

/**
 * Parses and validates every flag of a command from commander's raw values (strings, or true
 * for switches), filling in defaults. Throws UsageError naming the flag as typed.
 */
export function parseFlags<T>(rows: Flag[], raw: Record<string, unknown>): T {
  const options: Record<string, unknown> = {};
  for (const row of rows) {
    const given = raw[row.key];
    if (row.kind === undefined) {
      options[row.key] = given === true;
      continue;
    }
    if (given === undefined) {
      options[row.key] = row.default;
      continue;
    }
    try {
      options[row.key] = parseValue(flagName(row), row.kind, String(given));
    } catch (err) {
      // InvalidValue, or a kind's own reason (a level grid says which part is wrong).
      throw new UsageError(`${flagName(row)}: ${err instanceof OptionError ? err.detail : (err as Error).message}`);
    }
  }
  return options as T;
}

/** --log-level: every command has it. */
export const LOG_FLAGS: Flag[] = [
  { key: 'logLevel', flag: '--log-level <level>', help: 'log verbosity', kind: oneOf(LOG_LEVELS), default: 'info' },
];

export const BACKEND_FLAG: Flag = {
  key: 'backend', flag: '--backend <name>', help: 'tfjs backend (auto: the fastest that loads)', kind: oneOf(BACKEND_CHOICES), default: 'auto',
};

/** Output folder; `example` is the default's pattern for the help. */
export function outFlag(example: string): Flag {
  return { key: 'out', flag: '--out <dir>', help: 'output folder', kind: text, defaultText: example };
}

/** Flags of every command that trains many models on the worker pool. */
export function poolFlags(outExample: string): Flag[] {
  return [
    { key: 'workers', flag: '--workers <n>', help: 'worker threads', kind: integer(1, 256), default: availableParallelism() },
    BACKEND_FLAG,
    { key: 'resume', flag: '--resume', help: 'continue the run in --out, skipping finished work (same options needed)' },
    { key: 'queue', flag: '--queue <url>', help: 'train on `autoflood worker`s through this Redis, redis://[:password@]host:port[/db] or rediss:// (--workers unused)', kind: queueUrl, defaultText: 'local worker threads' },
    outFlag(outExample),
  ];
}

/**
 * `--tasks`: a shipped task distribution (envs/<name>.json) or the path of a task file. The names
 * are listed when the flag is parsed; the file itself is read when the command starts.
 */
export function tasksFlag(help: string, fallback: string): Flag {
  const kind: ValueKind<string> = {
    accepts: `a shipped task distribution (${shippedDistributions().join(', ')}) or the path of a .json task file`,
    parse: (raw) => (kind.check(raw.trim()) ? raw.trim() : undefined),
    check: (v): v is string => typeof v === 'string' && (shippedDistributions().includes(v) || v.endsWith('.json')),
  };
  return { key: 'tasks', flag: '--tasks <name|file>', help, kind, default: fallback };
}

/** A folder-name-safe name of a --tasks value (a file's base name without .json). */
export const tasksSlug = (tasks: string): string => path.basename(tasks).replace(/\.json$/, '');

/** A dataset name autoflood knows (the data itself is checked when it is loaded). */
const datasetKind: ValueKind<string> = {
  accepts: `one of ${SYNTHETIC_NAMES.join(', ')}, clusters:<features>:<classes>, mnist, fashion-mnist, cifar10, csv:<path>`,
  parse: (raw) => (datasetKind.check(raw) ? raw : undefined),
  check: (v): v is string => {
    if (typeof v !== 'string') return false;
    if ((SYNTHETIC_NAMES as readonly string[]).includes(v) || ['mnist', 'fashion-mnist', 'cifar10'].includes(v)) return true;
    if (v.startsWith('csv:')) return v.length > 4;
    try {
      return clusterShape(v) !== undefined;
    } catch {
      return false;
    }
  },
};

/** Options the library names by a key that is no flag row's, and the flag that sets each. */
const OPTION_FLAGS: Record<string, string> = { methods: '--method', agentPath: '--agent' };

/** The flag that sets the option `option` (its key in code), among a command's rows and the training settings. */
export function flagOfOption(option: string, rows: Flag[] = []): string | undefined {
  const row = rows.find((r) => r.key === option) ?? TRAIN_OPTIONS.find((r) => r.key === option);
  return row === undefined ? OPTION_FLAGS[option] : flagName(row);
}

/** A library error about one option, as a usage error naming its flag (or `fallback` when no flag sets it). */
export function usageOf(err: OptionError, rows: Flag[] = [], fallback = 'options'): UsageError {
  return new UsageError(`${flagOfOption(err.option, rows) ?? fallback}: ${err.detail}`);
}

/**
 * The training-option table as flags. They have no parsed default: what the user leaves out
 * comes from the dataset's defaults, then the global ones (`trainConfigOf`).
 */
export function trainFlags(omit: (keyof TrainConfig)[] = []): Flag[] {
  return TRAIN_OPTIONS.filter((row) => !omit.includes(row.key)).map((row) => {
    const fallback = DEFAULT_TRAIN_CONFIG[row.key];
    const kind = row.key === 'dataset' ? datasetKind : row.kind;
    return { key: row.key, flag: row.flag, help: row.help, kind, defaultText: fallback === undefined ? undefined : show(fallback) };
  });
}

/** The resolved training config of parsed options (their training fields only). */
export function trainConfigOf(options: Record<string, unknown>, omit: (keyof TrainConfig)[] = []): TrainConfig {
  const user: Record<string, unknown> = {};
  for (const row of TRAIN_OPTIONS) if (!omit.includes(row.key) && options[row.key] !== undefined) user[row.key] = options[row.key];
  try {
    return resolveTrainConfig(user as Partial<TrainConfig>);
  } catch (err) {
    throw err instanceof OptionError ? usageOf(err, [], 'training options') : err;
  }
}

/** `--seeds 3` means seeds 0, 1, 2; `--seeds 4,7` names them (no repeats). */
export const seedsKind: ValueKind<number[]> = {
  accepts: 'a count n (seeds 0..n-1) or a comma list of distinct integers >= 0',
  parse: (raw) => {
    if (raw.includes(',')) {
      const seeds = listOf(integer(0)).parse(raw);
      return seeds !== undefined && new Set(seeds).size === seeds.length ? seeds : undefined;
    }
    const n = integer(1, 10_000).parse(raw);
    return n === undefined ? undefined : Array.from({ length: n }, (_, i) => i);
  },
  check: (v): v is number[] => Array.isArray(v) && v.length > 0 && v.every((s) => Number.isInteger(s) && s >= 0),
};
