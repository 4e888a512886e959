// COCO detection evaluation with pycocotools' COCOeval semantics (cocoeval.py 2.0.x):
// evaluate (per image and category: IoU/OKS, greedy matching per area range), accumulate
// (precision [T,R,K,A,M], recall [T,K,A,M]) and summarize (12 stats, 10 for keypoints).

import { InputError } from '../core/errors.js';
import type { CocoAnnotation, CocoDataset, IouType } from './dataset.js';
import { COCO_KPT_OKS_SIGMAS, type KeypointGt, bboxIou, computeOks, rleIou } from './iou.js';
import { IGNORED, MATCHED, type MatchInput, MatchScratch, matchImage } from './match.js';
import { linspace, npMean } from './numeric.js';
import { type Rle, RleArena, rleFromJson, segmentationToRle } from './rle.js';
import type { RleJson, Segmentation } from './rle.js';

export interface EvalParams {
  iouType: IouType;
  imgIds: number[];
  catIds: number[];
  iouThrs: Float64Array;
  recThrs: Float64Array;
  maxDets: number[];
  areaRng: [number, number][];
  areaRngLbl: string[];
  useCats: boolean;
  kptOksSigmas: Float64Array;
}

/** pycocotools' Params: np.linspace thresholds (0.5:0.05:0.95, 0:0.01:1), its area ranges and maxDets. */
export function defaultParams(iouType: IouType, gt?: CocoDataset): EvalParams {
  const kp = iouType === 'keypoints';
  return {
    iouType,
    imgIds: gt ? gt.imgIds() : [],
    catIds: gt ? gt.catIds() : [],
    iouThrs: linspace(0.5, 0.95, Math.round((0.95 - 0.5) / 0.05) + 1),
    recThrs: linspace(0, 1, Math.round((1 - 0) / 0.01) + 1),
    maxDets: kp ? [20] : [1, 10, 100],
    areaRng: kp ? [[0, 1e10], [32 ** 2, 96 ** 2], [96 ** 2, 1e10]] : [[0, 1e10], [0, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e10]],
    areaRngLbl: kp ? ['all', 'medium', 'large'] : ['all', 'small', 'medium', 'large'],
    useCats: true,
    kptOksSigmas: Float64Array.from(COCO_KPT_OKS_SIGMAS),
  };
}

export interface Accumulated {
  /** [T, R, K, A, M]: T iouThrs, R recThrs, K categories, A area ranges, M maxDets. */
  counts: [number, number, number, number, number];
  /** [T, R, K, A, M] row-major; -1 where a category has no ground truth. */
  precision: Float64Array;
  /** [T, K, A, M]; -1 where a category has no ground truth. */
  recall: Float64Array;
  /** [T, R, K, A, M]: the score at which each recall threshold is reached. */
  scores: Float64Array;
}

/** The per-annotation fields evaluation needs, as arrays, and where each annotation came from. */
interface Table {
  ds: CocoDataset;
  ann: CocoAnnotation[];
  /** Index of each row in ds.annotations (for messages). */
  src: Int32Array;
  id: Float64Array;
  area: Float64Array;
  score: Float64Array;
  bbox: Float64Array;
  crowd: Uint8Array;
  ignore: Uint8Array;
  /** Annotation indices grouped by (image, category): order[start[key] .. start[key + 1]). */
  order: Int32Array;
  start: Int32Array;
}

/** Per category (or once without categories): what accumulate needs from evaluate. */
interface CatEval {
  /** Detection scores, per image in image order, each image's sorted and cut to maxDets[-1]. */
  score: Float64Array;
  /** Offsets into `score` per image (I + 1). */
  imgStart: Int32Array;
  /** Whether the image had anything to evaluate (pycocotools' evalImgs entry is not None). */
  present: Uint8Array;
  /** Per area range: flags [T, nDt] (MATCHED | IGNORED) and the count of ground truths that count. */
  flags: Uint8Array[];
  npig: number[];
}

const EPS = 2.220446049250313e-16; // np.spacing(1)

