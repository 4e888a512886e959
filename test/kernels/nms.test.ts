// NMS and soft-NMS: Caffe2's published vectors (generate_proposals_op_util_nms_test.cc: TestNMS,
// TestNMS1, TestSoftNMS and their rotated angle-0 twins), the ONNX NonMaxSuppression node tests
// mapped onto our kernel, pinned edge cases, and properties (fast == reference, greedy invariants).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/nms.js';
import * as ref from '../../kernels/reference/nms.js';
import { iouUpright, nmsScratch, type SoftNmsParams } from '../../kernels/nms.js';
import { rotatedIoU } from '../../kernels/boxes.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';
import { readNodeTest } from '../helpers/onnx_node_data.js';

const KERNELS = [['fast', fast], ['reference', ref]] as const;

/** Indices sorted by descending score, lower index first on ties. */
function sortedIndices(scores: ArrayLike<number>, stride = 1): number[] {
  const n = scores.length / stride;
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b * stride]! - scores[a * stride]! || a - b);
}

function runNms(k: typeof fast | typeof ref, boxes: Float32Array, dim: number, order: number[], thresh: number, topN = -1, legacy = true): number[] {
  const keep = new Int32Array(order.length);
  const n = k.nms(keep, boxes, dim, dim, order, order.length, thresh, topN, legacy, nmsScratch(order.length));
  return Array.from(keep.subarray(0, n));
}

/** Rows [x1, y1, x2, y2, score] -> upright boxes, rotated (ctr, w + 1, h + 1, angle 0) boxes, scores. */
function split(rows: number[]): { up: Float32Array; rot: Float32Array; scores: Float32Array } {
  const n = rows.length / 5, up = new Float32Array(4 * n), rot = new Float32Array(5 * n), scores = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2, s] = rows.slice(5 * i, 5 * i + 5) as [number, number, number, number, number];
    up.set([x1, y1, x2, y2], 4 * i);
    rot.set([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1 + 1, y2 - y1 + 1, 0], 5 * i);
    scores[i] = s;
  }
  return { up, rot, scores };
}

const TEST_NMS = split([10, 10, 50, 60, 0.5, 11, 12, 48, 60, 0.7, 8, 9, 40, 50, 0.6, 100, 100, 150, 140, 0.9, 99, 110, 155, 139, 0.8]);
const THRESH = [0.1, 0.3, 0.5, 0.8, 0.9].map(Math.fround);
const TEST_NMS_GT = [[3, 1], [3, 1], [3, 1], [3, 4, 1, 2], [3, 4, 1, 2, 0]];

test('TestNMS: keeps per threshold, with and without topN, upright (both legacy flags) and rotated angle 0', () => {
  const order = sortedIndices(TEST_NMS.scores);
  const topN = [1, 1, 2, 2, 3];
  for (const [name, k] of KERNELS) {
    THRESH.forEach((t, i) => {
      assert.equal(runNms(k, TEST_NMS.up, 4, order, t), TEST_NMS_GT[i], `${name} upright ${t}`);
      assert.equal(runNms(k, TEST_NMS.up, 4, order, t, -1, false), TEST_NMS_GT[i], `${name} upright no +1 ${t}`);
      assert.equal(runNms(k, TEST_NMS.rot, 5, order, t), TEST_NMS_GT[i], `${name} rotated ${t}`);
      assert.equal(runNms(k, TEST_NMS.up, 4, order, t, topN[i]), TEST_NMS_GT[i]!.slice(0, topN[i]), `${name} topN ${t}`);
      assert.equal(runNms(k, TEST_NMS.rot, 5, order, t, topN[i]), TEST_NMS_GT[i]!.slice(0, topN[i]), `${name} rotated topN ${t}`);
    });
  }
});

