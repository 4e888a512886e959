// BoxWithNMSLimit: Caffe2's deterministic Python cases (box_with_nms_limit_op_test.py: test_simple,
// test_score_thresh, test_detections_per_im, test_multiclass with every flag combination, the
// equal-score cases with our tie order), TestSoftNMS's vector through the op, pinned
// behaviours (class-major order, legacy_plus_one default, NaN IoU, keeps, batch_splits), errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Tensor } from '../../src/core/tensor.js';
import { runOp, type JsonArg } from '../helpers/net.js';
import { F, I, inferOp, info } from './detection_helpers.js';

/** gen_multiple_boxes: `count` identical 10x10 boxes per center, tiled over `classes` columns. */
function gen(centers: [number, number][], scores: number[], count: number, classes: number): { boxes: Tensor; scores: Tensor; n: number } {
  const b: number[] = [], s: number[] = [];
  centers.forEach(([x, y], c) => {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < classes; k++) b.push(x - 5, y - 5, x + 5, y + 5);
      for (let k = 0; k < classes; k++) s.push(scores[c]!);
    }
  });
  const n = centers.length * count;
  return { boxes: F([n, 4 * classes], b), scores: F([n, classes], s), n };
}

const box = ([x, y]: [number, number]): number[] => [x - 5, y - 5, x + 5, y + 5];
const arr = (t: Tensor): number[] => Array.from(t.data as Float32Array);
const close = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-4 + 1e-4 * Math.abs(b[i]!));
const C3: [number, number][] = [[0, 0], [20, 20], [50, 50]];

function check(outs: Tensor[], scores: number[], boxes: number[], classes: number[], label = ''): void {
  assert.ok(close(arr(outs[0]!), scores), `${label} scores ${arr(outs[0]!)} vs ${scores}`);
  assert.equal(outs[1]!.shape, [scores.length, 4], label);
  assert.ok(close(arr(outs[1]!), boxes), `${label} boxes ${arr(outs[1]!)} vs ${boxes}`);
  assert.equal(arr(outs[2]!), classes, label);
}

test('test_simple: 10 copies per center, 2 classes, score_thresh 0.5, nms 0.9 -> one box per center', () => {
  const g = gen(C3, [0.9, 0.8, 0.6], 10, 2);
  const out = runOp('BoxWithNMSLimit', { score_thresh: 0.5, nms: 0.9 }, [g.scores, g.boxes], 3);
  check(out, [0.9, 0.8, 0.6], C3.flatMap(box), [1, 1, 1]);
});

test('test_score_thresh: only the 0.85 center passes 0.8', () => {
  const g = gen(C3, [0.7, 0.85, 0.6], 10, 2);
  check(runOp('BoxWithNMSLimit', { score_thresh: 0.8, nms: 0.9 }, [g.scores, g.boxes], 3), [0.85], box([20, 20]), [1]);
});

test('test_detections_per_im: 1..3 keep the best by score', () => {
  const g = gen(C3, [0.7, 0.85, 0.6], 10, 2);
  const gt: [number, number][] = [[20, 20], [0, 0], [50, 50]], gs = [0.85, 0.7, 0.6];
  for (let d = 1; d <= 3; d++) {
    const out = runOp('BoxWithNMSLimit', { score_thresh: 0.5, nms: 0.9, detections_per_im: d }, [g.scores, g.boxes], 3);
    check(out, gs.slice(0, d), gt.slice(0, d).flatMap(box), new Array(d).fill(1), `d=${d}`);
  }
});

test('test_multiclass: 2..10 classes x cls_agnostic x input bg x output bg, class-major output', () => {
  for (let C = 2; C <= 10; C++) {
    for (const agnostic of [false, true]) {
      for (const inBg of [false, true]) {
        for (const outBg of [false, true]) {
          const g = gen(C3, [0.7, 0.85, 0.6], 10, C);
          let cols = 4 * C, from = 0;
          if (!inBg) { from = 4; cols -= 4; }
          if (agnostic) cols = 4;
          const b = g.boxes.data as Float32Array, boxes = new Float32Array(g.n * cols);
          for (let r = 0; r < g.n; r++) boxes.set(b.subarray(r * 4 * C + from, r * 4 * C + from + cols), r * cols);
          const args = { score_thresh: 0.5, nms: 0.9, detections_per_im: 100, cls_agnostic_bbox_reg: agnostic, input_boxes_include_bg_cls: inBg, output_classes_include_bg_cls: outBg };
          const out = runOp('BoxWithNMSLimit', args, [g.scores, F([g.n, cols], boxes)], 3);
          const classes = Array.from({ length: C - 1 }, (_, j) => new Array(3).fill(j + 1 - (outBg ? 0 : 1))).flat();
          const order: [number, number][] = [[20, 20], [0, 0], [50, 50]];
          check(out, new Array(C - 1).fill([0.85, 0.7, 0.6]).flat(), new Array(C - 1).fill(order.flatMap(box)).flat(), classes,
            `C=${C} agnostic=${agnostic} inBg=${inBg} outBg=${outBg}`);
        }
      }
    }
  }
});

