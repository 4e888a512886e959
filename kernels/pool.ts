// Max and average pooling, NCHW, 1-D/2-D/3-D (ConvGeom's D x H x W, M = C): Caffe2 PoolOp
// (caffe2/operators/pool_op.cc). Window of output o: the taps o·s - pad + k·dil (k < kernel)
// that fall inside the input (padding never counts); with dilation 1 that is Caffe2's
// [max(o·s - pad, 0), min(o·s - pad + k, in)). Dilation is an extension (Caffe2's CPU pool
// enforced 1; ONNX pools dilate). Average divides by the number of taps inside, or by kD·kH·kW
// with count_include_pad; like Caffe2 it sums in float32 and multiplies by the float32
// reciprocal of the count. Max is Math.max: a NaN anywhere in the window gives NaN (Eigen's
// maxCoeff leaves NaN unspecified), and +0 wins over -0. Max also runs on int8/uint8 (ONNX).

import { tapHi, tapLo, type ConvGeom } from './geometry.js';
import type { Exec } from './engine.js';
import { HDR, type Job, type ThreadCtx } from './parallel.js';
import { readGeom, writeGeom } from './conv.js';

export type MaxPoolArray = Float32Array | Int8Array | Uint8Array;

/** First and one-past-last valid tap of a window starting at `start` (taps start + k·dil, k < K). */
function tapRange(start: number, K: number, dil: number, size: number): [number, number] {
  const k0 = start >= 0 ? 0 : Math.ceil(-start / dil);
  const k1 = start + (K - 1) * dil < size ? K : Math.ceil((size - start) / dil);
  return [k0, k1 > k0 ? k1 : k0];
}

/**
 * Both pools walk one output row at a time: the row starts at the lowest value (max) or 0 (sum)
 * and each tap (input row d, h of the window, kernel column kw) folds a strided input run into
 * it, so the inner loop runs along the row instead of over a 3-wide window. A tap's valid
 * outputs [tapLo, tapHi) are exactly those whose window has it inside the input.
 */
function poolRows(y: MaxPoolArray, x: MaxPoolArray, g: ConvGeom, max: boolean): void {
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, padF, padT, padL } = g;
  const planes = g.N * g.C, Pin = inD * inH * inW, inHW = inH * inW;
  const lowest = y instanceof Float32Array ? -Infinity : y instanceof Int8Array ? -128 : 0;
  let yr = 0;
  for (let p = 0; p < planes; p++) {
    const xp = p * Pin;
    for (let od = 0; od < outD; od++) {
      const d0 = od * sD - padF, [kd0, kd1] = tapRange(d0, kD, dD, inD);
      for (let oh = 0; oh < outH; oh++, yr += outW) {
        const h0 = oh * sH - padT, [kh0, kh1] = tapRange(h0, kH, dH, inH);
        y.fill(max ? lowest : 0, yr, yr + outW);
        for (let kd = kd0; kd < kd1; kd++) {
          for (let kh = kh0; kh < kh1; kh++) {
            const xr = xp + (d0 + kd * dD) * inHW + (h0 + kh * dH) * inW - padL;
            for (let kw = 0; kw < kW; kw++) {
              const lo = tapLo(kw, sW, padL, dW, outW), hi = tapHi(kw, sW, padL, dW, inW, outW), xk = xr + kw * dW;
              if (max) for (let ow = lo; ow < hi; ow++) y[yr + ow] = Math.max(y[yr + ow]!, x[xk + ow * sW]!);
              else for (let ow = lo; ow < hi; ow++) y[yr + ow]! += x[xk + ow * sW]!;
            }
          }
        }
      }
    }
  }
}

export function maxPool(y: MaxPoolArray, x: MaxPoolArray, g: ConvGeom): void {
  const flat3x3 = g.kD === 1 && g.inD === 1 && g.kH === 3 && g.kW === 3 && g.dH === 1 && g.dW === 1;
  if (flat3x3 && y instanceof Float32Array && x instanceof Float32Array) maxPool3x3(y, x, g);
  else poolRows(y, x, g, true);
}

/**
 * 2-D 3x3 undilated float32 max pooling (the ResNet stem's): windows wholly inside the input take
 * one 9-way Math.max, the few at the borders the clipped loop; the same values as poolRows, about
 * twice as fast (a row-wise fold costs a read-modify-write of y per tap).
 */
