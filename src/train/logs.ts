/**
 * Per-epoch logs of training loops other than autoflood's own, read as autoflood's per-epoch
 * metrics (EpochMetrics), so its rules and agent can read a run trained anywhere:
 *
 * - keras: Keras' CSVLogger (`epoch,accuracy,loss,val_accuracy,val_loss`, epochs from 0, missing
 *   values written NA);
 * - lightning: PyTorch Lightning's CSVLogger `metrics.csv` (`epoch` and `step` columns, one row
 *   per logging call with the other columns empty: step rows, training epoch-end rows and
 *   validation rows; `_step` / `_epoch` variants of a metric);
 * - autoflood: autoflood's own `metrics.jsonl` (with the per-example loss statistics, and the
 *   number of classes from the `data.json` beside it);
 * - csv / jsonl: any CSV (comma, semicolon or tab separated) or JSON-lines file with named columns,
 *   or one JSON object of equal-length lists (Keras' `history.history` dumped with json.dump).
 *
 * The format is detected from the header (a first line that is a JSON object: autoflood's when it
 * has trainLoss, valLoss and floodLevel, else plain JSON lines; a CSV with `epoch` and `step`:
 * Lightning; one whose first column is `epoch` and that has `loss`: Keras; else plain CSV). Each
 * of epoch, training loss and accuracy, validation loss and accuracy is found by its usual names
 * (ALIASES) or named by the caller. Rows of one epoch are merged: the training metrics are the
 * mean of the epoch's values (step rows), the validation metrics its last value. Epochs are
 * renumbered 1, 2, ... and must be consecutive. Accuracies in percent (a value above 1) are
 * divided by 100 and said so; values that are no accuracy or no loss are refused. Errors are
 * OptionErrors naming the option at fault ('log', or the column option of a field).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OptionError } from '../core/errors.js';
import { DATA_FILE } from '../core/files.js';
import { splitLine } from '../data/csv.js';
import type { EpochMetrics } from './controller.js';

export const LOG_FORMATS = ['auto', 'keras', 'lightning', 'autoflood', 'csv', 'jsonl'] as const;
export type LogFormatChoice = (typeof LOG_FORMATS)[number];
export type LogFormat = Exclude<LogFormatChoice, 'auto'>;

/** The fields read from a log, besides the per-example statistics. */
export const LOG_FIELDS = ['epoch', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const;
export type LogField = (typeof LOG_FIELDS)[number];

/** The option (its key in code) that names each field's column. */
export const COLUMN_OPTIONS: Record<LogField, string> = {
  epoch: 'epochColumn', trainLoss: 'trainLossColumn', trainAcc: 'trainAccColumn', valLoss: 'valLossColumn', valAcc: 'valAccColumn',
};

/** What each field is called in words. */
export const FIELD_WORDS: Record<LogField, string> = {
  epoch: 'epoch', trainLoss: 'training loss', trainAcc: 'training accuracy', valLoss: 'validation loss', valAcc: 'validation accuracy',
};

/** Usual column names of each field, most specific first (compared without case). */
export const ALIASES: Record<LogField, readonly string[]> = {
  epoch: ['epoch', 'epochs'],
  trainLoss: ['trainLoss', 'train_loss_epoch', 'train_loss', 'loss', 'train/loss', 'training_loss', 'train_loss_step'],
  trainAcc: [
    'trainAcc', 'train_acc_epoch', 'train_acc', 'train_accuracy', 'accuracy', 'acc', 'train/acc', 'train/accuracy', 'training_accuracy',
    'sparse_categorical_accuracy', 'categorical_accuracy', 'binary_accuracy', 'train_acc_step',
  ],
  valLoss: ['valLoss', 'val_loss_epoch', 'val_loss', 'valid_loss', 'validation_loss', 'val/loss', 'valid/loss', 'validation/loss'],
  valAcc: [
    'valAcc', 'val_acc_epoch', 'val_acc', 'val_accuracy', 'valid_acc', 'valid_accuracy', 'validation_accuracy', 'val/acc', 'val/accuracy',
    'validation/accuracy', 'val_sparse_categorical_accuracy', 'val_categorical_accuracy', 'val_binary_accuracy',
  ],
};

export const ACCURACY_UNITS = ['auto', 'fraction', 'percent'] as const;
export type AccuracyUnits = (typeof ACCURACY_UNITS)[number];

export interface LogReadOptions {
  /** The log's format (default: detected from its header). */
  format?: LogFormatChoice;
  /** Columns named by the caller, overriding the usual names. */
  columns?: Partial<Record<LogField, string>>;
  /** How accuracies are written: auto (percent when a value is above 1), fraction in [0, 1] or percent. */
  accuracy?: AccuracyUnits;
  /** The log's name in messages (its path). */
  source?: string;
}

export interface TrainingLog {
  format: LogFormat;
  /** The log's name in messages. */
  source: string;
  /** One entry per epoch, numbered from 1. Fields the log has no column for are NaN. */
  history: EpochMetrics[];
  /** The column each field was read from; a field without one is absent. */
  columns: Partial<Record<LogField, string>>;
  /** How the log wrote its accuracies (percent: divided by 100 here). */
  accuracy: 'fraction' | 'percent';
  /** Whether every epoch carries autoflood's per-example loss statistics (lossQuantiles, highLossShare, noisyShare). */
  lossStats: boolean;
  /** The task's number of classes, when the log tells (autoflood's data.json). */
  classes?: number;
  /** What the reader did that the user should know (an epoch dropped, units converted). */
  notes: string[];
}

const TRAIN_FIELDS: readonly LogField[] = ['trainLoss', 'trainAcc'];
const MISSING = new Set(['', 'nan', '-nan', 'na', 'n/a', 'none', 'null']);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A row of the log: its cells by column name (strings for CSV, JSON values for JSON lines) and its line. */
interface Row {
  line: number;
  cells: Record<string, unknown>;
}

interface Table {
  columns: string[];
  rows: Row[];
  notes: string[];
}

const fail = (option: string, detail: string): never => {
  throw new OptionError(option, detail);
};

/** One line's cells (data/csv.ts splits them); a broken quote is the log's fault. */
function cellsOf(text: string, sep: string, where: string): string[] {
  try {
    return splitLine(text, where, sep);
  } catch (err) {
    return fail('log', (err as Error).message);
  }
}


/** The separator of a CSV header: the most frequent of comma, semicolon and tab outside quotes. */
function separatorOf(header: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) as number) + 1);
  }
  return [...counts.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/** Non-empty lines with their 1-based line numbers. */
function linesOf(text: string): { text: string; line: number }[] {
  return text.split('\n').map((t, i) => ({ text: t.replace(/\r$/, ''), line: i + 1 })).filter((l) => l.text.trim() !== '');
}

function csvTable(text: string, source: string): Table {
  const lines = linesOf(text);
  if (lines.length === 0) fail('log', `${source} is empty`);
  const sep = separatorOf(lines[0].text);
  const columns = cellsOf(lines[0].text, sep, `${source}:${lines[0].line}`);
  if (columns.some((c) => c === '')) fail('log', `${source}:${lines[0].line}: the header has an empty column name; a log needs named columns`);
  if (columns.every((c) => NUMBER.test(c))) fail('log', `${source}:${lines[0].line}: the first line is numbers, not column names; a CSV log needs a header row`);
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) fail('log', `${source}:${lines[0].line}: column "${dup}" appears twice in the header`);
  const rows: Row[] = [];
  const notes: string[] = [];
  lines.slice(1).forEach(({ text: t, line }, i, rest) => {
    const cells = cellsOf(t, sep, `${source}:${line}`);
    if (cells.length !== columns.length) {
      // A torn last line: the run was killed while writing it.
      if (i === rest.length - 1 && cells.length < columns.length) {
        notes.push(`line ${line} is cut short (${cells.length} of ${columns.length} columns) and was left out`);
        return;
      }
      fail('log', `${source}:${line}: ${cells.length} columns, the header has ${columns.length}`);
    }
    rows.push({ line, cells: Object.fromEntries(columns.map((c, k) => [c, cells[k]])) });
  });
  return { columns, rows, notes };
}