const NMS1_BOXES = Float32Array.from([350.9821, 161.8200, 369.9685, 205.2372, 250.5236, 154.2844, 274.1773, 204.9810, 471.4920,
  160.4118, 496.0094, 213.4244, 352.0421, 164.5933, 366.4458, 205.9624, 166.0765, 169.7707, 183.0102, 232.6606, 252.3000,
  183.1449, 269.6541, 210.6747, 469.7862, 162.0192, 482.1673, 187.0053, 168.4862, 174.2567, 181.7437, 232.9379, 470.3290,
  162.3442, 496.4272, 214.6296, 251.0450, 155.5911, 272.2693, 203.3675, 252.0326, 154.7950, 273.7404, 195.3671, 351.7479,
  161.9567, 370.6432, 204.3047, 496.3306, 161.7157, 515.0573, 210.7200, 471.0749, 162.6143, 485.3374, 207.3448, 250.9745,
  160.7633, 264.1924, 206.8350, 470.4792, 169.0351, 487.1934, 220.2984, 474.4227, 161.9546, 513.1018, 215.5193, 251.9428,
  184.1950, 262.6937, 207.6416, 252.6623, 175.0252, 269.8806, 213.7584, 260.9884, 157.0351, 288.3554, 206.6027, 251.3629,
  164.5101, 263.2179, 202.4203, 471.8361, 190.8142, 485.6812, 220.8586, 248.6243, 156.9628, 264.3355, 199.2767, 495.1643,
  158.0483, 512.6261, 184.4192, 376.8718, 168.0144, 387.3584, 201.3210, 122.9191, 160.7433, 172.5612, 231.3837, 350.3857,
  175.8806, 366.2500, 205.4329, 115.2958, 162.7822, 161.9776, 229.6147, 168.4375, 177.4041, 180.8028, 232.4551, 169.7939,
  184.4330, 181.4767, 232.1220, 347.7536, 175.9356, 355.8637, 197.5586, 495.5434, 164.6059, 516.4031, 207.7053, 172.1216,
  194.6033, 183.1217, 235.2653, 264.2654, 181.5540, 288.4626, 214.0170, 111.7971, 183.7748, 137.3745, 225.9724, 253.4919,
  186.3945, 280.8694, 210.0731, 165.5334, 169.7344, 185.9159, 232.8514, 348.3662, 184.5187, 354.9081, 201.4038, 164.6562,
  162.5724, 186.3108, 233.5010, 113.2999, 186.8410, 135.8841, 219.7642, 117.0282, 179.8009, 142.5375, 221.0736, 462.1312,
  161.1004, 495.3576, 217.2208, 462.5800, 159.9310, 501.2937, 224.1655, 503.5242, 170.0733, 518.3792, 209.0113, 250.3658,
  195.5925, 260.6523, 212.4679, 108.8287, 163.6994, 146.3642, 229.7261, 256.7617, 187.3123, 288.8407, 211.2013, 161.2781,
  167.4801, 186.3751, 232.7133, 115.3760, 177.5859, 163.3512, 236.9660, 248.9077, 188.0919, 264.8579, 207.9718, 108.1349,
  160.7851, 143.6370, 229.6243, 465.0900, 156.7555, 490.3561, 213.5704, 107.5338, 173.4323, 141.0704, 235.2910]);
const NMS1_SCORES = Float32Array.from([0.1919, 0.3293, 0.0860, 0.1600, 0.1885, 0.4297, 0.0974, 0.2711, 0.1483, 0.1173, 0.1034,
  0.2915, 0.1993, 0.0677, 0.3217, 0.0966, 0.0526, 0.5675, 0.3130, 0.1592, 0.1353, 0.0634, 0.1557, 0.1512, 0.0699, 0.0545, 0.2692,
  0.1143, 0.0572, 0.1990, 0.0558, 0.1500, 0.2214, 0.1878, 0.2501, 0.1343, 0.0809, 0.1266, 0.0743, 0.0896, 0.0781, 0.0983, 0.0557,
  0.0623, 0.5808, 0.3090, 0.1050, 0.0524, 0.0513, 0.4501, 0.4167, 0.0623, 0.1749]);

test('TestNMS1: 53 real boxes at 0.5 keep the published set', () => {
  const gt = [1, 6, 7, 8, 11, 12, 13, 14, 17, 18, 19, 21, 23, 24, 25, 26, 30, 32, 33, 34, 35, 37, 43, 44, 47, 50];
  for (const [name, k] of KERNELS) {
    const got = runNms(k, NMS1_BOXES, 4, sortedIndices(NMS1_SCORES), Math.fround(0.5)).sort((a, b) => a - b);
    assert.equal(got, gt, name);
  }
});