export class CocoEval {
  readonly params: EvalParams;
  private evals: (CatEval | null)[] = [];
  private evaluated = false;
  result?: Accumulated;
  stats: number[] = [];

  constructor(readonly gt: CocoDataset, readonly dt: CocoDataset, iouType: IouType = 'segm') {
    this.params = defaultParams(iouType, gt);
  }

  /** Per-image evaluation: IoUs once per image and category, matching per area range. */
  evaluate(): void {
    const p = this.params;
    const imgIds = [...new Set(p.imgIds)].sort((a, b) => a - b);
    const catIds = [...new Set(p.catIds)].sort((a, b) => a - b);
    p.imgIds = imgIds;
    p.catIds = catIds;
    p.maxDets = [...p.maxDets].sort((a, b) => a - b);
    const I = imgIds.length, K = catIds.length;
    const imgIndex = new Map(imgIds.map((id, i) => [id, i]));
    const catIndex = new Map(catIds.map((id, k) => [id, k]));
    const gt = this.table(this.gt, imgIndex, catIndex, true);
    const dt = this.table(this.dt, imgIndex, catIndex, false);
    const maxDet = p.maxDets[p.maxDets.length - 1] ?? 0;
    const T = p.iouThrs.length;
    const Kc = p.useCats ? K : 1;
    const scratch = new MatchScratch();
    const inp: MatchInput = {
      D: 0, G: 0, ious: new Float64Array(64), hasIous: false, dtId: new Float64Array(64), dtArea: new Float64Array(64),
      gtId: new Float64Array(64), gtArea: new Float64Array(64), gtIgnore: new Uint8Array(64), gtCrowd: new Uint8Array(64),
    };
    const gtRle: (Rle | undefined)[] = [];
    // group (image i, category k) is order[start[i*K + k] .. start[i*K + k + 1]); without
    // categories an image's groups are adjacent, so its span is start[i*K] .. start[(i+1)*K]
    const lo = (i: number, k: number): number => (p.useCats ? i * K + k : i * K);
    const hi = (i: number, k: number): number => (p.useCats ? i * K + k + 1 : (i + 1) * K);
    let dIdx = new Int32Array(128);
    this.evals = [];
    for (let k = 0; k < Kc; k++) {
      // detections kept per image: the group size cut to maxDets[-1]
      const imgStart = new Int32Array(I + 1);
      for (let i = 0; i < I; i++) imgStart[i + 1] = imgStart[i]! + Math.min(dt.start[hi(i, k)]! - dt.start[lo(i, k)]!, maxDet);
      const nDt = imgStart[I]!;
      const ce: CatEval = {
        score: new Float64Array(nDt), imgStart, present: new Uint8Array(I),
        flags: p.areaRng.map(() => new Uint8Array(T * nDt)), npig: p.areaRng.map(() => 0),
      };
      for (let i = 0; i < I; i++) {
        const gs = gt.start[lo(i, k)]!, ge = gt.start[hi(i, k)]!;
        const ds = dt.start[lo(i, k)]!, de = dt.start[hi(i, k)]!;
        if (gs === ge && ds === de) continue;
        ce.present[i] = 1;
        // detections by descending score, ties in file order (mergesort), cut to maxDets[-1]
        if (dIdx.length < de - ds) dIdx = new Int32Array((de - ds) * 2);
        const nAll = sortByScore(dt.order, ds, de, dt.score, dIdx);
        const D = Math.min(nAll, maxDet), G = ge - gs;
        const gIdx = gt.order.subarray(gs, ge);
        grow(inp, D, G);
        inp.D = D; inp.G = G;
        for (let d = 0; d < D; d++) {
          const j = dIdx[d]!;
          inp.dtId[d] = dt.id[j]!; inp.dtArea[d] = dt.area[j]!;
          ce.score[imgStart[i]! + d] = dt.score[j]!;
        }
        for (let g = 0; g < G; g++) {
          const j = gIdx[g]!;
          inp.gtId[g] = gt.id[j]!; inp.gtArea[g] = gt.area[j]!; inp.gtIgnore[g] = gt.ignore[j]!; inp.gtCrowd[g] = gt.crowd[j]!;
        }
        inp.hasIous = this.computeIous(gt, dt, gIdx, dIdx, inp, gtRle);
        for (let a = 0; a < p.areaRng.length; a++) {
          const [lo, hi] = p.areaRng[a]!;
          ce.npig[a]! += matchImage(inp, lo, hi, p.iouThrs, ce.flags[a]!, nDt, imgStart[i]!, scratch);
        }
      }
      this.evals.push(ce);
    }
    this.evaluated = true;
  }

