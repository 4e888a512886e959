// COCOeval against pycocotools' published numbers (val2014 fake results, every printed digit),
// the demo's pycocotools 2.0.11 stats (to 1e-12), and hand-computed tiny cases that pin the
// matching rules: score ties, crowd regions, area ranges, maxDets, OKS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixture, sharedDir } from '../helpers/paths.js';
import { InputError } from '../../src/core/errors.js';
import { CocoDataset, type IouType, evaluateResults } from '../../src/eval/index.js';
import { CocoEval } from '../../src/eval/cocoeval.js';
import { COCO_KPT_OKS_SIGMAS, computeOks } from '../../src/eval/iou.js';
import { pyFixed } from '../../src/eval/report.js';

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));
const V = 1 / (1 + 2.220446049250313e-16); // pycocotools' precision of 1 TP out of 1: tp / (tp + fp + eps)

/** The stats pycocotools printed for one iouType in val2014_fake_eval_res.txt. */
function published(type: string): string[] {
  const txt = readFileSync(fixture('eval/coco-eval/val2014_fake_eval_res.txt'), 'utf8');
  const part = txt.split(`type=${type}`)[1]!.split('----')[0]!;
  return [...part.matchAll(/\] = (-?\d\.\d{3})/g)].map((m) => m[1]!);
}

for (const type of ['bbox', 'segm'] as const) {
  test(`val2014 100 images, fake ${type} results: all 12 stats equal pycocotools' printed values`, () => {
    const gt = CocoDataset.parse(readJson(fixture('eval/coco-eval/instances_val2014_100.json')), 'instances_val2014_100.json');
    const res = readJson(fixture(`eval/coco-eval/instances_val2014_fake${type}100_results.json`)) as unknown[];
    const r = evaluateResults(gt, res, type);
    const want = published(type);
    assert.is(want.length, 12);
    assert.equal(r.stats.map((s) => pyFixed(s, 3)), want);
    assert.equal(r.summary.map((l) => l.slice(-5)), want);
  });
}

const shared = sharedDir();
const demo = shared ? resolve(shared, 'demo') : undefined;
if (demo && existsSync(resolve(demo, 'results/coco_stats.json'))) {
  const stats = readJson(resolve(demo, 'results/coco_stats.json')) as Record<string, Record<string, { stats: number[]; per_class: Record<string, { AP: number; AP50: number }>; summary: string }>>;
  const gt = CocoDataset.parse(readJson(resolve(demo, 'val/annotations.json')), 'annotations.json');
  for (const path of ['pytorch', 'caffe2_path']) {
    for (const type of ['bbox', 'segm'] as IouType[]) {
      test(`demo ${path} ${type}: stats, per-class AP and summary lines equal pycocotools 2.0.11's`, () => {
        const res = readJson(resolve(demo, `results/${path}_${type}_results.json`)) as unknown[];
        const r = evaluateResults(gt, res, type);
        const want = stats[path]![type]!;
        r.stats.forEach((s, i) => assert.ok(Math.abs(s - want.stats[i]!) <= 1e-12, `stat ${r.statNames[i]}: ${s} vs ${want.stats[i]}`));
        for (const c of r.perCategory) {
          assert.ok(Math.abs(c.AP - want.per_class[c.name]!.AP) <= 1e-12, `${c.name} AP ${c.AP} vs ${want.per_class[c.name]!.AP}`);
          assert.ok(Math.abs(c.AP50 - want.per_class[c.name]!.AP50) <= 1e-12, `${c.name} AP50`);
        }
        const lines = want.summary.split('\n').filter((l) => l.startsWith(' Average'));
        assert.equal(r.summary, lines);
      });
    }
  }
} else {
  test('demo results (../shared/demo) are present', () => { assert.unreachable('../shared/demo/results/coco_stats.json not found: the demo checks did not run'); });
}

test('15 random small datasets (bbox, segm, keypoints): stats equal pycocotools 2.0.11 bit for bit', () => {
  const fx = readJson(fixture('eval/pycocotools_random.json')) as { cases: { type: IouType; gt: unknown; results: unknown[]; stats: number[] }[] };
  assert.equal(fx.cases.map((c) => c.type).join(','), 'bbox,bbox,bbox,bbox,bbox,segm,segm,segm,segm,segm,keypoints,keypoints,keypoints,keypoints,keypoints');
  fx.cases.forEach((c, i) => {
    const gt = CocoDataset.parse(c.gt, `case ${i}`);
    const ev = new CocoEval(gt, gt.loadResults(c.results), c.type);
    ev.evaluate();
    ev.accumulate();
    assert.equal(ev.summarize(), c.stats, `case ${i} (${c.type})`);
  });
});

