// Raw-word test data for the data-movement kernels (kernels/copy.ts & co.), which move
// Int32Array / Uint16Array / Uint8Array words regardless of the tensor's dtype.
import fc from 'fast-check';
import type { Words } from '../../kernels/copy.js';

export type WordCtor = Int32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/** n words of the given kind, all bits random from a seed (xorshift32). */
export function seededWords(ctor: WordCtor, n: number, seed: number): Words {
  const out = new ctor(n);
  let s = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = s;
  }
  return out;
}

/** A filled buffer that shows which words a kernel forgot to write. */
export function poisoned(ctor: WordCtor, n: number): Words {
  return new ctor(n).fill(0x5a5a5a5a);
}

export const wordCtor: fc.Arbitrary<WordCtor> = fc.constantFrom<WordCtor>(Int32Array, Uint16Array, Uint8Array);

/** 1 word per element, or 2 (8-byte dtypes as int32 pairs). */
export const unit = fc.constantFrom(1, 2);

/** A random permutation of 0..n-1 from a seed. */
export function permutation(n: number, seed: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  let s = seed | 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

export const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
