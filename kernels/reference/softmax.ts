// Reference twin of kernels/softmax.ts: caffe2/operators/softmax_utils.cc SoftmaxCPU, each
// float32 rounding spelled out (row max, exp(x - max), sum, 1/sum, product).

export function softmaxF32(out: Float32Array, x: Float32Array, N: number, D: number): void {
  const f = Math.fround;
  for (let r = 0; r < N; r++) {
    const row = Array.from(x.subarray(r * D, (r + 1) * D));
    const mx = row.reduce((m, v) => (v > m ? v : m), -Infinity);
    const e = row.map((v) => f(Math.exp(f(v - mx))));
    const inv = f(1 / f(e.reduce((s, v) => s + v, 0)));
    for (let i = 0; i < D; i++) out[r * D + i] = f(e[i]! * inv);
  }
}
