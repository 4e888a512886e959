// Raw graph outputs -> detectron2 results, per meta architecture: GeneralizedRCNN
// (assemble_rcnn_outputs_by_name + detector_postprocess), RetinaNet (retinanet.ts) and
// PanopticFPN (+ sem_seg and the panoptic merge). Independent of the interpreter: any map of
// named tensors works, e.g. the golden graph_outputs/*.npy.

import { ShapeError, shapeStr } from '../../core/errors.js';
import type { Tensor } from '../../core/tensor.js';
import type { D2Settings } from '../meta.js';
import { detectorPostprocess, type Instances, type RawInstances } from './boxes.js';
import { heatmapsToKeypoints, keypointsFromHeatmapMax } from './keypoints.js';
import { combinePanoptic, semSegArgmax, type PanopticResult } from './panoptic.js';
import { retinaNetInference, retinaNetOutputs } from './retinanet.js';

export type { Instances, RawInstances } from './boxes.js';
export type { PanopticResult, SegmentInfo } from './panoptic.js';

/** One image's results, detectron2's output dict. */
export interface D2Result {
  instances: Instances;
  /** PanopticFPN: per-pixel argmax of the resized semantic logits (original image size). */
  semSeg?: { labels: Uint8Array | Uint16Array; numClasses: number };
  panopticSeg?: PanopticResult;
}

/** The original size and the network input size (im_info's h, w) of one image. */
export interface ImageSizes {
  origHeight: number;
  origWidth: number;
  /** int(im_info[0]), int(im_info[1]). */
  height: number;
  width: number;
}

function need(outputs: ReadonlyMap<string, Tensor>, name: string): Tensor {
  const t = outputs.get(name);
  if (!t) throw new ShapeError(`post-processing needs output '${name}' (the net produced ${[...outputs.keys()].join(', ') || 'nothing'})`, { blob: name });
  return t;
}

function floats(t: Tensor, name: string): Float32Array {
  if (t.dtype === 'float32') return t.data as Float32Array;
  if (t.dtype === 'string' || t.dtype === 'float16') throw new ShapeError(`output '${name}' must be numeric float32, got ${t.dtype}`, { blob: name });
  return Float32Array.from(t.toNumbers());
}

/**
 * assemble_rcnn_outputs_by_name: bbox_nms / score_nms / class_nms (class ids cast to int),
 * the predicted class's channel of mask_fcn_probs, and keypoints from keypoints_out or kps_score.
 * Boxes are in network-input pixels. Only one image per run (as detectron2 asserts).
 */
