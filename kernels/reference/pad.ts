// Reference twin of kernels/pad.ts: every output word from the per-element formulas of
// caffe2/operators/pad_op.cc (PadImageOp RunOnDeviceWithOrderNCHW, generic loops).

import type { Words } from './copy.js';

export type PadMode = 'constant' | 'reflect' | 'edge';

export interface PadGeometry {
  outer: number; H: number; W: number; inner: number;
  oH: number; oW: number; padT: number; padL: number;
}

export function padImage(out: Words, x: Words, g: PadGeometry, mode: PadMode, fill: Words): void {
  const { outer, H, W, inner, oH, oW, padT, padL } = g;
  for (let n = 0; n < outer; n++) {
    for (let ph = 0; ph < oH; ph++) {
      for (let pw = 0; pw < oW; pw++) {
        let h = ph - padT, w = pw - padL;
        let inside = true;
        if (mode === 'constant') {
          inside = h >= 0 && w >= 0 && h < H && w < W;
        } else if (mode === 'edge') {
          h = Math.min(H - 1, Math.max(h, 0));
          w = Math.min(W - 1, Math.max(w, 0));
        } else {
          h = Math.max(h, -h); h = Math.min(h, 2 * H - h - 2);
          w = Math.max(w, -w); w = Math.min(w, 2 * W - w - 2);
        }
        for (let c = 0; c < inner; c++) {
          out[((n * oH + ph) * oW + pw) * inner + c] = inside ? x[((n * H + h) * W + w) * inner + c]! : fill[c]!;
        }
      }
    }
  }
}