  /** Fills inp.ious [D, G]; false when pycocotools would have no IoUs (nothing to match). */
  private computeIous(gt: Table, dt: Table, gIdx: Int32Array, dIdx: Int32Array, inp: MatchInput, gtRle: (Rle | undefined)[]): boolean {
    const { D, G } = inp;
    const t = this.params.iouType;
    if (D === 0 || G === 0) return false;
    if (t === 'bbox') {
      if (this.boxScratch.length < (D + G) * 4) this.boxScratch = new Float64Array((D + G) * 8);
      const db = this.boxScratch.subarray(0, D * 4), gb = this.boxScratch.subarray(D * 4, (D + G) * 4);
      for (let d = 0; d < D; d++) for (let c = 0; c < 4; c++) db[d * 4 + c] = dt.bbox[dIdx[d]! * 4 + c]!;
      for (let g = 0; g < G; g++) for (let c = 0; c < 4; c++) gb[g * 4 + c] = gt.bbox[gIdx[g]! * 4 + c]!;
      bboxIou(db, gb, D, G, inp.gtCrowd, inp.ious);
    } else if (t === 'segm') {
      this.arena.reset();
      const dr: Rle[] = [];
      for (let d = 0; d < D; d++) dr.push(this.rleOf(dt, dIdx[d]!, this.arena));
      const gr: Rle[] = [];
      for (let g = 0; g < G; g++) {
        const j = gIdx[g]!;
        gr.push(gtRle[j] ??= this.rleOf(gt, j));
      }
      rleIou(dr, gr, inp.gtCrowd, inp.ious);
    } else {
      const K = this.params.kptOksSigmas.length;
      const dk: number[][] = [];
      for (let d = 0; d < D; d++) dk.push(this.keypointsOf(dt, dIdx[d]!, K));
      const gk: KeypointGt[] = [];
      for (let g = 0; g < G; g++) {
        const j = gIdx[g]!;
        gk.push({ keypoints: this.keypointsOf(gt, j, K), bbox: gt.bbox.subarray(j * 4, j * 4 + 4), area: gt.area[j]! });
      }
      computeOks(dk, gk, this.params.kptOksSigmas, inp.ious);
    }
    return true;
  }

  private readonly arena = new RleArena();
  private boxScratch = new Float64Array(64);

  private rleOf(t: Table, j: number, arena?: RleArena): Rle {
    const a = t.ann[j]!;
    const segm = a.segmentation;
    if (segm === undefined) throw new InputError(`${t.ds.where(t.src[j]!)} (id ${a.id}): no 'segmentation' for segm evaluation`);
    try {
      if (!Array.isArray(segm)) return rleFromJson(segm as RleJson, 'segmentation', arena);
      const img = this.gt.imgs.get(a.image_id)!;
      if (!Number.isInteger(img.height) || !Number.isInteger(img.width)) {
        throw new InputError(`segmentation: a polygon needs its image's size, but image ${img.id} of ${this.gt.file} has height ${JSON.stringify(img.height)}, width ${JSON.stringify(img.width)}`);
      }
      return segmentationToRle(segm as Segmentation, img.height, img.width, 'segmentation');
    } catch (e) {
      // the location is only spelled out when something is wrong (masks are decoded by the 100,000)
      if (e instanceof InputError) throw new InputError(`${t.ds.where(t.src[j]!)} ${e.message}`);
      throw e;
    }
  }


