// Reference twins of kernels/nms.ts: Caffe2's nms_cpu_upright / nms_cpu_rotated / soft_nms_cpu
// (caffe2/operators/generate_proposals_op_util_nms.h) written as their Eigen code reads: the
// candidate list is rebuilt from the survivors after every kept box.

import type { NmsScratch, SoftNmsParams } from '../nms.js';
import { rotatedIoU } from './boxes.js';

const f = Math.fround;

function iou(boxes: Float32Array, stride: number, boxDim: number, i: number, j: number, p: number): number {
  if (boxDim === 5) return rotatedIoU(boxes, i * stride, boxes, j * stride);
  const [ax1, ay1, ax2, ay2] = boxes.subarray(i * stride, i * stride + 4) as unknown as number[];
  const [bx1, by1, bx2, by2] = boxes.subarray(j * stride, j * stride + 4) as unknown as number[];
  const areaI = f(f(f(ax2! - ax1!) + p) * f(f(ay2! - ay1!) + p));
  const areaJ = f(f(f(bx2! - bx1!) + p) * f(f(by2! - by1!) + p));
  const xx1 = Math.max(bx1!, ax1!), yy1 = Math.max(by1!, ay1!);
  const xx2 = Math.min(bx2!, ax2!), yy2 = Math.min(by2!, ay2!);
  const w = Math.max(f(f(xx2 - xx1) + p), 0), h = Math.max(f(f(yy2 - yy1) + p), 0);
  const inter = f(w * h);
  return f(inter / f(f(areaI + areaJ) - inter));
}

export function nms(
  keep: Int32Array, boxes: Float32Array, stride: number, boxDim: number, order: ArrayLike<number>, n: number,
  thresh: number, topN: number, legacyPlusOne: boolean, _scratch?: NmsScratch,
): number {
  const p = legacyPlusOne ? 1 : 0;
  let rest = Array.from({ length: n }, (_, k) => order[k]!);
  const kept: number[] = [];
  while (rest.length > 0) {
    if (topN >= 0 && kept.length >= topN) break;
    const i = rest[0]!;
    kept.push(i);
    rest = rest.slice(1).filter((j) => iou(boxes, stride, boxDim, i, j, p) <= thresh);
  }
  keep.set(kept);
  return kept.length;
}

export function softNms(
  keep: Int32Array, outScores: Float32Array, oS: number, boxes: Float32Array, stride: number, boxDim: number,
  scores: Float32Array, sS: number, rows: number, indices: ArrayLike<number>, n: number, sp: SoftNmsParams, _scratch?: NmsScratch,
): number {
  const p = sp.legacyPlusOne ? 1 : 0;
  for (let r = 0; r < rows; r++) outScores[r * oS] = scores[r * sS]!;
  let pending = Array.from({ length: n }, (_, k) => indices[k]!);
  const kept: number[] = [];
  while (pending.length > 0) {
    if (sp.topN >= 0 && kept.length >= sp.topN) break;
    let maxPos = 0;
    pending.forEach((j, t) => { if (outScores[j * oS]! > outScores[pending[maxPos]! * oS]!) maxPos = t; });
    const i = pending[maxPos]!;
    kept.push(i);
    [pending[0], pending[maxPos]] = [pending[maxPos]!, pending[0]!];
    const rest = pending.slice(1);
    for (const j of rest) {
      const ovr = iou(boxes, stride, boxDim, i, j, p);
      const weight = sp.method === 1 ? (ovr > sp.overlapThresh ? 1 - ovr : 1)
        : sp.method === 2 ? Math.exp((-1 * ovr * ovr) / sp.sigma)
          : ovr > sp.overlapThresh ? 0 : 1;
      outScores[j * oS] = f(outScores[j * oS]! * f(weight));
    }
    pending = rest.filter((j) => outScores[j * oS]! >= sp.scoreThresh);
  }
  keep.set(kept);
  return kept.length;
}
