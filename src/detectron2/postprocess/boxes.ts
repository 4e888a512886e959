// Instances and detectron2's detector_postprocess (modeling/postprocessing.py): boxes scaled
// from the network's input size to the original image, clipped, empty boxes dropped, masks pasted
// and keypoints scaled. Box math is float32, as the tensors it mirrors (Math.fround per op).

import { pasteMasks } from './masks.js';

const f = Math.fround;

/** Detections at the network's input resolution, before detector_postprocess. */
export interface RawInstances {
  /** Resized (unpadded) input size the boxes refer to: im_info's [h, w]. */
  height: number;
  width: number;
  /** N x 4 XYXY. */
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  /** N x M x M mask probabilities of each instance's class (mask_fcn_probs[i, class_i]). */
  maskProbs?: Float32Array;
  maskSize?: number;
  /** N x K x 3 (x, y, score) in input coordinates. */
  keypoints?: Float32Array;
  numKeypoints?: number;
}

/** detectron2 Instances after detector_postprocess, in original-image pixels. */
export interface Instances {
  imageHeight: number;
  imageWidth: number;
  /** N x 4 XYXY_ABS. */
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  /** Per instance a row-major imageHeight x imageWidth 0/1 mask. */
  masks?: Uint8Array[];
  /** N x K x 3 (x, y, score). */
  keypoints?: Float32Array;
  numKeypoints?: number;
}

export function numInstances(r: { scores: Float32Array }): number {
  return r.scores.length;
}

/**
 * detector_postprocess(results, out_h, out_w, mask_threshold): scale_x = out_w / w and
 * scale_y = out_h / h (float32 multiplies, as `Boxes.scale` on a float tensor), clip to
 * [0, out_w] x [0, out_h], keep boxes with positive width and height, paste masks at the
 * original size with the kept boxes, scale keypoints (not clipped).
 */
export function detectorPostprocess(raw: RawInstances, outH: number, outW: number, maskThreshold = 0.5): Instances {
  const n = raw.scores.length;
  const sx = f(outW / raw.width), sy = f(outH / raw.height);
  const boxes = new Float32Array(n * 4);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = i * 4;
    const x0 = clamp(f(raw.boxes[b]! * sx), outW), y0 = clamp(f(raw.boxes[b + 1]! * sy), outH);
    const x1 = clamp(f(raw.boxes[b + 2]! * sx), outW), y1 = clamp(f(raw.boxes[b + 3]! * sy), outH);
    boxes[b] = x0; boxes[b + 1] = y0; boxes[b + 2] = x1; boxes[b + 3] = y1;
    if (f(x1 - x0) > 0 && f(y1 - y0) > 0) keep.push(i);
  }
  const m = keep.length;
  const out: Instances = {
    imageHeight: outH, imageWidth: outW,
    boxes: new Float32Array(m * 4), scores: new Float32Array(m), classes: new Int32Array(m),
  };
  keep.forEach((i, j) => {
    out.boxes.set(boxes.subarray(i * 4, i * 4 + 4), j * 4);
    out.scores[j] = raw.scores[i]!;
    out.classes[j] = raw.classes[i]!;
  });
  if (raw.maskProbs && raw.maskSize) {
    const M = raw.maskSize;
    out.masks = keep.map((i, j) => pasteMasks(raw.maskProbs!.subarray(i * M * M, (i + 1) * M * M), M, out.boxes.subarray(j * 4, j * 4 + 4), outH, outW, maskThreshold));
  }
  if (raw.keypoints && raw.numKeypoints !== undefined) {
    const K = raw.numKeypoints;
    out.numKeypoints = K;
    out.keypoints = new Float32Array(m * K * 3);
    keep.forEach((i, j) => {
      for (let k = 0; k < K; k++) {
        const s = (i * K + k) * 3, d = (j * K + k) * 3;
        out.keypoints![d] = f(raw.keypoints![s]! * sx);
        out.keypoints![d + 1] = f(raw.keypoints![s + 1]! * sy);
        out.keypoints![d + 2] = raw.keypoints![s + 2]!;
      }
    });
  }
  return out;
}

/** torch.clamp(x, 0, hi); NaN stays NaN (detectron2 asserts finite boxes before this). */
function clamp(x: number, hi: number): number {
  return x < 0 ? 0 : x > hi ? hi : x;
}

/**
 * Box2BoxTransform.apply_deltas for one box (float32): centre/size form, deltas divided by the
 * weights, dw/dh clamped at `scaleClamp` (log(1000/16)), exp, back to corners.
 */
