// Max and average pooling, NCHW, 1-D/2-D/3-D (ConvGeom's D x H x W, M = C): Caffe2 PoolOp
// (caffe2/operators/pool_op.cc). Window of output o: [max(o·s - pad, 0), min(o·s - pad + k, in)),
// i.e. clipped to the input, never empty for valid geometry. Average divides by the clipped
// window size, or by kD·kH·kW with count_include_pad; like Caffe2 it sums in float32 and
// multiplies by the float32 reciprocal of the count. Max is Math.max: a NaN anywhere in the
// window gives NaN (Eigen's maxCoeff leaves NaN unspecified), and +0 wins over -0.

import { tapHi, tapLo, type ConvGeom } from './geometry.js';

/**
 * Both pools walk one output row at a time: the row starts at -Infinity (max) or 0 (sum) and each
 * tap (input row d, h of the clipped window, kernel column kw) folds a strided input run into it,
 * so the inner loop runs along the row instead of over a 3-wide window. A tap's valid outputs
 * [tapLo, tapHi) are exactly those whose clipped window contains it.
 */
function poolRows(y: Float32Array, x: Float32Array, g: ConvGeom, max: boolean): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, padF, padT, padL } = g;
  const planes = g.N * g.C, Pin = inD * inH * inW, inHW = inH * inW;
  let yr = 0;
  for (let p = 0; p < planes; p++) {
    const xp = p * Pin;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - padF, ds = d0 > 0 ? d0 : 0, de = d0 + kD < inD ? d0 + kD : inD;
      for (let oh = 0; oh < outH; oh++, yr += outW) {
        const h0 = oh * sH - padT, hs = h0 > 0 ? h0 : 0, he = h0 + kH < inH ? h0 + kH : inH;
        y.fill(max ? -Infinity : 0, yr, yr + outW);
        for (let d = ds; d < de; d++) {
          for (let h = hs; h < he; h++) {
            const xr = xp + d * inHW + h * inW - padL;
            for (let kw = 0; kw < kW; kw++) {
              const lo = tapLo(kw, sW, padL, 1, outW), hi = tapHi(kw, sW, padL, 1, inW, outW), xk = xr + kw;
              if (max) for (let ow = lo; ow < hi; ow++) y[yr + ow] = Math.max(y[yr + ow]!, x[xk + ow * sW]!);
              else for (let ow = lo; ow < hi; ow++) y[yr + ow] += x[xk + ow * sW]!;
            }
          }
        }
      }
    }
  }
}

export function maxPool(y: Float32Array, x: Float32Array, g: ConvGeom): void {
  poolRows(y, x, g, true);
}

export function avgPool(y: Float32Array, x: Float32Array, g: ConvGeom, countIncludePad: boolean): void {
  poolRows(y, x, g, false);
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, padF, padT, padL } = g;
  const fullScale = Math.fround(1 / (kD * kH * kW));
  let yi = 0;
  for (let p = 0; p < g.N * g.C; p++) {
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - padF, dn = (d0 + kD < inD ? d0 + kD : inD) - (d0 > 0 ? d0 : 0);
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - padT, hn = (h0 + kH < inH ? h0 + kH : inH) - (h0 > 0 ? h0 : 0);
        for (let ow = 0; ow < outW; ow++, yi++) {
          const w0 = ow * sW - padL, wn = (w0 + kW < inW ? w0 + kW : inW) - (w0 > 0 ? w0 : 0);
          y[yi] = y[yi]! * (countIncludePad ? fullScale : Math.fround(1 / (dn * hn * wn)));
        }
      }
    }
  }
}

/** Global max over each plane of `plane` elements (`planes` planes). */
export function globalMaxPool(y: Float32Array, x: Float32Array, planes: number, plane: number): void {
  for (let p = 0; p < planes; p++) {
    let m = -Infinity;
    for (let i = p * plane, e = i + plane; i < e; i++) m = Math.max(m, x[i]!);
    y[p] = m;
  }
}

/** Global mean over each plane (Caffe2 ReduceMean: sum times the float32 reciprocal of the count). */
export function globalAvgPool(y: Float32Array, x: Float32Array, planes: number, plane: number): void {
  const scale = Math.fround(1 / plane);
  for (let p = 0; p < planes; p++) {
    let s = 0;
    for (let i = p * plane, e = i + plane; i < e; i++) s += x[i]!;
    y[p] = Math.fround(s) * scale;
  }
}
