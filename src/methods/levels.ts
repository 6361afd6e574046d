/**
 * Flood-level grids: "start:stop:step" (inclusive) or a comma list, e.g. "0:0.5:0.01" or "0,0.1,0.3".
 */
import { OptionError } from '../core/errors.js';
import type { ValueKind } from '../core/values.js';

/** Rounds away float drift from repeated addition (levels are given to at most 6 decimals). */
const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** More levels than this is a typo, not a search. */
export const MAX_LEVELS = 1000;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Parses a level grid; throws a RangeError saying what is wrong (without a field name). */
function levelsOf(text: string): number[] {
  const trimmed = text.trim();
  let levels: number[];
  if (trimmed.includes(':')) {
    const parts = trimmed.split(':').map((p) => p.trim());
    if (parts.length !== 3 || !parts.every((p) => NUMBER.test(p))) throw new RangeError(`expected start:stop:step, got "${text}"`);
    const [start, stop, step] = parts.map(Number);
    if (!(step > 0) || stop < start) throw new RangeError(`need step > 0 and stop >= start, got "${text}"`);
    const count = Math.floor(round((stop - start) / step)) + 1;
    if (count > MAX_LEVELS) throw new RangeError(`"${text}" makes ${count} levels; at most ${MAX_LEVELS}`);
    levels = Array.from({ length: count }, (_, i) => round(start + i * step));
  } else {
    const parts = trimmed.split(',').map((s) => s.trim());
    if (!parts.every((p) => NUMBER.test(p))) throw new RangeError(`expected start:stop:step or numbers separated by commas, got "${text}"`);
    levels = parts.map(Number);
  }
  if (levels.some((b) => !(Number.isFinite(b) && b >= 0))) throw new RangeError(`flood levels must be finite numbers >= 0, got "${text}"`);
  return [...new Set(levels)].sort((a, b) => a - b);
}

/** Parses a level grid; errors start with `field`. */
export function parseLevels(text: string, field = 'levels'): number[] {
  try {
    return levelsOf(text);
  } catch (err) {
    throw new OptionError(field, `${(err as Error).message}`);
  }
}

/** A level grid as an option value. */
export const levelGrid: ValueKind<number[]> = {
  accepts: 'flood levels as start:stop:step or a comma list of numbers >= 0',
  parse: levelsOf,
  check: (v): v is number[] => Array.isArray(v) && v.length > 0 && v.every((b) => typeof b === 'number' && Number.isFinite(b) && b >= 0),
};