  private keypointsOf(t: Table, j: number, K: number): number[] {
    const a = t.ann[j]!;
    const kp = a.keypoints;
    if (!Array.isArray(kp) || kp.length !== 3 * K) {
      throw new InputError(`${t.ds.where(t.src[j]!)} (id ${a.id}): 'keypoints' must hold ${K} (x, y, v) triples for the ${K} OKS sigmas, got ${Array.isArray(kp) ? `${kp.length} numbers` : typeof kp}`);
    }
    return kp;
  }

  /** Extracts and groups the annotations of the evaluated images and categories. */
  private table(ds: CocoDataset, imgIndex: Map<number, number>, catIndex: Map<number, number>, isGt: boolean): Table {
    const p = this.params;
    const K = catIndex.size;
    const keys: number[] = [], idx: number[] = [];
    const anns = ds.annotations;
    for (let j = 0; j < anns.length; j++) {
      const a = anns[j]!;
      const i = imgIndex.get(a.image_id), k = catIndex.get(a.category_id);
      if (i === undefined || k === undefined) continue;
      keys.push(i * K + k); idx.push(j);
    }
    const n = idx.length;
    const t: Table = {
      ds, ann: new Array<CocoAnnotation>(n), src: Int32Array.from(idx),
      id: new Float64Array(n), area: new Float64Array(n), score: new Float64Array(n), bbox: new Float64Array(n * 4),
      crowd: new Uint8Array(n), ignore: new Uint8Array(n), order: new Int32Array(n), start: new Int32Array(imgIndex.size * K + 1),
    };
    const needBox = p.iouType !== 'segm';
    for (let j = 0; j < n; j++) {
      const a = anns[idx[j]!]!;
      t.ann[j] = a;
      const at = (): string => `${ds.where(idx[j]!)} (id ${a.id})`;
      t.id[j] = a.id;
      if (typeof a.area !== 'number') throw new InputError(`${at()}: needs a numeric 'area', got ${JSON.stringify(a.area)}`);
      t.area[j] = a.area;
      t.crowd[j] = a.iscrowd ? 1 : 0;
      if (isGt) {
        t.ignore[j] = t.crowd[j]!;
        if (p.iouType === 'keypoints') {
          if (typeof a.num_keypoints !== 'number') throw new InputError(`${at()}: needs 'num_keypoints' for keypoints evaluation`);
          if (a.num_keypoints === 0) t.ignore[j] = 1;
        }
      } else {
        t.score[j] = a.score as number;
      }
      const bb = a.bbox;
      if (needBox && (!Array.isArray(bb) || bb.length !== 4 || typeof bb[0] !== 'number' || typeof bb[1] !== 'number' || typeof bb[2] !== 'number' || typeof bb[3] !== 'number')) {
        throw new InputError(`${at()}: needs 'bbox' [x, y, w, h] for ${p.iouType} evaluation, got ${JSON.stringify(bb)}`);
      }
      if (needBox) for (let c = 0; c < 4; c++) t.bbox[j * 4 + c] = bb![c] as number;
    }
    // counting sort by (image, category), stable: file order within a group
    for (const key of keys) t.start[key + 1]!++;
    for (let q = 0; q < t.start.length - 1; q++) t.start[q + 1]! += t.start[q]!;
    const fill = t.start.slice(0, -1);
    for (let j = 0; j < n; j++) t.order[fill[keys[j]!]!++] = j;
    return t;
  }

