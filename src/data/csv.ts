/**
 * `csv:<path>`: a numeric CSV with one label column, chosen by header name or 0-based index
 * (default: the last column). The first row is a header when one of its feature cells is not a
 * number, when the label column is chosen by a name found in it, or when it is the only row
 * whose label is not a number. Cells may be double-quoted ("" is a quote); a row ends at its
 * line end. Labels may be any strings or numbers: their sorted distinct values (numerically
 * when all are numbers) become classes 0..K-1, their names kept in `classes`. A numeric label
 * column that looks continuous (many distinct values, not all integers, or about one per row)
 * is refused. Features are used raw, without scaling.
 * Errors give lines counted from 1 and columns from 0 (as `labelColumn` does).
 */
import { OptionError } from '../core/errors.js';
import { readFile } from 'node:fs/promises';

export interface CsvTable {
  /** [n, d] features, row-major. */
  x: Float32Array;
  y: Int32Array;
  d: number;
  /** Class names in index order. */
  classes: string[];
}

interface Row {
  cells: string[];
  line: number;
}

const isNumber = (cell: string) => cell !== '' && Number.isFinite(Number(cell));

/** Splits one line into trimmed cells; `where` names the line in errors. */
function splitLine(text: string, where: string): string[] {
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
    } else if (ch === ',' && !quoted) {
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

/** Finds the label column and whether the first row is a header. */
function layout(file: string, rows: Row[], labelColumn: string | undefined): { labelIndex: number; hasHeader: boolean } {
  const first = rows[0].cells;
  const width = first.length;
  const named = labelColumn !== undefined && first.some((cell) => !isNumber(cell)) ? first.indexOf(labelColumn) : -1;
  if (named >= 0) return { labelIndex: named, hasHeader: true };
  let labelIndex = width - 1;
  if (labelColumn !== undefined) {
    if (!/^\d+$/.test(labelColumn) || Number(labelColumn) >= width) {
      throw new OptionError('labelColumn', `"${labelColumn}" is neither a header name nor a column index in [0, ${width}) of ${file}`);
    }
    labelIndex = Number(labelColumn);
  }
  const textFeature = first.some((cell, c) => c !== labelIndex && !isNumber(cell));
  const textLabelOnlyFirst = !isNumber(first[labelIndex]) && rows.slice(1).every((r) => isNumber(r.cells[labelIndex] ?? ''));
  return { labelIndex, hasHeader: textFeature || (rows.length > 1 && textLabelOnlyFirst) };
}

/** Sorted distinct labels (numerically, and with "1" = "1.0", when all are numbers) and each row's class index. */
function encodeLabels(labels: string[]): { classes: string[]; y: Int32Array } {
  const numeric = labels.every(isNumber);
  const keys = numeric ? labels.map((l) => String(Number(l))) : labels;
  const classes = [...new Set(keys)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classes.map((c, i) => [c, i]));
  return { classes, y: Int32Array.from(keys, (k) => index.get(k) as number) };
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

/** Reads a CSV file into features and class indices (see the module comment for the rules). */
export async function readCsv(file: string, labelColumn?: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'a folder, not a file' };
    throw new Error(`${file}: cannot read (${(code === undefined ? undefined : why[code]) ?? code ?? (err as Error).message})`);
  }
  const rows = text.split(/\r?\n/)
    .map((l, i) => ({ cells: splitLine(l, `${file}:${i + 1}`), line: i + 1 }))
    .filter((r) => r.cells.some((c) => c !== ''));
  if (rows.length === 0) throw new Error(`${file}: empty CSV`);
  const width = rows[0].cells.length;
  if (width < 2) throw new Error(`${file}: need at least one feature column and a label column, found ${width} column`);
  const { labelIndex, hasHeader } = layout(file, rows, labelColumn);
  const header = hasHeader ? rows[0].cells : undefined;
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new Error(`${file}: no data rows after the header`);
  const column = (c: number) => (header ? `column ${c} ("${header[c]}")` : `column ${c}`);
  const d = width - 1;
  const x = new Float32Array(data.length * d);
  const labels: string[] = [];
  data.forEach(({ cells, line }, r) => {
    if (cells.length !== width) throw new Error(`${file}: line ${line} has ${cells.length} columns, expected ${width}`);
    let j = 0;
    cells.forEach((cell, c) => {
      if (c === labelIndex) return;
      if (!isNumber(cell)) throw new Error(`${file}: line ${line}, ${column(c)}: "${cell}" is not a number`);
      x[r * d + j++] = Number(cell);
    });
    if (cells[labelIndex] === '') throw new Error(`${file}: line ${line}, ${column(labelIndex)}: empty label`);
    labels.push(cells[labelIndex]);
  });
  const { classes, y } = encodeLabels(labels);
  if (looksContinuous(labels, classes)) {
    throw new Error(
      `${file}: ${column(labelIndex)}, the label column, looks continuous (${classes.length} distinct numbers in ${labels.length} rows, e.g. ` +
        `${classes.slice(0, 3).join(', ')}): autoflood trains classifiers, whose labels are class names or integer codes; ` +
        `choose the column that holds the classes with --label-column <header name or 0-based index>`,
    );
  }
  if (classes.length < 2) throw new Error(`${file}: ${column(labelIndex)}, the label column, has ${classes.length} distinct value; need at least 2 classes`);
  return { x, y, d, classes };
}