const SOFT = split([5.18349426e+02, 1.77783920e+02, 9.06085266e+02, 2.59163239e+02, 8.17906916e-01, 2.11392624e+02,
  1.76144958e+02, 6.14215149e+02, 2.48934662e+02, 9.52467501e-01, 4.65724518e+02, 1.83594269e+02, 9.39000000e+02,
  2.55136627e+02, 6.73921347e-01, 6.07164246e+02, 2.60230377e+02, 8.32768127e+02, 3.39919891e+02, 9.99834776e-01,
  3.23936859e+02, 3.43427063e+02, 6.20561157e+02, 3.98286072e+02, 9.99737203e-01]);
const SOFT_GT = [
  [7.13657320e-01, 9.52467501e-01, 1.44501388e-01, 9.99834776e-01, 9.99737203e-01],
  [8.17906916e-01, 9.52467501e-01, 1.76800430e-01, 9.99834776e-01, 9.99737203e-01],
  [7.91758895e-01, 9.52467501e-01, 2.12320581e-01, 9.99834776e-01, 9.99737203e-01],
  [7.91758895e-01, 9.52467501e-01, 2.12320581e-01, 9.99834776e-01, 9.99737203e-01],
];

test('TestSoftNMS: linear/gaussian at 0.1/0.3, keep order, topN, pre-filtered indices, high score_thresh', () => {
  const methods = [1, 1, 2, 2], overlaps = [0.1, 0.3, 0.1, 0.3].map(Math.fround);
  const all = [0, 1, 2, 3, 4];
  for (const [name, k] of KERNELS) {
    for (const [boxes, dim] of [[SOFT.up, 4], [SOFT.rot, 5]] as const) {
      methods.forEach((method, c) => {
        const run = (indices: number[], scoreThresh: number, topN: number): { keep: number[]; scores: Float32Array } => {
          const keep = new Int32Array(5), out = new Float32Array(5);
          const sp: SoftNmsParams = { sigma: 0.5, overlapThresh: overlaps[c]!, scoreThresh: Math.fround(scoreThresh), method, topN, legacyPlusOne: true };
          const n = k.softNms(keep, out, 1, boxes, dim, dim, SOFT.scores, 1, 5, indices, indices.length, sp, nmsScratch(5));
          return { keep: Array.from(keep.subarray(0, n)), scores: out };
        };
        const label = `${name} dim ${dim} method ${method} overlap ${overlaps[c]}`;
        const r = run(all, 0.0001, -1);
        assert.equal(r.keep, [3, 4, 1, 0, 2], label);
        r.scores.forEach((v, i) => assert.ok(Math.abs(v - SOFT_GT[c]![i]!) < 1e-6, `${label} score ${i}: ${v}`));
        for (let topN = 1; topN <= 3; topN++) assert.equal(run(all, 0.0001, topN).keep, [3, 4, 1, 0, 2].slice(0, topN), `${label} topN ${topN}`);
        const high = [1, 3, 4];
        const f = run(high, 0.0001, -1);
        assert.equal(f.keep.sort(), high, `${label} filtered`);
        high.forEach((i) => assert.ok(Math.abs(f.scores[i]! - SOFT_GT[c]![i]!) < 1e-6));
        const t = run(all, 0.9, -1);
        assert.equal(t.keep.sort(), SOFT_GT[c]!.flatMap((v, i) => (v >= Math.fround(0.9) ? [i] : [])), `${label} score_thresh 0.9`);
      });
    }
  }
});

test('pinned: IoU exactly at the threshold keeps; a NaN IoU (identical zero-area boxes, no +1) suppresses', () => {
  // two identical 10x10 boxes: IoU 1 <= 1 keeps both
  const same = Float32Array.of(0, 0, 10, 10, 0, 0, 10, 10);
  // two identical zero-area boxes: 0 / (0 + 0 - 0) = NaN, which fails `IoU <= thresh`
  const flat = Float32Array.of(5, 5, 5, 9, 5, 5, 5, 9);
  for (const [name, k] of KERNELS) {
    assert.equal(runNms(k, same, 4, [0, 1], 1, -1, false), [0, 1], name);
    assert.equal(runNms(k, flat, 4, [0, 1], 1, -1, false), [0], name);
    // with +1 the same boxes have area 10 and IoU 1: kept at threshold 1
    assert.equal(runNms(k, flat, 4, [0, 1], 1, -1, true), [0, 1], name);
  }
  assert.ok(Number.isNaN(iouUpright(flat, 0, 4, 0)));
});

