// `caffe2-ts eval`: COCO evaluation of a results file (or of `predict` JSON files) against COCO
// annotations, printed as pycocotools' summary and detectron2's tables; --json writes every number.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Caffe2Error, InputError } from '../core/errors.js';
import { Detectron2Predictor, type PredictorOptions } from '../detectron2/api.js';
import { CocoDataset, type CocoEvalReport, type CocoResult, type IouType, evaluateResults, predictionsToCocoResults } from '../eval/index.js';
import { pyFixed } from '../eval/report.js';
import { readImageFile } from '../node/images.js';
import { type FlagSpec, type Parsed, parseArgv } from './args.js';
import { ENGINE_FLAGS, engineOptions, loadWithProgress } from './common.js';
import type { LoadOptions } from '../caffe2/model.js';
import { Progress } from './progress.js';

export const usage = 'caffe2-ts eval [<model_dir> --images dir/] --annotations ann.json [--results res.json... | --predictions dir/] [--iou-type bbox|segm|keypoints]... [--reference-results ref.json...] [--json FILE] [--init model_init.pb] [--threads N] [--no-simd] [--no-fma]';

const IOU_TYPES: IouType[] = ['bbox', 'segm', 'keypoints'];
const FIELD: Record<IouType, string> = { bbox: 'bbox', segm: 'segmentation', keypoints: 'keypoints' };

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

function readResults(paths: readonly string[]): CocoResult[] {
  const out: CocoResult[] = [];
  for (const p of paths) {
    const r = readJson(p);
    if (!Array.isArray(r)) throw new InputError(`${p}: a results file must be a JSON array of COCO results, got ${typeof r}`);
    out.push(...(r as CocoResult[]));
  }
  return out;
}

/**
 * COCO results from a folder of `predict` JSON files: each is matched to the annotation image
 * of the same file_name (or file stem), classes map to the dataset's sorted category ids.
 */
export function readPredictions(dir: string, gt: CocoDataset): { results: CocoResult[]; matched: number; unmatched: string[] } {
  const byStem = new Map<string, number>();
  for (const img of gt.images) if (img.file_name) byStem.set(basename(img.file_name, extname(img.file_name)), img.id);
  const results: CocoResult[] = [];
  const unmatched: string[] = [];
  let matched = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const path = join(dir, f);
    const pred = readJson(path) as { file_name?: unknown };
    const name = typeof pred?.file_name === 'string' ? pred.file_name : f;
    const id = byStem.get(basename(name, extname(name))) ?? byStem.get(basename(f, '.json'));
    if (id === undefined) { unmatched.push(f); continue; }
    matched++;
    results.push(...predictionsToCocoResults(pred, id, gt.catIds(), path));
  }
  return { results, matched, unmatched };
}

/** The IoU types the results can be evaluated for (detectron2: bbox always, segm with masks, keypoints with keypoints). */
function typesOf(results: readonly CocoResult[]): IouType[] {
  return IOU_TYPES.filter((t) => results.some((r) => FIELD[t] in r));
}

function perCategoryJson(r: CocoEvalReport): Record<string, { id: number; AP: number; AP50: number; AP75: number }> {
  return Object.fromEntries(r.perCategory.map((c) => [c.name, { id: c.id, AP: c.AP, AP50: c.AP50, AP75: c.AP75 }]));
}

/** detectron2's tables, then pycocotools' summary last (so `| tail -15` shows the headline numbers). */
export function printReport(r: CocoEvalReport, log: (s: string) => void = console.log): void {
  log(`Evaluate annotation type *${r.iouType}* (${r.numResults} results on ${r.numImages} images${r.skippedResults ? `, ${r.skippedResults} of categories not in the dataset skipped` : ''})`);
  if (r.perCategoryTable) log(`Per-category ${r.iouType} AP: \n${r.perCategoryTable}`);
  log(`Evaluation results for ${r.iouType}: \n${r.metricsTable}`);
  for (const l of r.summary) log(l);
}

/** Ours vs reference, detectron2's metrics in AP points (x100). */
export function diffTable(ours: CocoEvalReport, ref: CocoEvalReport): string {
  const rows = Object.keys(ours.metrics).map((m) => {
    const a = ours.metrics[m]!, b = ref.metrics[m]!, d = a - b;
    return `| ${m.padEnd(6)} | ${pyFixed(a, 3).padStart(7)} | ${pyFixed(b, 3).padStart(9)} | ${((d >= 0 ? '+' : '') + pyFixed(d, 3)).padStart(6)} |`;
  });
  return ['| metric | ours    | reference | diff   |', '|:-------|--------:|----------:|-------:|', ...rows].join('\n');
}

