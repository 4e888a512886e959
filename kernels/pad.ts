// PadImage (caffe2/operators/pad_op.cc): pads or crops H and W of images laid out as
// [outer, H, W, inner] words (NCHW: outer = N*C, inner = words per element; NHWC: outer = N,
// inner = C * words per element). Pads may be negative (a crop). Index rules per output
// position p along an axis of size D with head pad P (h = p - P):
//   constant: h outside [0, D) takes the fill;  edge: clamp(h, 0, D-1);
//   reflect:  |h|, then min(h, 2D - h - 2) (mirror without repeating the edge; needs P <= D-1).

import { copyWords, type Words } from './copy.js';

export type PadMode = 'constant' | 'reflect' | 'edge';

export interface PadGeometry {
  outer: number; H: number; W: number; inner: number;
  oH: number; oW: number; padT: number; padL: number;
}

/** Source row/column for output position p, or -1 for constant fill. */
export function padSource(p: number, pad: number, D: number, mode: PadMode): number {
  let h = p - pad;
  if (h >= 0 && h < D) return h;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return h < 0 ? 0 : D - 1;
  h = h < 0 ? -h : h;
  return h < 2 * D - h - 2 ? h : 2 * D - h - 2;
}

/** `fill` holds the `inner` words of one padded pixel (only read in constant mode). */
export function padImage(out: Words, x: Words, g: PadGeometry, mode: PadMode, fill: Words): void {
  const { outer, H, W, inner, oH, oW, padL } = g;
  const inRow = W * inner, outRow = oW * inner;
  // output columns [lo, hi) copy straight from input columns [lo - padL, hi - padL)
  const lo = Math.min(Math.max(padL, 0), oW), hi = Math.max(Math.min(W + padL, oW), lo);
  const uniform = inner === 1;
  const v = fill[0] ?? 0;
  for (let n = 0; n < outer; n++) {
    const xb = n * H * inRow, ob = n * oH * outRow;
    for (let ph = 0; ph < oH; ph++) {
      const o = ob + ph * outRow;
      const h = padSource(ph, g.padT, H, mode);
      if (h < 0) {
        if (uniform) out.fill(v, o, o + outRow);
        else for (let pw = 0; pw < oW; pw++) copyWords(out, o + pw * inner, fill, 0, inner);
        continue;
      }
      const xr = xb + h * inRow;
      if (hi > lo) copyWords(out, o + lo * inner, x, xr + (lo - padL) * inner, (hi - lo) * inner);
      for (let pw = 0; pw < lo; pw++) padPixel(out, o + pw * inner, x, xr, padSource(pw, padL, W, mode), inner, fill);
      for (let pw = hi; pw < oW; pw++) padPixel(out, o + pw * inner, x, xr, padSource(pw, padL, W, mode), inner, fill);
    }
  }
}

function padPixel(out: Words, o: number, x: Words, xr: number, w: number, inner: number, fill: Words): void {
  if (w < 0) copyWords(out, o, fill, 0, inner);
  else copyWords(out, o, x, xr + w * inner, inner);
}
