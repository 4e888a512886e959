// im2col straight into the GEMM's packed B panels, and col2im (its adjoint) for ConvTranspose.
// NCHW, 1-D/2-D/3-D through ConvGeom's D x H x W. Semantics: Caffe2 math::Im2Col/Im2ColNd and
// Col2Im (caffe2/utils/math_cpu.cc): taps outside the input read as 0 (zero padding).
// The im2col matrix of one image has rows r = ((c·kD + kd)·kH + kh)·kW + kw and columns
// j = (od·outH + oh)·outW + ow (output positions).

import { NR } from './gemm.js';
import { tapHi, tapLo, type ConvGeom } from './geometry.js';

/**
 * Packs columns [j0, j0 + nc) of the im2col matrix of channels [c0, c0 + cn) of the image at
 * x[xOff] into NR-wide panels: dst[dOff + (jj - jj % NR)·K + r·NR + jj % NR], K = cn·kD·kH·kW rows,
 * jj = j - j0; lanes past nc in the last panel are zero. Ready for gemmPacked as B.
 */
export function im2colPacked(
  dst: Float32Array, x: Float32Array, xOff: number, g: ConvGeom, c0: number, cn: number, j0: number, nc: number, dOff = 0,
): void {
  const { inD, inH, inW, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, padF, padT, padL } = g;
  const K = cn * kD * kH * kW;
  const panel = K * NR;
  const inHW = inH * inW, outHW = outH * outW;
  const od0 = Math.floor(j0 / outHW), oh0 = Math.floor((j0 % outHW) / outW), ow0 = j0 % outW;
  let r = 0;
  for (let c = c0; c < c0 + cn; c++) {
    const xc = xOff + c * inD * inHW;
    for (let kd = 0; kd < kD; kd++) {
      for (let kh = 0; kh < kH; kh++) {
        for (let kw = 0; kw < kW; kw++, r++) {
          const lo = tapLo(kw, sW, padL, dW, outW), hi = tapHi(kw, sW, padL, dW, inW, outW);
          const iwOff = kw * dW - padL;
          let pb = dOff + r * NR, lane = 0;
          let od = od0, oh = oh0, ow = ow0, left = nc;
          while (left > 0) {
            // one output row segment [ow, owEnd) at fixed (od, oh)
            const owEnd = ow + left < outW ? ow + left : outW;
            const id = od * sD - padF + kd * dD, ih = oh * sH - padT + kh * dH;
            const rowOk = id >= 0 && id < inD && ih >= 0 && ih < inH;
            const xr = xc + id * inHW + ih * inW + iwOff;
            const a = rowOk ? (lo > ow ? (lo < owEnd ? lo : owEnd) : ow) : owEnd;
            const b = rowOk ? (hi < owEnd ? (hi > a ? hi : a) : owEnd) : owEnd;
            let o = ow;
            for (; o < a; o++) {
              dst[pb + lane] = 0;
              if (++lane === NR) { lane = 0; pb += panel; }
            }
            for (; o < b; o++) {
              dst[pb + lane] = x[xr + o * sW]!;
              if (++lane === NR) { lane = 0; pb += panel; }
            }
            for (; o < owEnd; o++) {
              dst[pb + lane] = 0;
              if (++lane === NR) { lane = 0; pb += panel; }
            }
            left -= owEnd - ow;
            ow = 0;
            if (++oh === outH) { oh = 0; od++; }
          }
          for (; lane !== 0 && lane < NR; lane++) dst[pb + lane] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col for ConvTranspose: adds columns [j0, j0 + nc) of a col matrix at col[colOff]
 * (rows r = (c·kH + kh)·kW + kw over channels [c0, c0 + cn), row stride ldc) into the image y[yOff]
 * of size outH x outW: y[c][j_h·sH - padT + kh][j_w·sW - padL + kw] += col[r][j - j0], where
 * columns j = j_h·inW + j_w are input positions. Taps outside the image are dropped. 2-D only
 * (Caffe2's ConvTranspose is 2-D); `g` is the ConvTranspose geometry (in = X, out = Y).
 */
export function col2imAdd(
  y: Float32Array, yOff: number, col: Float32Array, colOff: number, ldc: number,
  g: ConvGeom, c0: number, cn: number, j0: number, nc: number,
): void {
  const { inH, inW, outH, outW, kH, kW, sH, sW, padT, padL } = g;
  const outHW = outH * outW;
  const jh0 = Math.floor(j0 / inW), jw0 = j0 % inW;
  let r = 0;
  for (let c = c0; c < c0 + cn; c++) {
    const yc = yOff + c * outHW;
    for (let kh = 0; kh < kH; kh++) {
      for (let kw = 0; kw < kW; kw++, r++) {
        // input columns jw whose tap lands inside the image width
        const lo = tapLo(kw, sW, padL, 1, inW), hi = tapHi(kw, sW, padL, 1, outW, inW);
        const owOff = kw - padL;
        let jh = jh0, jw = jw0, left = nc, cc = colOff + r * ldc;
        while (left > 0) {
          const jwEnd = jw + left < inW ? jw + left : inW;
          const oh = jh * sH - padT + kh;
          if (oh >= 0 && oh < outH) {
            const yr = yc + oh * outW + owOff;
            const a = lo > jw ? lo : jw, b = hi < jwEnd ? hi : jwEnd;
            for (let q = a; q < b; q++) y[yr + q * sW] += col[cc + q - jw]!;
          }
          cc += jwEnd - jw;
          left -= jwEnd - jw;
          jw = 0;
          jh++;
        }
      }
    }
  }
}
