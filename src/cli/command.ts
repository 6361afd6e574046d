/**
 * A command is one row: its name, its flags table, `run(options, context)`, the report of what
 * it returns and its closing log lines. `runCommand` is the one wrapper around every command: it
 * parses and validates every flag and checks what the command will read (`prepare`) before
 * anything is created, then makes the logger, picks the out folder, starts the backend, keeps
 * the progress display, writes the report and logs. A start that fails leaves no folder it
 * made; Ctrl-C restores the terminal and says how to continue.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type winston from 'winston';
import { OptionError, TrialFailed } from '../core/errors.js';
import { describeBackend, initBackend, type BackendChoice } from '../backend/index.js';
import { describeAddress, hideUrlPasswords, parseQueueUrl } from '../queue/address.js';
import type { RunOutput } from '../report/index.js';
import type { EpochMetrics } from '../train/controller.js';
import type { StudyOptions } from '../trials/run-folder.js';
import type { Runner } from '../trials/runner.js';
import type { TrialResult, TrialSpec } from '../trials/trial.js';
import { CONFIG_FILE, DATA_FILE, defaultRunDir, ensureDir, runFolderProblem, writeJson } from '../core/files.js';
import { LOCK_FILE, lockRunFolder } from '../core/lock.js';
import { savedTrainings } from '../trials/run-log.js';
import { createLogger } from './log.js';
import { flagName, flagOfOption, LOG_FLAGS, parseFlags, UsageError, type Flag } from './options.js';
import { createProgress, writeAboveBar, type Progress } from './progress.js';
import type { Task } from './task.js';

/** The progress callbacks of the many-training library calls (LoggedRunOptions), driving one bar over epochs. */
export interface PoolProgress {
  onPlan(plan: { trial: TrialSpec; epochs: number }[]): void;
  onEpoch(jobId: string, metrics: EpochMetrics): void;
  onTrial(result: TrialResult): void;
}

export interface CommandContext {
  /** The output folder (`--out`, or the command's default), for commands that write one. */
  out: string;
  /** The backend in use (its name), for commands that start one. */
  backend: string;
  logger: winston.Logger;
  /** A progress display (a bar on a terminal, log lines otherwise), stopped by the wrapper. */
  progress(label: string, total: number): Progress;
  /** Progress by epoch over every training the library plans, with the level in force. */
  poolProgress(label: string): PoolProgress;
  /**
   * Where the trainings run: the Redis queue at `queue` (connected now, closed when the command
   * ends), or undefined for local worker threads.
   */
  runner(queue: string | undefined): Promise<Runner | undefined>;
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
  /**
   * Checks, before anything is created, what the command will read (data, agent files), and
   * adds what it loaded to the options (a `task` is recorded in the folder's data.json).
   * Throws UsageError naming the flag at fault.
   */
  prepare?: (options: O, logger: winston.Logger) => Promise<void>;
  /** Prefix of the default out folder (runs/<prefix>-<time>); absent: the command writes no folder. */
  outPrefix?: (options: O) => string;
  /** Starts a tfjs backend first (default true). */
  backend?: boolean;
  /** The command stops itself on Ctrl-C (the worker hands its jobs back): the wrapper does not exit on SIGINT. */
  ownsInterrupt?: boolean;
  run(options: O, context: CommandContext): Promise<R>;
  /** What the report is built from; absent: no report. */
  report?: (result: R, options: O) => RunOutput;
  /** Log lines after the run. */
  lines(result: R, options: O, context: CommandContext): string[];
}

/** The report writers are loaded only when a command writes one: vega is heavy and `train` never needs it. */
const loadReports = () => import('../report/index.js');

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT). */
const INTERRUPTED_EXIT_CODE = 130;

/** Runs one command from commander's raw flag values and its positional arguments. */
export async function runCommand(spec: CommandSpec, raw: Record<string, unknown>, args: string[] = []): Promise<void> {
  try {
    await execute(spec, raw, args);
  } catch (err) {
    // Usage errors name the command, for the hint to its --help.
    if (err instanceof UsageError) err.command = spec.name.join(' ');
    // A training that failed in a worker: what it said, without the trial's internal id.
    if (err instanceof TrialFailed) {
      const flag = err.option === undefined ? undefined : flagOfOption(err.option, spec.flags);
      throw new Error(`a training failed: ${err.option === undefined ? '' : `${flag ?? err.option}: `}${err.detail}`);
    }
    // A library error about one of the command's options names its flag (exit 1: the command was
    // well formed; what it found, a folder in use, a Redis that does not answer, stopped it).
    if (err instanceof OptionError && !(err instanceof UsageError)) {
      const flag = flagOfOption(err.option, spec.flags);
      if (flag !== undefined) throw new Error(`${flag}: ${err.detail}`);
    }
    throw err;
  }
}

