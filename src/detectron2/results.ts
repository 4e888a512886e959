// detectron2 results -> the JSON we write per image: detectron2's field names (instances with
// pred_boxes XYXY_ABS, scores, pred_classes, pred_masks as COCO compressed RLE of the full image,
// pred_keypoints [x, y, score]); sem_seg and panoptic_seg are label PNGs named here.

import type { D2Result, SegmentInfo } from './postprocess/index.js';
import { encodeMask, type CocoRle } from '../eval/rle.js';

export interface InstancesJson {
  num_instances: number;
  image_size: [number, number];
  pred_boxes: number[][];
  scores: number[];
  pred_classes: number[];
  /** Class name per instance, when names are known. */
  pred_class_names?: string[];
  pred_masks?: CocoRle[];
  pred_keypoints?: number[][][];
}

export interface ResultJson {
  file_name?: string;
  height: number;
  width: number;
  meta_architecture?: string;
  instances: InstancesJson;
  sem_seg?: { png: string; num_classes: number; class_names?: string[] };
  panoptic_seg?: { png: string; segments_info: (SegmentInfo & { category_name?: string })[] };
}

export interface JsonOptions {
  fileName?: string;
  metaArchitecture?: string;
  thingClasses?: readonly string[];
  stuffClasses?: readonly string[];
  /** File names of the label PNGs written beside the JSON. */
  semSegPng?: string;
  panopticPng?: string;
}

export function resultToJson(r: D2Result, o: JsonOptions = {}): ResultJson {
  const I = r.instances;
  const n = I.scores.length;
  const H = I.imageHeight, W = I.imageWidth;
  const inst: InstancesJson = {
    num_instances: n, image_size: [H, W],
    pred_boxes: Array.from({ length: n }, (_, i) => Array.from(I.boxes.subarray(i * 4, i * 4 + 4))),
    scores: Array.from(I.scores),
    pred_classes: Array.from(I.classes),
  };
  if (o.thingClasses) inst.pred_class_names = Array.from(I.classes, (c) => o.thingClasses![c] ?? String(c));
  if (I.masks) inst.pred_masks = I.masks.map((m) => encodeMask(m, H, W));
  if (I.keypoints && I.numKeypoints !== undefined) {
    const K = I.numKeypoints;
    inst.pred_keypoints = Array.from({ length: n }, (_, i) => Array.from({ length: K }, (_, k) => Array.from(I.keypoints!.subarray((i * K + k) * 3, (i * K + k) * 3 + 3))));
  }
  const out: ResultJson = {
    ...(o.fileName !== undefined ? { file_name: o.fileName } : {}),
    height: H, width: W,
    ...(o.metaArchitecture ? { meta_architecture: o.metaArchitecture } : {}),
    instances: inst,
  };
  if (r.semSeg && o.semSegPng) out.sem_seg = { png: o.semSegPng, num_classes: r.semSeg.numClasses, ...(o.stuffClasses ? { class_names: [...o.stuffClasses] } : {}) };
  if (r.panopticSeg && o.panopticPng) {
    out.panoptic_seg = {
      png: o.panopticPng,
      segments_info: r.panopticSeg.segmentsInfo.map((s) => {
        const names = s.isthing ? o.thingClasses : o.stuffClasses;
        return names?.[s.category_id] !== undefined ? { ...s, category_name: names[s.category_id]! } : { ...s };
      }),
    };
  }
  return out;
}