test('pinned: candidates are visited in the given order, never re-sorted', () => {
  // box 1 overlaps both others; visiting it first suppresses them
  const boxes = Float32Array.of(0, 0, 10, 10, 5, 0, 15, 10, 10, 0, 20, 10);
  assert.equal(runNms(fast, boxes, 4, [0, 1, 2], 0.3, -1, false), [0, 2]);
  assert.equal(runNms(fast, boxes, 4, [1, 0, 2], 0.3, -1, false), [1]);
});

// ----------------------------------------------------------------- ONNX node tests

const ONNX_NMS = ['center_point_box_format', 'flipped_coordinates', 'identical_boxes', 'iou_threshold_boundary',
  'limit_output_size', 'single_box', 'suppress_by_IOU', 'suppress_by_IOU_and_scores', 'two_batches', 'two_classes'];

test('ONNX NonMaxSuppression node tests through our NMS (corners normalised, score > threshold, no +1)', () => {
  let ran = 0;
  for (const name of ONNX_NMS) {
    const t = readNodeTest(`nonmaxsuppression_${name}`);
    if (!t) continue;
    ran++;
    const [boxesT, scoresT, maxT, iouT, scoreT] = t.inputs;
    const [B, S] = boxesT!.shape as [number, number];
    const C = scoresT!.shape[1]!;
    const maxOut = maxT ? maxT.get(0) : 0, iou = iouT ? iouT.get(0) : 0, sthr = scoreT ? scoreT.get(0) : -Infinity;
    const center = t.attrs['center_point_box'] === 1;
    const got: number[] = [];
    for (let b = 0; b < B; b++) {
      const xyxy = new Float32Array(4 * S);
      for (let i = 0; i < S; i++) {
        const v = Array.from({ length: 4 }, (_, j) => boxesT!.get((b * S + i) * 4 + j));
        // ONNX boxes are [y1, x1, y2, x2] with corners in any order, or [xc, yc, w, h]
        if (center) xyxy.set([v[0]! - v[2]! / 2, v[1]! - v[3]! / 2, v[0]! + v[2]! / 2, v[1]! + v[3]! / 2], 4 * i);
        else xyxy.set([Math.min(v[1]!, v[3]!), Math.min(v[0]!, v[2]!), Math.max(v[1]!, v[3]!), Math.max(v[0]!, v[2]!)], 4 * i);
      }
      for (let c = 0; c < C; c++) {
        const sc = Array.from({ length: S }, (_, i) => scoresT!.get((b * C + c) * S + i));
        const order = sortedIndices(sc).filter((i) => sc[i]! > sthr);
        for (const i of runNms(fast, xyxy, 4, order, Math.fround(iou), maxOut, false)) got.push(b, c, i);
      }
    }
    assert.equal(got, t.outputs[0]!.toNumbers(), name);
  }
  assert.ok(ran === 0 || ran === ONNX_NMS.length, `ran ${ran} of ${ONNX_NMS.length}`);
});

// ----------------------------------------------------------------- properties

function randomCandidates(n: number, s: number, dim: 4 | 5, degenerate: boolean): { boxes: Float32Array; scores: Float32Array } {
  const r = seededFloats(n * 6, s, 0, 1), boxes = new Float32Array(n * dim);
  const scores = seededFloats(n, s + 3, 0, 1).map((v) => Math.round(v * 8) / 8); // many ties
  for (let i = 0; i < n; i++) {
    const x = r[6 * i]! * 60, y = r[6 * i + 1]! * 60;
    const w = degenerate && r[6 * i + 5]! < 0.3 ? 0 : r[6 * i + 2]! * 30, h = r[6 * i + 3]! * 30;
    if (dim === 4) boxes.set([x, y, x + w, y + h], 4 * i);
    else boxes.set([x, y, w + 1, h + 1, (r[6 * i + 4]! - 0.5) * 180], 5 * i);
  }
  return { boxes, scores };
}