export interface EvalOptions {
  annotations: string;
  /** The IoU types to evaluate; default: every type the results carry. */
  iouTypes?: IouType[];
  referenceResults?: string[];
  json?: string;
}

/**
 * Runs a converted model over every image of a COCO dataset (`images` dir + the annotations'
 * file_name) and returns detectron2's COCO results; a failing image is reported and skipped.
 */
export function predictDataset(p: Detectron2Predictor, gt: CocoDataset, imagesDir: string): { results: CocoResult[]; failed: number } {
  const catIds = gt.catIds();
  const images = [...gt.images].sort((x, y) => x.id - y.id);
  const bar = new Progress('eval');
  const results: CocoResult[] = [];
  let failed = 0;
  images.forEach((img, i) => {
    const path = join(imagesDir, img.file_name ?? `${img.id}`);
    bar.update(i, images.length, basename(path));
    try {
      const pr = p.predict(readImageFile(path), path);
      results.push(...predictionsToCocoResults(p.toJson(pr.result), img.id, catIds, path));
    } catch (e) {
      if (!(e instanceof Caffe2Error)) { bar.done(); throw e; }
      failed++;
      bar.done();
      console.error(`caffe2-ts: ${e.name}: ${e.where.file ? e.message : `${path}: ${e.message}`}`);
    }
  });
  bar.done();
  return { results, failed };
}

/** `eval <model_dir> --images dir/` and `convert --run-eval`: predict over the dataset, then evaluate. */
export function evalModel(modelPath: string, imagesDir: string, o: EvalOptions & { init?: string; predictor?: PredictorOptions; engine?: Pick<LoadOptions, 'threads' | 'simd'> }): number {
  if (!statSync(imagesDir, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`--images ${imagesDir} is not a directory`);
  const gt = CocoDataset.parse(readJson(o.annotations), o.annotations);
  const p = new Detectron2Predictor(loadWithProgress(modelPath, o.init, o.engine), o.predictor ?? {});
  const t0 = performance.now();
  const { results, failed } = predictDataset(p, gt, imagesDir);
  const s = (performance.now() - t0) / 1000;
  console.error(`eval: ${results.length} detections on ${gt.images.length - failed} of ${gt.images.length} images in ${s.toFixed(1)} s (${(s / Math.max(1, gt.images.length)).toFixed(2)} s an image)${failed ? `; ${failed} failed` : ''}`);
  evaluate(gt, results, [modelPath], o);
  return failed ? 1 : 0;
}

/** Evaluates results for each IoU type, prints the tables, and writes the --json file. */
export function evaluate(gt: CocoDataset, results: readonly CocoResult[], source: readonly string[], o: EvalOptions): Record<string, unknown> {
  const types = o.iouTypes?.length ? o.iouTypes : typesOf(results);
  if (types.length === 0) {
    if (results.length > 0) throw new InputError(`${source.join(', ')}: no result has 'bbox', 'segmentation' or 'keypoints'`);
    types.push('bbox');
  }
  const refs = o.referenceResults ?? [];
  const refResults = refs.length ? readResults(refs) : undefined;
  const out: Record<string, unknown> = { annotations: o.annotations, results: source, images: gt.images.length, iou_types: types };
  for (const t of types) {
    // each type evaluates the results that carry its field (bbox and segm may come in separate files)
    const rs = results.filter((r) => FIELD[t] in r);
    if (rs.length === 0 && results.length > 0) throw new InputError(`--iou-type ${t}: no result in ${source.join(', ')} has '${FIELD[t]}'`);
    const r = evaluateResults(gt, rs, t, { file: source.join('+') });
    printReport(r);
    const entry: Record<string, unknown> = {
      stats: r.stats, stats_names: r.statNames, metrics: r.metrics, per_category: perCategoryJson(r), summary: r.summary,
      num_results: r.numResults, skipped_results: r.skippedResults,
    };
    if (refResults) {
      const ref = evaluateResults(gt, refResults.filter((x) => FIELD[t] in x), t, { file: refs.join('+') });
      console.log(`${t}: ours vs reference results (${refs.join(', ')}), AP points:\n${diffTable(r, ref)}`);
      entry['reference'] = { stats: ref.stats, metrics: ref.metrics, per_category: perCategoryJson(ref) };
      entry['diff'] = Object.fromEntries(Object.keys(r.metrics).map((m) => [m, r.metrics[m]! - ref.metrics[m]!]));
    }
    out[t] = entry;
  }
  if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 1) + '\n');
  return out;
}