export function applyDeltas(out: Float32Array, o: number, box: ArrayLike<number>, b: number, d: ArrayLike<number>, di: number, weights: readonly number[], scaleClamp: number): void {
  const w = f(box[b + 2]! - box[b]!), h = f(box[b + 3]! - box[b + 1]!);
  const cx = f(box[b]! + f(0.5 * w)), cy = f(box[b + 1]! + f(0.5 * h));
  const dx = f(d[di]! / f(weights[0]!)), dy = f(d[di + 1]! / f(weights[1]!));
  let dw = f(d[di + 2]! / f(weights[2]!)), dh = f(d[di + 3]! / f(weights[3]!));
  const clampF = f(scaleClamp);
  if (dw > clampF) dw = clampF;
  if (dh > clampF) dh = clampF;
  const pcx = f(f(dx * w) + cx), pcy = f(f(dy * h) + cy);
  const pw = f(f(Math.exp(dw)) * w), ph = f(f(Math.exp(dh)) * h);
  out[o] = f(pcx - f(0.5 * pw));
  out[o + 1] = f(pcy - f(0.5 * ph));
  out[o + 2] = f(pcx + f(0.5 * pw));
  out[o + 3] = f(pcy + f(0.5 * ph));
}

/** ln(1000/16): detectron2's _DEFAULT_SCALE_CLAMP. */
export const DEFAULT_SCALE_CLAMP = Math.log(1000 / 16);

/**
 * torchvision.ops.nms on CPU: candidates in descending score order (ties by lower index), a box
 * is suppressed when its IoU with a kept box is > `thresh`; float32 areas and IoU, no +1.
 * Returns kept indices in that order.
 */
export function nms(boxes: Float32Array, scores: ArrayLike<number>, indices: readonly number[], thresh: number): number[] {
  const order = indices.slice().sort((a, b) => (scores[b]! - scores[a]!) || a - b);
  const n = order.length;
  const area = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = order[i]! * 4;
    area[i] = f(f(boxes[b + 2]! - boxes[b]!) * f(boxes[b + 3]! - boxes[b + 1]!));
  }
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (suppressed[i]) continue;
    const bi = order[i]! * 4;
    keep.push(order[i]!);
    const ix1 = boxes[bi]!, iy1 = boxes[bi + 1]!, ix2 = boxes[bi + 2]!, iy2 = boxes[bi + 3]!;
    for (let j = i + 1; j < n; j++) {
      if (suppressed[j]) continue;
      const bj = order[j]! * 4;
      const w = Math.max(0, f(Math.min(ix2, boxes[bj + 2]!) - Math.max(ix1, boxes[bj]!)));
      const h = Math.max(0, f(Math.min(iy2, boxes[bj + 3]!) - Math.max(iy1, boxes[bj + 1]!)));
      const inter = f(w * h);
      const iou = f(inter / f(f(area[i]! + area[j]!) - inter));
      // torchvision compares the float IoU with the double threshold.
      if (iou > thresh) suppressed[j] = 1;
    }
  }
  return keep;
}

/**
 * torchvision.ops.batched_nms (which detectron2's batched_nms calls): class-aware NMS. With at
 * most 1000 boxes (4000 coordinates) torchvision offsets each class's boxes by
 * class * (max coordinate + 1) in float32 and runs one NMS; above that it runs NMS per class and
 * sorts the union by score. Both are reproduced, since the float32 offset changes IoU rounding.
 */
export function batchedNms(boxes: Float32Array, scores: Float32Array, classes: Int32Array, thresh: number): number[] {
  const n = scores.length;
  if (n === 0) return [];
  const all = Array.from({ length: n }, (_, i) => i);
  if (n * 4 > 4000) {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const l = byClass.get(classes[i]!);
      if (l) l.push(i); else byClass.set(classes[i]!, [i]);
    }
    const kept: number[] = [];
    for (const idx of byClass.values()) kept.push(...nms(boxes, scores, idx, thresh));
    return kept.sort((a, b) => (scores[b]! - scores[a]!) || a - b);
  }
  let maxCoord = -Infinity;
  for (let i = 0; i < n * 4; i++) if (boxes[i]! > maxCoord) maxCoord = boxes[i]!;
  const step = f(maxCoord + 1);
  const shifted = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const off = f(classes[i]! * step);
    for (let k = 0; k < 4; k++) shifted[i * 4 + k] = f(boxes[i * 4 + k]! + off);
  }
  return nms(shifted, scores, all, thresh);
}
