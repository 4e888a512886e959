// Reference twins of kernels/im2col.ts: per element, the im2col coordinate map of Caffe2
// math::Im2ColNd / Col2Im (caffe2/utils/math_cpu.cc), then the panel index of gemm.ts packing.

import { NR } from '../gemm.js';
import type { ConvGeom } from '../geometry.js';

export function im2colPacked(
  dst: Float32Array, x: Float32Array, xOff: number, g: ConvGeom, c0: number, cn: number, j0: number, nc: number,
): void {
  const K = cn * g.kD * g.kH * g.kW;
  for (let r = 0; r < K; r++) {
    const kw = r % g.kW, kh = Math.floor(r / g.kW) % g.kH, kd = Math.floor(r / (g.kW * g.kH)) % g.kD;
    const c = c0 + Math.floor(r / (g.kW * g.kH * g.kD));
    for (let jj = 0; jj < Math.ceil(nc / NR) * NR; jj++) {
      const j = j0 + jj;
      const ow = j % g.outW, oh = Math.floor(j / g.outW) % g.outH, od = Math.floor(j / (g.outW * g.outH));
      const id = od * g.sD - g.padF + kd * g.dD, ih = oh * g.sH - g.padT + kh * g.dH, iw = ow * g.sW - g.padL + kw * g.dW;
      const inside = jj < nc && id >= 0 && id < g.inD && ih >= 0 && ih < g.inH && iw >= 0 && iw < g.inW;
      dst[Math.floor(jj / NR) * NR * K + r * NR + (jj % NR)] = inside ? x[xOff + ((c * g.inD + id) * g.inH + ih) * g.inW + iw]! : 0;
    }
  }
}

export function col2imAdd(
  y: Float32Array, yOff: number, col: Float32Array, colOff: number, ldc: number,
  g: ConvGeom, c0: number, cn: number, j0: number, nc: number,
): void {
  for (let r = 0; r < cn * g.kH * g.kW; r++) {
    const kw = r % g.kW, kh = Math.floor(r / g.kW) % g.kH, c = c0 + Math.floor(r / (g.kW * g.kH));
    for (let jj = 0; jj < nc; jj++) {
      const j = j0 + jj, jw = j % g.inW, jh = Math.floor(j / g.inW);
      const oh = jh * g.sH - g.padT + kh, ow = jw * g.sW - g.padL + kw;
      if (oh >= 0 && oh < g.outH && ow >= 0 && ow < g.outW) y[yOff + (c * g.outH + oh) * g.outW + ow] += col[colOff + r * ldc + jj]!;
    }
  }
}
