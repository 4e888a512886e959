// COCO evaluation speed: bbox and segm evaluation of 5000 images' worth of synthetic detections
// (100 an image, 80 categories, ~7 polygon ground truths an image, 640x480), timed once each at
// full size with a phase split, then a mitata summary on a 500-image subset (segm vs bbox ratio).
// Run: npm run bench -- eval   (figures are for this machine only; EVAL_BENCH_IMAGES=N for a smaller set)
import { bench, do_not_optimize, group, run, summary } from 'mitata';
import { CocoDataset, type CocoResult, type IouType, evaluateResults } from '../src/eval/index.js';
import { CocoEval } from '../src/eval/cocoeval.js';
import { type Rle, rleToString } from '../src/eval/rle.js';

const W = 640, H = 480, CATS = 80, DETS = 100;
let seed = 20240611;
const rnd = (): number => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; };
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** A filled axis-aligned rectangle as column-major RLE counts (cheap to make in bulk). */
function rectRle(x0: number, y0: number, x1: number, y1: number): Rle {
  const c: number[] = [x0 * H + y0];
  const hgt = y1 - y0;
  for (let x = x0; x < x1; x++) { c.push(hgt); if (x + 1 < x1) c.push(H - hgt); }
  c.push((W - x1) * H + (H - y1));
  return { h: H, w: W, counts: Uint32Array.from(c) };
}

function makeData(nImages: number): { gt: CocoDataset; bbox: CocoResult[]; segm: CocoResult[] } {
  const images = [], annotations = [], bbox: CocoResult[] = [], segm: CocoResult[] = [];
  let annId = 1;
  for (let i = 1; i <= nImages; i++) {
    images.push({ id: i, width: W, height: H, file_name: `${i}.jpg` });
    const boxes: [number, number, number, number, number][] = [];
    const nGt = 2 + Math.floor(rnd() * 11);
    for (let g = 0; g < nGt; g++) {
      const w = 8 + rnd() * 200, h = 8 + rnd() * 200, x = rnd() * (W - w), y = rnd() * (H - h), cat = 1 + Math.floor(rnd() * CATS);
      boxes.push([x, y, w, h, cat]);
      // a 10-vertex polygon inscribed in the box (COCO ground truth is mostly polygons)
      const poly: number[] = [];
      for (let v = 0; v < 10; v++) {
        const t = (v / 10) * 2 * Math.PI, r = 0.8 + 0.2 * rnd();
        poly.push(x + w / 2 + (w / 2) * r * Math.cos(t), y + h / 2 + (h / 2) * r * Math.sin(t));
      }
      const crowd = rnd() < 0.01;
      annotations.push({ id: annId++, image_id: i, category_id: cat, bbox: [x, y, w, h], area: w * h * 0.75, iscrowd: crowd ? 1 : 0,
        segmentation: crowd ? { size: [H, W], counts: rleToString(rectRle(Math.floor(x), Math.floor(y), Math.ceil(x + w), Math.ceil(y + h))) } : [poly] });
    }
    for (let d = 0; d < DETS; d++) {
      // half near a ground truth (same or a confused category), half anywhere
      let x: number, y: number, w: number, h: number, cat: number;
      if (d < DETS / 2) {
        const [gx, gy, gw, gh, gc] = boxes[d % boxes.length]!;
        x = gx + (rnd() - 0.5) * gw * 0.3; y = gy + (rnd() - 0.5) * gh * 0.3; w = gw * (0.8 + 0.4 * rnd()); h = gh * (0.8 + 0.4 * rnd());
        cat = rnd() < 0.8 ? gc : 1 + Math.floor(rnd() * CATS);
      } else {
        w = 4 + rnd() * 150; h = 4 + rnd() * 150; x = rnd() * (W - w); y = rnd() * (H - h); cat = 1 + Math.floor(rnd() * CATS);
      }
      x = clamp(x, 0, W - 2); y = clamp(y, 0, H - 2); w = clamp(w, 1, W - x); h = clamp(h, 1, H - y);
      const score = Math.fround(rnd());
      bbox.push({ image_id: i, category_id: cat, bbox: [x, y, w, h], score });
      const r = rectRle(Math.floor(x), Math.floor(y), Math.max(Math.floor(x) + 1, Math.floor(x + w)), Math.max(Math.floor(y) + 1, Math.floor(y + h)));
      segm.push({ image_id: i, category_id: cat, segmentation: { size: [H, W], counts: rleToString(r) }, score });
    }
  }
  return { gt: CocoDataset.parse({ images, annotations, categories: Array.from({ length: CATS }, (_, k) => ({ id: k + 1, name: `c${k + 1}` })) }, 'synthetic.json'), bbox, segm };
}

function timed(gt: CocoDataset, res: CocoResult[], type: IouType): string {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const dt = gt.loadResults(res, 'synthetic-results.json');
  const t1 = performance.now();
  const ev = new CocoEval(gt, dt, type);
  ev.evaluate();
  const t2 = performance.now();
  ev.accumulate();
  const t3 = performance.now();
  const stats = ev.summarize();
  ev.perCategoryAp();
  const t4 = performance.now();
  const cpu = process.cpuUsage(c0);
  const s = (a: number, b: number): string => ((b - a) / 1000).toFixed(2);
  // CPU time next to wall time: on a shared machine the wall clock also counts other processes
  return `${type}: ${s(t0, t4)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (load ${s(t0, t1)}, evaluate ${s(t1, t2)}, accumulate ${s(t2, t3)}, summarize ${s(t3, t4)} wall); AP ${stats[0]!.toFixed(3)}`;
}

const N = Number(process.env['EVAL_BENCH_IMAGES'] ?? 5000);
const t0 = performance.now();
const full = makeData(N);
console.log(`made ${N} images, ${full.gt.annotations.length} ground truths, ${full.bbox.length} detections in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
// warm up the JIT on a small set first (mitata README: "JIT bias")
const small = makeData(500);
evaluateResults(small.gt, small.bbox, 'bbox');
evaluateResults(small.gt, small.segm, 'segm');
console.log(timed(full.gt, full.bbox, 'bbox'));
console.log(timed(full.gt, full.segm, 'segm'));

if (process.env['EVAL_BENCH_SKIP_MITATA']) process.exit(0);
// ratios against reading the results file (JSON.parse), the floor any evaluator pays
const bboxText = JSON.stringify(small.bbox), segmText = JSON.stringify(small.segm);
summary(() => {
  group('500 images x 100 detections: evaluate + accumulate + summarize vs JSON.parse of the results', () => {
    bench('baseline: JSON.parse bbox results', () => do_not_optimize(JSON.parse(bboxText))).baseline(true);
    bench('bbox eval', () => do_not_optimize(evaluateResults(small.gt, small.bbox, 'bbox')));
    bench('baseline: JSON.parse segm results', () => do_not_optimize(JSON.parse(segmText)));
    bench('segm eval', () => do_not_optimize(evaluateResults(small.gt, small.segm, 'segm')));
  });
});
await run();
