// Spatial resizing of NCHW (and NHWC for ResizeNearest) float32 maps: nearest with float scales
// (caffe2/operators/resize_op.cc), nearest with an integer scale (modules/detectron/
// upsample_nearest_op.h) and align-corners bilinear (caffe2/operators/upsample_op.cc).
// Index math is float32, as in Caffe2; the geometry helpers are shared with the reference.

const f = Math.fround;

/** Output size int(in * scale): the product is a float32, then truncated (resize_op.cc). */
export function resizeOutDim(inDim: number, scale: number): number {
  return Math.trunc(f(inDim * f(scale)));
}

/** Source index min(int(o / scale), in - 1), the quotient a float32 (not a double: see tests). */
export function nearestIndex(o: number, scale: number, inDim: number): number {
  return Math.min(Math.trunc(f(o / f(scale))), inDim - 1);
}

/**
 * ResizeNearest NCHW over P = N*C planes of H x W into oH x oW. Column sources come from a
 * table (xIdx, at least oW entries); a row whose source row repeats the previous one is copied
 * with copyWithin. A width scale of exactly 2 gathers without the table.
 */
export function resizeNearestNchw(out: Float32Array, x: Float32Array, P: number, H: number, W: number,
  oH: number, oW: number, hScale: number, wScale: number, xIdx: Int32Array): void {
  const twoX = f(wScale) === 2;
  if (!twoX) for (let ox = 0; ox < oW; ox++) xIdx[ox] = nearestIndex(ox, wScale, W);
  for (let p = 0; p < P; p++) {
    const src = p * H * W, dst0 = p * oH * oW;
    let prev = -1;
    for (let oy = 0; oy < oH; oy++) {
      const iy = nearestIndex(oy, hScale, H), d = dst0 + oy * oW;
      if (iy === prev) { out.copyWithin(d, d - oW, d); continue; }
      prev = iy;
      const s = src + iy * W;
      if (twoX) {
        for (let ix = 0, o = d; ix < W; ix++, o += 2) { const v = x[s + ix]!; out[o] = v; out[o + 1] = v; }
      } else {
        for (let ox = 0; ox < oW; ox++) out[d + ox] = x[s + xIdx[ox]!]!;
      }
    }
  }
}

/** ResizeNearest NHWC: whole C-vectors are copied per output pixel. */
export function resizeNearestNhwc(out: Float32Array, x: Float32Array, N: number, H: number, W: number, C: number,
  oH: number, oW: number, hScale: number, wScale: number, xIdx: Int32Array): void {
  for (let ox = 0; ox < oW; ox++) xIdx[ox] = nearestIndex(ox, wScale, W);
  for (let n = 0, o = 0; n < N; n++) {
    for (let oy = 0; oy < oH; oy++) {
      const row = (n * H + nearestIndex(oy, hScale, H)) * W;
      for (let ox = 0; ox < oW; ox++) {
        const s = (row + xIdx[ox]!) * C;
        for (let c = 0; c < C; c++, o++) out[o] = x[s + c]!;
      }
    }
  }
}

/** UpsampleNearest: out[.., y, x] = in[.., y / scale, x / scale] with an integer scale. */
export function upsampleNearest(out: Float32Array, x: Float32Array, P: number, H: number, W: number, scale: number): void {
  const oH = H * scale, oW = W * scale;
  for (let p = 0, o = 0; p < P; p++) {
    for (let oy = 0; oy < oH; oy++) {
      const s = (p * H + Math.floor(oy / scale)) * W;
      if (oy % scale !== 0) { out.copyWithin(o, o - oW, o); o += oW; continue; }
      for (let ox = 0; ox < oW; ox++, o++) out[o] = x[s + Math.floor(ox / scale)]!;
    }
  }
}

/** Align-corners source geometry of one axis: ratio (in-1)/(out-1) as a float32, 0 if out <= 1. */
export function bilinearRatio(inDim: number, outDim: number): number {
  return outDim > 1 ? f((inDim - 1) / (outDim - 1)) : 0;
}

/**
 * UpsampleBilinear NCHW (upsample_op.cc): src = r * dst in float32, i0 = int(src), the second
 * tap one further unless at the edge, lambda = src - i0, and the float32 blend
 * h0 * (w0 * a + w1 * b) + h1 * (w0 * c + w1 * d). xTab (Int32Array, 2*oW) and xLam
 * (Float32Array, 2*oW) are scratch for the per-column taps and weights.
 */
export function upsampleBilinearNchw(out: Float32Array, x: Float32Array, P: number, H: number, W: number,
  oH: number, oW: number, xTab: Int32Array, xLam: Float32Array): void {
  const rh = bilinearRatio(H, oH), rw = bilinearRatio(W, oW);
  for (let ox = 0; ox < oW; ox++) {
    const r = f(rw * ox), i0 = Math.trunc(r), l1 = f(r - i0);
    xTab[2 * ox] = i0; xTab[2 * ox + 1] = i0 < W - 1 ? 1 : 0;
    xLam[2 * ox] = f(1 - l1); xLam[2 * ox + 1] = l1;
  }
  for (let oy = 0; oy < oH; oy++) {
    const r = f(rh * oy), y0 = Math.trunc(r), h1 = f(r - y0), h0 = f(1 - h1);
    const dy = y0 < H - 1 ? W : 0;
    for (let p = 0; p < P; p++) {
      const row = p * H * W + y0 * W, d = (p * oH + oy) * oW;
      for (let ox = 0; ox < oW; ox++) {
        const s = row + xTab[2 * ox]!, dx = xTab[2 * ox + 1]!;
        const w0 = xLam[2 * ox]!, w1 = xLam[2 * ox + 1]!;
        const top = f(f(w0 * x[s]!) + f(w1 * x[s + dx]!));
        const bot = f(f(w0 * x[s + dy]!) + f(w1 * x[s + dy + dx]!));
        out[d + ox] = f(h0 * top) + f(h1 * bot);
      }
    }
  }
}
