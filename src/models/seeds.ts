/**
 * Initializer seeds. A model is built from one run seed; every initializer gets its own seed
 * derived from it, so the same run seed always gives the same weights while no two layers
 * share a random stream.
 */

/** 32-bit finaliser of MurmurHash3: a bijection on uint32 that mixes all bits. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * @param seed the run seed, any safe integer.
 * @returns a function giving the seed of the 1st, 2nd, ... initializer (uint32 values).
 */
export function seedSequence(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${String(seed)}`);
  const base = mix32(mix32(seed >>> 0) ^ Math.floor(seed / 2 ** 32));
  let k = 0;
  return () => mix32(base ^ mix32(Math.imul(++k, 0x9e3779b9)));
}
