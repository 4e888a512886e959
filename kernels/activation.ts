// Elementwise activations over float32 arrays. out may alias x (in-place).

export function reluF32(out: Float32Array, x: Float32Array, n = x.length): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : 0;
  }
}
