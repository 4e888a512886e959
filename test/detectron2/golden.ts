// Golden-data helpers for the detectron2 wrapper tests: cases, raw graph outputs, the settings a
// case's config.yaml implies, and a detection matcher with the golden README's tolerances.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readNpy } from '../../src/core/npy.js';
import type { Tensor } from '../../src/core/tensor.js';
import type { D2Options, MetaArchitecture } from '../../src/detectron2/meta.js';
import { decodeMask, type CocoRle } from '../../src/eval/rle.js';
import { sharedDir } from '../helpers/paths.js';

export const SHARED = sharedDir();
export const GOLDEN = SHARED ? join(SHARED, 'golden') : undefined;
export const DEMO = SHARED ? join(SHARED, 'demo') : undefined;

export function npy(path: string): Tensor {
  const b = readFileSync(path);
  return readNpy(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), path);
}

/** Golden cases that have raw graph outputs, with their images. */
export function goldenCases(): { name: string; dir: string; images: string[] }[] {
  if (!GOLDEN) return [];
  return readdirSync(GOLDEN).filter((c) => existsSync(join(GOLDEN, c, 'graph_outputs'))).sort()
    .map((name) => ({ name, dir: join(GOLDEN, name), images: readdirSync(join(GOLDEN, name, 'graph_outputs')).sort() }));
}

/** Every .npy in a graph_outputs/<img> folder, by blob name (the Caffe2-semantics keypoint variant left out). */
export function loadOutputs(dir: string): Map<string, Tensor> {
  const m = new Map<string, Tensor>();
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.npy') || f.includes('__caffe2_')) continue;
    m.set(f.slice(0, -4), npy(join(dir, f)));
  }
  return m;
}

/** What the converter writes as meta from a detectron2 config (the subset post-processing reads). */
export function optionsFromConfig(path: string): D2Options {
  const cfg = parseYaml(readFileSync(path, 'utf8')) as Record<string, any>;
  const M = cfg['MODEL'], I = cfg['INPUT'], T = cfg['TEST'];
  const f = Math.fround;
  const arch = M['META_ARCHITECTURE'] as MetaArchitecture;
  const o: D2Options = { metaArchitecture: arch, minSize: I['MIN_SIZE_TEST'], maxSize: I['MAX_SIZE_TEST'], inputFormat: I['FORMAT'] };
  if (arch === 'RetinaNet') {
    const R = M['RETINANET'], A = M['ANCHOR_GENERATOR'];
    o.retinanet = {
      scoreThreshold: f(R['SCORE_THRESH_TEST']), topkCandidates: R['TOPK_CANDIDATES_TEST'], nmsThreshold: f(R['NMS_THRESH_TEST']),
      maxDetections: T['DETECTIONS_PER_IMAGE'], bboxRegWeights: R['BBOX_REG_WEIGHTS'].map(f),
      anchors: { sizes: A['SIZES'], aspectRatios: A['SIZES'].map(() => [...A['ASPECT_RATIOS'][0]]), strides: (R['IN_FEATURES'] as string[]).map((p) => 2 ** Number(p.slice(1))), offset: A['OFFSET'] },
    };
  }
  if (arch === 'PanopticFPN') {
    const C = M['PANOPTIC_FPN']['COMBINE'];
    o.panoptic = { overlapThreshold: f(C['OVERLAP_THRESH']), stuffAreaLimit: C['STUFF_AREA_LIMIT'], instancesConfidenceThreshold: f(C['INSTANCES_CONFIDENCE_THRESH']) };
  }
  return o;
}

interface GoldenInstances { scores: number[]; classes: number[]; boxes_xyxy: number[][]; masks_rle?: CocoRle[]; keypoints_xyscore?: number[][][] }
interface OurInstances { scores: number[]; pred_classes: number[]; pred_boxes: number[][]; pred_masks?: CocoRle[]; pred_keypoints?: number[][][] }

