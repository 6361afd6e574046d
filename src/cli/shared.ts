/** Pieces every command shares: the training-option table as flags, parsing, formatting. */
import { Command, Option } from 'commander';
import type winston from 'winston';
import { describeBackend, initBackend, type BackendChoice } from '../backend/index.js';
import { defaultWorkers } from '../pool/pool.js';
import { DEFAULT_TRAIN_CONFIG, resolveTrainConfig, TRAIN_OPTIONS, type TrainConfig } from '../train/config.js';
import { LOG_LEVELS } from './log.js';

/** Adds every training option of the table to a command. */
export function addTrainOptions(cmd: Command, omit: (keyof TrainConfig)[] = []): Command {
  for (const row of TRAIN_OPTIONS) {
    if (omit.includes(row.key)) continue;
    const fallback = DEFAULT_TRAIN_CONFIG[row.key];
    const shown = Array.isArray(fallback) ? fallback.join(',') || 'none' : String(fallback ?? 'none');
    cmd.addOption(new Option(row.flag, `${row.help} (default: ${shown})`));
  }
  return cmd;
}

/** Turns parsed flags into a full, validated training config. */
export function trainConfigFromFlags(flags: Record<string, unknown>): TrainConfig {
  const user: Record<string, unknown> = {};
  for (const row of TRAIN_OPTIONS) {
    const raw = flags[row.key];
    if (raw === undefined) continue;
    user[row.key] = row.parse ? row.parse(String(raw)) : raw;
  }
  return resolveTrainConfig(user as Partial<TrainConfig>);
}

export function positiveInt(raw: unknown, field: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${field}: must be an integer >= 1, got "${String(raw)}"`);
  return n;
}

/** `--seeds 3` means seeds 0, 1, 2; `--seeds 4,7` names them. */
export function seedList(raw: unknown): number[] {
  const text = String(raw);
  if (text.includes(',')) {
    const seeds = text.split(',').map(Number);
    if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new RangeError(`seeds: not a list of integers >= 0: "${text}"`);
    return seeds;
  }
  return Array.from({ length: positiveInt(text, 'seeds') }, (_, i) => i);
}

export function addPoolOptions(cmd: Command, out: string, withBackend = true): Command {
  cmd.option('--workers <n>', 'worker threads', String(defaultWorkers()));
  if (withBackend) cmd.option('--backend <name>', 'auto | node-gpu | node | wasm | cpu', 'auto');
  return cmd
    .option('--resume', 'continue the run in --out, skipping finished work')
    .option('--out <dir>', `output folder (default: ${out})`);
}

export function addCommonOptions(cmd: Command): Command {
  return cmd.addOption(new Option('--log-level <level>', 'log verbosity').choices([...LOG_LEVELS]).default('info'));
}

export async function startBackend(requested: string, logger: winston.Logger) {
  const info = await initBackend(requested as BackendChoice);
  logger.info(describeBackend(info));
  return info;
}


/** The report writers, loaded when a command writes its report: vega is heavy and `train` never needs it. */
export const loadReports = () => import('../report/index.js');
