// Greedy matching of one image and category at one area range (pycocotools evaluateImg).
// Detections come in score order (stable), ground truths in file order; ious is [D, G].

/** One image's ground truths and detections, in the caller's reusable arrays. */
export interface MatchInput {
  D: number;
  G: number;
  /** ious[d * G + g]; may be empty (length 0) when there was nothing to compare. */
  ious: Float64Array;
  hasIous: boolean;
  dtId: Float64Array;
  dtArea: Float64Array;
  gtId: Float64Array;
  gtArea: Float64Array;
  /** iscrowd, or for keypoints no labelled keypoint: never a true positive. */
  gtIgnore: Uint8Array;
  gtCrowd: Uint8Array;
}

/** Flags per [t, d]: bit 0 = matched a ground truth (its id is not 0), bit 1 = ignored. */
export const MATCHED = 1;
export const IGNORED = 2;

export class MatchScratch {
  gtOrder = new Int32Array(16);
  gtIg = new Uint8Array(16);
  gtm = new Float64Array(16);
  dtm = new Float64Array(16);

  ensure(D: number, G: number, T: number): void {
    if (this.gtOrder.length < G) { this.gtOrder = new Int32Array(G * 2); this.gtIg = new Uint8Array(G * 2); }
    if (this.gtm.length < T * G) this.gtm = new Float64Array(T * G * 2);
    if (this.dtm.length < T * D) this.dtm = new Float64Array(T * D * 2);
  }
}

/**
 * Writes flags[t * stride + offset + d] for the first D detections and returns the number of
 * ground truths that count (not ignored, inside the area range).
 */
export function matchImage(inp: MatchInput, lo: number, hi: number, thrs: Float64Array,
  flags: Uint8Array, stride: number, offset: number, s: MatchScratch): number {
  const { D, G, ious, dtId, dtArea, gtId, gtArea, gtIgnore, gtCrowd } = inp;
  const T = thrs.length;
  s.ensure(D, G, T);
  const { gtOrder, gtIg, gtm, dtm } = s;
  // ground truths that do not count go last, each part in file order (mergesort is stable)
  let n = 0, npig = 0;
  for (let g = 0; g < G; g++) {
    if (!(gtIgnore[g] || gtArea[g]! < lo || gtArea[g]! > hi)) { gtOrder[n++] = g; npig++; }
  }
  for (let g = 0; g < G; g++) if (gtIgnore[g] || gtArea[g]! < lo || gtArea[g]! > hi) gtOrder[n++] = g;
  for (let j = 0; j < G; j++) gtIg[j] = j < npig ? 0 : 1;
  gtm.fill(0, 0, T * G);
  dtm.fill(0, 0, T * D);
  for (let t = 0; t < T; t++) {
    for (let d = 0; d < D; d++) flags[t * stride + offset + d] = 0;
  }
  if (inp.hasIous) {
    for (let t = 0; t < T; t++) {
      const thr = Math.min(thrs[t]!, 1 - 1e-10);
      for (let d = 0; d < D; d++) {
        let iou = thr, m = -1;
        for (let j = 0; j < G; j++) {
          const g = gtOrder[j]!;
          // a matched ground truth is taken unless it is a crowd region
          if (gtm[t * G + j]! > 0 && !gtCrowd[g]) continue;
          // once matched to one that counts, stop at the first ignored one
          if (m > -1 && gtIg[m] === 0 && gtIg[j] === 1) break;
          const v = ious[d * G + g]!;
          if (v < iou) continue;
          iou = v;
          m = j;
        }
        if (m === -1) continue;
        dtm[t * D + d] = gtId[gtOrder[m]!]!;
        gtm[t * G + m] = dtId[d]!;
        flags[t * stride + offset + d] = (dtm[t * D + d] !== 0 ? MATCHED : 0) | (gtIg[m] ? IGNORED : 0);
      }
    }
  }
  // unmatched detections outside the area range are ignored
  for (let d = 0; d < D; d++) {
    if (!(dtArea[d]! < lo || dtArea[d]! > hi)) continue;
    for (let t = 0; t < T; t++) if (dtm[t * D + d] === 0) flags[t * stride + offset + d] |= IGNORED;
  }
  return npig;
}
