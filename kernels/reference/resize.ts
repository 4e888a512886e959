// Reference twins of kernels/resize.ts: one output element at a time, straight from
// caffe2/operators/resize_op.cc (nearest), modules/detectron/upsample_nearest_op.h and
// caffe2/operators/upsample_op.cc (bilinear), with the shared float32 index geometry.

import { bilinearRatio, nearestIndex } from '../resize.js';

const f = Math.fround;

export function resizeNearestNchw(out: Float32Array, x: Float32Array, P: number, H: number, W: number,
  oH: number, oW: number, hScale: number, wScale: number, _xIdx: Int32Array): void {
  for (let p = 0; p < P; p++) {
    for (let oy = 0; oy < oH; oy++) {
      for (let ox = 0; ox < oW; ox++) {
        out[(p * oH + oy) * oW + ox] = x[(p * H + nearestIndex(oy, hScale, H)) * W + nearestIndex(ox, wScale, W)]!;
      }
    }
  }
}

export function resizeNearestNhwc(out: Float32Array, x: Float32Array, N: number, H: number, W: number, C: number,
  oH: number, oW: number, hScale: number, wScale: number, _xIdx: Int32Array): void {
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < oH; oy++) {
      for (let ox = 0; ox < oW; ox++) {
        for (let c = 0; c < C; c++) {
          out[((n * oH + oy) * oW + ox) * C + c] = x[((n * H + nearestIndex(oy, hScale, H)) * W + nearestIndex(ox, wScale, W)) * C + c]!;
        }
      }
    }
  }
}

export function upsampleNearest(out: Float32Array, x: Float32Array, P: number, H: number, W: number, scale: number): void {
  const oH = H * scale, oW = W * scale;
  for (let p = 0; p < P; p++) {
    for (let oy = 0; oy < oH; oy++) {
      for (let ox = 0; ox < oW; ox++) out[(p * oH + oy) * oW + ox] = x[(p * H + Math.floor(oy / scale)) * W + Math.floor(ox / scale)]!;
    }
  }
}

export function upsampleBilinearNchw(out: Float32Array, x: Float32Array, P: number, H: number, W: number,
  oH: number, oW: number, _xTab: Int32Array, _xLam: Float32Array): void {
  const rh = bilinearRatio(H, oH), rw = bilinearRatio(W, oW);
  for (let p = 0; p < P; p++) {
    for (let oy = 0; oy < oH; oy++) {
      const hr = f(rh * oy), h1 = Math.trunc(hr), h1p = h1 < H - 1 ? 1 : 0;
      const h1l = f(hr - h1), h0l = f(1 - h1l);
      for (let ox = 0; ox < oW; ox++) {
        const wr = f(rw * ox), w1 = Math.trunc(wr), w1p = w1 < W - 1 ? 1 : 0;
        const w1l = f(wr - w1), w0l = f(1 - w1l);
        const at = (dy: number, dx: number): number => x[(p * H + h1 + dy) * W + w1 + dx]!;
        out[(p * oH + oy) * oW + ox] = f(f(h0l * f(f(w0l * at(0, 0)) + f(w1l * at(0, w1p))))
          + f(h1l * f(f(w0l * at(h1p, 0)) + f(w1l * at(h1p, w1p)))));
      }
    }
  }
}