/** --iou-type values (repeatable, comma lists allowed). */
export function parseIouTypes(values: readonly string[]): IouType[] {
  const asked = values.flatMap((s) => s.split(','));
  for (const t of asked) if (!IOU_TYPES.includes(t as IouType)) throw new InputError(`--iou-type must be bbox, segm or keypoints, got '${t}'`);
  return asked as IouType[];
}

/** The flags `convert --run-eval` adds (after converting, the model dir is evaluated). */
export const RUN_EVAL_FLAGS: Record<string, FlagSpec> = {
  'run-eval': { bool: true }, annotations: {}, images: {}, 'reference-results': { multi: true }, 'iou-type': { multi: true }, 'eval-json': {},
};
export const RUN_EVAL_USAGE = '[--run-eval --annotations ann.json --images dir/ [--reference-results ref.json]... [--iou-type T]... [--eval-json FILE]]';

/** Checks the --run-eval flags before a conversion starts; returns the evaluation to run on the written model dir. */
export function runEvalFromFlags(a: Parsed): ((modelDir: string) => number) | undefined {
  const used = ['annotations', 'images', 'reference-results', 'iou-type', 'eval-json'].filter((f) => a.flags.has(f));
  if (!a.bool('run-eval')) {
    if (used.length) throw new InputError(`--${used[0]} is an evaluation flag: add --run-eval`);
    return undefined;
  }
  const annotations = a.str('annotations'), images = a.str('images');
  if (!annotations || !images) throw new InputError('--run-eval needs --annotations ann.json and --images dir/ (a COCO-format dataset)');
  const o: EvalOptions = {
    annotations, iouTypes: parseIouTypes(a.all('iou-type')), referenceResults: a.all('reference-results'),
    ...(a.str('eval-json') ? { json: a.str('eval-json')! } : {}),
  };
  return (modelDir) => evalModel(modelDir, images, o);
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgv(argv, {
    annotations: {}, results: { multi: true }, predictions: {}, images: {}, 'iou-type': { multi: true },
    'reference-results': { multi: true }, json: {}, init: {}, ...ENGINE_FLAGS,
  });
  const annPath = a.str('annotations');
  if (!annPath) throw new InputError(`--annotations is required\nusage: ${usage}`);
  const opts: EvalOptions = {
    annotations: annPath, iouTypes: parseIouTypes(a.all('iou-type')), referenceResults: a.all('reference-results'),
    ...(a.str('json') ? { json: a.str('json')! } : {}),
  };
  if (a.positional.length > 1) throw new InputError(`eval takes one model (got ${a.positional.join(', ')})\nusage: ${usage}`);
  if (a.positional.length === 1) {
    const images = a.str('images');
    if (!images) throw new InputError(`eval ${a.positional[0]} runs the model over a dataset: give --images dir/ (the annotations' file_name are relative to it)`);
    if (a.all('results').length || a.str('predictions')) throw new InputError('eval <model_dir> makes its own results: drop --results / --predictions');
    return evalModel(a.positional[0]!, images, { ...opts, engine: engineOptions(a), ...(a.str('init') ? { init: a.str('init')! } : {}) });
  }
  if (a.str('images')) throw new InputError('--images is for `eval <model_dir> --images dir/`; with --results or --predictions it is not used');
  const gt = CocoDataset.parse(readJson(annPath), annPath);
  let results: CocoResult[];
  let source: string[];
  if (a.str('predictions')) {
    const dir = a.str('predictions')!;
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`--predictions ${dir} is not a directory`);
    const p = readPredictions(dir, gt);
    if (p.unmatched.length) console.error(`eval: ${p.unmatched.length} prediction file(s) match no image of ${annPath}: ${p.unmatched.slice(0, 5).join(', ')}${p.unmatched.length > 5 ? ', ...' : ''}`);
    console.error(`eval: ${p.results.length} detections from ${p.matched} prediction files (${gt.images.length} images annotated)`);
    results = p.results;
    source = [dir];
  } else {
    source = a.all('results');
    if (source.length === 0) throw new InputError(`give --results res.json, --predictions dir/ or a model with --images dir/\nusage: ${usage}`);
    results = readResults(source);
  }
  evaluate(gt, results, source, opts);
  return 0;
}