test('property: NMS fast == reference; kept boxes in order, pairwise IoU <= thresh, every dropped box overlaps a kept one', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), seed, fc.constantFrom(4, 5) as fc.Arbitrary<4 | 5>,
    fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.integer({ min: -1, max: 10 }), (n, s, dim, th, legacy, topN) => {
      const { boxes, scores } = randomCandidates(n, s, dim, true);
      const thresh = Math.fround(th), order = sortedIndices(scores);
      const a = runNms(fast, boxes, dim, order, thresh, topN, legacy), b = runNms(ref, boxes, dim, order, thresh, topN, legacy);
      assert.equal(a, b);
      if (topN >= 0) assert.ok(a.length <= topN);
      const pos = a.map((i) => order.indexOf(i));
      for (let i = 1; i < pos.length; i++) assert.ok(pos[i]! > pos[i - 1]!, 'kept in visiting order');
      const iou = (i: number, j: number): number => (dim === 5 ? rotatedIoU(boxes, 5 * i, boxes, 5 * j) : iouUpright(boxes, 4 * i, 4 * j, legacy ? 1 : 0));
      for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) assert.ok(iou(a[i]!, a[j]!) <= thresh, 'kept pair above threshold');
      if (topN < 0) {
        for (const j of order) {
          if (a.includes(j)) continue;
          assert.ok(a.some((i) => order.indexOf(i) < order.indexOf(j) && !(iou(i, j) <= thresh)), `box ${j} dropped without cause`);
        }
      }
    }), PROP);
});

test('property: NMS fast == reference with malformed, zero-area, touching and non-finite boxes, any threshold', () => {
  const special = [0, -0, 1, -1, 10, 10.5, 1e-30, 2 ** -25, -1 + 2 ** -25, 1e30, Infinity, -Infinity, NaN];
  fc.assert(fc.property(fc.array(fc.tuple(...[0, 1, 2, 3].map(() => fc.oneof(fc.constantFrom(...special), fc.integer({ min: -3, max: 12 })))), { maxLength: 24 }),
    fc.constantFrom(-0.5, 0, 0.3, 0.7, 1, NaN), fc.boolean(), fc.integer({ min: -1, max: 8 }), (rows, th, legacy, topN) => {
      const boxes = Float32Array.from(rows.flat() as number[]);
      const order = rows.map((_, i) => i);
      assert.equal(runNms(fast, boxes, 4, order, Math.fround(th), topN, legacy), runNms(ref, boxes, 4, order, Math.fround(th), topN, legacy));
    }), { numRuns: 500 });
});

test('property: soft-NMS fast == reference (scores and keeps), all methods, upright and rotated', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 30 }), seed, fc.constantFrom(4, 5) as fc.Arbitrary<4 | 5>, fc.constantFrom(0, 1, 2),
    fc.boolean(), fc.integer({ min: -1, max: 6 }), (n, s, dim, method, legacy, topN) => {
      const { boxes, scores } = randomCandidates(n, s, dim, false);
      const sp: SoftNmsParams = { sigma: 0.5, overlapThresh: Math.fround(0.3), scoreThresh: Math.fround(0.05), method, topN, legacyPlusOne: legacy };
      const indices = sortedIndices(scores).filter((i) => scores[i]! > 0.1);
      const k1 = new Int32Array(n), k2 = new Int32Array(n), o1 = new Float32Array(n), o2 = new Float32Array(n);
      const n1 = fast.softNms(k1, o1, 1, boxes, dim, dim, scores, 1, n, indices, indices.length, sp, nmsScratch(n));
      const n2 = ref.softNms(k2, o2, 1, boxes, dim, dim, scores, 1, n, indices, indices.length, sp);
      assert.equal(k1.subarray(0, n1), k2.subarray(0, n2));
      assert.equal(o1, o2);
      for (let i = 0; i < n; i++) assert.ok(o1[i]! <= scores[i]!, 'soft-NMS never raises a score');
    }), PROP);
});

test.run();
