/**
 * Kinds of option value: how one is parsed from the command line, how one from code is checked,
 * and what is accepted (for messages and help). Option tables (training settings, every
 * command's flags) are built from these, so the CLI and the library reject the same values
 * with the same words.
 */
import { OptionError } from './errors.js';

export interface ValueKind<T> {
  /** What is accepted, e.g. "an integer >= 0". */
  readonly accepts: string;
  /** A command-line string to a value; undefined when it is not acceptable (or an error that says why). */
  parse(raw: string): T | undefined;
  /** Is a value from code acceptable? */
  check(value: unknown): value is T;
}

/** A value that does not fit; `name` is the flag as typed or the field as written in code. */
export class InvalidValue extends OptionError {
  constructor(name: string, accepts: string, got: unknown) {
    super(name, `expected ${accepts}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}`);
    this.name = 'InvalidValue';
  }
}

/** Throws InvalidValue unless `kind` accepts `value`. */
export function checkValue<T>(name: string, kind: ValueKind<T>, value: unknown): T {
  if (!kind.check(value)) throw new InvalidValue(name, kind.accepts, Array.isArray(value) ? value.join(',') : value);
  return value;
}

/** Parses `raw` or throws InvalidValue naming `name`. */
export function parseValue<T>(name: string, kind: ValueKind<T>, raw: string): T {
  const value = kind.parse(raw);
  if (value === undefined) throw new InvalidValue(name, kind.accepts, raw);
  return value;
}

/** A number written in full: no empty string, no "0x", no trailing text. */
const toNumber = (raw: string): number | undefined => {
  const text = raw.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
};

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): ValueKind<number> {
  const check = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  return {
    accepts: max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`,
    parse: (raw) => { const n = toNumber(raw); return check(n) ? n : undefined; },
    check,
  };
}

export interface RealRange {
  min?: number;
  max?: number;
  /** Exclude `min` itself. */
  above?: boolean;
  /** Exclude `max` itself. */
  below?: boolean;
}

export function real(range: RealRange = {}): ValueKind<number> {
  const { min, max, above = false, below = false } = range;
  const check = (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) &&
    (min === undefined || (above ? v > min : v >= min)) &&
    (max === undefined || (below ? v < max : v <= max));
  const bounds = [
    min === undefined ? '' : `${above ? '>' : '>='} ${min}`,
    max === undefined ? '' : `${below ? '<' : '<='} ${max}`,
  ].filter((b) => b !== '');
  return {
    accepts: bounds.length === 0 ? 'a finite number' : `a number ${bounds.join(' and ')}`,
    parse: (raw) => { const n = toNumber(raw); return check(n) ? n : undefined; },
    check,
  };
}

export function oneOf<T extends string>(choices: readonly T[]): ValueKind<T> {
  const check = (v: unknown): v is T => typeof v === 'string' && (choices as readonly string[]).includes(v);
  return { accepts: `one of ${choices.join(', ')}`, parse: (raw) => (check(raw) ? raw : undefined), check };
}

const TRUE = ['true', 'yes', 'on', '1'];
const FALSE = ['false', 'no', 'off', '0'];
export const boolean: ValueKind<boolean> = {
  accepts: 'true or false',
  parse: (raw) => (TRUE.includes(raw.toLowerCase()) ? true : FALSE.includes(raw.toLowerCase()) ? false : undefined),
  check: (v): v is boolean => typeof v === 'boolean',
};

/** A non-empty string (names, paths). */
export const text: ValueKind<string> = {
  accepts: 'a non-empty text',
  parse: (raw) => (raw.trim() === '' ? undefined : raw),
  check: (v): v is string => typeof v === 'string' && v.trim() !== '',
};

/** A comma-separated list of another kind; `allowEmpty` lets "" mean []. */
export function listOf<T>(item: ValueKind<T>, allowEmpty = false): ValueKind<T[]> {
  return {
    accepts: `a comma-separated list of ${item.accepts.replace(/^an? /, '')}s${allowEmpty ? ' (or nothing)' : ''}`,
    parse: (raw) => {
      if (raw.trim() === '') return allowEmpty ? [] : undefined;
      const values = raw.split(',').map((part) => item.parse(part.trim()));
      return values.some((v) => v === undefined) ? undefined : (values as T[]);
    },
    check: (v): v is T[] => Array.isArray(v) && (allowEmpty || v.length > 0) && v.every((x) => item.check(x)),
  };
}