function boxIou(a: number[], b: number[]): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!)), ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih, u = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return u > 0 ? inter / u : 0;
}

export interface MatchStats {
  expected: number;
  got: number;
  matched: number;
  minBoxIou: number;
  maxBoxDiff: number;
  maxScoreDiff: number;
  minMaskIou: number;
  maxKeypointDist: number;
  /** Instances matched at the same index (detectron2's order kept). */
  sameOrder: boolean;
  problems: string[];
}

/**
 * compare_dets.py's rule: each expected instance (by descending score) takes the unused instance
 * of the same class with score within 1e-3 and the best box IoU, which must be >= 0.99; then mask
 * IoU >= 0.98 and keypoints within 1 px.
 */
export function matchInstances(got: OurInstances, exp: GoldenInstances): MatchStats {
  const s: MatchStats = { expected: exp.scores.length, got: got.scores.length, matched: 0, minBoxIou: 1, maxBoxDiff: 0, maxScoreDiff: 0, minMaskIou: 1, maxKeypointDist: 0, sameOrder: true, problems: [] };
  const used = new Set<number>();
  const order = exp.scores.map((_, i) => i).sort((a, b) => exp.scores[b]! - exp.scores[a]!);
  for (const j of order) {
    let best = 0, bi = -1;
    for (let k = 0; k < got.scores.length; k++) {
      if (used.has(k) || got.pred_classes[k] !== exp.classes[j] || Math.abs(got.scores[k]! - exp.scores[j]!) >= 1e-3) continue;
      const v = boxIou(got.pred_boxes[k]!, exp.boxes_xyxy[j]!);
      if (v > best) { best = v; bi = k; }
    }
    if (bi < 0 || best < 0.99) { s.problems.push(`expected instance ${j} (class ${exp.classes[j]}, score ${exp.scores[j]}) unmatched (best IoU ${best.toFixed(4)})`); continue; }
    used.add(bi); s.matched++;
    if (bi !== j) s.sameOrder = false;
    s.minBoxIou = Math.min(s.minBoxIou, best);
    s.maxScoreDiff = Math.max(s.maxScoreDiff, Math.abs(got.scores[bi]! - exp.scores[j]!));
    for (let q = 0; q < 4; q++) s.maxBoxDiff = Math.max(s.maxBoxDiff, Math.abs(got.pred_boxes[bi]![q]! - exp.boxes_xyxy[j]![q]!));
    if (exp.masks_rle && got.pred_masks) {
      const a = decodeMask(exp.masks_rle[j]!), b = decodeMask(got.pred_masks[bi]!);
      let inter = 0, uni = 0;
      for (let p = 0; p < a.length; p++) { inter += a[p]! & b[p]!; uni += a[p]! | b[p]!; }
      s.minMaskIou = Math.min(s.minMaskIou, uni ? inter / uni : 1);
    }
    if (exp.keypoints_xyscore && got.pred_keypoints) {
      exp.keypoints_xyscore[j]!.forEach((kp, k) => {
        const g = got.pred_keypoints![bi]![k]!;
        s.maxKeypointDist = Math.max(s.maxKeypointDist, Math.abs(kp[0]! - g[0]!), Math.abs(kp[1]! - g[1]!));
      });
    }
  }
  if (s.got !== s.expected) s.problems.push(`count ${s.got} != ${s.expected}`);
  if (exp.masks_rle && !got.pred_masks) s.problems.push('masks missing');
  if (exp.keypoints_xyscore && !got.pred_keypoints) s.problems.push('keypoints missing');
  if (s.minMaskIou < 0.98) s.problems.push(`worst mask IoU ${s.minMaskIou.toFixed(4)} < 0.98`);
  if (s.maxKeypointDist > 1) s.problems.push(`worst keypoint distance ${s.maxKeypointDist.toFixed(3)} px > 1`);
  return s;
}
