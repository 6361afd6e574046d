/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for everything random in autoflood:
 * data sampling, label noise, shuffling, augmentation, action sampling. Same seed, same stream.
 */
import { OptionError } from '../core/errors.js';

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** 32-bit FNV-1a hash of a string (to derive stream seeds from labels). */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The full state of an `Rng` as plain numbers (JSON- and structured-clone-safe):
 * `Rng.fromState(rng.state())` continues exactly where `rng` is.
 */
export interface RngState {
  /** The seed the stream was made from (`fork` derives from it). */
  seed: number;
  /** The four sfc32 words, uint32 each. */
  a: number;
  b: number;
  c: number;
  d: number;
  /** The second Box-Muller value waiting to be returned by `normal()`, or null. */
  spareNormal: number | null;
}

/**
 * Seeded pseudo-random numbers. `new Rng(seed)` always yields the same sequence; `fork(label)`
 * derives independent, reproducible streams (data, noise, shuffling, ...) from one seed.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;
  readonly seed: number;

  /** @param seed a finite number, folded to 32 bits (low word XOR high word) to seed the generator. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new OptionError('seed', `must be a finite number, got ${seed}`);
    this.seed = seed;
    const mix = splitmix32((seed >>> 0) ^ Math.floor(seed / 2 ** 32));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The generator's current state, as plain data. */
  state(): RngState {
    const { seed, a, b, c, d } = this;
    return { seed, a: a >>> 0, b, c, d, spareNormal: this.spareNormal ?? null }; // a may be held signed
  }

  /** A generator that continues from `state` (as returned by `state()`). */
  static fromState(state: RngState): Rng {
    const words = [state.a, state.b, state.c, state.d];
    if (!words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new RangeError(`rng state: a, b, c, d must be uint32 integers, got ${words.join(', ')}`);
    }
    if (state.spareNormal !== null && !Number.isFinite(state.spareNormal)) {
      throw new RangeError(`rng state: spareNormal must be a finite number or null, got ${state.spareNormal}`);
    }
    const rng = new Rng(state.seed);
    [rng.a, rng.b, rng.c, rng.d] = words;
    rng.spareNormal = state.spareNormal ?? undefined;
    return rng;
  }

  /** Next 32-bit unsigned integer. */
  private next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next() / 2 ** 32;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    let u = this.uniform();
    while (u <= 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n), for an integer n >= 1. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n: must be an integer >= 1, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent stream named `label`, derived from this stream's seed (not its state). */
  fork(label: string): Rng {
    const high = Math.floor(this.seed / 2 ** 32);
    return new Rng(((this.seed >>> 0) ^ hashString(`${label}:${high}`)) >>> 0);
  }
}
