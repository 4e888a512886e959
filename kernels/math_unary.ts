// Elementwise float32 math without a fast path worth writing: trigonometry, Ceil, Sign and Erf.
// Each value is computed in double and rounded once to float32 (Caffe2's Eigen versions are
// vectorised approximations; a correctly rounded result is within their error).

export type UnaryF32 = (out: Float32Array, x: Float32Array) => void;

function map(f: (v: number) => number): UnaryF32 {
  return (out, x) => { for (let i = 0; i < x.length; i++) out[i] = f(x[i]!); };
}

export const sinF32 = map(Math.sin);
export const cosF32 = map(Math.cos);
export const tanF32 = map(Math.tan);
export const asinF32 = map(Math.asin);
export const acosF32 = map(Math.acos);
export const atanF32 = map(Math.atan);
export const ceilF32 = map(Math.ceil);
/** -1, 0 or 1 (0 keeps its sign); NaN stays NaN. */
export const signF32 = map((v) => (v > 0 ? 1 : v < 0 ? -1 : v));

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf in double: its Maclaurin series below |x| = 1.5 (alternating terms below 1, so cancellation
 * costs about an ulp), above it 1 - erfc from erfc's continued fraction (100 terms, evaluated from
 * the tail; converged to the last bit from 1.5 on). |x| >= 6 gives +-1 (erfc(6) < 3e-17).
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (!(a < 6)) return a === a ? Math.sign(x) : NaN;
  if (a < 1.5) {
    const x2 = x * x;
    let term = x, sum = x;
    for (let n = 1; n < 100; n++) {
      term *= -x2 / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  let f = a;
  for (let k = 100; k >= 1; k--) f = a + k / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

export const erfF32 = map(erf);