/** A one-category dataset of images 1..n with the given ground-truth boxes. */
function dataset(gts: { img: number; bbox: number[]; crowd?: boolean; id?: number }[], nImages = 2): CocoDataset {
  return CocoDataset.parse({
    images: Array.from({ length: nImages }, (_, i) => ({ id: i + 1, width: 200, height: 200 })),
    categories: [{ id: 1, name: 'thing' }],
    annotations: gts.map((g, i) => ({
      id: g.id ?? i + 1, image_id: g.img, category_id: 1, bbox: g.bbox, area: g.bbox[2]! * g.bbox[3]!, iscrowd: g.crowd ? 1 : 0,
      segmentation: [[g.bbox[0], g.bbox[1], g.bbox[0]! + g.bbox[2]!, g.bbox[1], g.bbox[0]! + g.bbox[2]!, g.bbox[1]! + g.bbox[3]!, g.bbox[0], g.bbox[1]! + g.bbox[3]!]],
    })),
  }, 'gt.json');
}

function bboxStats(gt: CocoDataset, dets: { img: number; bbox: number[]; score: number }[]): number[] {
  return evaluateResults(gt, dets.map((d) => ({ image_id: d.img, category_id: 1, bbox: d.bbox, score: d.score })), 'bbox').stats;
}

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-15, `${what}: ${a} vs ${b}`);

test('hand case: TP at every IoU, TP only at 0.5, a false positive -> AP (101 + 9*51v)/1010', () => {
  // d1 == g1 (IoU 1); d2 covers half of g2 (IoU 0.5: a match only at t = 0.5); d3 hits nothing.
  // t = 0.5: TP TP FP -> precision 1 at every recall; t > 0.5: TP FP FP -> recall 0.5, precision v for
  // the 51 recall points 0..0.5 and 0 for the 50 above.
  const gt = dataset([{ img: 1, bbox: [0, 0, 10, 10] }, { img: 1, bbox: [20, 0, 10, 10] }]);
  const s = bboxStats(gt, [{ img: 1, bbox: [0, 0, 10, 10], score: 0.9 }, { img: 1, bbox: [20, 0, 10, 5], score: 0.8 }, { img: 1, bbox: [50, 50, 10, 10], score: 0.7 }]);
  near(s[0]!, (101 + 9 * 51 * V) / 1010, 'AP');
  assert.is(s[1], 1, 'AP50');
  near(s[2]!, 51 * V / 101, 'AP75');
  near(s[3]!, (101 + 9 * 51 * V) / 1010, 'APs (all areas are 100 px: small)');
  assert.equal([s[4], s[5]], [-1, -1], 'no medium or large ground truth');
  assert.is(s[6], 0.5, 'AR1: the best detection finds one of two');
  near(s[7]!, 0.55, 'AR10');
  near(s[8]!, 0.55, 'AR100 = (1 + 9 * 0.5) / 10');
  assert.equal([s[10], s[11]], [-1, -1]);
});

test("accumulate's scores: the score at which each recall point is first reached (0 past the last)", () => {
  const gt = dataset([{ img: 1, bbox: [0, 0, 10, 10] }, { img: 1, bbox: [20, 0, 10, 10] }]);
  const dt = gt.loadResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 }, { image_id: 1, category_id: 1, bbox: [20, 0, 10, 5], score: 0.8 }]);
  const ev = new CocoEval(gt, dt, 'bbox');
  const { scores, precision, counts: [T, R, K, A, M] } = ev.accumulate();
  const at = (t: number, r: number): number => (((t * R + r) * K + 0) * A + 0) * M + (M - 1);
  // t = 0.5: recall 0.5 at the 0.9 detection, 1 at the 0.8 one; t = 0.55: only recall 0.5
  assert.equal([scores[at(0, 0)], scores[at(0, 50)], scores[at(0, 51)], scores[at(0, 100)]], [0.9, 0.9, 0.8, 0.8]);
  assert.equal([scores[at(1, 50)], scores[at(1, 51)], precision[at(1, 51)]], [0.9, 0, 0]);
  assert.is(T * R * K * A * M, scores.length);
});

