// Reference twins of kernels/activation.ts: the plainest loops (Caffe2 relu_op.cc: max(x, 0)).

export function reluF32(out: Float32Array, x: Float32Array, n = x.length): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
}
