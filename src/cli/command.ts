/**
 * A command is one row: its name, its flags table, `run(options, context)`, the report of what
 * it returns and its closing log lines. `runCommand` is the one wrapper around every command: it
 * parses and validates every flag before anything is created, then makes the logger, picks the
 * out folder, starts the backend, keeps the progress display, writes the report and logs.
 */
import type winston from 'winston';
import { describeBackend, initBackend, type BackendChoice } from '../backend/index.js';
import type { RunOutput } from '../report/index.js';
import type { TrialResult } from '../trials/trial.js';
import { defaultRunDir } from '../util/files.js';
import { createLogger } from './log.js';
import { LOG_FLAGS, parseFlags, UsageError, type Flag } from './options.js';
import { createProgress, type Progress } from './progress.js';

export interface CommandContext {
  /** The output folder (`--out`, or the command's default), for commands that write one. */
  out: string;
  /** The backend in use (its name), for commands that start one. */
  backend: string;
  logger: winston.Logger;
  /** A progress display (a bar on a terminal, log lines otherwise), stopped by the wrapper. */
  progress(label: string, total: number): Progress;
  /** An `onTrial` callback that advances a progress display made on the first trial. */
  trialProgress(label: string, status: (result: TrialResult) => string): (result: TrialResult, done: number, total: number) => void;
}

export interface CommandSpec<O = any, R = any> {
  /** Words after `autoflood`, e.g. ['reproduce', 'synthetic']. */
  name: string[];
  description: string;
  /** One example invocation for the help. */
  example: string;
  /** Positional arguments, in order: their keys in the options object and their help. */
  args?: { key: string; name: string; help: string }[];
  flags: Flag[];
  /** Prefix of the default out folder (runs/<prefix>-<time>); absent: the command writes no folder. */
  outPrefix?: (options: O) => string;
  /** Starts a tfjs backend first (default true). */
  backend?: boolean;
  run(options: O, context: CommandContext): Promise<R>;
  /** What the report is built from; absent: no report. */
  report?: (result: R, options: O) => RunOutput;
  /** Log lines after the run. */
  lines(result: R, options: O, context: CommandContext): string[];
}

/** The report writers are loaded only when a command writes one: vega is heavy and `train` never needs it. */
const loadReports = () => import('../report/index.js');

/** Runs one command from commander's raw flag values and its positional arguments. */
export async function runCommand(spec: CommandSpec, raw: Record<string, unknown>, args: string[] = []): Promise<void> {
  try {
    await execute(spec, raw, args);
  } catch (err) {
    // Usage errors name the command, for the hint to its --help.
    if (err instanceof UsageError) err.command = spec.name.join(' ');
    throw err;
  }
}

async function execute(spec: CommandSpec, raw: Record<string, unknown>, args: string[]): Promise<void> {
  const options = parseFlags<Record<string, unknown>>([...spec.flags, ...LOG_FLAGS], raw);
  (spec.args ?? []).forEach((arg, i) => (options[arg.key] = args[i]));
  const logger = createLogger(String(options.logLevel));
  const out = spec.outPrefix === undefined ? '' : ((options.out as string | undefined) ?? defaultRunDir(spec.outPrefix(options)));
  let backend = '';
  if (spec.backend !== false) {
    const info = await initBackend((options.backend ?? 'auto') as BackendChoice);
    logger.info(describeBackend(info));
    backend = info.name;
  }
  const displays: Progress[] = [];
  const context: CommandContext = {
    out, backend, logger,
    progress: (label, total) => {
      const display = createProgress(label, total, logger);
      displays.push(display);
      return display;
    },
    trialProgress: (label, status) => {
      let display: Progress | undefined;
      return (result, done, total) => {
        display ??= context.progress(label, total);
        display.update(done, status(result), total);
      };
    },
  };
  let result: unknown;
  try {
    result = await spec.run(options, context);
  } finally {
    displays.forEach((d) => d.stop());
  }
  if (spec.report !== undefined) {
    const files = await (await loadReports()).writeRunReport(out, spec.report(result, options));
    logger.verbose(`wrote ${files.markdown}, ${files.html}`);
  }
  for (const line of spec.lines(result, options, context)) logger.info(line);
}