test('equal scores (test_detections_per_im_same_thresh[_multiclass]): lower rows win ties, deterministically', () => {
  const g = gen(C3, [0.7, 0.7, 0.7], 10, 2);
  for (let d = 1; d <= 3; d++) {
    const out = runOp('BoxWithNMSLimit', { score_thresh: 0.5, nms: 0.9, detections_per_im: d }, [g.scores, g.boxes], 3);
    check(out, new Array(d).fill(0.7), C3.slice(0, d).flatMap(box), new Array(d).fill(1), `d=${d}`);
  }
  for (let C = 2; C <= 10; C++) {
    const m = gen(C3, [0.6, 0.7, 0.7], 10, C);
    const out = runOp('BoxWithNMSLimit', { score_thresh: 0.5, nms: 0.9, detections_per_im: 1 }, [m.scores, m.boxes], 3);
    // every class keeps (20, 20) at 0.7; the stable global sort picks class 1's
    check(out, [0.7], box([20, 20]), [1], `C=${C}`);
  }
});

test('TestSoftNMS through the op: linear and gaussian decayed scores in keep order', () => {
  const rows = [[518.349426, 177.783920, 906.085266, 259.163239, 0.817906916], [211.392624, 176.144958, 614.215149, 248.934662, 0.952467501],
    [465.724518, 183.594269, 939.0, 255.136627, 0.673921347], [607.164246, 260.230377, 832.768127, 339.919891, 0.999834776],
    [323.936859, 343.427063, 620.561157, 398.286072, 0.999737203]];
  const boxes = F([5, 8], rows.flatMap((r) => [0, 0, 0, 0, r[0]!, r[1]!, r[2]!, r[3]!]));
  const scores = F([5, 2], rows.flatMap((r) => [0, r[4]!]));
  const gt: Record<string, number[]> = {
    linear: [8.17906916e-01, 9.52467501e-01, 1.76800430e-01, 9.99834776e-01, 9.99737203e-01],
    gaussian: [7.91758895e-01, 9.52467501e-01, 2.12320581e-01, 9.99834776e-01, 9.99737203e-01],
  };
  for (const method of ['linear', 'gaussian']) {
    const out = runOp('BoxWithNMSLimit', { score_thresh: 0, nms: 0.3, soft_nms_enabled: 1, soft_nms_method: method, soft_nms_min_score_thres: 0.0001 },
      [scores, boxes], 6);
    const keep = [3, 4, 1, 0, 2];
    assert.equal(Array.from(out[4]!.data as Int32Array), keep, method);
    assert.ok(close(arr(out[0]!), keep.map((i) => gt[method]![i]!)), `${method} ${arr(out[0]!)}`);
    assert.equal(arr(out[1]!), keep.flatMap((i) => rows[i]!.slice(0, 4).map(Math.fround)));
  }
});

test('pinned: output is class-major, not sorted by score', () => {
  // class 2 scores higher than class 1 on different boxes
  const out = runOp('BoxWithNMSLimit', { score_thresh: 0.1, nms: 0.5, legacy_plus_one: 0 },
    [F([2, 3], [0, 0.3, 0.9, 0, 0.6, 0.2]), F([2, 12], [0, 0, 0, 0, 0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 0, 0, 20, 20, 30, 30, 20, 20, 30, 30])], 3);
  assert.equal(arr(out[0]!).map((v) => +v.toFixed(4)), [0.6, 0.3, 0.9, 0.2]);
  assert.equal(arr(out[2]!), [1, 1, 2, 2]);
});

test('pinned: legacy_plus_one defaults to true (IoU 0.909 with +1 vs 0.9 without at nms 0.905)', () => {
  const ins = [F([2, 2], [0, 0.9, 0, 0.8]), F([2, 8], [0, 0, 0, 0, 0, 0, 10, 10, 0, 0, 0, 0, 0, 0, 10, 9])];
  assert.is(runOp('BoxWithNMSLimit', { nms: 0.905 }, ins, 3)[0]!.size, 1);
  assert.is(runOp('BoxWithNMSLimit', { nms: 0.905, legacy_plus_one: 1 }, ins, 3)[0]!.size, 1);
  assert.is(runOp('BoxWithNMSLimit', { nms: 0.905, legacy_plus_one: 0 }, ins, 3)[0]!.size, 2);
});

