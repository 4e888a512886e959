// Softmax over the rows of X viewed as [N, D] (caffe2/operators/softmax_utils.cc SoftmaxCPU):
// subtract the row max, exponentiate, then multiply by the reciprocal of the row sum (Caffe2
// multiplies by 1/sum rather than dividing; we do the same so results round alike).
// out may alias x.

export function softmaxF32(out: Float32Array, x: Float32Array, N: number, D: number): void {
  for (let r = 0, base = 0; r < N; r++, base += D) {
    let mx = -Infinity;
    for (let i = 0; i < D; i++) { const v = x[base + i]!; if (v > mx) mx = v; }
    let sum = 0;
    for (let i = 0; i < D; i++) {
      const e = Math.fround(Math.exp(Math.fround(x[base + i]! - mx)));
      out[base + i] = e;
      sum += e;
    }
    const inv = Math.fround(1 / Math.fround(sum));
    for (let i = 0; i < D; i++) out[base + i] = out[base + i]! * inv;
  }
}