  /** Precision and recall over all images per category, area range and maxDets. */
  accumulate(): Accumulated {
    if (!this.evaluated) this.evaluate();
    const p = this.params;
    const T = p.iouThrs.length, R = p.recThrs.length, K = p.useCats ? p.catIds.length : 1;
    const A = p.areaRng.length, M = p.maxDets.length;
    const precision = new Float64Array(T * R * K * A * M).fill(-1);
    const recall = new Float64Array(T * K * A * M).fill(-1);
    const scores = new Float64Array(T * R * K * A * M).fill(-1);
    const I = p.imgIds.length;
    for (let k = 0; k < K; k++) {
      const ce = this.evals[k]!;
      let anyPresent = false;
      for (let i = 0; i < I; i++) if (ce.present[i]) { anyPresent = true; break; }
      if (!anyPresent) continue;
      const nDt = ce.imgStart[I]!;
      // all images' detections by descending score, ties in image order then image rank (mergesort);
      // sorted once: cutting each image to maxDets keeps a subsequence in the same order
      const byScore = Array.from({ length: nDt }, (_, d) => d).sort((a, b) => ce.score[b]! - ce.score[a]! || a - b);
      const rank = new Int32Array(nDt);
      for (let i = 0; i < I; i++) for (let d = ce.imgStart[i]!; d < ce.imgStart[i + 1]!; d++) rank[d] = d - ce.imgStart[i]!;
      for (let m = 0; m < M; m++) {
        const maxDet = p.maxDets[m]!;
        const cand: number[] = [];
        for (let q = 0; q < nDt; q++) if (rank[byScore[q]!]! < maxDet) cand.push(byScore[q]!);
        const nd = cand.length;
        const rc = new Float64Array(nd), pr = new Float64Array(nd);
        for (let a = 0; a < A; a++) {
          const npig = ce.npig[a]!;
          if (npig === 0) continue;
          const flags = ce.flags[a]!;
          for (let t = 0; t < T; t++) {
            let tp = 0, fp = 0, r0 = 0, p0 = 0;
            const base = t * nDt;
            // an ignored detection repeats the previous point, a false positive keeps the recall
            for (let j = 0; j < nd; j++) {
              const f = flags[base + cand[j]!]!;
              if (!(f & IGNORED)) {
                if (f & MATCHED) { tp++; r0 = tp / npig; } else fp++;
                p0 = tp / (fp + tp + EPS);
              }
              rc[j] = r0;
              pr[j] = p0;
            }
            recall[((t * K + k) * A + a) * M + m] = nd ? rc[nd - 1]! : 0;
            // precision envelope: make it non-increasing from the right
            for (let j = nd - 1; j > 0; j--) if (pr[j]! > pr[j - 1]!) pr[j - 1] = pr[j]!;
            // np.searchsorted(rc, recThrs, 'left') as one merge walk (both ascending); pycocotools
            // leaves 0 from the first threshold past the reached recall on
            let pi = 0;
            for (let r = 0; r < R; r++) {
              const at = (((t * R + r) * K + k) * A + a) * M + m;
              const thr = p.recThrs[r]!;
              while (pi < nd && rc[pi]! < thr) pi++;
              precision[at] = pi < nd ? pr[pi]! : 0;
              scores[at] = pi < nd ? ce.score[cand[pi]!]! : 0;
            }
          }
        }
      }
    }
    this.result = { counts: [T, R, K, A, M], precision, recall, scores };
    return this.result;
  }

  /**
   * One summary number: the mean of precision (ap) or recall over the entries > -1 at an IoU
   * threshold (or all), an area label and a maxDets value; -1 when there are none.
   */
  summarizeOne(ap: boolean, iouThr?: number, areaLbl = 'all', maxDets = 100): number {
    const res = this.result ?? this.accumulate();
    const p = this.params;
    const [T, R, K, A, M] = res.counts;
    const ts = iouThr === undefined ? [...Array(T).keys()] : [...Array(T).keys()].filter((t) => p.iouThrs[t] === iouThr);
    const as = [...Array(A).keys()].filter((a) => p.areaRngLbl[a] === areaLbl);
    const ms = [...Array(M).keys()].filter((m) => p.maxDets[m] === maxDets);
    const vals: number[] = [];
    // C order of s[t, (r,) k, a, m]; with one area and one maxDets, as numpy's boolean mask flattens
    for (const t of ts) {
      for (let r = 0; r < (ap ? R : 1); r++) {
        for (let k = 0; k < K; k++) {
          for (let ai = 0; ai < as.length && ai < ms.length; ai++) {
            const a = as[ai]!, m = ms[ai]!;
            const v = ap ? res.precision[(((t * R + r) * K + k) * A + a) * M + m]! : res.recall[((t * K + k) * A + a) * M + m]!;
            if (v > -1) vals.push(v);
          }
        }
      }
    }
    return vals.length === 0 ? -1 : npMean(vals);
  }

