// Reference twin of kernels/pool.ts: per output, every tap o·s - pad + k·dil of the window
// (Caffe2 pool_op.cc's clipped window when dil = 1: start = max(o·s - pad, 0), end =
// min(o·s - pad + k, in)), skipping taps outside the input; max, or the sum times the float32
// reciprocal of the tap count (kD·kH·kW with count_include_pad). NaN propagates in max.

import type { ConvGeom } from '../geometry.js';
import type { MaxPoolArray } from '../pool.js';

function pool(y: MaxPoolArray, x: MaxPoolArray, g: ConvGeom, mode: 'max' | 'avg', countIncludePad: boolean): void {
  // an empty window (possible with dilation) keeps the lowest value of the type
  const lowest = y instanceof Float32Array ? -Infinity : y instanceof Int8Array ? -128 : 0;
  for (let p = 0; p < g.N * g.C; p++) {
    for (let od = 0; od < g.outD; od++) {
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          let m = lowest, s = 0, count = 0;
          for (let kd = 0; kd < g.kD; kd++) {
            const d = od * g.sD - g.padF + kd * g.dD;
            if (d < 0 || d >= g.inD) continue;
            for (let kh = 0; kh < g.kH; kh++) {
              const h = oh * g.sH - g.padT + kh * g.dH;
              if (h < 0 || h >= g.inH) continue;
              for (let kw = 0; kw < g.kW; kw++) {
                const w = ow * g.sW - g.padL + kw * g.dW;
                if (w < 0 || w >= g.inW) continue;
                const v = x[((p * g.inD + d) * g.inH + h) * g.inW + w]!;
                m = Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v);
                s += v;
                count++;
              }
            }
          }
          if (countIncludePad) count = g.kD * g.kH * g.kW;
          y[((p * g.outD + od) * g.outH + oh) * g.outW + ow] = mode === 'max' ? m : Math.fround(s) * Math.fround(1 / count);
        }
      }
    }
  }
}

export function maxPool(y: MaxPoolArray, x: MaxPoolArray, g: ConvGeom): void { pool(y, x, g, 'max', false); }

export function avgPool(y: Float32Array, x: Float32Array, g: ConvGeom, countIncludePad: boolean): void {
  pool(y, x, g, 'avg', countIncludePad);
}

/** max_pool_with_index.cu MaxPoolForward, one output at a time: maxval = -FLT_MAX, maxidx = -1, `>` wins. */
export function maxPoolWithIndex(y: Float32Array, index: Int32Array, x: Float32Array, g: ConvGeom): void {
  for (let o = 0; o < y.length; o++) {
    const ow = o % g.outW, oh = Math.floor(o / g.outW) % g.outH, p = Math.floor(o / (g.outW * g.outH));
    const hs = Math.max(oh * g.sH - g.padT, 0), he = Math.min(oh * g.sH - g.padT + g.kH, g.inH);
    const ws = Math.max(ow * g.sW - g.padL, 0), we = Math.min(ow * g.sW - g.padL + g.kW, g.inW);
    let maxval = -3.4028234663852886e38, maxidx = -1;
    for (let h = hs; h < he; h++) {
      for (let w = ws; w < we; w++) {
        const v = x[p * g.inH * g.inW + h * g.inW + w]!;
        if (v > maxval) { maxidx = h * g.inW + w; maxval = v; }
      }
    }
    y[o] = maxval;
    index[o] = maxidx;
  }
}

export function globalMaxPool(y: MaxPoolArray, x: MaxPoolArray, planes: number, plane: number): void {
  for (let p = 0; p < planes; p++) {
    let m = -Infinity;
    for (let i = 0; i < plane; i++) {
      const v = x[p * plane + i]!;
      m = Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v);
    }
    y[p] = m;
  }
}

export function globalAvgPool(y: Float32Array, x: Float32Array, planes: number, plane: number): void {
  for (let p = 0; p < planes; p++) {
    let s = 0;
    for (let i = 0; i < plane; i++) s += x[p * plane + i]!;
    y[p] = Math.fround(s) * Math.fround(1 / plane);
  }
}
