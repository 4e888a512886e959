// Reference twin of kernels/gemm.ts gemm(): the plain triple loop, float64 sums, no packing
// (Caffe2 math::Gemm, caffe2/utils/math_cpu.cc: C = alpha·op(A)·op(B) + beta·C with alpha 1, beta 0).

import { BIAS_COL, BIAS_ROW, type GemmParams } from '../gemm.js';

export function gemm(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null, p: GemmParams, _scratch?: Float32Array,
): void {
  for (let i = 0; i < p.M; i++) {
    for (let j = 0; j < p.N; j++) {
      let s = 0;
      for (let k = 0; k < p.K; k++) {
        const av = p.transA ? a[p.aOff + k * p.lda + i]! : a[p.aOff + i * p.lda + k]!;
        const bv = p.transB ? b[p.bOff + j * p.ldb + k]! : b[p.bOff + k * p.ldb + j]!;
        s += av * bv;
      }
      if (p.biasMode === BIAS_ROW) s += bias![p.biasOff + i]!;
      else if (p.biasMode === BIAS_COL) s += bias![p.biasOff + j]!;
      c[p.cOff + i * p.ldc + j] = s;
    }
  }
}
