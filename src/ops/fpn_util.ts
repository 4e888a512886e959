// The FPN proposal routing shared by CollectRpnProposals, DistributeFpnProposals and
// CollectAndDistributeFpnRpnProposals (caffe2/operators/collect_and_distribute_fpn_rpn_proposals_op.cc).

import { fpnLevels, topK } from '../../kernels/proposals.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import type { OutInfo, RunCtx } from './schema.js';
import { bound, requireFloat } from './detection_util.js';

export interface CollectParams { readonly rpnMin: number; readonly rpnMax: number; readonly topN: number }
export interface DistributeParams {
  readonly roiMin: number; readonly roiMax: number; readonly canonScale: number; readonly canonLevel: number; readonly legacyPlusOne: boolean;
}

export function checkLevels(lo: number, hi: number, what: 'rpn' | 'roi'): number {
  if (hi < lo) throw new ArgError(`${what}_max_level ${hi} must be >= ${what}_min_level ${lo}`, { arg: `${what}_max_level` });
  return hi - lo + 1;
}

/** rpn_post_nms_topN, or the older spelling post_nms_topN; 2000 when neither is given. */
export function collectTopN(a: { rpn_post_nms_topN: number | undefined; post_nms_topN: number | undefined }): number {
  if (a.rpn_post_nms_topN !== undefined && a.post_nms_topN !== undefined && a.rpn_post_nms_topN !== a.post_nms_topN) {
    throw new ArgError(`conflicts with rpn_post_nms_topN (${a.post_nms_topN} vs ${a.rpn_post_nms_topN})`, { arg: 'post_nms_topN' });
  }
  return a.rpn_post_nms_topN ?? a.post_nms_topN ?? 2000;
}

export function checkInputCount(numInputs: number, levels: number): void {
  if (numInputs !== 2 * levels) {
    throw new ArgError(`takes 2 x ${levels} inputs (the rois of levels rpn_min_level..rpn_max_level, then their scores), got ${numInputs}`);
  }
}

/** Shape rule of the collected rois: [min(total, topN), 5] when every level's size is known. */
export function inferCollect(ins: readonly ValueInfo[], p: CollectParams): OutInfo {
  const L = ins.length / 2;
  let total = 0;
  for (let l = 0; l < L; l++) {
    const r = ins[l]!, s = ins[L + l]!;
    requireFloat(r, `rpn_rois #${l}`);
    requireFloat(s, `rpn_roi_probs #${l}`);
    const n = r.shape[0]!;
    if (r.shape.length !== 2 || (r.shape[1]! >= 0 && r.shape[1] !== 5)) throw new ShapeError(`input #${l} (rois of level ${p.rpnMin + l}) must be [n, 5], got ${shapeStr(r.shape)}`);
    const sn = s.shape.reduce((a, b) => (a < 0 || b < 0 ? -1 : a * b), 1);
    if (s.shape.length < 1 || (n >= 0 && s.shape[0]! >= 0 && (s.shape[0] !== n || (sn >= 0 && sn !== n)))) {
      throw new ShapeError(`input #${L + l} (scores of level ${p.rpnMin + l}) must hold one score per roi of input #${l} ${shapeStr(r.shape)}, got ${shapeStr(s.shape)}`);
    }
    total = total < 0 || n < 0 ? -1 : total + n;
  }
  if (total >= 0) return { dtype: 'float32', shape: [p.topN > 0 ? Math.min(total, p.topN) : total, 5] };
  return { dtype: 'float32', shape: [-1, 5], ...(p.topN > 0 ? { max: [p.topN, 5] } : {}) };
}

/**
 * Concatenates the levels and keeps the top rpn_post_nms_topN by score (ties: lower index) in
 * output `o`; returns its data.
 */
export function collect(ctx: RunCtx<unknown>, p: CollectParams, o: number): Float32Array {
  const L = ctx.numInputs / 2;
  let total = 0;
  for (let l = 0; l < L; l++) total += ctx.in(l).shape[0]!;
  const rois = ctx.scratch('f32', total * 5, 0), scores = ctx.scratch('f32', total, 1);
  let off = 0;
  for (let l = 0; l < L; l++) {
    const n = ctx.in(l).shape[0]!;
    rois.set((ctx.in(l).data as Float32Array).subarray(0, n * 5), off * 5);
    scores.set((ctx.in(L + l).data as Float32Array).subarray(0, n), off);
    off += n;
  }
  const k = p.topN > 0 && p.topN < total ? p.topN : total;
  const order = ctx.scratch('i32', k, 0);
  topK(order, scores, total, k);
  const out = ctx.alloc(o, 'float32', [k, 5]).data;
  for (let i = 0; i < k; i++) out.set(rois.subarray(order[i]! * 5, order[i]! * 5 + 5), i * 5);
  return out;
}

export function inferDistribute(rois: ValueInfo, p: DistributeParams, name: string): OutInfo[] {
  requireFloat(rois, name);
  if (rois.shape.length !== 2 || (rois.shape[1]! >= 0 && rois.shape[1] !== 4 && rois.shape[1] !== 5)) {
    throw new ShapeError(`input '${name}' must be [R, 4|5], got ${shapeStr(rois.shape)}`);
  }
  const R = rois.shape[0]!, max = bound(R);
  const levels: OutInfo[] = [];
  for (let l = p.roiMin; l <= p.roiMax; l++) levels.push({ dtype: 'float32', shape: [-1, 5], ...(max !== undefined ? { max: [max, 5] } : {}) });
  return [...levels, { dtype: 'int32', shape: [R] }];
}

/**
 * Writes one [n_l, 5] blob per level (rows in original order; 4-column rois get a zero image
 * index) to outputs first.. and the inverse permutation rois_idx_restore to output `first + L`.
 */
export function distribute(ctx: RunCtx<unknown>, rois: Float32Array, R: number, cols: number, p: DistributeParams, first: number, name: string): void {
  const lv = ctx.scratch('i32', R, 1);
  const bad = fpnLevels(lv, rois, cols, cols - 4, R, p.roiMin, p.roiMax, p.canonScale, p.canonLevel, p.legacyPlusOne);
  if (bad >= 0) {
    const b = rois.subarray(bad * cols + cols - 4, bad * cols + cols);
    throw new ShapeError(`input '${name}' row ${bad} [${Array.from(b).join(', ')}] has a negative area (x2 < x1 or y2 < y1${p.legacyPlusOne ? ' by more than 1' : ''})`);
  }
  const restore = ctx.out(first + p.roiMax - p.roiMin + 1).data as Int32Array;
  let pos = 0;
  for (let l = p.roiMin; l <= p.roiMax; l++) {
    let n = 0;
    for (let i = 0; i < R; i++) if (lv[i] === l) n++;
    const out = ctx.alloc(first + l - p.roiMin, 'float32', [n, 5]).data;
    let k = 0;
    for (let i = 0; i < R; i++) {
      if (lv[i] !== l) continue;
      if (cols === 4) { out[k * 5] = 0; out.set(rois.subarray(i * 4, i * 4 + 4), k * 5 + 1); }
      else out.set(rois.subarray(i * 5, i * 5 + 5), k * 5);
      restore[i] = pos++;
      k++;
    }
  }
}