/** A word as the shell reads it back. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

const resumable = (spec: CommandSpec): boolean => spec.flags.some((f) => f.key === 'resume');

/** The command line that continues (or, without --resume, repeats) this run into `out`. */
function continueCommand(spec: CommandSpec, out: string): string {
  const argv = process.argv.slice(2);
  // A command without --resume (train) starts again; with --overwrite when it has one.
  const again = spec.flags.some((f) => f.key === 'overwrite') ? '--overwrite' : undefined;
  const extra = [
    ...(argv.includes('--out') || argv.some((a) => a.startsWith('--out=')) ? [] : ['--out', out]),
    ...(resumable(spec) ? (argv.includes('--resume') ? [] : ['--resume']) : again !== undefined && !argv.includes(again) ? [again] : []),
  ];
  // A --queue URL's password is not printed back.
  // Run through npx (npm exec), the user continues the same way.
  const words = ['autoflood', ...argv, ...extra].map((word) => shellWord(hideUrlPasswords(word))).join(' ');
  return process.env.npm_command === 'exec' ? `npx ${words}` : words;
}

/** Whether `out` holds nothing of value: no finished training and no epoch logged. */
function holdsNothing(out: string): boolean {
  const metrics = path.join(out, 'metrics.jsonl');
  return savedTrainings(out) === 0 && !(existsSync(metrics) && readFileSync(metrics, 'utf8').trim() !== '');
}