function maxPool3x3(y: Float32Array, x: Float32Array, g: ConvGeom): void {
  const { inH, inW, outH, outW, sH, sW, padT, padL } = g;
  const planes = g.N * g.C, P = inH * inW;
  // outputs ow whose columns ow·sW - padL .. +2 all lie in [0, inW)
  const owLo = Math.min(outW, Math.ceil(padL / sW)), owHi = Math.max(owLo, Math.min(outW, Math.floor((inW - 3 + padL) / sW) + 1));
  const clipped = (xp: number, h0: number, ow: number): number => {
    const w0 = ow * sW - padL;
    let m = -Infinity;
    for (let h = Math.max(h0, 0); h < Math.min(h0 + 3, inH); h++) {
      for (let w = Math.max(w0, 0); w < Math.min(w0 + 3, inW); w++) m = Math.max(m, x[xp + h * inW + w]!);
    }
    return m;
  };
  let yi = 0;
  for (let p = 0; p < planes; p++) {
    const xp = p * P;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padT;
      if (h0 < 0 || h0 + 3 > inH) {
        for (let ow = 0; ow < outW; ow++) y[yi++] = clipped(xp, h0, ow);
        continue;
      }
      const r0 = xp + h0 * inW - padL, r1 = r0 + inW, r2 = r1 + inW;
      for (let ow = 0; ow < owLo; ow++) y[yi++] = clipped(xp, h0, ow);
      for (let ow = owLo, c = owLo * sW; ow < owHi; ow++, c += sW) {
        y[yi++] = Math.max(x[r0 + c]!, x[r0 + c + 1]!, x[r0 + c + 2]!, x[r1 + c]!, x[r1 + c + 1]!, x[r1 + c + 2]!, x[r2 + c]!, x[r2 + c + 1]!, x[r2 + c + 2]!);
      }
      for (let ow = owHi; ow < outW; ow++) y[yi++] = clipped(xp, h0, ow);
    }
  }
}

export function avgPool(y: Float32Array, x: Float32Array, g: ConvGeom, countIncludePad: boolean): void {
  poolRows(y, x, g, false);
  const { inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, padF, padT, padL } = g;
  const fullScale = Math.fround(1 / (kD * kH * kW));
  let yi = 0;
  for (let p = 0; p < g.N * g.C; p++) {
    for (let od = 0; od < outD; od++) {
      const [kd0, kd1] = tapRange(od * sD - padF, kD, dD, inD);
      for (let oh = 0; oh < outH; oh++) {
        const [kh0, kh1] = tapRange(oh * sH - padT, kH, dH, inH);
        for (let ow = 0; ow < outW; ow++, yi++) {
          const [kw0, kw1] = tapRange(ow * sW - padL, kW, dW, inW);
          y[yi] = y[yi]! * (countIncludePad ? fullScale : Math.fround(1 / ((kd1 - kd0) * (kh1 - kh0) * (kw1 - kw0))));
        }
      }
    }
  }
}

/**
 * Caffe2 MaxPoolWithIndex (max_pool_with_index.cu, there CUDA only): 2-D max over the clipped
 * window starting from -FLT_MAX, taking a value only when strictly greater (so the first of equal
 * maxima wins and NaN never does), and the winner's index h·W + w in its plane (-1 if none).
 */
export function maxPoolWithIndex(y: Float32Array, index: Int32Array, x: Float32Array, g: ConvGeom): void {
  const { inH, inW, outH, outW, kH, kW, sH, sW, padT, padL } = g;
  const lowest = -3.4028234663852886e38;
  for (let p = 0, o = 0; p < g.N * g.C; p++) {
    const xp = p * inH * inW;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padT, hs = h0 > 0 ? h0 : 0, he = h0 + kH < inH ? h0 + kH : inH;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = ow * sW - padL, ws = w0 > 0 ? w0 : 0, we = w0 + kW < inW ? w0 + kW : inW;
        let best = lowest, at = -1;
        for (let h = hs; h < he; h++) {
          for (let w = ws, i = xp + h * inW + ws; w < we; w++, i++) {
            if (x[i]! > best) { best = x[i]!; at = h * inW + w; }
          }
        }
        y[o] = best;
        index[o] = at;
      }
    }
  }
}

/** Global max over each plane of `plane` elements (`planes` planes). */
export function globalMaxPool(y: MaxPoolArray, x: MaxPoolArray, planes: number, plane: number): void {
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

// ------------------------------------------------------------------ on the engine's threads

// float32 max / average pooling split by planes (N·C of them): tasks are plane ranges
const A_X = HDR, A_Y = HDR + 1, A_KIND = HDR + 2, A_PER = HDR + 3, A_G = HDR + 4;
const args = new Float64Array(A_G + 22);

function poolTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const g = readGeom(a, A_G), per = a[A_PER]!, planes = g.N * g.C;
  const p0 = task * per, n = Math.min(per, planes - p0);
  const Pin = g.inD * g.inH * g.inW, Pout = g.outD * g.outH * g.outW, buf = t.f32.buffer;
  const x = new Float32Array(buf, a[A_X]! + p0 * Pin * 4, n * Pin), y = new Float32Array(buf, a[A_Y]! + p0 * Pout * 4, n * Pout);
  const sub = { ...g, N: 1, C: n, M: n };
  const kind = a[A_KIND]!;
  if (kind === 0) maxPool(y, x, sub); else avgPool(y, x, sub, kind === 2);
}

export const POOL_JOB: Job = { id: 6, run: poolTask };

/** maxPool / avgPool (countIncludePad) of float32 maps in the engine's memory (byte offsets), plane ranges per thread. */
export function poolExec(ex: Exec, y: number, x: number, g: ConvGeom, max: boolean, countIncludePad = false): void {
  const planes = g.N * g.C, tasks = Math.min(planes, 2 * ex.threads), per = Math.ceil(planes / tasks);
  ex.header(args, 64);
  args[A_X] = x; args[A_Y] = y; args[A_KIND] = max ? 0 : countIncludePad ? 2 : 1; args[A_PER] = per;
  writeGeom(args, A_G, g);
  ex.run(POOL_JOB, args, Math.ceil(planes / per));
}
