/**
 * Builds a FloodController from its plain-data spec inside whatever process runs the trial.
 * Controllers other than the constant one register a factory here (agents/ does, on import).
 */
import type { TrainConfig } from '../train/config.js';
import { constantFlood, type FloodController } from '../train/controller.js';
import type { ControllerSpec } from './trial.js';

export type ControllerFactory = (spec: ControllerSpec, config: TrainConfig) => FloodController | Promise<FloodController>;

const factories = new Map<string, ControllerFactory>([['constant', (_spec, config) => constantFlood(config.flood)]]);

/** Modules that provide controllers; imported on first use of an unknown kind. */
const PROVIDERS = ['../../agents/index.js'];

export function registerController(kind: string, factory: ControllerFactory): void {
  factories.set(kind, factory);
}

export async function buildController(spec: ControllerSpec, config: TrainConfig): Promise<FloodController> {
  if (!factories.has(spec.kind)) {
    for (const provider of PROVIDERS) await import(provider);
  }
  const factory = factories.get(spec.kind);
  if (factory == null) {
    throw new Error(`controller: unknown kind "${spec.kind}" (known: ${[...factories.keys()].join(', ')})`);
  }
  return factory(spec, config);
}
