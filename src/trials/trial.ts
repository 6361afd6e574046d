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

export interface TrialSpec {
  /** Deterministic id: hash of config, controller and tag. */
  id: string;
  /** Free-form label kept with the result ('grid', 'backward', ...). */
  tag: string;
  config: TrainConfig;
  controller: ControllerSpec;
}

export interface TrialResult {
  id: string;
  tag: string;
  config: TrainConfig;
  controller: ControllerSpec;
  backend: string;
  history: EpochMetrics[];
  last: Readout;
  bestVal: Readout;
  wallSeconds: number;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Builds a trial with its id (the config holds only what decides a result, so the id is the result's). */
export function makeTrial(config: TrainConfig, controller: ControllerSpec = { kind: 'constant' }, tag = 'grid'): TrialSpec {
  const hash = createHash('sha256').update(stableStringify({ identity: config, controller, tag })).digest('hex');
  return { id: hash.slice(0, 16), tag, config, controller };
}