test('crowd: detections on a crowd region are ignored, not false positives (IoU over the detection area)', () => {
  // two detections inside a 50x50 crowd box score above the one true positive
  const dets = [{ img: 1, bbox: [100, 100, 10, 10], score: 0.95 }, { img: 1, bbox: [110, 110, 10, 10], score: 0.93 }, { img: 1, bbox: [0, 0, 10, 10], score: 0.9 }];
  const crowd = bboxStats(dataset([{ img: 1, bbox: [0, 0, 10, 10] }, { img: 1, bbox: [100, 100, 50, 50], crowd: true }]), dets);
  near(crowd[0]!, V, 'AP with the region marked crowd');
  // the same boxes without iscrowd: IoU 100/2500 < 0.5, both are false positives ahead of the TP
  const plain = bboxStats(dataset([{ img: 1, bbox: [0, 0, 10, 10] }, { img: 1, bbox: [100, 100, 50, 50] }]), dets);
  // FP FP TP of two counted ground truths: precision 1/3 for the 51 recall points up to 0.5, then 0
  near(plain[0]!, 51 / 3 / 101, 'AP without crowd');
});

test('score ties across images: the lower image id comes first (mergesort over images in id order)', () => {
  // one false positive in image 1 and one true positive in image 2, same score
  const gt = dataset([{ img: 2, bbox: [0, 0, 10, 10] }]);
  const s = bboxStats(gt, [{ img: 2, bbox: [0, 0, 10, 10], score: 0.5 }, { img: 1, bbox: [0, 0, 10, 10], score: 0.5 }]);
  assert.is(s[0], 0.5, 'FP ranked first: precision 1/2 at recall 1');
  const gt1 = dataset([{ img: 1, bbox: [0, 0, 10, 10] }]);
  const s1 = bboxStats(gt1, [{ img: 2, bbox: [0, 0, 10, 10], score: 0.5 }, { img: 1, bbox: [0, 0, 10, 10], score: 0.5 }]);
  near(s1[0]!, V, 'TP ranked first');
});

test('score ties within an image: file order decides which detection takes the ground truth', () => {
  // IoU 0.6 listed first: it takes the GT for t <= 0.6 (3 thresholds, AP v), the IoU 0.9 box takes it
  // for 0.65..0.9 behind a false positive (6 thresholds, AP 0.5), nothing at 0.95
  const gt = dataset([{ img: 1, bbox: [0, 0, 10, 10] }]);
  const a = { img: 1, bbox: [0, 0, 10, 6], score: 0.5 }, b = { img: 1, bbox: [0, 0, 10, 9], score: 0.5 };
  near(bboxStats(gt, [a, b])[0]!, (3 * V + 6 * 0.5) / 10, 'IoU 0.6 first');
  near(bboxStats(gt, [b, a])[0]!, 9 * V / 10, 'IoU 0.9 first: a TP at every threshold up to 0.9');
});

test('maxDets: only the best 1 / 10 detections of an image count for AR1 / AR10', () => {
  const gt = dataset([{ img: 1, bbox: [0, 0, 10, 10] }, { img: 1, bbox: [50, 0, 10, 10] }]);
  const dets = Array.from({ length: 10 }, (_, i) => ({ img: 1, bbox: [100 + i * 10, 100, 5, 5], score: 0.9 - i * 0.01 }));
  dets.push({ img: 1, bbox: [0, 0, 10, 10], score: 0.5 }, { img: 1, bbox: [50, 0, 10, 10], score: 0.95 });
  const s = bboxStats(gt, dets);
  assert.equal([s[6], s[7], s[8]], [0.5, 0.5, 1], 'AR1 finds the 0.95 box, AR10 misses the 0.5 box (11th), AR100 both');
});

test('a ground truth with id 0 never counts as matched (pycocotools stores gt ids in dtMatches)', () => {
  const gt = dataset([{ img: 1, bbox: [0, 0, 10, 10], id: 0 }]);
  assert.is(bboxStats(gt, [{ img: 1, bbox: [0, 0, 10, 10], score: 0.9 }])[0], 0);
});

