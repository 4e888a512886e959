// Overlaps between detections and ground truth as pycocotools computes them (maskApi.c bbIou,
// rleIou; cocoeval.py computeOks). Outputs are row-major [D, G]: out[d * G + g].
// A crowd ground truth scores intersection over the detection's own area.

import { pairwiseSum } from './numeric.js';
import { type Rle, rleArea, rleToBbox } from './rle.js';

/** Boxes are [x, y, w, h] rows of `dt` (D x 4) and `gt` (G x 4). */
export function bboxIou(dt: ArrayLike<number>, gt: ArrayLike<number>, D: number, G: number,
  iscrowd: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let g = 0; g < G; g++) {
    const gx = gt[g * 4]!, gy = gt[g * 4 + 1]!, gw = gt[g * 4 + 2]!, gh = gt[g * 4 + 3]!;
    const ga = gw * gh;
    const crowd = !!iscrowd[g];
    for (let d = 0; d < D; d++) {
      const dx = dt[d * 4]!, dy = dt[d * 4 + 1]!, dw = dt[d * 4 + 2]!, dh = dt[d * 4 + 3]!;
      const da = dw * dh;
      out[d * G + g] = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w <= 0) continue;
      const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
      if (h <= 0) continue;
      const i = w * h;
      out[d * G + g] = i / (crowd ? da : da + ga - i);
    }
  }
  return out;
}

/**
 * Mask IoU. As rleIou, the boxes of the masks are compared first and only pairs whose box
 * overlap is > 0 are run-merged; masks of different sizes get -1.
 */
export function rleIou(dt: readonly Rle[], gt: readonly Rle[], iscrowd: ArrayLike<number>, out: Float64Array): Float64Array {
  const D = dt.length, G = gt.length;
  const db = new Float64Array(D * 4), gb = new Float64Array(G * 4);
  for (let d = 0; d < D; d++) rleToBbox(dt[d]!, db, d * 4);
  for (let g = 0; g < G; g++) rleToBbox(gt[g]!, gb, g * 4);
  bboxIou(db, gb, D, G, iscrowd, out);
  for (let g = 0; g < G; g++) {
    const B = gt[g]!;
    for (let d = 0; d < D; d++) {
      if (!(out[d * G + g]! > 0)) continue;
      const A = dt[d]!;
      if (A.h !== B.h || A.w !== B.w) { out[d * G + g] = -1; continue; }
      out[d * G + g] = rleIouPair(A.counts, B.counts, !!iscrowd[g], A);
    }
  }
  return out;
}

function rleIouPair(ac: Uint32Array, bc: Uint32Array, crowd: boolean, a: Rle): number {
  const ka = ac.length, kb = bc.length;
  let ca = ac[0] ?? 0, cb = bc[0] ?? 0, ia = 1, ib = 1, va = 0, vb = 0, inter = 0, uni = 0, ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    if (va || vb) { uni += c; if (va && vb) inter += c; }
    ct = 0;
    ca -= c; if (!ca && ia < ka) { ca = ac[ia++]!; va ^= 1; } ct += ca;
    cb -= c; if (!cb && ib < kb) { cb = bc[ib++]!; vb ^= 1; } ct += cb;
  }
  if (inter === 0) uni = 1;
  else if (crowd) uni = rleArea(a);
  return inter / uni;
}

/** COCO's per-keypoint OKS sigmas (nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles). */
export const COCO_KPT_OKS_SIGMAS: readonly number[] = [
  0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89,
].map((s) => s / 10);

export interface KeypointGt {
  keypoints: ArrayLike<number>;
  /** [x, y, w, h]: bounds the distance measure when no keypoint is labelled. */
  bbox: ArrayLike<number>;
  area: number;
}

/**
 * Object keypoint similarity of every detection with every ground truth, as computeOks:
 * mean over labelled keypoints (v > 0) of exp(-d^2 / (2 * area * (2 sigma)^2)); with none
 * labelled, d is the distance outside the ground truth box grown by its size on every side.
 */
export function computeOks(dts: readonly ArrayLike<number>[], gts: readonly KeypointGt[], sigmas: ArrayLike<number>, out: Float64Array): Float64Array {
  const K = sigmas.length, D = dts.length, G = gts.length;
  const vars = new Float64Array(K);
  for (let k = 0; k < K; k++) { const s2 = sigmas[k]! * 2; vars[k] = s2 * s2; }
  const e = new Float64Array(K);
  const eps = 2.220446049250313e-16; // np.spacing(1)
  for (let j = 0; j < G; j++) {
    const gt = gts[j]!, g = gt.keypoints, bb = gt.bbox;
    let k1 = 0;
    for (let k = 0; k < K; k++) if (g[k * 3 + 2]! > 0) k1++;
    const x0 = bb[0]! - bb[2]!, x1 = bb[0]! + bb[2]! * 2;
    const y0 = bb[1]! - bb[3]!, y1 = bb[1]! + bb[3]! * 2;
    const denom = gt.area + eps;
    for (let i = 0; i < D; i++) {
      const d = dts[i]!;
      let n = 0;
      for (let k = 0; k < K; k++) {
        const xd = d[k * 3]!, yd = d[k * 3 + 1]!;
        let dx: number, dy: number;
        if (k1 > 0) {
          if (!(g[k * 3 + 2]! > 0)) continue;
          dx = xd - g[k * 3]!; dy = yd - g[k * 3 + 1]!;
        } else {
          dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
          dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        }
        e[n++] = Math.exp(-((dx * dx + dy * dy) / vars[k]! / denom / 2));
      }
      out[i * G + j] = (0 + pairwiseSum(e, 0, n)) / n; // np.sum(np.exp(-e)) / e.shape[0]
    }
  }
  return out;
}
