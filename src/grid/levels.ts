/**
 * Flood-level grids: "start:stop:step" (inclusive) or a comma list, e.g. "0:0.5:0.01" or "0,0.1,0.3".
 */
import { checkFloodLevel } from '../flood.js';

/** Rounds away float drift from repeated addition (levels are given to at most 6 decimals). */
const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function parseLevels(text: string, field = 'levels'): number[] {
  const trimmed = text.trim();
  let levels: number[];
  if (trimmed.includes(':')) {
    const parts = trimmed.split(':').map(Number);
    const [start, stop, step] = parts;
    if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) {
      throw new RangeError(`${field}: expected start:stop:step, got "${text}"`);
    }
    if (!(step > 0) || stop < start) throw new RangeError(`${field}: need step > 0 and stop >= start, got "${text}"`);
    const count = Math.floor(round((stop - start) / step)) + 1;
    levels = Array.from({ length: count }, (_, i) => round(start + i * step));
  } else {
    levels = trimmed.split(',').map((s) => Number(s.trim()));
  }
  levels.forEach((b) => checkFloodLevel(b, field));
  if (levels.length === 0) throw new RangeError(`${field}: no levels in "${text}"`);
  return [...new Set(levels)].sort((a, b) => a - b);
}
