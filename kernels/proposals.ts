// Proposal generation and FPN routing (Caffe2 generate_proposals_op.cc ProposalsForOneImage,
// collect_and_distribute_fpn_rpn_proposals_op.cc). Scores of one image are [A, H, W], deltas
// [A * boxDim, H, W], anchors [A, boxDim] (upright xyxy or rotated [cx, cy, w, h, angle]).
// Ranking is a total order: higher score first, lower flat index on ties (Caffe2's std::sort
// leaves ties unspecified; the golden oracle and CollectRpnProposals use this order), NaN last.

import { clipRotated, clipUpright, decodeRotated, decodeUpright, filterRotated, filterUpright, type BoxCoder } from './boxes.js';
import { nms, type NmsScratch } from './nms.js';

const f = Math.fround;

/** True when index a ranks before index b by score. */
function before(s: ArrayLike<number>, a: number, b: number): boolean {
  const x = s[a]!, y = s[b]!;
  if (x > y) return true;
  if (x === y) return a < b;
  return y !== y && (x === x || a < b);
}

function siftDown(heap: Int32Array, s: ArrayLike<number>, n: number, i: number): void {
  const v = heap[i]!;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(s, heap[c]!, heap[c + 1]!)) c++;
    if (!before(s, v, heap[c]!)) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = v;
}

/**
 * The k best indices of scores[0..n) in rank order, into out[0..k) (k clamped to n); returns k.
 * A bounded heap whose root is the worst kept index: O(n log k), one comparison per rejected score.
 */
export function topK(out: Int32Array, scores: ArrayLike<number>, n: number, k: number): number {
  k = Math.min(k, n);
  if (k <= 0) return 0;
  for (let i = 0; i < k; i++) out[i] = i;
  for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(out, scores, k, i);
  for (let i = k; i < n; i++) {
    if (before(scores, i, out[0]!)) { out[0] = i; siftDown(out, scores, k, 0); }
  }
  for (let m = k - 1; m > 0; m--) {
    const t = out[0]!; out[0] = out[m]!; out[m] = t;
    siftDown(out, scores, m, 0);
  }
  return k;
}

/**
 * ComputeSortedAnchors: the anchor of each flat (A, H, W) index in order[0..k), shifted by its
 * cell (w * stride, h * stride) from 0; rotated anchors shift only their center.
 */
export function sortedAnchors(
  out: Float32Array, anchors: Float32Array, H: number, W: number, boxDim: number, stride: number, order: ArrayLike<number>, k: number,
): void {
  const HW = H * W;
  for (let r = 0; r < k; r++) {
    const idx = order[r]!, a = (idx / HW) | 0, hw = idx - a * HW, h = (hw / W) | 0, w = hw - h * W;
    const sx = f(w * stride), sy = f(h * stride), o = r * boxDim, ao = a * boxDim;
    out[o] = f(anchors[ao]! + sx);
    out[o + 1] = f(anchors[ao + 1]! + sy);
    if (boxDim === 4) {
      out[o + 2] = f(anchors[ao + 2]! + sx);
      out[o + 3] = f(anchors[ao + 3]! + sy);
    } else {
      out[o + 2] = anchors[ao + 2]!; out[o + 3] = anchors[ao + 3]!; out[o + 4] = anchors[ao + 4]!;
    }
  }
}

export interface ProposalParams {
  /** 1 / spatial_scale, as the float Caffe2 stores. */
  readonly featStride: number;
  readonly preNmsTopN: number;
  readonly postNmsTopN: number;
  readonly nmsThresh: number;
  readonly minSize: number;
  readonly clipAngleThresh: number;
  /** weights [1, 1, 1, 1], BBOX_XFORM_CLIP, legacy_plus_one and the angle bounds. */
  readonly coder: BoxCoder;
}

/** Scratch for k = preNmsCount candidates: i32 >= 3k, f32 >= 2 * k * boxDim + k. */
export interface ProposalScratch { i32: Int32Array; f32: Float32Array; nms: NmsScratch }

/** Candidates kept before NMS: pre_nms_topN when 0 < pre_nms_topN < n, else all n. */
export function preNmsCount(n: number, preNmsTopN: number): number {
  return preNmsTopN <= 0 || preNmsTopN >= n ? n : preNmsTopN;
}

