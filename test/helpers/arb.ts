// fast-check arbitraries shared by kernel property tests: small shapes with 0 and odd sizes,
// float data from a seeded generator (fast-check shrinks shapes, not megabytes of floats).
import fc from 'fast-check';

/** Deterministic float32 data in [lo, hi) from a seed (xorshift32). */
export function seededFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

/** A dim in [0, max], biased to the edge cases 0, 1 and odd sizes. */
export const dim = (max = 9): fc.Arbitrary<number> => fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 7), fc.integer({ min: 0, max }));

/** A shape of rank in [minRank, maxRank] whose element count stays below maxNumel. */
export function shape(minRank = 0, maxRank = 4, maxDim = 9, maxNumel = 4096): fc.Arbitrary<number[]> {
  return fc.array(dim(maxDim), { minLength: minRank, maxLength: maxRank }).filter((s) => s.reduce((a, b) => a * b, 1) <= maxNumel);
}

export const seed = fc.integer({ min: 1, max: 0x7fffffff });

/** Runs fast-check with a fixed budget and prints the seed on failure (fc does by default). */
export const PROP = { numRuns: 200 } as const;
