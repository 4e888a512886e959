// Tensor comparison with absolute + relative tolerance. Shape and dtype are checked first;
// NaN matches NaN only where the expected value is NaN; the first bad index is reported.
import type { Tensor } from '../../src/core/tensor.js';
import { shapeStr } from '../../src/core/errors.js';

export interface Tol { atol: number; rtol: number }

/** Tolerances per kernel family (STYLE.md section 7). */
export const TOL = {
  exact: { atol: 0, rtol: 0 },
  elementwise: { atol: 1e-6, rtol: 1e-6 },
  transcendental: { atol: 1e-6, rtol: 1e-5 },
  reduce: { atol: 1e-5, rtol: 1e-5 },
  gemm: { atol: 1e-4, rtol: 1e-4 },
  conv: { atol: 1e-4, rtol: 1e-4 },
  boxes: { atol: 1e-3, rtol: 1e-5 },
  golden: { atol: 1e-3, rtol: 1e-3 },
} as const;

export function closeArrays(got: ArrayLike<number | bigint>, want: ArrayLike<number | bigint>, tol: Tol): string | undefined {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  let worst = -1, worstErr = 0, bad = 0;
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]), w = Number(want[i]);
    if (Number.isNaN(w)) { if (!Number.isNaN(g)) { bad++; if (worst < 0) worst = i; } continue; }
    if (g === w) continue;
    const err = Math.abs(g - w);
    if (!(err <= tol.atol + tol.rtol * Math.abs(w))) {
      bad++;
      if (worst < 0 || err > worstErr) { worst = i; worstErr = err; }
    }
  }
  if (!bad) return undefined;
  return `${bad}/${want.length} elements differ; worst at [${worst}]: got ${Number(got[worst])}, want ${Number(want[worst])} (atol ${tol.atol}, rtol ${tol.rtol})`;
}

export function closeTensors(got: Tensor, want: Tensor, tol: Tol): string | undefined {
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i])) {
    return `shape ${shapeStr(got.shape)} != ${shapeStr(want.shape)}`;
  }
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} != ${want.dtype}`;
  return closeArrays(got.data as ArrayLike<number>, want.data as ArrayLike<number>, tol);
}

/** Throws with `label` and the first mismatch when the tensors differ beyond `tol`. */
export function assertClose(got: Tensor, want: Tensor, tol: Tol, label = 'tensor'): void {
  const msg = closeTensors(got, want, tol);
  if (msg) throw new Error(`${label}: ${msg}`);
}
