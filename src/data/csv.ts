/**
 * `csv:<path>`: a numeric CSV with one label column (by header name or 0-based index; default
 * the last column). A first row with a non-numeric cell is a header. Labels may be any strings
 * or numbers: their sorted distinct values become classes 0..K-1. Features are used as they
 * are (no scaling).
 */
import { readFile } from 'node:fs/promises';

export interface CsvTable {
  /** [n, d] features, row-major. */
  x: Float32Array;
  y: Int32Array;
  d: number;
  /** Class names in index order. */
  classes: string[];
}

function splitLine(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

const isNumber = (cell: string) => cell !== '' && Number.isFinite(Number(cell));

export async function readCsv(file: string, labelColumn?: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = text.split(/\r?\n/).map((l, i) => ({ cells: splitLine(l), line: i + 1 })).filter((r) => r.cells.some((c) => c !== ''));
  if (lines.length === 0) throw new Error(`${file}: empty CSV`);
  const hasHeader = lines[0].cells.some((c) => !isNumber(c));
  const header = hasHeader ? lines[0].cells : undefined;
  const rows = hasHeader ? lines.slice(1) : lines;
  const width = lines[0].cells.length;
  if (width < 2) throw new Error(`${file}: need at least one feature column and a label column`);
  let labelIndex = width - 1;
  if (labelColumn !== undefined) {
    const byName = header?.indexOf(labelColumn) ?? -1;
    const byIndex = /^\d+$/.test(labelColumn) ? Number(labelColumn) : -1;
    labelIndex = byName >= 0 ? byName : byIndex;
    if (labelIndex < 0 || labelIndex >= width) {
      throw new Error(`label-column: "${labelColumn}" is neither a header name nor a column index in [0, ${width}) of ${file}`);
    }
  }
  if (rows.length === 0) throw new Error(`${file}: no data rows`);
  const d = width - 1;
  const x = new Float32Array(rows.length * d);
  const labels: string[] = [];
  rows.forEach(({ cells, line }, r) => {
    if (cells.length !== width) throw new Error(`${file}:${line}: ${cells.length} columns, expected ${width}`);
    let j = 0;
    cells.forEach((cell, c) => {
      if (c === labelIndex) return;
      if (!isNumber(cell)) {
        const name = header ? `"${header[c]}"` : String(c);
        throw new Error(`${file}:${line}: column ${name} holds "${cell}", not a number`);
      }
      x[r * d + j++] = Number(cell);
    });
    labels.push(cells[labelIndex]);
  });
  const numeric = labels.every(isNumber);
  const classes = [...new Set(labels)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (classes.length < 2) throw new Error(`${file}: the label column has ${classes.length} distinct value(s); need at least 2 classes`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Int32Array.from(labels, (l) => index.get(l) as number);
  return { x, y, d, classes };
}
