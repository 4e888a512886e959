// Reference twins of kernels/norm.ts, written as the numpy references of Caffe2's tests
// (caffe2/python/operator_test/{group_norm_op_test,spatial_bn_op_test,layer_norm_op_test}.py):
// two-pass mean and biased variance in float64, y = gamma * (x - mu) / sqrt(var + eps) + beta.

function meanVar(x: Float32Array, base: number, n: number): [number, number] {
  if (n === 0) return [0, 0];
  let s = 0;
  for (let i = 0; i < n; i++) s += x[base + i]!;
  const mu = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[base + i]! - mu) ** 2;
  return [mu, v / n];
}

export function affineChannelF32(out: Float32Array, x: Float32Array, scale: Float32Array, bias: Float32Array,
  N: number, C: number, HxW: number, nhwc: boolean): void {
  for (let i = 0; i < N * C * HxW; i++) {
    const c = nhwc ? i % C : Math.floor(i / HxW) % C;
    out[i] = x[i]! * scale[c]! + bias[c]!;
  }
}

export function batchNormParamsF32(alpha: Float32Array, beta: Float32Array, scale: Float32Array, bias: Float32Array,
  mean: Float32Array, variance: Float32Array, eps: number): void {
  for (let c = 0; c < alpha.length; c++) {
    alpha[c] = scale[c]! / Math.sqrt(variance[c]! + eps);
    beta[c] = bias[c]! - (scale[c]! / Math.sqrt(variance[c]! + eps)) * mean[c]!;
  }
}

export function groupNormF32(out: Float32Array, x: Float32Array, gamma: Float32Array, beta: Float32Array,
  mean: Float32Array, rstd: Float32Array, N: number, C: number, HxW: number, G: number, eps: number): void {
  const D = (C / G) * HxW;
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const base = (n * G + g) * D;
      const [mu, v] = meanVar(x, base, D);
      mean[n * G + g] = mu;
      rstd[n * G + g] = 1 / Math.sqrt(v + eps);
      for (let i = 0; i < D; i++) {
        const c = g * (C / G) + Math.floor(i / HxW);
        out[base + i] = (gamma[c]! * (x[base + i]! - mu)) / Math.sqrt(v + eps) + beta[c]!;
      }
    }
  }
}

export function layerNormF32(out: Float32Array, x: Float32Array, mean: Float32Array, sigma: Float32Array,
  M: number, N: number, eps: number, gamma: Float32Array | undefined, beta: Float32Array | undefined): void {
  for (let m = 0; m < M; m++) {
    const [mu, v] = meanVar(x, m * N, N);
    mean[m] = mu;
    sigma[m] = Math.sqrt(v + eps);
    for (let i = 0; i < N; i++) {
      const y = (x[m * N + i]! - mu) / Math.sqrt(v + eps);
      out[m * N + i] = gamma && beta ? y * gamma[i]! + beta[i]! : y;
    }
  }
}