export function assembleRcnn(outputs: ReadonlyMap<string, Tensor>, height: number, width: number): RawInstances {
  const bbox = need(outputs, 'bbox_nms'), score = need(outputs, 'score_nms'), cls = need(outputs, 'class_nms');
  const R = score.shape[0] ?? 0;
  if (bbox.rank !== 2 || bbox.shape[1] !== 4 || bbox.shape[0] !== R) {
    throw new ShapeError(`'bbox_nms' must be [R, 4] with R = ${R} (score_nms), got ${shapeStr(bbox.shape)}${bbox.shape[1] === 5 ? ' (rotated boxes are not supported)' : ''}`, { blob: 'bbox_nms' });
  }
  if (cls.size !== R) throw new ShapeError(`'class_nms' must have ${R} entries like score_nms, got ${shapeStr(cls.shape)}`, { blob: 'class_nms' });
  const classes = new Int32Array(R);
  // Tensor.to(int64) truncates toward zero.
  for (let i = 0; i < R; i++) classes[i] = Math.trunc(cls.get(i));
  const raw: RawInstances = { height, width, boxes: Float32Array.from(floats(bbox, 'bbox_nms')), scores: Float32Array.from(floats(score, 'score_nms')), classes };
  const masks = outputs.get('mask_fcn_probs');
  if (masks) {
    const [Rm, Km, M, M2] = masks.shape as [number, number, number, number];
    if (masks.rank !== 4 || Rm !== R || M !== M2) throw new ShapeError(`'mask_fcn_probs' must be [${R}, K, M, M], got ${shapeStr(masks.shape)}`, { blob: 'mask_fcn_probs' });
    const src = floats(masks, 'mask_fcn_probs');
    raw.maskSize = M;
    raw.maskProbs = new Float32Array(R * M * M);
    for (let i = 0; i < R; i++) {
      const c = classes[i]!;
      if (c < 0 || c >= Km) throw new ShapeError(`instance ${i} has class ${c} but 'mask_fcn_probs' has ${Km} class channels`, { blob: 'mask_fcn_probs' });
      raw.maskProbs.set(src.subarray((i * Km + c) * M * M, (i * Km + c + 1) * M * M), i * M * M);
    }
  }
  const kpOut = outputs.get('keypoints_out'), kps = outputs.get('kps_score');
  if (kpOut) {
    if (kpOut.rank !== 3 || kpOut.shape[0] !== R || kpOut.shape[1] !== 4) throw new ShapeError(`'keypoints_out' must be [${R}, 4, K], got ${shapeStr(kpOut.shape)}`, { blob: 'keypoints_out' });
    raw.numKeypoints = kpOut.shape[2]!;
    raw.keypoints = keypointsFromHeatmapMax(floats(kpOut, 'keypoints_out'), R, raw.numKeypoints);
  } else if (kps) {
    const [Rk, K, S, S2] = kps.shape as [number, number, number, number];
    if (kps.rank !== 4 || Rk !== R || S !== S2) throw new ShapeError(`'kps_score' must be [${R}, K, S, S], got ${shapeStr(kps.shape)}`, { blob: 'kps_score' });
    raw.numKeypoints = K;
    raw.keypoints = heatmapsToKeypoints(floats(kps, 'kps_score'), R, K, S, raw.boxes);
  }
  return raw;
}

/**
 * Post-processes the outputs of one run. `sizes[n]` describes image n of the batch; the R-CNN
 * outputs carry no batch split, so R-CNN and PanopticFPN take one image per run.
 */
export function postprocess(outputs: ReadonlyMap<string, Tensor>, sizes: readonly ImageSizes[], s: D2Settings): D2Result[] {
  if (s.metaArchitecture === 'RetinaNet') {
    const o = retinaNetOutputs(outputs);
    return sizes.map((z, n) => ({ instances: detectorPostprocess(retinaNetInference(o, n, z.height, z.width, s.retinanet), z.origHeight, z.origWidth, s.maskThreshold) }));
  }
  if (sizes.length !== 1) throw new ShapeError(`${s.metaArchitecture} post-processing handles one image per run (detectron2 asserts this too), got ${sizes.length}`);
  const z = sizes[0]!;
  const instances = detectorPostprocess(assembleRcnn(outputs, z.height, z.width), z.origHeight, z.origWidth, s.maskThreshold);
  if (s.metaArchitecture !== 'PanopticFPN') return [{ instances }];
  const sem = need(outputs, 'sem_seg');
  if (sem.rank !== 4 || sem.shape[2]! < z.height || sem.shape[3]! < z.width) {
    throw new ShapeError(`'sem_seg' must be [N, C, H >= ${z.height}, W >= ${z.width}], got ${shapeStr(sem.shape)}`, { blob: 'sem_seg' });
  }
  const labels = semSegArgmax(floats(sem, 'sem_seg'), sem.shape, 0, z.height, z.width, z.origHeight, z.origWidth);
  const p = s.panoptic;
  if (!p.combineOn) return [{ instances, semSeg: { labels, numClasses: sem.shape[1]! } }];
  // force_mask_on: instances without masks still take part (as empty masks).
  if (!instances.masks) instances.masks = Array.from(instances.scores, () => new Uint8Array(z.origHeight * z.origWidth));
  const panopticSeg = combinePanoptic(instances, labels, p.overlapThreshold, p.stuffAreaLimit, p.instancesConfidenceThreshold);
  return [{ instances, semSeg: { labels, numClasses: sem.shape[1]! }, panopticSeg }];
}
