// Max and average pooling, NCHW, 1-D/2-D/3-D (ConvGeom's D x H x W, M = C): Caffe2 PoolOp
// (caffe2/operators/pool_op.cc). Window of output o: [max(o·s - pad, 0), min(o·s - pad + k, in)),
// i.e. clipped to the input, never empty for valid geometry. Average divides by the clipped
// window size, or by kD·kH·kW with count_include_pad; like Caffe2 it multiplies by the float32
// reciprocal of the count. Max is Math.max: a NaN anywhere in the window gives NaN (Eigen's
// maxCoeff leaves NaN unspecified), and +0 wins over -0.

import type { ConvGeom } from './geometry.js';

export function maxPool(y: Float32Array, x: Float32Array, g: ConvGeom): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, padF, padT, padL } = g;
  const planes = g.N * g.C, Pin = inD * inH * inW, inHW = inH * inW;
  let yi = 0;
  for (let p = 0; p < planes; p++) {
    const xp = p * Pin;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - padF, ds = d0 > 0 ? d0 : 0, de = d0 + kD < inD ? d0 + kD : inD;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - padT, hs = h0 > 0 ? h0 : 0, he = h0 + kH < inH ? h0 + kH : inH;
        for (let ow = 0; ow < outW; ow++, yi++) {
          const w0 = ow * sW - padL, ws = w0 > 0 ? w0 : 0, we = w0 + kW < inW ? w0 + kW : inW;
          let m = -Infinity;
          for (let d = ds; d < de; d++) {
            for (let h = hs; h < he; h++) {
              const r = xp + d * inHW + h * inW;
              for (let w = ws; w < we; w++) m = Math.max(m, x[r + w]!);
            }
          }
          y[yi] = m;
        }
      }
    }
  }
}

export function avgPool(y: Float32Array, x: Float32Array, g: ConvGeom, countIncludePad: boolean): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, padF, padT, padL } = g;
  const planes = g.N * g.C, Pin = inD * inH * inW, inHW = inH * inW;
  const fullScale = Math.fround(1 / (kD * kH * kW));
  let yi = 0;
  for (let p = 0; p < planes; p++) {
    const xp = p * Pin;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - padF, ds = d0 > 0 ? d0 : 0, de = d0 + kD < inD ? d0 + kD : inD;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sH - padT, hs = h0 > 0 ? h0 : 0, he = h0 + kH < inH ? h0 + kH : inH;
        for (let ow = 0; ow < outW; ow++, yi++) {
          const w0 = ow * sW - padL, ws = w0 > 0 ? w0 : 0, we = w0 + kW < inW ? w0 + kW : inW;
          let s = 0;
          for (let d = ds; d < de; d++) {
            for (let h = hs; h < he; h++) {
              const r = xp + d * inHW + h * inW;
              for (let w = ws; w < we; w++) s += x[r + w]!;
            }
          }
          y[yi] = Math.fround(s) * (countIncludePad ? fullScale : Math.fround(1 / ((de - ds) * (he - hs) * (we - ws))));
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
