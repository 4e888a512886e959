// BoxWithNMSLimit for one image (Caffe2 box_with_nms_limit_op.cc): per foreground class, the
// rows scoring above score_thresh, stably sorted by score, go through NMS (or soft-NMS); if the
// total exceeds detections_per_im the (class, row) pairs are stably sorted by score and cut.
// Scores [n, C] and boxes [n, Bc] are row-major; class j = 1..C-1 reads score column
// scoreCol(j) and box columns [boxCol(j) * boxDim, +boxDim). Output is class-major.

import { nms, softNms, type NmsScratch, type SoftNmsParams } from './nms.js';

export interface BoxNmsLimitParams {
  readonly scoreThresh: number;
  readonly nmsThresh: number;
  readonly detectionsPerIm: number;
  /** Soft-NMS settings, or null for greedy NMS. */
  readonly soft: SoftNmsParams | null;
  readonly boxDim: number;
  readonly clsAgnostic: boolean;
  readonly inputBoxesIncludeBg: boolean;
  readonly legacyPlusOne: boolean;
}

export const scoreCol = (j: number, p: BoxNmsLimitParams): number => j - 1 + (p.inputBoxesIncludeBg ? 1 : 0);
export const boxCol = (j: number, p: BoxNmsLimitParams): number => (p.clsAgnostic ? 0 : p.inputBoxesIncludeBg ? j : j - 1);

/** Scratch for n rows and C classes. */
export interface BoxNmsLimitScratch {
  /** n: candidate rows of one class. */ inds: Int32Array;
  /** C * n: keeps of class j at j * n. */ keeps: Int32Array;
  /** C: keep count per class. */ counts: Int32Array;
  /** n * C: soft-NMS scores (same layout as scores). */ soft: Float32Array;
  nms: NmsScratch;
}

/**
 * Runs one image. Fills s.keeps/s.counts (class-major keep lists, row indices relative to the
 * image) and returns the scores the outputs use: the input scores, or the soft-NMS ones.
 */
export function boxWithNmsLimitImage(
  scores: Float32Array, C: number, boxes: Float32Array, Bc: number, n: number, p: BoxNmsLimitParams, s: BoxNmsLimitScratch,
): Float32Array {
  const dpi = p.detectionsPerIm, bd = p.boxDim;
  let total = 0;
  s.counts[0] = 0;
  for (let j = 1; j < C; j++) {
    const sc = scoreCol(j, p), cb = boxes.subarray(boxCol(j, p) * bd);
    let m = 0;
    for (let r = 0; r < n; r++) if (scores[r * C + sc]! > p.scoreThresh) s.inds[m++] = r;
    const keep = s.keeps.subarray(j * n, (j + 1) * n);
    let k: number;
    if (p.soft) {
      k = softNms(keep, s.soft.subarray(sc), C, cb, Bc, bd, scores.subarray(sc), C, n, s.inds, m, p.soft, s.nms);
    } else {
      // stable: equal scores keep ascending row order
      const cand = s.inds.subarray(0, m).sort((a, b) => scores[b * C + sc]! - scores[a * C + sc]! || a - b);
      k = nms(keep, cb, Bc, bd, cand, m, p.nmsThresh, dpi > 0 ? dpi : -1, p.legacyPlusOne, s.nms);
    }
    s.counts[j] = k;
    total += k;
  }
  const used = p.soft ? s.soft : scores;
  if (dpi > 0 && total > dpi) {
    // (class, row) pairs in class-major keep order, stably sorted by score, first dpi kept
    const pairs: number[] = [];
    for (let j = 1; j < C; j++) for (let i = 0; i < s.counts[j]!; i++) pairs.push(j, s.keeps[j * n + i]!);
    const order = Array.from({ length: total }, (_, i) => i);
    const score = (i: number): number => used[pairs[2 * i + 1]! * C + scoreCol(pairs[2 * i]!, p)]!;
    order.sort((a, b) => score(b) - score(a) || a - b);
    s.counts.fill(0, 0, C);
    for (let i = 0; i < dpi; i++) {
      const j = pairs[2 * order[i]!]!;
      s.keeps[j * n + s.counts[j]!++] = pairs[2 * order[i]! + 1]!;
    }
  }
  return used;
}
