// `caffe2-ts predict <model_dir> <image|dir>... --output out/`: detectron2 results per image as
// out/<name>.json (+ label PNGs for sem_seg/panoptic) and out/<name>.png (the Visualizer picture).
// A bad image is reported with its file name and the batch goes on; the exit code is 1 if any failed.

import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { Caffe2Error, InputError } from '../core/errors.js';
import { Detectron2Predictor, type PredictorOptions } from '../detectron2/api.js';
import type { InputFormat, MetaArchitecture } from '../detectron2/meta.js';
import type { D2Result } from '../detectron2/postprocess/index.js';
import { IMAGE_EXTENSIONS, readImageFile, writeCanvasPng, writeLabelPng } from '../node/images.js';
import { parseArgv } from './args.js';
import { ENGINE_FLAGS, engineOptions, loadWithProgress } from './common.js';
import { Progress } from './progress.js';

export const usage = 'caffe2-ts predict <model_dir | model.pb> <image | dir>... [--output out/] [--format json|png|both] [--input-format BGR|RGB] [--pad-with-mean] [--classes file] [--score-threshold 0.5] [--meta-architecture GeneralizedRCNN|RetinaNet|PanopticFPN] [--min-size N] [--max-size N] [--size-divisibility N] [--init model_init.pb] [--threads N] [--no-simd] [--no-fma]';

export interface ImageJob { path: string; name: string }

/** Expands image files and directories (their JPEG/PNG files, sorted) into jobs with unique output names. */
export function collectImages(args: readonly string[]): { jobs: ImageJob[]; errors: InputError[] } {
  const jobs: ImageJob[] = [], errors: InputError[] = [];
  const used = new Map<string, number>();
  const add = (path: string) => {
    const stem = basename(path, extname(path));
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    jobs.push({ path, name: n === 1 ? stem : `${stem}_${n}` });
  };
  for (const a of args) {
    if (existsSync(a) && statSync(a).isDirectory()) {
      const files = readdirSync(a).filter((f) => IMAGE_EXTENSIONS.test(f)).sort();
      if (!files.length) errors.push(new InputError('directory holds no .jpg, .jpeg or .png files', { file: a }));
      for (const f of files) add(join(a, f));
    } else add(a);
  }
  return { jobs, errors };
}

/** Class names from a file: one per line, or a JSON array of strings. */
export function readClasses(path: string): string[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { throw new InputError('cannot read the class names file', { file: path }); }
  if (text.trimStart().startsWith('[')) {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new InputError('a JSON class list must be an array of strings', { file: path });
    return v;
  }
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (!names.length) throw new InputError('the class names file is empty', { file: path });
  return names;
}

export interface PredictRunOptions {
  output: string;
  format: 'json' | 'png' | 'both';
  scoreThreshold: number;
  log?: (line: string) => void;
  err?: (line: string) => void;
}

export interface PredictSummary { done: number; failed: number; written: string[] }

/** Runs the predictor over the jobs, writing JSON/PNG files; per-image failures are reported and skipped. */
export function predictImages(p: Detectron2Predictor, jobs: readonly ImageJob[], o: PredictRunOptions): PredictSummary {
  const log = o.log ?? ((l: string) => console.log(l)), err = o.err ?? ((l: string) => console.error(l));
  const bar = new Progress('predict');
  const s: PredictSummary = { done: 0, failed: 0, written: [] };
  mkdirSync(o.output, { recursive: true });
  jobs.forEach((job, i) => {
    bar.update(i, jobs.length, basename(job.path));
    try {
      const img = readImageFile(job.path);
      const pr = p.predict(img, job.path);
      const r = pr.result;
      const files: string[] = [];
      if (o.format !== 'png') {
        const semPng = r.semSeg ? `${job.name}_sem_seg.png` : undefined, panPng = r.panopticSeg ? `${job.name}_panoptic.png` : undefined;
        if (r.semSeg && semPng) writeLabelPng(join(o.output, semPng), r.semSeg.labels, img.width, img.height);
        if (r.panopticSeg && panPng) writeLabelPng(join(o.output, panPng), r.panopticSeg.seg, img.width, img.height);
        const json = p.toJson(r, { fileName: basename(job.path), ...(semPng ? { semSegPng: semPng } : {}), ...(panPng ? { panopticPng: panPng } : {}) });
        const jp = join(o.output, `${job.name}.json`);
        writeFileSync(jp, JSON.stringify(json) + '\n');
        files.push(jp);
      }
      if (o.format !== 'json') {
        const pp = join(o.output, `${job.name}.png`);
        writeCanvasPng(pp, p.render(img, r, { scoreThreshold: o.scoreThreshold }));
        files.push(pp);
      }
      s.done++;
      s.written.push(...files);
      bar.done();
      log(summaryLine(job.path, img.width, img.height, pr.prepared, r, p.thingClasses, o.scoreThreshold, pr.ms));
    } catch (e) {
      bar.done();
      if (!(e instanceof Caffe2Error)) throw e;
      s.failed++;
      err(`caffe2-ts: ${e.name}: ${e.where.file ? e.message : `${job.path}: ${e.message}`}`);
    }
  });
  bar.done();
  return s;
}

