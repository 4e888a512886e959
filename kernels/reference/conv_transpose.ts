// Reference twin of kernels/conv_transpose.ts: the scatter definition of a transposed conv
// (Caffe2 conv_transpose_op_impl.h: Gemm(Wᵀ, X) then Col2Im, then bias; = PyTorch
// conv_transpose2d with output_padding = adj). Every input pixel adds w·x at each tap it
// reaches; taps outside Y are dropped. X [N, M, inH, inW], filter [M, C/G, kH, kW], Y [N, C, oH, oW].

import type { ConvGeom } from '../geometry.js';

export function convTranspose(
  y: Float32Array, x: Float32Array, w: Float32Array, _packed: Float32Array, bias: Float32Array | null,
  g: ConvGeom, _scratch?: Float32Array,
): void {
  const Cg = g.C / g.G, Mg = g.M / g.G;
  const acc = new Float64Array(g.N * g.C * g.outH * g.outW);
  for (let n = 0; n < g.N; n++) {
    for (let m = 0; m < g.M; m++) {
      const gi = Math.floor(m / Mg);
      for (let ih = 0; ih < g.inH; ih++) {
        for (let iw = 0; iw < g.inW; iw++) {
          const xv = x[((n * g.M + m) * g.inH + ih) * g.inW + iw]!;
          for (let cg = 0; cg < Cg; cg++) {
            const c = gi * Cg + cg;
            for (let kh = 0; kh < g.kH; kh++) {
              for (let kw = 0; kw < g.kW; kw++) {
                const oh = ih * g.sH - g.padT + kh, ow = iw * g.sW - g.padL + kw;
                if (oh < 0 || oh >= g.outH || ow < 0 || ow >= g.outW) continue;
                acc[((n * g.C + c) * g.outH + oh) * g.outW + ow] += xv * w[((m * Cg + cg) * g.kH + kh) * g.kW + kw]!;
              }
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) {
    const c = Math.floor(i / (g.outH * g.outW)) % g.C;
    y[i] = acc[i]! + (bias ? bias[c]! : 0);
  }
}
