// Our `predict` JSON (detectron2 field names) to COCO results, as detectron2's
// instances_to_coco_json: XYXY_ABS boxes to XYWH in float32, contiguous class i to the i-th
// sorted category id, keypoints shifted by -0.5 to COCO's pixel-index convention.

import { InputError } from '../core/errors.js';
import type { CocoResult } from './dataset.js';
import type { RleJson } from './rle.js';

/** One image's predictions: an `instances` object of parallel arrays, or a list of per-instance objects. */
export interface PredictInstances {
  pred_boxes?: number[][];
  scores?: number[];
  pred_classes?: number[];
  pred_masks?: RleJson[];
  /** Per instance, K rows of (x, y, score). */
  pred_keypoints?: number[][][];
}

function columns(pred: unknown, where: string): PredictInstances {
  const inst = typeof pred === 'object' && pred !== null && 'instances' in pred ? (pred as { instances: unknown }).instances : pred;
  if (Array.isArray(inst)) {
    const out: Record<string, unknown[]> = {};
    inst.forEach((x, i) => {
      if (typeof x !== 'object' || x === null) throw new InputError(`${where}: instances[${i}] must be an object`);
      for (const [k, v] of Object.entries(x)) (out[k] ??= [])[i] = v;
    });
    return out as PredictInstances;
  }
  if (typeof inst !== 'object' || inst === null) throw new InputError(`${where}: expected {instances: {pred_boxes, scores, pred_classes, ...}}, got ${typeof inst}`);
  return inst as PredictInstances;
}

/**
 * COCO results of one image. `categoryIds[i]` is the dataset's category id of class i
 * (detectron2's metadata: the sorted category ids).
 */
export function predictionsToCocoResults(pred: unknown, imageId: number, categoryIds: readonly number[], where = 'predictions'): CocoResult[] {
  const p = columns(pred, where);
  const n = p.scores?.length ?? 0;
  const f = Math.fround;
  for (const k of ['pred_boxes', 'pred_classes', 'pred_masks', 'pred_keypoints'] as const) {
    const v = p[k];
    if (v !== undefined && (!Array.isArray(v) || v.length !== n)) throw new InputError(`${where}: '${k}' has ${Array.isArray(v) ? v.length : typeof v} entries, expected ${n} (one per score)`);
  }
  if (n > 0 && (!p.pred_boxes || !p.pred_classes)) throw new InputError(`${where}: needs 'pred_boxes' and 'pred_classes' with the scores`);
  const out: CocoResult[] = [];
  for (let i = 0; i < n; i++) {
    const cls = p.pred_classes![i]!;
    const catId = categoryIds[cls];
    if (!Number.isInteger(cls) || catId === undefined) {
      throw new InputError(`${where}: instance ${i} has pred_class ${cls}, but the dataset has ${categoryIds.length} categories (classes 0..${categoryIds.length - 1})`);
    }
    const b = p.pred_boxes![i]!;
    if (!Array.isArray(b) || b.length !== 4) throw new InputError(`${where}: pred_boxes[${i}] must be [x0, y0, x1, y1], got ${JSON.stringify(b)}`);
    const x0 = f(b[0]!), y0 = f(b[1]!);
    const r: CocoResult = {
      image_id: imageId, category_id: catId,
      bbox: [x0, y0, f(f(b[2]!) - x0), f(f(b[3]!) - y0)],
      score: f(p.scores![i]!),
    };
    const m = p.pred_masks?.[i];
    // only what pycocotools' encode gives (size, counts): extra keys such as 'area' are not carried
    if (m !== undefined) r.segmentation = { size: m.size, counts: m.counts };
    const kp = p.pred_keypoints?.[i];
    if (kp !== undefined) r.keypoints = kp.flatMap(([x, y, s]) => [f(f(x!) - 0.5), f(f(y!) - 0.5), f(s!)]);
    out.push(r);
  }
  return out;
}
