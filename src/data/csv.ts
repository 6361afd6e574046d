/**
 * `csv:<path>`: a numeric CSV with one label column, chosen by header name or 0-based index
 * (default: the last column). Cells are separated by commas, may be double-quoted ("" is a
 * quote), and a row ends at its line end. Numbers are written in full (no hex, no "Infinity").
 *
 * Whether the first row is a header is read the way CSV sniffers read it (Python's
 * csv.Sniffer.has_header): each column whose later rows are numbers votes for a header when its
 * first cell is not a number and against when it is; columns of text do not vote. With no vote,
 * the first row is a header when one of its feature cells is not a number. `header` (true or
 * false) overrides the guess. A label column named by an integer is that index unless the header
 * also has a column of that name elsewhere, which is refused as ambiguous.
 *
 * Labels may be any strings or numbers: their sorted distinct values (numerically when all are
 * numbers) become classes 0..K-1, their names kept in `classes`. A numeric label column that
 * looks continuous (many distinct values, not all integers, or about one per row) is refused.
 * Features are used raw, without scaling. Errors give lines counted from 1 and columns from 0
 * (as `labelColumn` does).
 *
 * A file is parsed once per process into arrays on shared memory (`csvTables`); worker threads
 * are handed those tables (`adoptCsvTables`) instead of parsing the file again, so memory does not
 * grow with the number of workers.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { OptionError } from '../core/errors.js';

export interface CsvTable {
  /** [n, d] features, row-major. */
  x: Float32Array;
  y: Int32Array;
  d: number;
  /** Class names in index order. */
  classes: string[];
}

/** How a file is read: which column holds the labels, and whether the first row is a header (absent: detected). */
export interface CsvOptions {
  labelColumn?: string;
  header?: boolean;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const isNumber = (cell: string) => NUMBER.test(cell);

/** Splits one line on `sep` (default a comma) into trimmed cells, honouring double quotes ("" is a quote); `where` names the line in errors. */
export function splitLine(text: string, where: string, sep = ','): string[] {
  if (!text.includes('"')) return text.split(sep).map((c) => c.trim());
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === sep && !quoted) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new Error(`${where}: unterminated quoted cell`);
  cells.push(cell.trim());
  return cells;
}

/** The non-empty rows of a text, one at a time, without splitting the whole text into lines at once. */
function* rowsOf(text: string, file: string): Generator<{ cells: string[]; line: number }> {
  let line = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    if (raw.trim() === '') continue;
    const cells = splitLine(raw, `${file}:${line}`);
    if (cells.some((c) => c !== '')) yield { cells, line };
  }
}

/** Rows read to guess the header. */
const SNIFF_ROWS = 20;

/** Whether the first row is a header: each numeric column votes (see the module comment). */
export function sniffHeader(first: string[], sample: string[][], labelIndex?: number): boolean {
  let votes = 0;
  first.forEach((cell, c) => {
    const column = sample.map((r) => r[c] ?? '');
    if (column.length === 0 || !column.every(isNumber)) return;
    votes += isNumber(cell) ? -1 : 1;
  });
  if (votes !== 0) return votes > 0;
  return first.some((cell, c) => c !== labelIndex && !isNumber(cell));
}

/** The label column's index among `width` columns. */
function labelIndexOf(file: string, labelColumn: string | undefined, header: string[] | undefined, width: number): number {
  if (labelColumn === undefined) return width - 1;
  const named = header?.indexOf(labelColumn) ?? -1;
  const index = /^\d+$/.test(labelColumn) ? Number(labelColumn) : -1;
  if (named >= 0 && index >= 0 && index < width && named !== index) {
    throw new OptionError('labelColumn', `"${labelColumn}" is ambiguous in ${file}: the header names column ${named} "${labelColumn}", and ${index} is also a column index; ` +
      `give the header name of the column you mean, or read the file without a header (--header false) to use the index`);
  }
  if (named >= 0) return named;
  if (index >= 0 && index < width) return index;
  throw new OptionError('labelColumn', `"${labelColumn}" is neither a header name nor a column index in [0, ${width}) of ${file}`);
}

