/**
 * Generated tabular tasks of any width and class count: `clusters:<features>:<classes>`, e.g.
 * clusters:20:10. Each class is a mixture of two Gaussian clusters (unit variance) whose centres
 * are drawn once per seed from N(0, (4 / sqrt(features))^2 I): neighbouring centres sit about 5
 * standard deviations apart, so the task is learnable, not linear, and has some irreducible error
 * that grows with the class count. Splits are drawn independently from the same centres.
 */
import { OptionError } from '../core/errors.js';
import type { Rng } from './rng.js';
import type { Split } from './types.js';

/** Default split sizes (examples). */
export const CLUSTER_SIZES = { train: 1000, val: 500, test: 5000 } as const;

const PATTERN = /^clusters:(\d+):(\d+)$/;

export interface ClusterShape {
  features: number;
  classes: number;
}

/** The shape a `clusters:<features>:<classes>` name asks for, or undefined for another name. */
export function clusterShape(name: string): ClusterShape | undefined {
  const match = PATTERN.exec(name);
  if (match === null) {
    if (name.startsWith('clusters')) throw new OptionError('dataset', `expected clusters:<features>:<classes>, e.g. clusters:20:10, got "${name}"`);
    return undefined;
  }
  const features = Number(match[1]);
  const classes = Number(match[2]);
  if (features < 1 || features > 1000) throw new OptionError('dataset', `clusters need 1 to 1000 features, got ${features}`);
  if (classes < 2 || classes > 100) throw new OptionError('dataset', `clusters need 2 to 100 classes, got ${classes}`);
  return { features, classes };
}

/** Cluster centres of a task: [classes * 2][features], from the task's structure stream. */
export function clusterCentres(shape: ClusterShape, rng: Rng): Float32Array[] {
  const spread = 4 / Math.sqrt(shape.features);
  return Array.from({ length: shape.classes * 2 }, () => Float32Array.from({ length: shape.features }, () => spread * rng.normal()));
}

/** `n` examples, classes as balanced as n allows, each from one of its class's two clusters. */
export function drawClusters(shape: ClusterShape, centres: Float32Array[], n: number, rng: Rng): Split {
  const d = shape.features;
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % shape.classes;
    const centre = centres[2 * label + (rng.uniform() < 0.5 ? 0 : 1)];
    y[i] = label;
    for (let j = 0; j < d; j++) x[i * d + j] = centre[j] + rng.normal();
  }
  return { x, y, yClean: Int32Array.from(y), n };
}