test('area ranges: ground truth and unmatched detections outside a range are ignored there', () => {
  // a 40x40 (medium) GT found by a 40x40 box; a 10x10 (small) false positive
  const gt = dataset([{ img: 1, bbox: [0, 0, 40, 40] }]);
  const s = bboxStats(gt, [{ img: 1, bbox: [100, 100, 10, 10], score: 0.9 }, { img: 1, bbox: [0, 0, 40, 40], score: 0.8 }]);
  assert.is(s[0], 0.5, 'all: FP then TP');
  assert.is(s[3], -1, 'small: no ground truth');
  near(s[4]!, V, 'medium: the small FP is ignored');
});

test('OKS: one labelled keypoint at distance sqrt(2 A (2 sigma)^2 ln 2) scores exp(-ln 2) = 0.5', () => {
  const A = 1000, s = COCO_KPT_OKS_SIGMAS[0]!, d = Math.sqrt(2 * A * (2 * s) ** 2 * Math.LN2);
  const g = new Array(51).fill(0); g[0] = 50; g[1] = 60; g[2] = 2;
  const dt = new Array(51).fill(0); dt[0] = 50 + d * 0.6; dt[1] = 60 + d * 0.8;
  const out = computeOks([dt], [{ keypoints: g, bbox: [40, 50, 20, 20], area: A }], COCO_KPT_OKS_SIGMAS, new Float64Array(1));
  assert.ok(Math.abs(out[0]! - 0.5) < 1e-12, `${out[0]}`);
  // no labelled keypoint: distance to the GT box grown by its size on each side ([20, 80] x [30, 90])
  const g0 = new Array(51).fill(0);
  const inside = new Array(51).fill(0).map((_, i) => (i % 3 === 0 ? 30 : i % 3 === 1 ? 40 : 1));
  const o2 = computeOks([inside], [{ keypoints: g0, bbox: [40, 50, 20, 20], area: A }], COCO_KPT_OKS_SIGMAS, new Float64Array(1));
  assert.is(o2[0], 1, 'every keypoint inside the grown box: distance 0');
});

test('keypoints eval: OKS 1 and OKS 0.72 detections -> AP (5 + 5*51v/101)/10, AR 0.75', () => {
  const A = 5000; // medium
  const kp = (x: number, y: number, vis: number[]): number[] => vis.flatMap((v, k) => [x + k, y + k, v]);
  const all = new Array(17).fill(2), noseOnly = [2, ...new Array(16).fill(0)];
  const gt = CocoDataset.parse({
    images: [{ id: 1, width: 640, height: 480 }],
    categories: [{ id: 1, name: 'person', keypoints: [] }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 50, 100], area: A, iscrowd: 0, num_keypoints: 17, keypoints: kp(20, 20, all) },
      { id: 2, image_id: 1, category_id: 1, bbox: [200, 10, 50, 100], area: A, iscrowd: 0, num_keypoints: 1, keypoints: kp(210, 20, noseOnly) },
    ],
  }, 'gt.json');
  const s0 = COCO_KPT_OKS_SIGMAS[0]!, d = Math.sqrt(-Math.log(0.72) * 2 * A * (2 * s0) ** 2);
  const res = [
    { image_id: 1, category_id: 1, score: 0.9, keypoints: kp(20, 20, new Array(17).fill(1)) },
    { image_id: 1, category_id: 1, score: 0.8, keypoints: kp(210 + d, 20, new Array(17).fill(1)) },
  ];
  const r = evaluateResults(gt, res, 'keypoints');
  // t <= 0.7: TP TP -> AP 1; t >= 0.75: TP FP -> precision v up to recall 0.5
  near(r.stats[0]!, (5 + 5 * 51 * V / 101) / 10, 'AP');
  assert.is(r.stats[1], 1, 'AP50');
  near(r.stats[2]!, 51 * V / 101, 'AP75');
  near(r.stats[3]!, r.stats[0]!, 'APm');
  assert.is(r.stats[4], -1, 'APl');
  assert.equal(r.stats.slice(5), [0.75, 1, 0.5, 0.75, -1]);
  assert.is(r.stats.length, 10);
});