test('pinned: without +1, identical zero-area boxes give a NaN IoU, which suppresses even at nms 1', () => {
  const ins = [F([2, 2], [0, 0.9, 0, 0.8]), F([2, 8], [0, 0, 0, 0, 5, 5, 5, 9, 0, 0, 0, 0, 5, 5, 5, 9])];
  assert.is(runOp('BoxWithNMSLimit', { nms: 1, legacy_plus_one: 0 }, ins, 3)[0]!.size, 1);
});

test('batch_splits (int32 and float): per-image NMS and cap, keeps relative to the image, keeps_size per class', () => {
  // image 0: rows 0-2, image 1: rows 3-4; 3 score columns (bg + 2 classes)
  const scores = F([5, 3], [0, 0.9, 0.1, 0, 0.8, 0.7, 0, 0.2, 0.6, 0, 0.95, 0.3, 0, 0.5, 0.9]);
  const b = [[0, 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30], [0, 0, 10, 10], [40, 40, 50, 50]];
  const boxes = F([5, 12], b.flatMap((r) => [...r, ...r, ...r]));
  for (const splits of [I([2], [3, 2]), F([2], [3, 2])]) {
    const out = runOp('BoxWithNMSLimit', { score_thresh: 0.15, nms: 0.5, detections_per_im: 2, legacy_plus_one: 0 }, [scores, boxes, splits], 6);
    // image 0: class 1 keeps row 0 (0.9; row 1 overlaps), row 2 (0.2); class 2 keeps row 1 (0.7), row 2 (0.6) -> cap 2: 0.9, 0.7
    // image 1: class 1 rows 3 (0.95), 4 (0.5); class 2 rows 4 (0.9), 3 (0.3) -> cap 2: 0.95, 0.9
    assert.equal(arr(out[0]!).map((v) => +v.toFixed(4)), [0.9, 0.7, 0.95, 0.9]);
    assert.equal(arr(out[2]!), [1, 2, 1, 2]);
    assert.equal(arr(out[3]!), [2, 2]);
    assert.equal(Array.from(out[4]!.data as Int32Array), [0, 1, 0, 1]);
    assert.equal(out[5]!.shape, [2, 3]);
    assert.equal(Array.from(out[5]!.data as Int32Array), [0, 1, 1, 0, 1, 1]);
    assert.equal(arr(out[1]!), [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 40, 40, 50, 50]);
  }
});

test('empty input and plan-time bounds', () => {
  const out = runOp('BoxWithNMSLimit', {}, [F([0, 3], []), F([0, 12], []), F([1], [0])], 6);
  assert.equal(out.map((t) => t.shape), [[0], [0, 4], [0], [1], [0], [1, 3]]);
  const inf = inferOp('BoxWithNMSLimit', { detections_per_im: 50 }, [info([-1, 81]), info([-1, 324]), info([2])], 4);
  assert.equal(inf[1], { dtype: 'float32', shape: [-1, 4], max: [100, 4] });
  assert.equal(inf[3], { dtype: 'float32', shape: [2] });
});

const ERRORS: [string, Record<string, JsonArg>, Tensor[], number, string][] = [
  ['5 outputs', {}, [F([1, 2], [0, 1]), F([1, 8], new Array(8).fill(0))], 5, "'keeps' (output 4) needs 'keeps_size' (output 5): give 3, 4 or 6 outputs"],
  ['soft_nms_method', { soft_nms_method: 'hard' }, [F([1, 2], [0, 1]), F([1, 8], new Array(8).fill(0))], 3, `arg 'soft_nms_method': value "hard" is not allowed`],
  ['box columns', {}, [F([1, 3], [0, 1, 1]), F([1, 8], new Array(8).fill(0))], 3,
    "input 'boxes' must have 12 columns for 3 score columns (one box per class incl. background, 4 per box), got [1, 8]"],
  ['rows', {}, [F([2, 2], [0, 1, 0, 1]), F([1, 8], new Array(8).fill(0))], 3, "input 'boxes' [1, 8] must have as many rows as input 'scores' [2, 2]"],
  ['3-D scores', {}, [F([1, 2, 2], [0, 1, 0, 1]), F([1, 8], new Array(8).fill(0))], 3, "input 'scores' must be [count, C] or [count, C, 1, 1], got [1, 2, 2]"],
  ['splits sum', {}, [F([2, 2], [0, 1, 0, 1]), F([2, 8], new Array(16).fill(0)), I([2], [1, 2])], 3,
    "input 'batch_splits' [1, 2] must be counts summing to 2 (the rows of input 'scores'), got 3"],
];

test('errors name the input or arg and the expected form', () => {
  for (const [name, args, ins, nOut, msg] of ERRORS) {
    let got = '';
    try { runOp('BoxWithNMSLimit', args, ins, nOut); } catch (e) { got = (e as Error).message; }
    assert.ok(got.includes(msg), `${name}: ${got}`);
  }
});

test.run();
