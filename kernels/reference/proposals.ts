// Reference twins of kernels/proposals.ts (caffe2/operators/generate_proposals_op.cc
// ProposalsForOneImage with ComputeAllAnchors, collect_and_distribute_fpn_rpn_proposals_op.cc):
// a full sort, all anchors enumerated in (H, W, A) order and then picked, Caffe2's column math.

import type { ProposalParams, ProposalScratch } from '../proposals.js';
import { clipRotated, clipUpright, decodeRotated, decodeUpright, filterRotated, filterUpright } from './boxes.js';
import { nms } from './nms.js';

const f = Math.fround;

const rank = (s: ArrayLike<number>) => (a: number, b: number): number => {
  const x = s[a]!, y = s[b]!;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
  return x > y ? -1 : x < y ? 1 : a - b;
};

export function topK(out: Int32Array, scores: ArrayLike<number>, n: number, k: number): number {
  const idx = Array.from({ length: n }, (_, i) => i).sort(rank(scores)).slice(0, Math.max(0, k));
  out.set(idx);
  return idx.length;
}

/** ComputeAllAnchors: [H * W * A, boxDim], row (h * W + w) * A + a, shifts from 0. */
export function allAnchors(anchors: Float32Array, A: number, H: number, W: number, boxDim: number, stride: number): Float32Array {
  const out = new Float32Array(H * W * A * boxDim);
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      const shift = boxDim === 4 ? [f(w * stride), f(h * stride), f(w * stride), f(h * stride)] : [f(w * stride), f(h * stride), 0, 0, 0];
      for (let a = 0; a < A; a++) {
        for (let j = 0; j < boxDim; j++) out[((h * W + w) * A + a) * boxDim + j] = f(anchors[a * boxDim + j]! + shift[j]!);
      }
    }
  }
  return out;
}

export function proposalsForImage(
  outBoxes: Float32Array, outScores: Float32Array, scores: Float32Array, deltas: Float32Array, anchors: Float32Array,
  A: number, H: number, W: number, boxDim: number, imInfo: ArrayLike<number>, p: ProposalParams, _s?: ProposalScratch,
): number {
  const HW = H * W, n = A * HW;
  const k = p.preNmsTopN <= 0 || p.preNmsTopN >= n ? n : p.preNmsTopN;
  const order = new Int32Array(n);
  topK(order, scores, n, k);
  const all = allAnchors(anchors, A, H, W, boxDim, p.featStride);
  const boxes = new Float32Array(k * boxDim), d = new Float32Array(k * boxDim), sorted = new Float32Array(k);
  for (let r = 0; r < k; r++) {
    const idx = order[r]!, a = Math.floor(idx / HW), h = Math.floor((idx % HW) / W), w = idx % W;
    sorted[r] = scores[idx]!;
    for (let j = 0; j < boxDim; j++) {
      boxes[r * boxDim + j] = all[((h * W + w) * A + a) * boxDim + j]!;
      d[r * boxDim + j] = deltas[(a * boxDim + j) * HW + h * W + w]!;
    }
  }
  const decoded = new Float32Array(k * boxDim), keep = new Int32Array(k);
  let nk: number;
  const hInt = Math.trunc(imInfo[0]!), wInt = Math.trunc(imInfo[1]!), minSize = p.minSize * imInfo[2]!;
  if (boxDim === 4) {
    decodeUpright(decoded, 4, boxes, 4, d, 4, k, p.coder);
    clipUpright(decoded, 4, k, hInt, wInt, p.coder.legacyPlusOne);
    nk = filterUpright(keep, decoded, 4, k, minSize, imInfo[0]!, imInfo[1]!, p.coder.legacyPlusOne);
  } else {
    decodeRotated(decoded, 5, boxes, 5, d, 5, k, p.coder);
    clipRotated(decoded, 5, k, hInt, wInt, p.clipAngleThresh, p.coder.legacyPlusOne);
    nk = filterRotated(keep, decoded, 5, k, minSize, imInfo[0]!, imInfo[1]!);
  }
  const kept = new Int32Array(nk);
  const topN = p.postNmsTopN > 0 && p.postNmsTopN < nk ? p.postNmsTopN : -1;
  const m = nms(kept, decoded, boxDim, boxDim, keep, nk, p.nmsThresh, topN, p.coder.legacyPlusOne);
  for (let i = 0; i < m; i++) {
    outScores[i] = sorted[kept[i]!]!;
    outBoxes.set(decoded.subarray(kept[i]! * boxDim, (kept[i]! + 1) * boxDim), i * boxDim);
  }
  return m;
}

export function fpnLevels(
  out: Int32Array, rois: Float32Array, stride: number, off: number, n: number,
  kMin: number, kMax: number, s0: number, lvl0: number, legacyPlusOne: boolean,
): number {
  const p = legacyPlusOne ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = rois.subarray(i * stride + off, i * stride + off + 4);
    const area = f(f(f(x2! - x1!) + p) * f(f(y2! - y1!) + p));
    if (!(area >= 0)) return i;
    const s = f(Math.sqrt(area));
    const target = Math.floor(f(lvl0 + f(f(Math.log(f(f(s / s0) + f(1e-6)))) / f(Math.log(2)))));
    out[i] = Math.max(Math.min(target, kMax), kMin);
  }
  return -1;
}
