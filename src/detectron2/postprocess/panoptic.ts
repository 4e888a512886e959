// PanopticFPN post-processing (Caffe2PanopticFPN's output converter): sem_seg_postprocess (crop the
// padding, bilinear resize to the original size with align_corners=False, as torch's CPU
// F.interpolate computes it in float32), argmax, and combine_semantic_and_instance_outputs
// (meta_arch/panoptic_fpn.py): instances by descending score, then stuff regions.

import type { Instances } from './boxes.js';

const f = Math.fround;

/** Source index pairs and weights of one axis (torch's linear interpolation, align_corners=False). */
function linearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w0: Float32Array; w1: Float32Array } {
  const scale = f(inSize / outSize);
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), w0 = new Float32Array(outSize), w1 = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let real = f(f(scale * f(o + 0.5)) - 0.5);
    if (real < 0) real = 0;
    const idx = Math.min(Math.floor(real), inSize - 1);
    const lambda = Math.min(Math.max(f(real - idx), 0), 1);
    i0[o] = idx;
    i1[o] = idx + (idx < inSize - 1 ? 1 : 0);
    w1[o] = lambda;
    w0[o] = f(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/**
 * Argmax over classes of sem_seg_postprocess(logits[n]): logits [N, C, Hp, Wp] cropped to
 * [:h, :w], resized to outH x outW; ties go to the lower class (torch.argmax).
 */
export function semSegArgmax(logits: Float32Array, shape: readonly number[], n: number, h: number, w: number, outH: number, outW: number): Uint8Array | Uint16Array {
  const [, C, Hp, Wp] = shape as [number, number, number, number];
  const ay = linearAxis(h, outH), ax = linearAxis(w, outW);
  const out = C <= 256 ? new Uint8Array(outH * outW) : new Uint16Array(outH * outW);
  const best = new Float32Array(outH * outW).fill(-Infinity);
  const plane = Hp * Wp;
  for (let c = 0; c < C; c++) {
    const base = (n * C + c) * plane;
    for (let y = 0; y < outH; y++) {
      const r0 = base + ay.i0[y]! * Wp, r1 = base + ay.i1[y]! * Wp, wy0 = ay.w0[y]!, wy1 = ay.w1[y]!;
      for (let x = 0; x < outW; x++) {
        const a = ax.i0[x]!, b = ax.i1[x]!, wx0 = ax.w0[x]!, wx1 = ax.w1[x]!;
        const top = f(f(logits[r0 + a]! * wx0) + f(logits[r0 + b]! * wx1));
        const bot = f(f(logits[r1 + a]! * wx0) + f(logits[r1 + b]! * wx1));
        const v = f(f(top * wy0) + f(bot * wy1));
        const o = y * outW + x;
        // NaN wins in torch.argmax; otherwise the first maximum.
        if (v > best[o]! || (Number.isNaN(v) && !Number.isNaN(best[o]!))) { best[o] = v; out[o] = c; }
      }
    }
  }
  return out;
}

export interface SegmentInfo {
  id: number;
  isthing: boolean;
  category_id: number;
  score?: number;
  instance_id?: number;
  area?: number;
}

export interface PanopticResult {
  /** outH x outW segment ids, 0 = void. */
  seg: Int32Array;
  segmentsInfo: SegmentInfo[];
}

/**
 * combine_semantic_and_instance_outputs: instances in descending score order until one scores
 * below `instancesConfThresh`; each claims its unclaimed mask pixels unless more than
 * `overlapThresh` of its mask is already claimed; then every semantic label except 0 ("things")
 * claims its unclaimed pixels when they number at least `stuffAreaLimit`.
 */
export function combinePanoptic(inst: Instances, semSeg: ArrayLike<number>, overlapThresh: number, stuffAreaLimit: number, instancesConfThresh: number): PanopticResult {
  const H = inst.imageHeight, W = inst.imageWidth, N = H * W;
  const seg = new Int32Array(N);
  const info: SegmentInfo[] = [];
  const order = Array.from(inst.scores, (_, i) => i).sort((a, b) => (inst.scores[b]! - inst.scores[a]!) || a - b);
  let id = 0;
  for (const i of order) {
    const score = inst.scores[i]!;
    if (score < instancesConfThresh) break;
    const mask = inst.masks?.[i];
    if (!mask) continue;
    let area = 0, inter = 0;
    for (let p = 0; p < N; p++) if (mask[p]) { area++; if (seg[p]! > 0) inter++; }
    if (area === 0) continue;
    if (inter / area > overlapThresh) continue;
    id++;
    for (let p = 0; p < N; p++) if (mask[p] && seg[p] === 0) seg[p] = id;
    info.push({ id, isthing: true, score, category_id: inst.classes[i]!, instance_id: i });
  }
  const labels = [...new Set(Array.from(semSeg as ArrayLike<number>))].sort((a, b) => a - b);
  for (const label of labels) {
    if (label === 0) continue;
    let area = 0;
    for (let p = 0; p < N; p++) if (semSeg[p] === label && seg[p] === 0) area++;
    if (area < stuffAreaLimit) continue;
    id++;
    for (let p = 0; p < N; p++) if (semSeg[p] === label && seg[p] === 0) seg[p] = id;
    info.push({ id, isthing: false, category_id: label, area });
  }
  return { seg, segmentsInfo: info };
}
