// Non-maximum suppression (Caffe2 generate_proposals_op_util_nms.h): greedy NMS and soft-NMS
// over upright [x1, y1, x2, y2] or rotated [cx, cy, w, h, angle] rows of a Float32Array.
// Greedy NMS tests each candidate against the kept boxes, held as struct-of-arrays with their
// float32 areas (no per-pair allocation).
// IoU is float32 like Caffe2's Eigen arrays; a box survives iff IoU <= thresh, so a NaN IoU
// (two zero-area boxes without legacy_plus_one) suppresses.

import { rotatedIoU } from './boxes.js';

const f = Math.fround;

/** Scratch for n candidates: f32 of at least 5n elements (kept boxes), i32 of at least n (soft-NMS). */
export interface NmsScratch { f32: Float32Array; i32: Int32Array }

export function nmsScratch(n: number): NmsScratch {
  return { f32: new Float32Array(Math.max(5 * n, 1)), i32: new Int32Array(Math.max(n, 1)) };
}

/** IoU of upright rows i and j (offsets), float32 as nms_cpu_upright computes it. */
export function iouUpright(boxes: Float32Array, i: number, j: number, p: number): number {
  const ai = f(f(f(boxes[i + 2]! - boxes[i]!) + p) * f(f(boxes[i + 3]! - boxes[i + 1]!) + p));
  const aj = f(f(f(boxes[j + 2]! - boxes[j]!) + p) * f(f(boxes[j + 3]! - boxes[j + 1]!) + p));
  const w = Math.max(f(f(Math.min(boxes[j + 2]!, boxes[i + 2]!) - Math.max(boxes[j]!, boxes[i]!)) + p), 0);
  const h = Math.max(f(f(Math.min(boxes[j + 3]!, boxes[i + 3]!) - Math.max(boxes[j + 1]!, boxes[i + 1]!)) + p), 0);
  const inter = f(w * h);
  return f(inter / f(f(ai + aj) - inter));
}

/**
 * Greedy NMS over the candidates order[0..n) (row indices, in descending score order; not
 * re-sorted). Writes kept row indices to `keep` in selection order and returns their count;
 * stops after topN kept when topN >= 0.
 *
 * Caffe2 removes, after each kept box, every later candidate it overlaps; here each candidate
 * is tested against the boxes kept so far (struct-of-arrays) and dropped at the first overlap
 * above thresh. Both keep j iff IoU(i, j) <= thresh for every earlier kept i, so the result is
 * identical, but a topN stop skips the candidates never reached and non-overlapping pairs cost
 * one subtraction.
 */