/** A whole-file JSON object of equal-length lists (Keras' `history.history` dumped with json.dump), as rows; else undefined. */
function columnsTable(text: string, source: string): Table | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  // One JSON object over several lines that is not a history of lists (a summary, a config) reads as no log at all.
  if (!entries.every(([, v]) => Array.isArray(v)) && text.trim().split('\n').length > 1) {
    fail('log', `${source}: one JSON object, but not a training history: expected one object per epoch on each line (JSON lines) or an object of per-epoch lists (Keras' history.history)`);
  }
  if (entries.length === 0 || !entries.every(([, v]) => Array.isArray(v))) return undefined;
  const length = (entries[0][1] as unknown[]).length;
  const uneven = entries.find(([, v]) => (v as unknown[]).length !== length);
  if (uneven !== undefined) fail('log', `${source}: a JSON object of lists, but ${uneven[0]} has ${(uneven[1] as unknown[]).length} values and ${entries[0][0]} ${length}`);
  const rows = Array.from({ length }, (_, i) => ({ line: 1, cells: Object.fromEntries(entries.map(([k, v]) => [k, (v as unknown[])[i]])) }));
  return { columns: entries.map(([k]) => k), rows, notes: [] };
}

function jsonTable(text: string, source: string): Table {
  const whole = columnsTable(text, source);
  if (whole !== undefined) return whole;
  const lines = linesOf(text);
  const rows: Row[] = [];
  const notes: string[] = [];
  const columns: string[] = [];
  lines.forEach(({ text: t, line }, i) => {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      if (i === lines.length - 1 && i > 0) {
        notes.push(`line ${line} is not complete JSON (a run killed while writing it?) and was left out`);
        return;
      }
      fail('log', `${source}:${line}: not valid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('log', `${source}:${line}: expected one JSON object per line (an epoch's metrics by name)`);
    for (const key of Object.keys(value as object)) if (!columns.includes(key)) columns.push(key);
    rows.push({ line, cells: value as Record<string, unknown> });
  });
  return { columns, rows, notes };
}

/** The format of a log from its first line (and, for CSV, its header). */
export function detectFormat(text: string): LogFormat {
  const first = linesOf(text)[0]?.text.trim() ?? '';
  if (first.startsWith('[')) return 'jsonl';
  if (first.startsWith('{')) {
    let keys: string[] = [];
    try {
      keys = Object.keys(JSON.parse(first) as object);
    } catch {
      return 'jsonl';
    }
    return ['trainLoss', 'valLoss', 'floodLevel'].every((k) => keys.includes(k)) ? 'autoflood' : 'jsonl';
  }
  const columns = cellsOf(first, separatorOf(first), 'header').map((c) => c.toLowerCase());
  if (columns.includes('epoch') && columns.includes('step')) return 'lightning';
  if (columns[0] === 'epoch' && columns.includes('loss')) return 'keras';
  return 'csv';
}

/** A cell as a number: undefined when empty or not a number (NaN, NA, ...); inf is Infinity. Throws on text. */
function numberOf(value: unknown, source: string, row: Row, column: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'boolean' || typeof value === 'object') return fail('log', `${source}:${row.line}: ${column} is ${JSON.stringify(value)}, not a number`);
  const text = String(value).trim();
  if (MISSING.has(text.toLowerCase())) return undefined;
  if (/^[-+]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (!NUMBER.test(text)) return fail('log', `${source}:${row.line}: ${column} is "${text}", not a number`);
  return Number(text);
}

/** The column of a field: the caller's, else the first usual name the log has (without case). */
function columnOf(field: LogField, table: Table, format: LogFormat, given: string | undefined, source: string): string | undefined {
  if (given !== undefined) {
    const exact = table.columns.find((c) => c === given) ?? table.columns.find((c) => c.toLowerCase() === given.toLowerCase());
    if (exact === undefined) fail(COLUMN_OPTIONS[field], `no column "${given}" in ${source} (its columns: ${table.columns.join(', ')})`);
    return exact;
  }
  const names = format === 'autoflood' ? [ALIASES[field][0]] : ALIASES[field];
  for (const name of names) {
    const found = table.columns.find((c) => c.toLowerCase() === name.toLowerCase());
    if (found !== undefined) return found;
  }
  return undefined;
}

const isStatsRow = (cells: Record<string, unknown>) =>
  Array.isArray(cells.lossQuantiles) && cells.lossQuantiles.length === 5 && cells.lossQuantiles.every((q) => typeof q === 'number' && Number.isFinite(q)) &&
  typeof cells.highLossShare === 'number' && typeof cells.noisyShare === 'number';

/**
 * Reads a log's text (see the file's comment).
 * @throws OptionError naming 'log' (what the log holds) or a field's column option (a column named but missing).
 */
export function parseLog(text: string, options: LogReadOptions = {}): TrainingLog {
  const source = options.source ?? 'the log';
  if (text.trim() === '') fail('log', `${source} is empty`);
  const format = options.format === undefined || options.format === 'auto' ? detectFormat(text) : options.format;
  const json = format === 'autoflood' || format === 'jsonl';
  const isJson = /^[[{]/.test(text.trimStart());
  if (json && !isJson) fail('log', `${source} is not JSON lines (its first line is not a JSON object), so not a ${format} log; leave --format out to detect it`);
  if (!json && isJson) fail('log', `${source} is JSON lines, not a ${format} CSV; leave --format out to detect it`);
  const table = json ? jsonTable(text, source) : csvTable(text, source);
  if (table.rows.length === 0) fail('log', `${source} has a header but no epochs`);

  const columns: Partial<Record<LogField, string>> = {};
  for (const field of LOG_FIELDS) {
    const column = columnOf(field, table, format, options.columns?.[field], source);
    if (column !== undefined) columns[field] = column;
  }
  if (columns.valLoss === undefined) {
    fail('log', `${source} has no validation loss column (looked for ${ALIASES.valLoss.join(', ')}; its columns: ${table.columns.join(', ')}): ` +
      'every method reads the loss scale from the validation loss; log it every epoch, or name its column with --val-loss-column');
  }
  if (format === 'lightning' && columns.epoch === undefined) fail('log', `${source}: a Lightning metrics.csv has an epoch column; this one has none (name it with --epoch-column)`);
  const notes = [...table.notes];

  // Rows by epoch, in order; one row per epoch except in Lightning's metrics.csv.
  const groups: { epoch: number; rows: Row[] }[] = [];
  if (columns.epoch === undefined) table.rows.forEach((row, i) => groups.push({ epoch: i + 1, rows: [row] }));
  else {
    const byEpoch = new Map<number, { epoch: number; rows: Row[] }>();
    for (const row of table.rows) {
      const e = numberOf(row.cells[columns.epoch], source, row, columns.epoch);
      if (e === undefined) {
        if (format === 'lightning') continue; // a row logged outside any epoch
        fail('log', `${source}:${row.line}: no epoch number in column ${columns.epoch}`);
      }
      const epoch = e as number;
      if (!(Number.isInteger(epoch) && epoch >= 0)) fail('log', `${source}:${row.line}: epoch ${epoch} is not an integer >= 0`);
      const group = byEpoch.get(epoch);
      if (group === undefined) {
        const fresh = { epoch, rows: [row] };
        byEpoch.set(epoch, fresh);
        groups.push(fresh);
      } else if (format !== 'lightning') {
        fail('log', `${source}: epoch ${epoch} appears twice (lines ${group.rows[0].line} and ${row.line}); a resumed run appending to its log? Keep one row per epoch`);
      } else group.rows.push(row);
    }
    groups.sort((a, b) => a.epoch - b.epoch);
    if (groups.length > 0 && groups[0].epoch > 1) {
      fail('log', `${source} starts at epoch ${groups[0].epoch}: the run's first epochs are missing (the warm-up that measures the loss scale is the first 20%)`);
    }
    groups.forEach((g, i) => {
      if (i > 0 && g.epoch !== groups[i - 1].epoch + 1) fail('log', `${source}: epoch ${groups[i - 1].epoch + 1} is missing (epochs ${groups[i - 1].epoch} and ${g.epoch} are logged); log every epoch`);
    });
  }

  const valueOf = (field: LogField, rows: Row[]): number => {
    const column = columns[field];
    if (column === undefined) return NaN;
    const values = rows.map((row) => numberOf(row.cells[column], source, row, column)).filter((v): v is number => v !== undefined);
    if (values.length === 0) return NaN;
    // Training metrics logged per step: their mean over the epoch; validation: the epoch's last reading.
    return TRAIN_FIELDS.includes(field) ? values.reduce((s, v) => s + v, 0) / values.length : values[values.length - 1];
  };

  // A last epoch without a validation loss is one the run did not finish.
  const last = groups[groups.length - 1];
  if (groups.length > 1 && Number.isNaN(valueOf('valLoss', last.rows))) {
    groups.pop();
    notes.push(`the last epoch logged (${last.epoch}) has no validation loss (the run stopped before its validation) and was left out`);
  }

  const history: EpochMetrics[] = groups.map((g, i) => {
    const lastRow = g.rows[g.rows.length - 1];
    const base: EpochMetrics = format === 'autoflood' ? { ...(lastRow.cells as unknown as EpochMetrics) } : {
      epoch: 0, trainLoss: NaN, trainAcc: NaN, valLoss: NaN, valAcc: NaN, valLossClean: NaN, valAccClean: NaN,
      floodedFraction: NaN, floodLevel: 0, lr: NaN, wallSeconds: NaN,
    };
    const m: EpochMetrics = { ...base, epoch: i + 1 };
    for (const field of ['trainLoss', 'trainAcc', 'valLoss', 'valAcc'] as const) m[field] = valueOf(field, g.rows);
    if (format !== 'autoflood') {
      const flood = table.columns.find((c) => c === 'floodLevel' || c === 'flood_level');
      const level = flood === undefined ? undefined : numberOf(lastRow.cells[flood], source, lastRow, flood);
      m.floodLevel = level ?? 0;
      if (json && isStatsRow(lastRow.cells)) {
        const c = lastRow.cells as { lossQuantiles: number[]; highLossShare: number; noisyShare: number };
        Object.assign(m, { lossQuantiles: c.lossQuantiles, highLossShare: c.highLossShare, noisyShare: c.noisyShare });
      }
    }
    return m;
  });

  // Every epoch needs its validation loss, a finite loss >= 0.
  for (const m of history) {
    const line = groups[m.epoch - 1].rows[0].line;
    if (Number.isNaN(m.valLoss)) fail('log', `${source}: epoch ${m.epoch} (line ${line}) has no validation loss in ${columns.valLoss}; log it every epoch`);
    for (const field of ['trainLoss', 'valLoss'] as const) {
      const v = m[field];
      if (v === Infinity || v === -Infinity) fail('log', `${source}: epoch ${m.epoch} (line ${line}) has ${FIELD_WORDS[field]} ${v}: the run diverged`);
      if (v < 0) fail('log', `${source}: epoch ${m.epoch} (line ${line}) has ${FIELD_WORDS[field]} ${v} in ${columns[field]}, below 0: not a cross-entropy loss`);
    }
  }

  const accuracy = accuracyUnits(history, columns, options.accuracy ?? 'auto', source);
  if (accuracy === 'percent') {
    for (const m of history) {
      m.trainAcc /= 100;
      m.valAcc /= 100;
    }
    const top = Math.max(...history.flatMap((m) => [m.trainAcc, m.valAcc]).filter(Number.isFinite));
    notes.push(`accuracies read in percent (up to ${+(100 * top).toFixed(4)}) and divided by 100`);
  }

  const lossStats = history.every((m) => m.lossQuantiles !== undefined && m.highLossShare !== undefined && m.noisyShare !== undefined);
  return { format, source, history, columns, accuracy, lossStats, notes };
}

/** Fraction or percent: what the caller says, checked against the values, or percent when one exceeds 1. */
function accuracyUnits(history: EpochMetrics[], columns: Partial<Record<LogField, string>>, units: AccuracyUnits, source: string): 'fraction' | 'percent' {
  let top: { value: number; epoch: number; field: LogField } | undefined;
  for (const m of history) {
    for (const field of ['trainAcc', 'valAcc'] as const) {
      const v = m[field];
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v) || v < 0 || v > 100) {
        fail('log', `${source}: epoch ${m.epoch} has ${FIELD_WORDS[field]} ${v} in ${columns[field]}: not an accuracy (a fraction in [0, 1] or a percentage)`);
      }
      if (top === undefined || v > top.value) top = { value: v, epoch: m.epoch, field };
    }
  }
  if (units === 'fraction' && top !== undefined && top.value > 1) {
    fail('accuracy', `the log's accuracies are not fractions: ${FIELD_WORDS[top.field]} ${top.value} at epoch ${top.epoch} (in percent? leave --accuracy out to detect it)`);
  }
  // Every accuracy at most 1% is below chance for any task with up to 100 classes: fractions read as percent.
  if (units === 'percent' && top !== undefined && top.value <= 1) {
    fail('accuracy', `the log's accuracies are at most ${top.value} (${FIELD_WORDS[top.field]} at epoch ${top.epoch}): as percentages they would all be 1% or less; they are fractions (leave --accuracy out to detect it)`);
  }
  if (units !== 'auto') return units;
  return top !== undefined && top.value > 1 ? 'percent' : 'fraction';
}

/**
 * Refuses a log without every epoch's `fields` (NaN: no column, or an epoch without a value).
 * @param why what needs them, e.g. "the twin agent reads the whole run's training and validation metrics".
 */
export function requireFields(log: TrainingLog, fields: readonly LogField[], why: string): void {
  for (const field of fields) {
    if (field === 'epoch') continue;
    if (log.columns[field] === undefined) {
      fail('log', `${log.source} has no ${FIELD_WORDS[field]} column (looked for ${ALIASES[field].join(', ')}); ${why}: log it every epoch, ` +
        `or name its column with --${COLUMN_OPTIONS[field].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
    const gap = log.history.find((m) => Number.isNaN(m[field]));
    if (gap !== undefined) fail('log', `${log.source}: epoch ${gap.epoch} has no ${FIELD_WORDS[field]} (column ${log.columns[field]}); ${why}: log it every epoch`);
  }
}

/** The number of classes autoflood wrote in the data.json beside a metrics.jsonl, if any. */
function classesBeside(file: string): number | undefined {
  const data = path.join(path.dirname(file), DATA_FILE);
  if (!existsSync(data)) return undefined;
  try {
    const classes = (JSON.parse(readFileSync(data, 'utf8')) as { classes?: unknown }).classes;
    return Number.isInteger(classes) && (classes as number) >= 2 ? (classes as number) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a log file (see `parseLog`); an autoflood metrics.jsonl also gets its classes from the data.json beside it. */
export async function readLog(file: string, options: Omit<LogReadOptions, 'source'> = {}): Promise<TrainingLog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail('log', code === 'ENOENT' ? `no such file: ${file}` : code === 'EISDIR' ? `${file} is a folder; give the log file in it (metrics.csv, metrics.jsonl, ...)` : `cannot read ${file} (${code ?? (err as Error).message})`);
  }
  const log = parseLog(text, { ...options, source: file });
  if (log.format === 'autoflood') {
    const classes = classesBeside(file);
    if (classes !== undefined) log.classes = classes;
  }
  return log;
}