/**
 * ProposalsForOneImage. imInfo = [height, width, scale]. Writes the kept boxes (boxDim columns)
 * to outBoxes and their scores to outScores, in NMS selection order; returns the count.
 */
export function proposalsForImage(
  outBoxes: Float32Array, outScores: Float32Array, scores: Float32Array, deltas: Float32Array, anchors: Float32Array,
  A: number, H: number, W: number, boxDim: number, imInfo: ArrayLike<number>, p: ProposalParams, s: ProposalScratch,
): number {
  const HW = H * W, n = A * HW;
  const k = topK(s.i32, scores, n, preNmsCount(n, p.preNmsTopN));
  const order = s.i32.subarray(0, k), keep = s.i32.subarray(k, 2 * k), kept = s.i32.subarray(2 * k, 3 * k);
  const boxes = s.f32.subarray(0, k * boxDim), dsorted = s.f32.subarray(k * boxDim, 2 * k * boxDim);
  const sorted = s.f32.subarray(2 * k * boxDim, 2 * k * boxDim + k);
  sortedAnchors(boxes, anchors, H, W, boxDim, p.featStride, order, k);
  for (let r = 0; r < k; r++) {
    const idx = order[r]!, a = (idx / HW) | 0, hw = idx - a * HW, o = r * boxDim, ao = a * boxDim;
    sorted[r] = scores[idx]!;
    for (let j = 0; j < boxDim; j++) dsorted[o + j] = deltas[(ao + j) * HW + hw]!;
  }
  // clip to the image size truncated to int; filter with the float size and scaled min_size
  const imH = imInfo[0]!, imW = imInfo[1]!, minSize = p.minSize * imInfo[2]!;
  let nk: number;
  if (boxDim === 4) {
    decodeUpright(boxes, 4, boxes, 4, dsorted, 4, k, p.coder);
    clipUpright(boxes, 4, k, Math.trunc(imH), Math.trunc(imW), p.coder.legacyPlusOne);
    nk = filterUpright(keep, boxes, 4, k, minSize, imH, imW, p.coder.legacyPlusOne);
  } else {
    decodeRotated(boxes, 5, boxes, 5, dsorted, 5, k, p.coder);
    clipRotated(boxes, 5, k, Math.trunc(imH), Math.trunc(imW), p.clipAngleThresh, p.coder.legacyPlusOne);
    nk = filterRotated(keep, boxes, 5, k, minSize, imH, imW);
  }
  const topN = p.postNmsTopN > 0 && p.postNmsTopN < nk ? p.postNmsTopN : -1;
  const m = nms(kept, boxes, boxDim, boxDim, keep, nk, p.nmsThresh, topN, p.coder.legacyPlusOne, s.nms);
  for (let i = 0; i < m; i++) {
    const r = kept[i]!;
    outScores[i] = sorted[r]!;
    for (let j = 0; j < boxDim; j++) outBoxes[i * boxDim + j] = boxes[r * boxDim + j]!;
  }
  return m;
}

const LOG2_F = f(Math.log(2)), EPS_F = f(1e-6);

/**
 * MapRoIsToFpnLevels: lvl = floor(lvl0 + log(sqrt(area) / s0 + 1e-6) / log(2)) clamped to
 * [kMin, kMax], all in float32, for n rows of boxes (x1 at offset `off`, stride `stride`).
 * Returns -1, or the first row whose area is negative (or NaN), which Caffe2 rejects.
 */
export function fpnLevels(
  out: Int32Array, rois: Float32Array, stride: number, off: number, n: number,
  kMin: number, kMax: number, s0: number, lvl0: number, legacyPlusOne: boolean,
): number {
  const p = legacyPlusOne ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const o = i * stride + off;
    const area = f(f(f(rois[o + 2]! - rois[o]!) + p) * f(f(rois[o + 3]! - rois[o + 1]!) + p));
    if (!(area >= 0)) return i;
    const lvl = Math.floor(f(lvl0 + f(f(Math.log(f(f(f(Math.sqrt(area)) / s0) + EPS_F))) / LOG2_F)));
    out[i] = Math.max(Math.min(lvl, kMax), kMin);
  }
  return -1;
}
