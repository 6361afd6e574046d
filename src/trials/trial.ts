/**
 * A trial: one training run described by plain data, so it can be sent to a worker thread
 * (or, later, a queue) and recognised again by its id when a run is resumed.
 */
import { createHash } from 'node:crypto';
import type { TrainConfig } from '../train/config.js';
import type { EpochMetrics } from '../train/controller.js';
import type { Readout } from '../train/trainer.js';

/** How the flood level is chosen during the trial; plain data, built into a controller in the worker. */
export interface ControllerSpec {
  /** 'constant' (b from the config), 'backward', 'heuristic', 'agent' (see controllers.ts). */
  kind: string;
  [param: string]: unknown;
}

/**
 * Part of a run: continue the end state of trial `from` (absent: a fresh start) and stop after
 * epoch `until` of the config's `epochs` (the result then carries the trainer's checkpoint, so
 * another segment can continue it). Successive halving and PBT are made of segments.
 */
export interface Segment {
  from?: string;
  until: number;
}

export interface TrialSpec {
  /** Deterministic id: hash of config, controller and segment. */
  id: string;
  /** Free-form label kept with the result ('grid', 'backward', ...). */
  tag: string;
  config: TrainConfig;
  controller: ControllerSpec;
  segment?: Segment;
}

export interface TrialResult {
  id: string;
  tag: string;
  config: TrainConfig;
  controller: ControllerSpec;
  segment?: Segment;
  backend: string;
  /** Number of classes of the task. */
  classes: number;
  history: EpochMetrics[];
  last: Readout;
  bestVal: Readout;
  wallSeconds: number;
}

/** A trial as sent to a worker: with the encoded checkpoint it continues, if it is a later segment. */
export interface TrialJob extends TrialSpec {
  start?: Uint8Array;
}

/** What a worker sends back: the result, and the encoded end state of a segment that stops early. */
export interface TrialOutput extends TrialResult {
  checkpoint?: Uint8Array;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Builds a trial with its id: a hash of what decides its result (config, controller, segment), so
 * two methods that need the same training share one trial. The tag only labels it.
 */
export function makeTrial(config: TrainConfig, controller: ControllerSpec = { kind: 'constant' }, tag = 'grid', segment?: Segment): TrialSpec {
  if (segment !== undefined && !(Number.isInteger(segment.until) && segment.until >= 1 && segment.until <= config.epochs)) {
    throw new RangeError(`segment.until: expected an integer from 1 to ${config.epochs}, got ${segment.until}`);
  }
  const hash = createHash('sha256').update(stableStringify({ identity: config, controller, segment })).digest('hex');
  return { id: hash.slice(0, 16), tag, config, controller, ...(segment === undefined ? {} : { segment }) };
}
