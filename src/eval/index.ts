// COCO evaluation as detectron2's COCOEvaluator runs it: results in, pycocotools' stats and
// detectron2's tables out. Browser-safe: works on parsed JSON.

import { CocoDataset, type CocoResult, type IouType } from './dataset.js';
import { CocoEval, type EvalParams } from './cocoeval.js';
import { D2_METRICS, STAT_NAMES, metricsTable, perCategoryTable, summaryLines } from './report.js';

export { CocoDataset, type CocoResult, type IouType } from './dataset.js';
export { CocoEval, defaultParams, type EvalParams, type Accumulated } from './cocoeval.js';
export { predictionsToCocoResults } from './predictions.js';
export * from './rle.js';
export { bboxIou, rleIou, computeOks, COCO_KPT_OKS_SIGMAS } from './iou.js';
export { summaryLines, metricsTable, perCategoryTable, STAT_NAMES } from './report.js';

export interface CategoryAp {
  id: number;
  name: string;
  /** 0..1 scale; NaN for a category without ground truth. */
  AP: number;
  AP50: number;
  AP75: number;
}

export interface CocoEvalReport {
  iouType: IouType;
  /** pycocotools' stats in its order (0..1, -1 where undefined). */
  stats: number[];
  statNames: string[];
  /** pycocotools' summary lines. */
  summary: string[];
  /** detectron2's metrics: stats x100, NaN where -1. */
  metrics: Record<string, number>;
  perCategory: CategoryAp[];
  /** detectron2's printed tables. */
  metricsTable: string;
  perCategoryTable: string;
  numImages: number;
  numResults: number;
  /** Results whose category is not in the dataset (pycocotools skips them). */
  skippedResults: number;
}

/**
 * Evaluates COCO-format results against a dataset for one IoU type, as detectron2's
 * `_evaluate_predictions_on_coco`: for segm the results' boxes are dropped first (so the mask
 * area decides the area range), then pycocotools' loadRes, evaluate, accumulate, summarize.
 */
export function evaluateResults(gt: CocoDataset, results: readonly unknown[], iouType: IouType,
  opts: { file?: string; params?: Partial<EvalParams> } = {}): CocoEvalReport {
  const rs = iouType === 'segm'
    ? results.map((r) => { if (typeof r !== 'object' || r === null) return r; const { bbox: _drop, ...rest } = r as CocoResult; return rest; })
    : results;
  const dt = gt.loadResults(rs, opts.file ?? 'results.json');
  const ev = new CocoEval(gt, dt, iouType);
  Object.assign(ev.params, opts.params ?? {});
  ev.evaluate();
  ev.accumulate();
  const stats = ev.summarize();
  const ap = ev.perCategoryAp(), ap50 = ev.perCategoryAp(0.5), ap75 = ev.perCategoryAp(0.75);
  const catIds = ev.params.catIds;
  const perCategory = catIds.map((id, k) => ({ id, name: gt.cats.get(id)?.name ?? String(id), AP: ap[k]!, AP50: ap50[k]!, AP75: ap75[k]! }));
  const metrics: Record<string, number> = {};
  D2_METRICS[iouType].forEach((m, i) => { metrics[m] = stats[i]! >= 0 ? stats[i]! * 100 : NaN; });
  const catSet = new Set(catIds);
  return {
    iouType, stats, statNames: STAT_NAMES[iouType], summary: summaryLines(iouType, stats, ev.params.maxDets), metrics, perCategory,
    metricsTable: metricsTable(metrics),
    perCategoryTable: perCategory.length > 1 ? perCategoryTable(perCategory.map((c) => c.name), ap) : '',
    numImages: ev.params.imgIds.length, numResults: dt.annotations.length,
    skippedResults: dt.annotations.filter((a) => !catSet.has(a.category_id)).length,
  };
}
