/**
 * The paper's synthetic binary tasks, as in the authors' demo code. Each split is drawn
 * independently from its own stream of the seed; two-gaussians and spiral splits are balanced
 * (class 0 gets the smaller half of an odd size). Sinusoid labels follow the points, so its
 * classes are balanced only in expectation (the boundary is point-symmetric about the origin).
 * Examples come ordered by class (two-gaussians, spiral); the training loop shuffles.
 */
import type { Rng } from './rng.js';
import type { Split } from './types.js';

export const SYNTHETIC_NAMES = ['two-gaussians', 'spiral', 'sinusoid'] as const;
export type SyntheticName = (typeof SYNTHETIC_NAMES)[number];

/** Default split sizes (examples in total, both classes): the demo's 500/50 per class and 10,000 per class for test. */
export const SYNTHETIC_SIZES = { train: 1000, val: 100, test: 20000 } as const;

/**
 * Spiral: default standard deviation of the Gaussian noise on each coordinate. Along any ray
 * the arms of the two classes alternate pi apart, so 0.5 puts the midline between arms about
 * 3 standard deviations away: a noisy but nearly separable task.
 */
export const DEFAULT_SPIRAL_NOISE = 0.5;

/** Feature dimension per task. */
export const SYNTHETIC_DIMS: Record<SyntheticName, number> = { 'two-gaussians': 10, spiral: 2, sinusoid: 2 };

function split(x: Float32Array, y: Int32Array): Split {
  return { x, y, yClean: Int32Array.from(y), n: y.length };
}

/** Class 0 ~ N(0, I_10), class 1 ~ N(1, I_10). Bayes accuracy Phi(sqrt(10)/2) ~ 94.31%. */
export function twoGaussians(n: number, rng: Rng): Split {
  const d = SYNTHETIC_DIMS['two-gaussians'];
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  const n0 = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const label = i < n0 ? 0 : 1;
    y[i] = label;
    for (let j = 0; j < d; j++) x[i * d + j] = label + rng.normal();
  }
  return split(x, y);
}

/**
 * a = linspace(0, 4 pi, m) per class; class 1 at (a cos a, a sin a), class 0 at
 * ((a + pi) cos a, (a + pi) sin a); Gaussian noise of std `noise` on each coordinate.
 */
export function spiral(n: number, rng: Rng, noise = DEFAULT_SPIRAL_NOISE): Split {
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  const n0 = Math.floor(n / 2);
  const place = (start: number, m: number, label: number) => {
    for (let k = 0; k < m; k++) {
      const a = m > 1 ? (4 * Math.PI * k) / (m - 1) : 0;
      const r = label === 1 ? a : a + Math.PI;
      const i = start + k;
      y[i] = label;
      x[2 * i] = r * Math.cos(a) + noise * rng.normal();
      x[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
    }
  };
  place(0, n0, 0);
  place(n0, n - n0, 1);
  return split(x, y);
}

/** Points uniform in the disc of radius 2; label 1 where 1.5 x1 + sin(1.5 x2) > 0. */
export function sinusoid(n: number, rng: Rng): Split {
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = 2 * Math.sqrt(rng.uniform());
    const t = 2 * Math.PI * rng.uniform();
    const x1 = r * Math.cos(t);
    const x2 = r * Math.sin(t);
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    y[i] = 1.5 * x1 + Math.sin(1.5 * x2) > 0 ? 1 : 0;
  }
  return split(x, y);
}

/** Draws `n` examples of the synthetic task `name` from `rng`. */
export function generateSynthetic(name: SyntheticName, n: number, rng: Rng, spiralNoise?: number): Split {
  if (name === 'two-gaussians') return twoGaussians(n, rng);
  if (name === 'spiral') return spiral(n, rng, spiralNoise);
  return sinusoid(n, rng);
}