function summaryLine(path: string, w: number, h: number, prep: { width: number; height: number }, r: D2Result, names: readonly string[] | undefined, thr: number, ms: { pre: number; net: number; post: number }): string {
  const I = r.instances;
  const counts = new Map<string, number>();
  let shown = 0;
  I.scores.forEach((sc, i) => {
    if (sc < thr) return;
    shown++;
    const n = names?.[I.classes[i]!] ?? `class ${I.classes[i]}`;
    counts.set(n, (counts.get(n) ?? 0) + 1);
  });
  const what = [...counts].map(([n, c]) => `${c} ${n}`).join(', ');
  const pan = r.panopticSeg ? `, ${r.panopticSeg.segmentsInfo.length} panoptic segments` : '';
  return `${basename(path)}: ${w}x${h} -> ${prep.width}x${prep.height}, ${I.scores.length} instances (${shown} with score >= ${thr}${what ? `: ${what}` : ''})${pan}; ${(ms.pre + ms.net + ms.post).toFixed(0)} ms (net ${ms.net.toFixed(0)})`;
}

export async function main(argv: string[]): Promise<number> {
  const a = parseArgv(argv, {
    output: { short: 'o' }, format: {}, 'input-format': {}, 'pad-with-mean': { bool: true }, classes: {},
    'score-threshold': {}, 'meta-architecture': {}, 'min-size': {}, 'max-size': {}, 'size-divisibility': {}, init: {}, ...ENGINE_FLAGS,
  });
  const [modelPath, ...images] = a.positional;
  if (!modelPath || !images.length) throw new InputError(`usage: ${usage}`);
  const format = a.str('format') ?? 'both';
  if (format !== 'json' && format !== 'png' && format !== 'both') throw new InputError(`--format must be json, png or both, got '${format}'`);
  const inputFormat = a.str('input-format')?.toUpperCase();
  if (inputFormat !== undefined && inputFormat !== 'BGR' && inputFormat !== 'RGB') throw new InputError(`--input-format must be BGR or RGB, got '${a.str('input-format')}'`);
  const arch = a.str('meta-architecture');
  if (arch !== undefined && !['GeneralizedRCNN', 'RetinaNet', 'PanopticFPN'].includes(arch)) throw new InputError(`--meta-architecture must be GeneralizedRCNN, RetinaNet or PanopticFPN, got '${arch}'`);
  const int = (name: string): number | undefined => {
    const v = a.num(name);
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new InputError(`--${name} expects a non-negative integer, got '${a.str(name)}'`);
    return v;
  };
  const opts: PredictorOptions = {
    ...(inputFormat ? { inputFormat: inputFormat as InputFormat } : {}),
    ...(arch ? { metaArchitecture: arch as MetaArchitecture } : {}),
    ...(a.bool('pad-with-mean') ? { padWithMean: true } : {}),
    ...(a.str('classes') ? { thingClasses: readClasses(a.str('classes')!) } : {}),
  };
  const minSize = int('min-size'), maxSize = int('max-size'), div = int('size-divisibility');
  if (minSize !== undefined) opts.minSize = minSize;
  if (maxSize !== undefined) opts.maxSize = maxSize;
  if (div !== undefined) opts.sizeDivisibility = div;
  const { jobs, errors } = collectImages(images);
  const model = loadWithProgress(modelPath, a.str('init'), engineOptions(a));
  const p = new Detectron2Predictor(model, opts);
  for (const k of ['minSize', 'maxSize'] as const) {
    if (p.settings.sources[k] === 'default') {
      console.error(`note: the model has no min_size_test/max_size_test meta; resizing with detectron2's COCO defaults ${p.settings.minSize}/${p.settings.maxSize} (convert with --config, or pass --min-size/--max-size)`);
      break;
    }
  }
  for (const n of p.settings.notes) console.error(`note: ${n}`);
  for (const e of errors) console.error(`caffe2-ts: ${e.name}: ${e.message}`);
  const output = a.str('output') ?? 'out';
  const s = predictImages(p, jobs, { output, format, scoreThreshold: a.num('score-threshold') ?? 0.5 });
  const failed = s.failed + errors.length;
  console.error(`${s.done} of ${jobs.length} image${jobs.length === 1 ? '' : 's'} written to ${output}${failed ? `; ${failed} failed` : ''}`);
  return failed ? 1 : 0;
}