async function execute(spec: CommandSpec, raw: Record<string, unknown>, args: string[]): Promise<void> {
  const options = parseFlags<Record<string, unknown>>([...spec.flags, ...LOG_FLAGS], raw);
  (spec.args ?? []).forEach((arg, i) => (options[arg.key] = args[i]));
  const logger = createLogger(String(options.logLevel));
  await spec.prepare?.(options, logger);
  const out = spec.outPrefix === undefined ? '' : ((options.out as string | undefined) ?? defaultRunDir(spec.outPrefix(options)));
  const outFlag = spec.flags.find((f) => f.key === 'out');
  const problem = out === '' ? undefined : runFolderProblem(out);
  if (problem !== undefined) throw new UsageError(`${outFlag === undefined ? 'out' : flagName(outFlag)}: ${problem}`);
  if (resumable(spec) && options.resume !== true && existsSync(path.join(out, CONFIG_FILE))) {
    throw new UsageError(`--out: ${out} already holds a run; pass --resume to continue it or choose another --out`);
  }
  const existedBefore = out !== '' && existsSync(out);
  const displays: Progress[] = [];
  const closers: (() => Promise<void>)[] = [];
  const onInterrupt = () => {
    displays.forEach((d) => d.stop());
    const saved = out !== '' && existsSync(out) ? savedTrainings(out) : 0;
    const where = out === '' || !existsSync(out) ? 'nothing saved' : `${saved} training${saved === 1 ? '' : 's'} saved in ${out}`;
    writeAboveBar(`\nautoflood: interrupted; ${where}\n`);
    if (out !== '' && existsSync(out)) writeAboveBar(`${resumable(spec) ? 'to continue' : 'to run it again'}: ${continueCommand(spec, out)}\n`);
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  if (spec.ownsInterrupt !== true) process.once('SIGINT', onInterrupt);
  const context: CommandContext = {
    out, backend: '', logger,
    progress: (label, total) => {
      const display = createProgress(label, total, logger);
      displays.push(display);
      return display;
    },
    poolProgress: (label) => poolProgress(label, context),
    async runner(queue) {
      if (queue === undefined) return undefined;
      const { QueueRunner } = await import('../queue/coordinator.js');
      const runner = await QueueRunner.open(queue);
      closers.push(() => runner.close());
      return runner;
    },
  };
  let result: unknown;
  let releaseLock: (() => Promise<void>) | undefined;
  try {
    if (spec.backend !== false) {
      const info = await initBackend((options.backend ?? 'auto') as BackendChoice);
      logger.info(describeBackend(info));
      context.backend = info.name;
    }
    const task = options.task as Task | undefined;
    // A new run, or one replaced (--overwrite); a resumed run keeps the data.json it started with.
    const fresh = !existsSync(path.join(out, CONFIG_FILE)) || options.overwrite === true;
    // The folder's lock for the whole command, the report included (the run takes it again, from
    // this process): nothing is written into a folder another process holds.
    if (out !== '') releaseLock = await lockRunFolder(await ensureDir(out));
    if (task !== undefined && (fresh || (options.resume === true && !existsSync(path.join(out, DATA_FILE))))) {
      await writeJson(path.join(out, DATA_FILE), { ...task.data, backend: context.backend });
    }
    // With --queue, nothing moves until a worker takes the trainings: say where they wait (a command with a run folder only).
    if (typeof options.queue === 'string' && resumable(spec)) logger.info(`trainings go to the queue at ${describeAddress(parseQueueUrl(options.queue))}, for the workers started with autoflood worker --queue <URL>`);
    result = await spec.run(options, context);
  } catch (err) {
    process.off('SIGINT', onInterrupt);
    displays.forEach((d) => d.stop());
    await releaseLock?.();
    // A start that failed leaves no folder it made (never one that was there before, as with --resume,
    // nor one another process holds: its lock is still there, ours is released by now).
    if (out !== '' && !existedBefore && existsSync(out) && holdsNothing(out) && !existsSync(path.join(out, LOCK_FILE))) await rm(out, { recursive: true, force: true });
    // A run that failed part-way (Redis gone for good, a training that failed) says what is saved and how to continue;
    // one refused (options that do not fit, as a --resume with other options) would be refused again.
    else if (resumable(spec) && !(err instanceof OptionError || err instanceof UsageError) && out !== '' && existsSync(out) && savedTrainings(out) > 0) {
      const saved = savedTrainings(out);
      writeAboveBar(`autoflood: stopped; ${saved} training${saved === 1 ? '' : 's'} saved in ${out}\nto continue: ${continueCommand(spec, out)}\n`);
    }
    throw err;
  } finally {
    displays.forEach((d) => d.stop());
    try {
      for (const close of closers.splice(0)) await close();
    } catch (err) {
      await releaseLock?.();
      throw err;
    }
  }
  try {
    if (spec.report !== undefined) {
      const files = await (await loadReports()).writeRunReport(out, spec.report(result, options));
      logger.verbose(`wrote ${files.markdown}, ${files.html}`);
    }
    for (const line of spec.lines(result, options, context)) logger.info(line);
  } finally {
    // Ctrl-C while the report is written still says what is saved (all of it) and how to finish.
    process.off('SIGINT', onInterrupt);
    await releaseLock?.();
  }
}

/** The flags every command that trains many models has (poolFlags). */
export interface PoolFlags extends Record<string, unknown> {
  workers: number;
  resume: boolean;
  queue?: string;
}

/** The run settings of a study from its pool flags: folder, resume, where it trains, progress by epoch. */
export async function studyOptions(o: PoolFlags, context: CommandContext, label: string): Promise<StudyOptions> {
  return {
    out: context.out, resume: o.resume, workers: o.workers, backend: context.backend,
    runner: await context.runner(o.queue), ...context.poolProgress(label),
  };
}

/** Level as shown in a status: up to 4 significant digits. */
const levelText = (b: number): string => String(Number(b.toPrecision(4)));

/**
 * One bar over the epochs of every training planned so far (rounds of a search add to the total
 * as they are planned, and the bar says its total is of what is planned so far), with the
 * trainings finished and, for the latest epoch, the training and the flood level in force.
 */
function poolProgress(label: string, context: CommandContext): PoolProgress {
  const planned = new Map<string, TrialSpec>();
  let display: Progress | undefined;
  let epochs = 0;
  let epochsDone = 0;
  let finished = 0;
  let latest = '';
  // A search plans its next round when one ends (halving's rungs, PBT's generations), so the totals grow: say so.
  const status = () => `epochs planned so far; ${finished}/${planned.size} trainings${latest === '' ? '' : `; ${latest}`}`;
  return {
    onPlan: (plan) => {
      for (const { trial, epochs: n } of plan) {
        if (!planned.has(trial.id)) epochs += n;
        planned.set(trial.id, trial);
      }
      display ??= context.progress(label, epochs);
      display.update(epochsDone, status(), epochs);
    },
    onEpoch: (jobId, m) => {
      epochsDone++;
      const trial = planned.get(jobId);
      const what = trial === undefined ? '' : `${trial.config.dataset} noise ${trial.config.noise} ${trial.tag} `;
      latest = `${what}epoch ${m.epoch}${trial === undefined ? '' : `/${trial.config.epochs}`} b ${levelText(m.floodLevel)} val acc ${(100 * m.valAcc).toFixed(1)}%`;
      display?.update(epochsDone, status());
    },
    onTrial: () => {
      finished++;
      display?.update(epochsDone, status());
    },
  };
}
