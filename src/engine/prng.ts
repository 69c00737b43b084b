/**
 * The engine's only source of randomness: a seeded PRNG (mulberry32), so the same seed always
 * picks the same `statistic --mode random` branch in the browser, in tests and in the CLI.
 */
export interface Prng {
  /** Uniform float in [0, 1). */
  next(): number;
}

export function seededPrng(seed: number): Prng {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
