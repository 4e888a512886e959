// Reference twin of kernels/pool.ts: per output, the clipped window of Caffe2 pool_op.cc
// (start = max(o·s - pad, 0), end = min(o·s - pad + k, in)); max, or the sum times the
// float32 reciprocal of the clipped count (kD·kH·kW with count_include_pad). NaN propagates in max.

import type { ConvGeom } from '../geometry.js';

function pool(y: Float32Array, x: Float32Array, g: ConvGeom, mode: 'max' | 'avg', countIncludePad: boolean): void {
  for (let p = 0; p < g.N * g.C; p++) {
    for (let od = 0; od < g.outD; od++) {
      for (let oh = 0; oh < g.outH; oh++) {
        for (let ow = 0; ow < g.outW; ow++) {
          const ds = Math.max(od * g.sD - g.padF, 0), de = Math.min(od * g.sD - g.padF + g.kD, g.inD);
          const hs = Math.max(oh * g.sH - g.padT, 0), he = Math.min(oh * g.sH - g.padT + g.kH, g.inH);
          const ws = Math.max(ow * g.sW - g.padL, 0), we = Math.min(ow * g.sW - g.padL + g.kW, g.inW);
          let m = -Infinity, s = 0;
          for (let d = ds; d < de; d++) {
            for (let h = hs; h < he; h++) {
              for (let w = ws; w < we; w++) {
                const v = x[((p * g.inD + d) * g.inH + h) * g.inW + w]!;
                m = Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v);
                s += v;
              }
            }
          }
          const count = countIncludePad ? g.kD * g.kH * g.kW : (de - ds) * (he - hs) * (we - ws);
          y[((p * g.outD + od) * g.outH + oh) * g.outW + ow] = mode === 'max' ? m : Math.fround(s) * Math.fround(1 / count);
        }
      }
    }
  }
}

export function maxPool(y: Float32Array, x: Float32Array, g: ConvGeom): void { pool(y, x, g, 'max', false); }

export function avgPool(y: Float32Array, x: Float32Array, g: ConvGeom, countIncludePad: boolean): void {
  pool(y, x, g, 'avg', countIncludePad);
}

export function globalMaxPool(y: Float32Array, x: Float32Array, planes: number, plane: number): void {
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