/** Sorted distinct labels (numerically, and with "1" = "1.0", when all are numbers) and each row's class index. */
function encodeLabels(labels: string[]): { classes: string[]; y: Int32Array } {
  const numeric = labels.every(isNumber);
  const keys = numeric ? labels.map((l) => String(Number(l))) : labels;
  const classes = [...new Set(keys)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(new SharedArrayBuffer(4 * keys.length));
  keys.forEach((k, i) => (y[i] = index.get(k) as number));
  return { classes, y };
}

/** Most distinct numeric labels a column may have before it is read as a measurement, not classes. */
const MAX_NUMERIC_CLASSES = 10;

/**
 * A numeric label column with many distinct values that are not all integers, or with nearly
 * one value per row (a measurement or an id, not classes).
 */
function looksContinuous(labels: string[], classes: string[]): boolean {
  if (classes.length <= MAX_NUMERIC_CLASSES || !labels.every(isNumber)) return false;
  return classes.some((c) => !Number.isInteger(Number(c))) || classes.length > labels.length / 2;
}

/** A separator other than the comma, if the first line seems to use one (for the error that says so). */
function otherSeparator(line: string): string | undefined {
  return [';', '\t', '|'].find((s) => line.split(s).length > 1);
}

/** Parses a CSV text (see the module comment for the rules). */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): CsvTable {
  const rows = rowsOf(text, file);
  const head = rows.next();
  if (head.done) throw new Error(`${file}: empty CSV`);
  const first = head.value.cells;
  const width = first.length;
  if (width < 2) {
    const sep = otherSeparator(first[0]);
    const hint = sep === undefined ? '' : `; its cells seem separated by ${sep === '\t' ? 'tabs' : `"${sep}"`}, and autoflood reads comma-separated files (convert it first, e.g. tr '${sep === '\t' ? '\\t' : sep}' ',')`;
    throw new Error(`${file}: need at least one feature column and a label column, found ${width} column${hint}`);
  }
  const sample: { cells: string[]; line: number }[] = [];
  for (let r = rows.next(); !r.done; r = rows.next()) {
    sample.push(r.value);
    if (sample.length === SNIFF_ROWS) break;
  }
  const labelGuess = options.labelColumn === undefined ? width - 1 : undefined;
  const hasHeader = options.header ?? (sniffHeader(first, sample.map((r) => r.cells), labelGuess) || (options.labelColumn !== undefined && !/^\d+$/.test(options.labelColumn) && first.includes(options.labelColumn)));
  const header = hasHeader ? first : undefined;
  const labelIndex = labelIndexOf(file, options.labelColumn, header, width);
  const column = (c: number) => (header ? `column ${c} ("${header[c]}")` : `column ${c}`);
  const d = width - 1;
  let x = new Float32Array(Math.max(1024, 64 * d));
  let n = 0;
  const labels: string[] = [];
  const add = ({ cells, line }: { cells: string[]; line: number }) => {
    if (cells.length !== width) throw new Error(`${file}: line ${line} has ${cells.length} columns, expected ${width}`);
    if ((n + 1) * d > x.length) {
      const bigger = new Float32Array(2 * x.length);
      bigger.set(x);
      x = bigger;
    }
    let j = n * d;
    for (let c = 0; c < width; c++) {
      if (c === labelIndex) continue;
      const cell = cells[c];
      if (!isNumber(cell)) throw new Error(`${file}: line ${line}, ${column(c)}: "${cell}" is not a number`);
      x[j++] = Number(cell);
    }
    if (cells[labelIndex] === '') throw new Error(`${file}: line ${line}, ${column(labelIndex)}: empty label`);
    labels.push(cells[labelIndex]);
    n++;
  };
  if (!hasHeader) add(head.value);
  sample.forEach(add);
  for (let r = rows.next(); !r.done; r = rows.next()) add(r.value);
  if (n === 0) throw new Error(`${file}: no data rows after the header`);
  const { classes, y } = encodeLabels(labels);
  if (looksContinuous(labels, classes)) {
    throw new Error(
      `${file}: ${column(labelIndex)}, the label column, looks continuous (${classes.length} distinct numbers in ${labels.length} rows, e.g. ` +
        `${classes.slice(0, 3).join(', ')}): autoflood trains classifiers, whose labels are class names or integer codes; ` +
        `choose the column that holds the classes with --label-column <header name or 0-based index>`,
    );
  }
  if (classes.length < 2) throw new Error(`${file}: ${column(labelIndex)}, the label column, has ${classes.length} distinct value; need at least 2 classes`);
  const shared = new Float32Array(new SharedArrayBuffer(4 * n * d));
  shared.set(x.subarray(0, n * d));
  return { x: shared, y, d, classes };
}

/** A parsed file, recognised again by its path, options, size and modification time. */
export interface CsvTableEntry {
  key: string;
  table: CsvTable;
}

const tables = new Map<string, Promise<CsvTable>>();
const done = new Map<string, CsvTable>();

function keyOf(file: string, options: CsvOptions): string | undefined {
  try {
    const s = statSync(file);
    return JSON.stringify([file, options.labelColumn ?? null, options.header ?? null, s.size, s.mtimeMs]);
  } catch {
    return undefined;
  }
}

/** Reads a CSV file into features and class indices, once per process (see the module comment). */
export async function readCsv(file: string, options: CsvOptions = {}): Promise<CsvTable> {
  const key = keyOf(file, options);
  const known = key === undefined ? undefined : tables.get(key);
  if (known !== undefined) return known;
  const parsed = (async () => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'a folder, not a file' };
      throw new Error(`${file}: cannot read (${(code === undefined ? undefined : why[code]) ?? code ?? (err as Error).message})`);
    }
    const table = parseCsv(text, file, options);
    if (key !== undefined) done.set(key, table);
    return table;
  })();
  if (key !== undefined) {
    tables.set(key, parsed);
    parsed.catch(() => tables.delete(key));
  }
  return parsed;
}

/** The tables this process has parsed (their arrays on shared memory), to hand to worker threads. */
export function csvTables(): CsvTableEntry[] {
  return [...done].map(([key, table]) => ({ key, table }));
}

/** Takes tables another thread parsed, so reading those files here parses nothing. */
export function adoptCsvTables(entries: readonly CsvTableEntry[]): void {
  for (const { key, table } of entries) {
    done.set(key, table);
    tables.set(key, Promise.resolve(table));
  }
}
