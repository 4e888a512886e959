// RetinaNet inference outside the graph, as Caffe2RetinaNet.get_outputs_converter runs it
// (meta_arch/retinanet.py + dense_detector.py): DefaultAnchorGenerator anchors per level, logits
// and deltas permuted to (H, W, A, K) order, sigmoid, score threshold, top-k per level,
// Box2BoxTransform decoding, class-aware batched NMS, the first max_detections.

import type { Tensor } from '../../core/tensor.js';
import { ShapeError } from '../../core/errors.js';
import type { RetinaNetSettings, AnchorSettings } from '../meta.js';
import { applyDeltas, batchedNms, DEFAULT_SCALE_CLAMP, type RawInstances } from './boxes.js';

const f = Math.fround;

/** DefaultAnchorGenerator.generate_cell_anchors for one level (double math, stored as float32). */
export function cellAnchors(sizes: readonly number[], ratios: readonly number[]): Float32Array {
  const out = new Float32Array(sizes.length * ratios.length * 4);
  let o = 0;
  for (const size of sizes) {
    const area = size ** 2;
    for (const r of ratios) {
      const w = Math.sqrt(area / r), h = r * w;
      out[o++] = -w / 2; out[o++] = -h / 2; out[o++] = w / 2; out[o++] = h / 2;
    }
  }
  return out;
}

/** Anchors of one level on an H x W grid, ordered (y, x, a): shift (x*stride, y*stride) + cell. */
export function gridAnchors(cell: Float32Array, H: number, W: number, stride: number, offset: number): Float32Array {
  const A = cell.length / 4;
  const out = new Float32Array(H * W * A * 4);
  for (let y = 0; y < H; y++) {
    const sy = f(offset * stride + y * stride);
    for (let x = 0; x < W; x++) {
      const sx = f(offset * stride + x * stride);
      for (let a = 0; a < A; a++) {
        const o = ((y * W + x) * A + a) * 4;
        out[o] = f(sx + cell[a * 4]!); out[o + 1] = f(sy + cell[a * 4 + 1]!);
        out[o + 2] = f(sx + cell[a * 4 + 2]!); out[o + 3] = f(sy + cell[a * 4 + 3]!);
      }
    }
  }
  return out;
}

function sigmoid(x: number): number {
  return f(1 / f(1 + f(Math.exp(-x))));
}

export interface RetinaNetOutputs {
  /** box_cls_i: [1, A*K, H, W] logits per level. */
  cls: Tensor[];
  /** box_delta_i: [1, A*4, H, W] per level. */
  delta: Tensor[];
}

/** Collects box_cls_i / box_delta_i from the net's outputs, in level order. */
export function retinaNetOutputs(outputs: ReadonlyMap<string, Tensor>): RetinaNetOutputs {
  const cls: Tensor[] = [], delta: Tensor[] = [];
  for (let i = 0; outputs.has(`box_cls_${i}`); i++) {
    const d = outputs.get(`box_delta_${i}`);
    if (!d) throw new ShapeError(`output 'box_cls_${i}' has no matching 'box_delta_${i}'`);
    cls.push(outputs.get(`box_cls_${i}`)!);
    delta.push(d);
  }
  if (!cls.length) throw new ShapeError(`RetinaNet post-processing needs outputs box_cls_0.. and box_delta_0.. (got ${[...outputs.keys()].join(', ')})`);
  return { cls, delta };
}

/**
 * Detections of image `n` at the network's input size (h, w). Anchors come from `s.anchors`, one
 * level per output pair; K (classes) is box_cls channels / (box_delta channels / 4).
 */
export function retinaNetInference(out: RetinaNetOutputs, n: number, h: number, w: number, s: RetinaNetSettings): RawInstances {
  const L = out.cls.length;
  const an: AnchorSettings = s.anchors;
  if (an.sizes.length !== L) {
    throw new ShapeError(`the net has ${L} box_cls levels but the anchor settings describe ${an.sizes.length} (sizes ${JSON.stringify(an.sizes)}); pass matching anchor settings`);
  }
  const boxes: number[] = [], scores: number[] = [], classes: number[] = [];
  const tmp = new Float32Array(4);
  for (let l = 0; l < L; l++) {
    const c = out.cls[l]!, d = out.delta[l]!;
    if (c.rank !== 4 || d.rank !== 4) throw new ShapeError(`box_cls_${l} / box_delta_${l} must be 4-D, got ${c.rank}-D / ${d.rank}-D`);
    const [N, AK, H, W] = c.shape as [number, number, number, number];
    const A = d.shape[1]! / 4, K = AK / A;
    const cell = cellAnchors(an.sizes[l]!, an.aspectRatios[l]!);
    if (cell.length / 4 !== A || !Number.isInteger(K) || d.shape[2] !== H || d.shape[3] !== W || n >= N) {
      throw new ShapeError(`level ${l}: box_cls ${JSON.stringify(c.shape)} and box_delta ${JSON.stringify(d.shape)} do not fit ${cell.length / 4} anchors per cell (sizes ${JSON.stringify(an.sizes[l])}, ratios ${JSON.stringify(an.aspectRatios[l])})`);
    }
    const anchors = gridAnchors(cell, H, W, an.strides[l]!, an.offset);
    const cd = c.data as Float32Array, dd = d.data as Float32Array;
    const plane = H * W;
    const cBase = n * AK * plane, dBase = n * A * 4 * plane;
    // Candidates in (H, W, A, K) row-major order, as nonzero() on the permuted tensor gives them.
    const cand: number[] = [], candScore: number[] = [];
    const thr = f(s.scoreThreshold);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let a = 0; a < A; a++) for (let k = 0; k < K; k++) {
      const p = sigmoid(cd[cBase + (a * K + k) * plane + y * W + x]!);
      if (p > thr) { cand.push(((y * W + x) * A + a) * K + k); candScore.push(p); }
    }
    const order = cand.map((_, i) => i).sort((i, j) => (candScore[j]! - candScore[i]!) || i - j);
    const top = order.slice(0, Math.min(order.length, s.topkCandidates));
    const deltas = new Float32Array(4);
    for (const i of top) {
      const flat = cand[i]!, k = flat % K, anchor = (flat - k) / K;
      const a = anchor % A, yx = (anchor - a) / A, x = yx % W, y = (yx - x) / W;
      for (let q = 0; q < 4; q++) deltas[q] = dd[dBase + (a * 4 + q) * plane + y * W + x]!;
      applyDeltas(tmp, 0, anchors, anchor * 4, deltas, 0, s.bboxRegWeights, DEFAULT_SCALE_CLAMP);
      boxes.push(tmp[0]!, tmp[1]!, tmp[2]!, tmp[3]!);
      scores.push(candScore[i]!);
      classes.push(k);
    }
  }
  const b = Float32Array.from(boxes), sc = Float32Array.from(scores), cl = Int32Array.from(classes);
  const keep = batchedNms(b, sc, cl, s.nmsThreshold).slice(0, s.maxDetections);
  const res: RawInstances = { height: h, width: w, boxes: new Float32Array(keep.length * 4), scores: new Float32Array(keep.length), classes: new Int32Array(keep.length) };
  keep.forEach((i, j) => {
    res.boxes.set(b.subarray(i * 4, i * 4 + 4), j * 4);
    res.scores[j] = sc[i]!;
    res.classes[j] = cl[i]!;
  });
  return res;
}