export function nms(
  keep: Int32Array, boxes: Float32Array, stride: number, boxDim: number, order: ArrayLike<number>, n: number,
  thresh: number, topN: number, legacyPlusOne: boolean, scratch: NmsScratch,
): number {
  const limit = topN < 0 ? n : Math.min(topN, n);
  let kept = 0;
  if (boxDim === 5) {
    for (let k = 0; k < n && kept < limit; k++) {
      const oj = order[k]! * stride;
      let q = 0;
      while (q < kept && rotatedIoU(boxes, keep[q]! * stride, boxes, oj) <= thresh) q++;
      if (q === kept) keep[kept++] = order[k]!;
    }
    return kept;
  }
  const p = legacyPlusOne ? 1 : 0;
  // With p = 1 the float32 width f(f(d) + 1) is > 0 iff the exact d > -1 + 2^-25 (f rounds
  // (-1, -1 + 2^-25] to -1); with p = 0 iff d > 0. A pair whose four edge differences (exact in
  // double for float32 inputs) are not all above that bound cannot overlap, and its IoU is
  // 0 / (area sum) = 0 when both areas are finite and > 0: it is skipped with one branch.
  // Anything else (zero, negative or non-finite areas, thresh < 0) takes the literal path.
  const wmin = p ? -1 + 2 ** -25 : 0;
  const s = scratch.f32, cap = Math.floor(s.length / 5);
  const X1 = 0, Y1 = cap, X2 = 2 * cap, Y2 = 3 * cap, AR = 4 * cap;
  let odd = 0; // kept boxes whose area is not finite and > 0
  const quick = thresh >= 0;
  for (let k = 0; k < n && kept < limit; k++) {
    const r = order[k]! * stride;
    const x1 = boxes[r]!, y1 = boxes[r + 1]!, x2 = boxes[r + 2]!, y2 = boxes[r + 3]!;
    const area = f(f(f(x2 - x1) + p) * f(f(y2 - y1) + p));
    const plain = area > 0 && area < Infinity;
    const filter = plain && quick && odd === 0;
    let q = 0;
    for (; q < kept; q++) {
      // branch-free filter: & of four compares mispredicts far less than && on random boxes
      if (filter && !(+(x2 - s[X1 + q]! > wmin) & +(s[X2 + q]! - x1 > wmin) & +(y2 - s[Y1 + q]! > wmin) & +(s[Y2 + q]! - y1 > wmin))) continue;
      const iw = Math.max(f(f(Math.min(x2, s[X2 + q]!) - Math.max(x1, s[X1 + q]!)) + p), 0);
      const ih = Math.max(f(f(Math.min(y2, s[Y2 + q]!) - Math.max(y1, s[Y1 + q]!)) + p), 0);
      const inter = f(iw * ih);
      if (!(f(inter / f(f(s[AR + q]! + area) - inter)) <= thresh)) break;
    }
    if (q < kept) continue;
    s[X1 + kept] = x1; s[Y1 + kept] = y1; s[X2 + kept] = x2; s[Y2 + kept] = y2; s[AR + kept] = area;
    if (!plain) odd++;
    keep[kept++] = order[k]!;
  }
  return kept;
}

/** Soft-NMS score decay: 1 linear, 2 gaussian, anything else hard NMS. */
export interface SoftNmsParams {
  readonly sigma: number;
  readonly overlapThresh: number;
  readonly scoreThresh: number;
  readonly method: number;
  readonly topN: number;
  readonly legacyPlusOne: boolean;
}

/**
 * soft_nms_cpu: copies `rows` scores (stride sS) into outScores (stride oS), then repeatedly keeps
 * the pending candidate with the highest current score (the first on ties), decays the scores of
 * the others by their IoU with it, and drops those below scoreThresh. Returns the kept count.
 */
export function softNms(
  keep: Int32Array, outScores: Float32Array, oS: number, boxes: Float32Array, stride: number, boxDim: number,
  scores: Float32Array, sS: number, rows: number, indices: ArrayLike<number>, n: number, sp: SoftNmsParams, scratch: NmsScratch,
): number {
  const p = sp.legacyPlusOne ? 1 : 0;
  for (let r = 0; r < rows; r++) outScores[r * oS] = scores[r * sS]!;
  const pending = scratch.i32;
  for (let k = 0; k < n; k++) pending[k] = indices[k]!;
  let m = n, kept = 0;
  while (m > 0 && (sp.topN < 0 || kept < sp.topN)) {
    let mp = 0, best = outScores[pending[0]! * oS]!;
    for (let t = 1; t < m; t++) {
      const v = outScores[pending[t]! * oS]!;
      if (v > best) { best = v; mp = t; }
    }
    const i = pending[mp]!;
    keep[kept++] = i;
    pending[mp] = pending[0]!;
    pending[0] = i;
    const oi = i * stride;
    for (let t = 1; t < m; t++) {
      const j = pending[t]!;
      const ovr = boxDim === 5 ? rotatedIoU(boxes, oi, boxes, j * stride) : iouUpright(boxes, oi, j * stride, p);
      let weight: number;
      if (sp.method === 1) weight = ovr > sp.overlapThresh ? f(1 - ovr) : 1;
      else if (sp.method === 2) weight = f(Math.exp((-1 * ovr * ovr) / sp.sigma));
      else weight = ovr > sp.overlapThresh ? 0 : 1;
      outScores[j * oS] = f(outScores[j * oS]! * weight);
    }
    let w = 0;
    for (let t = 1; t < m; t++) {
      const j = pending[t]!;
      if (outScores[j * oS]! >= sp.scoreThresh) pending[w++] = j;
    }
    m = w;
  }
  return kept;
}