  /** pycocotools' stats: 12 for bbox/segm, 10 for keypoints, in its order. */
  summarize(): number[] {
    const p = this.params;
    const s = (ap: boolean, iouThr?: number, area = 'all', md = 100): number => this.summarizeOne(ap, iouThr, area, md);
    if (p.iouType === 'keypoints') {
      this.stats = [
        s(true, undefined, 'all', 20), s(true, 0.5, 'all', 20), s(true, 0.75, 'all', 20), s(true, undefined, 'medium', 20), s(true, undefined, 'large', 20),
        s(false, undefined, 'all', 20), s(false, 0.5, 'all', 20), s(false, 0.75, 'all', 20), s(false, undefined, 'medium', 20), s(false, undefined, 'large', 20),
      ];
    } else {
      const md = p.maxDets;
      this.stats = [
        s(true, undefined, 'all', md[2]), s(true, 0.5, 'all', md[2]), s(true, 0.75, 'all', md[2]),
        s(true, undefined, 'small', md[2]), s(true, undefined, 'medium', md[2]), s(true, undefined, 'large', md[2]),
        s(false, undefined, 'all', md[0]), s(false, undefined, 'all', md[1]), s(false, undefined, 'all', md[2]),
        s(false, undefined, 'small', md[2]), s(false, undefined, 'medium', md[2]), s(false, undefined, 'large', md[2]),
      ];
    }
    return this.stats;
  }

  /**
   * detectron2's per-category AP: mean precision > -1 over all IoU thresholds and recall
   * points, area 'all', the last maxDets; NaN for a category without ground truth.
   */
  perCategoryAp(iouThr?: number): number[] {
    const res = this.result ?? this.accumulate();
    const p = this.params;
    const [T, R, K, A, M] = res.counts;
    const out: number[] = [];
    for (let k = 0; k < K; k++) {
      const vals: number[] = [];
      for (let t = 0; t < T; t++) {
        if (iouThr !== undefined && p.iouThrs[t] !== iouThr) continue;
        for (let r = 0; r < R; r++) {
          const v = res.precision[(((t * R + r) * K + k) * A + 0) * M + (M - 1)]!;
          if (v > -1) vals.push(v);
        }
      }
      out.push(vals.length ? npMean(vals) : NaN);
    }
    return out;
  }
}

function grow(inp: MatchInput, D: number, G: number): void {
  if (inp.ious.length < D * G) inp.ious = new Float64Array(D * G * 2);
  if (inp.dtId.length < D) { inp.dtId = new Float64Array(D * 2); inp.dtArea = new Float64Array(D * 2); }
  if (inp.gtId.length < G) {
    inp.gtId = new Float64Array(G * 2); inp.gtArea = new Float64Array(G * 2);
    inp.gtIgnore = new Uint8Array(G * 2); inp.gtCrowd = new Uint8Array(G * 2);
  }
}

/**
 * order[from..to) (ascending annotation indices) sorted into out by descending score, ties in
 * their original order: what np.argsort(-score, kind='mergesort') gives. Returns the count.
 */
function sortByScore(order: Int32Array, from: number, to: number, score: Float64Array, out: Int32Array): number {
  const n = to - from;
  if (n > 32) {
    const all = Array.from(order.subarray(from, to)).sort((a, b) => score[b]! - score[a]! || a - b);
    for (let i = 0; i < n; i++) out[i] = all[i]!;
    return n;
  }
  // insertion sort, moving only past strictly lower scores: stable
  for (let i = 0; i < n; i++) {
    const v = order[from + i]!, sv = score[v]!;
    let j = i - 1;
    while (j >= 0 && score[out[j]!]! < sv) { out[j + 1] = out[j]!; j--; }
    out[j + 1] = v;
  }
  return n;
}