test('loader errors name the file, the entry and the field', () => {
  const gt = dataset([{ img: 1, bbox: [0, 0, 10, 10] }]);
  assert.throws(() => gt.loadResults([{ image_id: 7, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }], 'res.json'),
    (e: unknown) => e instanceof InputError && /res\.json \[0\]: image_id 7 is not an image of gt\.json/.test((e as Error).message));
  assert.throws(() => gt.loadResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }, { image_id: 1, category_id: 1, bbox: [0, 0, 1], score: 1 }], 'res.json'),
    /res\.json \[1\]: 'bbox' must be \[x, y, w, h\], got \[0,0,1\]/);
  assert.throws(() => gt.loadResults([{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1] }], 'res.json'), /res\.json \[0\]: needs a numeric 'score', got undefined/);
  assert.throws(() => CocoDataset.parse({ images: [{ id: 1, width: 5, height: 5 }], annotations: [{ id: 3, image_id: 1, category_id: 1 }, { id: 3, image_id: 1, category_id: 1 }] }, 'a.json'),
    /a\.json annotations\[1\]: duplicate annotation id 3 \(also annotations\[0\]\)/);
  assert.throws(() => CocoDataset.parse([], 'r.json'), /r\.json: expected a COCO object .* got an array \(a results file\?\)/);
  const noArea = CocoDataset.parse({ images: [{ id: 1, width: 5, height: 5 }], categories: [{ id: 1, name: 'a' }], annotations: [{ id: 3, image_id: 1, category_id: 1, bbox: [0, 0, 1, 1] }] }, 'a.json');
  assert.throws(() => evaluateResults(noArea, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }], 'bbox'), /a\.json annotations\[0\] \(id 3\): needs a numeric 'area'/);
});

test('a broken mask is reported with its file, entry and field', () => {
  const gt = CocoDataset.parse({ images: [{ id: 1, width: 5, height: 5 }], categories: [{ id: 1, name: 'a' }],
    annotations: [{ id: 3, image_id: 1, category_id: 1, area: 4, segmentation: { size: [5, 5], counts: '5:X' } }] }, 'gt.json');
  assert.throws(() => evaluateResults(gt, [{ image_id: 1, category_id: 1, segmentation: { size: [5, 5], counts: '52' }, score: 1 }], 'segm'),
    /gt\.json annotations\[0\] segmentation\.counts: RLE string ends inside a count at char 3/);
  assert.throws(() => evaluateResults(gt, [{ image_id: 1, category_id: 1, segmentation: { size: [5], counts: '52' }, score: 1 }], 'segm', { file: 'r.json' }),
    /r\.json \[0\] segmentation\.size must be \[height, width\], got \[5\]/);
});

test('useCats = false: a detection of the wrong category still matches (proposal-style scoring)', () => {
  const gt = CocoDataset.parse({ images: [{ id: 1, width: 50, height: 50 }], categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 }] }, 'gt.json');
  const res = [{ image_id: 1, category_id: 2, bbox: [0, 0, 10, 10], score: 0.9 }];
  assert.is(evaluateResults(gt, res, 'bbox').stats[0], 0, 'with categories: a false positive');
  const ev = new CocoEval(gt, gt.loadResults(res), 'bbox');
  ev.params.useCats = false;
  ev.evaluate();
  ev.accumulate();
  near(ev.summarize()[0]!, V, 'without categories: a true positive');
  assert.equal(ev.result!.counts, [10, 101, 1, 4, 3]);
});

test('a polygon needs the image size', () => {
  const gt = CocoDataset.parse({ images: [{ id: 1 }], categories: [{ id: 1, name: 'a' }],
    annotations: [{ id: 3, image_id: 1, category_id: 1, area: 4, segmentation: [[0, 0, 2, 0, 2, 2]] }] }, 'gt.json');
  assert.throws(() => evaluateResults(gt, [{ image_id: 1, category_id: 1, segmentation: { size: [5, 5], counts: '52' }, score: 1 }], 'segm'),
    /gt\.json annotations\[0\] segmentation: a polygon needs its image's size, but image 1 of gt\.json has height undefined, width undefined/);
});

test('no results: every category with ground truth scores 0 (pycocotools cannot load an empty list)', () => {
  const r = evaluateResults(dataset([{ img: 1, bbox: [0, 0, 10, 10] }]), [], 'bbox');
  assert.equal(r.stats, [0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1]);
});

test('CocoEval params: iouThrs and recThrs are numpy linspace values (0.8999999999999999 included)', () => {
  const ev = new CocoEval(dataset([]), dataset([]), 'bbox');
  assert.equal(Array.from(ev.params.iouThrs), [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
  assert.is(ev.params.recThrs.length, 101);
  assert.is(ev.params.recThrs[50], 0.5);
  assert.is(ev.params.recThrs[100], 1);
});

test.run();
