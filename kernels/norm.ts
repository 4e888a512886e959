// Normalisations over NCHW-style layouts: per-channel affine (AffineChannel, SpatialBN at test
// time), GroupNorm/InstanceNorm (statistics per (n, group) over C/G*HxW contiguous values) and
// LayerNorm (statistics per row of X viewed as [M, N]). Statistics accumulate in float64 in one
// pass; the fused scale/bias and the output follow Caffe2's float32 steps
// (caffe2/operators/{affine_channel,spatial_batch_norm,group_norm,instance_norm,layer_norm}_op.*).

const f = Math.fround;

/**
 * y = x * scale[c] + bias[c] (math::AffineChannel): NCHW walks HxW per channel, NHWC (nhwc=true)
 * has C innermost. The product rounds to float32 before the add, as in Eigen's two-step form.
 */
export function affineChannelF32(out: Float32Array, x: Float32Array, scale: Float32Array, bias: Float32Array,
  N: number, C: number, HxW: number, nhwc: boolean): void {
  if (nhwc) {
    for (let p = 0, o = 0; p < N * HxW; p++) {
      for (let c = 0; c < C; c++, o++) out[o] = f(x[o]! * scale[c]!) + bias[c]!;
    }
    return;
  }
  for (let n = 0, o = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const s = scale[c]!, b = bias[c]!;
      const end = o + HxW;
      for (; o < end; o++) out[o] = f(x[o]! * s) + b;
    }
  }
}

/**
 * SpatialBN test-mode fused parameters (ComputeFusedParam): alpha = scale / sqrt(var + eps),
 * beta = bias - alpha * mean, each step in float32; eps arrives already rounded to float32.
 */
export function batchNormParamsF32(alpha: Float32Array, beta: Float32Array, scale: Float32Array, bias: Float32Array,
  mean: Float32Array, variance: Float32Array, eps: number): void {
  for (let c = 0; c < alpha.length; c++) {
    const a = f(scale[c]! * f(1 / Math.sqrt(f(variance[c]! + eps))));
    alpha[c] = a;
    beta[c] = f(bias[c]! - f(a * mean[c]!));
  }
}

/**
 * GroupNorm over X (N, C, HxW): per (n, g) the mean mu and biased variance E[x^2] - mu^2
 * (clamped at 0) of its C/G*HxW values, rsig = 1/sqrt(var + eps), then
 * y = x * (gamma_c * rsig) + (beta_c - gamma_c * rsig * mu). mean/rstd (N*G each) receive mu
 * and rsig. InstanceNorm is the G = C case. out may alias x.
 */
export function groupNormF32(out: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array,
  mean: Float32Array, rstd: Float32Array, N: number, C: number, HxW: number, G: number, eps: number): void {
  const K = C / G, D = K * HxW;
  for (let ng = 0; ng < N * G; ng++) {
    const base = ng * D;
    let s = 0, ss = 0;
    for (let i = 0; i < D; i++) { const v = x[base + i]!; s += v; ss += v * v; }
    // an empty group has mean 0 and variance 0, as math::Moments gives for no elements
    const mu = D > 0 ? s / D : 0;
    const v = D > 0 ? Math.max(ss / D - mu * mu, 0) : 0;
    const muF = f(mu), rsig = f(1 / Math.sqrt(f(f(v) + eps)));
    mean[ng] = muF; rstd[ng] = rsig;
    const g = ng % G;
    for (let k = 0; k < K; k++) {
      const c = g * K + k;
      const sc = f(gamma[c]! * rsig), bi = f(beta[c]! - f(sc * muF));
      const o0 = base + k * HxW, end = o0 + HxW;
      for (let o = o0; o < end; o++) out[o] = f(x[o]! * sc) + bi;
    }
  }
}

/**
 * LayerNorm over X viewed as [M, N]: per row mu and biased var, sigma = sqrt(var + eps) and
 * y = x / sigma - mu / sigma, then y * gamma_j + beta_j when affine. mean/sigma get M values.
 */
export function layerNormF32(out: Float32Array, x: Float32Array, mean: Float32Array, sigma: Float32Array,
  M: number, N: number, eps: number, gamma: Float32Array | undefined, beta: Float32Array | undefined): void {
  for (let m = 0; m < M; m++) {
    const base = m * N;
    let s = 0, ss = 0;
    for (let i = 0; i < N; i++) { const v = x[base + i]!; s += v; ss += v * v; }
    const m1 = N > 0 ? s / N : 0;
    const mu = f(m1);
    const v2 = f(f(N > 0 ? Math.max(ss / N - m1 * m1, 0) : 0) + eps);
    const scale = f(1 / Math.sqrt(v2)), bias = f(-scale * mu);
    mean[m] = mu; sigma[m] = f(scale * v2);
    if (gamma && beta) {
      for (let i = 0; i < N; i++) out[base + i] = f(f(f(x[base + i]! * scale) + bias) * gamma[i]!) + beta[i]!;
    } else {
      for (let i = 0; i < N; i++) out[base + i] = f(x[base + i]! * scale) + bias;
    }
  }
}
