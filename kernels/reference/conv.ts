// Reference twin of kernels/conv.ts: the direct loop nest of a grouped, dilated, zero-padded
// cross-correlation, float64 sums (Caffe2 conv_op_impl.h: Im2Col + Gemm + bias).
// X [N, C, D, H, W], filter [M, C/G, kD, kH, kW], Y [N, M, oD, oH, oW].

import type { ConvGeom } from '../geometry.js';

export function conv(
  y: Float32Array, x: Float32Array, w: Float32Array, _packed: Float32Array, bias: Float32Array | null,
  g: ConvGeom, _scratch?: Float32Array,
): void {
  const Cg = g.C / g.G, Mg = g.M / g.G;
  for (let n = 0; n < g.N; n++) {
    for (let m = 0; m < g.M; m++) {
      const gi = Math.floor(m / Mg);
      for (let od = 0; od < g.outD; od++) {
        for (let oh = 0; oh < g.outH; oh++) {
          for (let ow = 0; ow < g.outW; ow++) {
            let s = bias ? bias[m]! : 0;
            for (let cg = 0; cg < Cg; cg++) {
              const c = gi * Cg + cg;
              for (let kd = 0; kd < g.kD; kd++) {
                for (let kh = 0; kh < g.kH; kh++) {
                  for (let kw = 0; kw < g.kW; kw++) {
                    const id = od * g.sD - g.padF + kd * g.dD;
                    const ih = oh * g.sH - g.padT + kh * g.dH;
                    const iw = ow * g.sW - g.padL + kw * g.dW;
                    if (id < 0 || id >= g.inD || ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
                    const xv = x[(((n * g.C + c) * g.inD + id) * g.inH + ih) * g.inW + iw]!;
                    const wv = w[(((m * Cg + cg) * g.kD + kd) * g.kH + kh) * g.kW + kw]!;
                    s += xv * wv;
                  }
                }
              }
            }
            y[(((n * g.M + m) * g.outD + od) * g.outH + oh) * g.outW + ow] = s;
          }
        }
      }
    }
  }
}
