// detectron2's heatmaps_to_keypoints (structures/keypoints.py) as keypoint_rcnn_inference uses
// it: per RoI, bicubic upsampling (torch F.interpolate, align_corners=False, A = -0.75, clamped
// taps) of the K heatmaps to ceil(box size), argmax, and the score = exp(up[argmax] - max) / sum
// over the low-res map of exp(map - max). float32 as in torch.

const f = Math.fround;
const A = -0.75;

function cubicWeights(t: number, out: Float32Array): void {
  // torch's get_cubic_upsample_coefficients: cubic_convolution2(t + 1), cubic_convolution1(t),
  // cubic_convolution1(1 - t), cubic_convolution2(2 - t).
  const conv1 = (x: number) => f(f(f(f(f(f(A + 2) * x) - f(A + 3)) * x) * x) + 1);
  const conv2 = (x: number) => f(f(f(f(f(f(A * x) - f(5 * A)) * x) + f(8 * A)) * x) - f(4 * A));
  out[0] = conv2(f(t + 1));
  out[1] = conv1(t);
  const t2 = f(1 - t);
  out[2] = conv1(t2);
  out[3] = conv2(f(t2 + 1));
}

/** Source taps (clamped) and weights for one output axis of bicubic resizing in -> out. */
function cubicAxis(inSize: number, outSize: number): { idx: Int32Array; w: Float32Array } {
  const scale = f(inSize / outSize);
  const idx = new Int32Array(outSize * 4), w = new Float32Array(outSize * 4), c = new Float32Array(4);
  for (let o = 0; o < outSize; o++) {
    const real = f(f(scale * f(o + 0.5)) - 0.5);
    const i0 = Math.floor(real);
    cubicWeights(f(real - i0), c);
    for (let k = 0; k < 4; k++) {
      idx[o * 4 + k] = Math.min(Math.max(i0 - 1 + k, 0), inSize - 1);
      w[o * 4 + k] = c[k]!;
    }
  }
  return { idx, w };
}

/** F.interpolate(x[None], (oh, ow), mode='bicubic', align_corners=False) of one S x S map. */
export function bicubicResize(src: ArrayLike<number>, ih: number, iw: number, oh: number, ow: number): Float32Array {
  const ax = cubicAxis(iw, ow), ay = cubicAxis(ih, oh);
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let j = 0; j < 4; j++) {
        const r = ay.idx[y * 4 + j]! * iw;
        let row = 0;
        for (let i = 0; i < 4; i++) row = f(row + f(src[r + ax.idx[x * 4 + i]!]! * ax.w[x * 4 + i]!));
        acc = f(acc + f(row * ay.w[y * 4 + j]!));
      }
      out[y * ow + x] = acc;
    }
  }
  return out;
}

/**
 * Keypoints of R RoIs from heatmap logits `maps` (R x K x S x S) and boxes `rois` (R x 4, the
 * network-resolution bbox_nms). Returns R x K x 3 (x, y, score), keypoint_rcnn_inference's
 * columns [0, 1, 3] of heatmaps_to_keypoints.
 */
export function heatmapsToKeypoints(maps: ArrayLike<number>, R: number, K: number, S: number, rois: ArrayLike<number>): Float32Array {
  const out = new Float32Array(R * K * 3);
  for (let r = 0; r < R; r++) {
    const x0 = rois[r * 4]!, y0 = rois[r * 4 + 1]!;
    const wd = Math.max(f(rois[r * 4 + 2]! - x0), 1), ht = Math.max(f(rois[r * 4 + 3]! - y0), 1);
    const wc = Math.ceil(wd), hc = Math.ceil(ht);
    const corrX = f(wd / wc), corrY = f(ht / hc);
    for (let k = 0; k < K; k++) {
      const base = (r * K + k) * S * S;
      const low = typeof (maps as Float32Array).subarray === 'function' ? (maps as Float32Array).subarray(base, base + S * S) : Array.prototype.slice.call(maps, base, base + S * S) as number[];
      const up = bicubicResize(low, S, S, hc, wc);
      // First maximum in row-major order (torch argmax), and the max used for the softmax.
      let best = 0, maxv = up[0]!;
      for (let i = 1; i < up.length; i++) if (up[i]! > maxv) { maxv = up[i]!; best = i; }
      let sum = 0;
      for (let i = 0; i < S * S; i++) sum += f(Math.exp(f(low[i]! - maxv)));
      const score = f(f(Math.exp(f(up[best]! - maxv))) / f(sum));
      const xi = best % wc, yi = (best - xi) / wc;
      const o = (r * K + k) * 3;
      out[o] = f(f(f(xi + 0.5) * corrX) + x0);
      out[o + 1] = f(f(f(yi + 0.5) * corrY) + y0);
      out[o + 2] = score;
    }
  }
  return out;
}

/** keypoints_out (R x 4 x K: x, y, refined logit, prob) -> R x K x 3 (x, y, logit), as detectron2 takes it. */
export function keypointsFromHeatmapMax(kp: ArrayLike<number>, R: number, K: number): Float32Array {
  const out = new Float32Array(R * K * 3);
  for (let r = 0; r < R; r++) {
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 3; c++) out[(r * K + k) * 3 + c] = kp[(r * 4 + c) * K + k]!;
    }
  }
  return out;
}
