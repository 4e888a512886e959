// Box utilities: Caffe2's published ground truth (generate_proposals_op_util_boxes_test.cc,
// RotatedBBoxOverlaps in generate_proposals_op_util_nms_test.cc), then fast == reference.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/boxes.js';
import * as ref from '../../kernels/reference/boxes.js';
import { BBOX_XFORM_CLIP, type BoxCoder } from '../../kernels/boxes.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';

const coder = (o: Partial<BoxCoder> = {}): BoxCoder => ({
  weights: [1, 1, 1, 1], clip: BBOX_XFORM_CLIP, legacyPlusOne: true, angleBoundOn: true, angleBoundLo: -90, angleBoundHi: 90, ...o,
});

/** Frobenius norm of a - b, as the C++ tests' EXPECT_NEAR((result - gt).norm(), 0, tol). */
function normDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

const F = (...v: number[]): Float32Array => Float32Array.from(v);

const BBOX = F(175.62031555, 20.91103172, 253.352005, 155.0145874, 169.24636841, 4.85241556, 228.8605957, 105.02092743,
  181.77426147, 199.82876587, 192.88427734, 214.0255127, 174.36262512, 186.75761414, 296.19091797, 231.27906799,
  22.73153877, 92.02596283, 135.5695343, 208.80291748);
const DELTAS = F(0.47861834, 0.13992102, 0.14961673, 0.71495209, 0.29915856, -0.35664671, 0.89018666, 0.70815367,
  -0.03852064, 0.44466892, 0.49492538, 0.71409376, 0.28052918, 0.02184832, 0.65289006, 1.05060139, -0.38172557,
  -0.08533806, -0.60335309, 0.79052375);

test('TestBboxTransformRandom: 5 boxes, legacy_plus_one, within 1e-4 (norm)', () => {
  const gt = [206.949539, -30.715202, 297.387665, 244.448486, 143.871216, -83.342888, 290.502289, 121.053398, 177.430283,
    198.666245, 196.295273, 228.703079, 152.251892, 145.431564, 387.215454, 274.594238, 5.062420, 11.040955, 66.328903, 269.686218];
  for (const k of [fast, ref]) {
    const out = new Float32Array(20);
    k.decodeUpright(out, 4, BBOX, 4, DELTAS, 4, 5, coder());
    assert.ok(normDiff(out, gt) < 1e-4, `norm ${normDiff(out, gt)}`);
  }
});

const RBOX = F(214.986, 88.4628, 78.7317, 135.104, 0.0, 199.553, 55.4367, 60.6142, 101.169, 45.0, 187.829, 207.427, 12.11,
  15.1967, 90.0, 235.777, 209.518, 122.828, 45.5215, -60.0, 79.6505, 150.914, 113.838, 117.777, 170.5);
const RDELTAS = F(0.47861834, 0.13992102, 0.14961673, 0.71495209, 0.0, 0.29915856, -0.35664671, 0.89018666, 0.70815367,
  0.174533, -0.03852064, 0.44466892, 0.49492538, 0.71409376, 0.174533, 0.28052918, 0.02184832, 0.65289006, 1.05060139,
  0.174533, -0.38172557, -0.08533806, -0.60335309, 0.79052375, 0.174533);

test('TestBboxTransformRotated: angle +10 degrees, no angle bound, within 1e-2 (norm)', () => {
  const gt = [252.668, 107.367, 91.4381, 276.165, 0.0, 217.686, 19.3551, 147.631, 205.397, 55.0, 187.363, 214.185, 19.865,
    31.0368, 100.0, 270.234, 210.513, 235.963, 130.163, -50.0, 36.1956, 140.863, 62.2665, 259.645, 180.5];
  for (const k of [fast, ref]) {
    const out = new Float32Array(25);
    k.decodeRotated(out, 5, RBOX, 5, RDELTAS, 5, 5, coder({ angleBoundOn: false }));
    assert.ok(normDiff(out, gt) < 1e-2, `norm ${normDiff(out, gt)}`);
  }
});

test('TestBboxTransformRotatedNormalized: angles brought into [-90, 90] once', () => {
  const gt = [252.668, 107.367, 91.4381, 276.165, 0.0, 217.686, 19.3551, 147.631, 205.397, 55.0, 187.363, 214.185, 19.865,
    31.0368, -80.0, 270.234, 210.513, 235.963, 130.163, -50.0, 36.1956, 140.863, 62.2665, 259.645, 0.5];
  for (const k of [fast, ref]) {
    const out = new Float32Array(25);
    k.decodeRotated(out, 5, RBOX, 5, RDELTAS, 5, 5, coder());
    assert.ok(normDiff(out, gt) < 1e-2, `norm ${normDiff(out, gt)}`);
  }
});

test('TestClipRotatedBoxes: 800x600, thresh -1 clips nothing, thresh 1 clips the nearly upright', () => {
  const boxes = F(20, 20, 200, 150, 0, 20, 20, 200, 150, 0.5, 20, 20, 200, 150, 30, 300, 300, 200, 150, 30, 579, 779, 200, 150, -0.5);
  const gt = [59.75, 47.25, 120.5, 95.5, 0, 59.75, 47.25, 120.5, 95.5, 0.5, 20, 20, 200, 150, 30, 300, 300, 200, 150, 30,
    539.25, 751.75, 120.5, 95.5, -0.5];
  for (const k of [fast, ref]) {
    const a = boxes.slice();
    k.clipRotated(a, 5, 5, 800, 600, -1, true);
    assert.ok(normDiff(a, boxes) < 1e-4);
    const b = boxes.slice();
    k.clipRotated(b, 5, 5, 800, 600, 1, true);
    assert.ok(normDiff(b, gt) < 1e-4, `norm ${normDiff(b, gt)}`);
  }
});

test('clip upright: bound is size - 1 with legacy_plus_one, size without; min before max', () => {
  for (const k of [fast, ref]) {
    const a = F(-5, -1, 100, 70, 99.5, 69.5, 120, 80);
    k.clipUpright(a, 4, 2, 60, 100, true);
    assert.equal(Array.from(a), [0, 0, 99, 59, 99, 59, 99, 59]);
    const b = F(-5, -1, 100, 70, 99.5, 59.5, 120, 80);
    k.clipUpright(b, 4, 2, 60, 100, false);
    assert.equal(Array.from(b), [0, 0, 100, 60, 99.5, 59.5, 100, 60]);
  }
});

test('filter upright: sides >= min_size, center strictly inside the float image size', () => {
  // legacy: widths 11, 11, 11, 10 and x centers 5.5, 96, 96.5, 5; without: widths 10, 10, 10, 9,
  // centers 5, 95.5, 96, 4.5. The image is 96 wide, so a center of 96 is outside.
  const boxes = F(0, 0, 10, 10, 90.5, 0, 100.5, 10, 91, 0, 101, 10, 0, 0, 9, 9);
  for (const k of [fast, ref]) {
    const keep = new Int32Array(4);
    const n = k.filterUpright(keep, boxes, 4, 4, 11, 50, 96, true);
    assert.equal(Array.from(keep.subarray(0, n)), [0]);
    const n0 = k.filterUpright(keep, boxes, 4, 4, 10, 50, 96, false);
    assert.equal(Array.from(keep.subarray(0, n0)), [0, 1]);
  }
});

test('RotatedBBoxOverlaps: published IoUs (incl. the 45-degree 0.2 case) within 1e-6', () => {
  const cases: [number[], number[], number[]][] = [
    [[0, 0, 5, 6, 0, 0, 0, 5, 6, 0], [0, 0, 3, 3, 0, 0, 0, 3, 3, 0, 0, 0, 3, 3, 0], [0.3, 0.3, 0.3, 0.3, 0.3, 0.3]],
    [[39.5, 50.451096, 80, 18.097809, -0], [39.120628, 41.014862, 79.241257, 36.427757, -0], [0.48346716237]],
    [[299.5, 417.370422, 600, 364.259186, 0], [299.5, 417.370422, 600, 364.259155, 0], [0.99999991489]],
    [[10.5, 15.5, 21, 31, 0, 14, 17, 4, 10, 0], [30.5, 10.5, 41, 1, 0, 13.5, 21.5, 5, 21, 0, 10.5, 15.5, 21, 31, 0],
      [0.0161527172, 0.152439028, 1, 0, 0.38095239, 0.0614439324]],
    [[0, 0, 2 * Math.SQRT2, 2 * Math.SQRT2, 45], [1, 1, 2, 2, 0], [0.2]],
    [[60, 60, 100, 100, 0, 50, 50, 100, 100, 135],
      [60, 60, 100, 100, 180, 50, 50, 100, 100, 45, 80, 50, 100, 100, 0, 50, 50, 200, 50, 45, 200, 200, 100, 100, 0, 60, 60, 100, 100, 1],
      [1, 0.6507467031, 0.5625, 0.3718426526, 0, 0.9829941392, 0.6507467628, 1, 0.4893216789, 0.3333334029, 0, 0.6508141756]],
  ];
  // the first case in the C++ uses angle 360/M - 180 = 0 for M = 2
  for (const k of [fast, ref]) {
    for (const [a, b, want] of cases) {
      const A = F(...a), B = F(...b), M = A.length / 5, N = B.length / 5;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const got = k.rotatedIoU(A, 5 * i, B, 5 * j);
          assert.ok(Math.abs(got - want[i * N + j]!) < 1e-6, `${k === fast ? 'fast' : 'ref'} [${a}] x [${b}] (${i},${j}): ${got} vs ${want[i * N + j]}`);
        }
      }
    }
  }
});

test('rotated IoU is symmetric (to float rounding), 0 for disjoint boxes, 1 for identical', () => {
  const a = F(10, 10, 8, 4, 30), b = F(40, 40, 8, 4, -15);
  assert.is(fast.rotatedIoU(a, 0, b, 0), 0);
  assert.is(fast.rotatedIoU(a, 0, a, 0), 1);
  const c = F(12, 11, 9, 5, 10);
  assert.ok(fast.rotatedIoU(a, 0, c, 0) > 0.3);
  assert.ok(Math.abs(fast.rotatedIoU(a, 0, c, 0) - fast.rotatedIoU(c, 0, a, 0)) < 1e-6);
});

// ------------------------------------------------------------------ fast == reference

function randomBoxes(n: number, s: number, dim: 4 | 5): Float32Array {
  const r = seededFloats(n * 6, s, 0, 1), out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const x = r[6 * i]! * 200 - 20, y = r[6 * i + 1]! * 150 - 20, w = r[6 * i + 2]! * 80, h = r[6 * i + 3]! * 60;
    if (dim === 4) out.set([x, y, x + w, y + h], 4 * i);
    else out.set([x, y, w, h, r[6 * i + 4]! < 0.3 ? (r[6 * i + 5]! - 0.5) * 2 : (r[6 * i + 4]! - 0.5) * 400], 5 * i);
  }
  return out;
}

test('property: decode, clip and filter fast == reference (upright and rotated, both legacy flags)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 40 }), seed, fc.boolean(), fc.boolean(), (n, s, legacy, bound) => {
    for (const dim of [4, 5] as const) {
      const boxes = randomBoxes(n, s, dim), deltas = seededFloats(n * dim, s + 1, -3, 3);
      const c = coder({ legacyPlusOne: legacy, angleBoundOn: bound, angleBoundLo: -180, angleBoundHi: 180, weights: [10, 10, 5, 5] });
      const a = new Float32Array(n * dim), b = new Float32Array(n * dim);
      if (dim === 4) { fast.decodeUpright(a, 4, boxes, 4, deltas, 4, n, c); ref.decodeUpright(b, 4, boxes, 4, deltas, 4, n, c); }
      else { fast.decodeRotated(a, 5, boxes, 5, deltas, 5, n, c); ref.decodeRotated(b, 5, boxes, 5, deltas, 5, n, c); }
      assert.equal(a, b);
      if (dim === 4) { fast.clipUpright(a, 4, n, 120, 160, legacy); ref.clipUpright(b, 4, n, 120, 160, legacy); }
      else { fast.clipRotated(a, 5, n, 120, 160, 1, legacy); ref.clipRotated(b, 5, n, 120, 160, 1, legacy); }
      assert.equal(a, b);
      const ka = new Int32Array(n), kb = new Int32Array(n);
      const na = dim === 4 ? fast.filterUpright(ka, a, 4, n, 4, 119.5, 160.5, legacy) : fast.filterRotated(ka, a, 5, n, 4, 119.5, 160.5);
      const nb = dim === 4 ? ref.filterUpright(kb, b, 4, n, 4, 119.5, 160.5, legacy) : ref.filterRotated(kb, b, 5, n, 4, 119.5, 160.5);
      assert.equal(ka.subarray(0, na), kb.subarray(0, nb));
    }
  }), PROP);
});

test('property: decode may run in place (out aliases boxes)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 20 }), seed, (n, s) => {
    const boxes = randomBoxes(n, s, 4), deltas = seededFloats(n * 4, s + 1, -2, 2);
    const want = new Float32Array(n * 4);
    fast.decodeUpright(want, 4, boxes, 4, deltas, 4, n, coder());
    fast.decodeUpright(boxes, 4, boxes, 4, deltas, 4, n, coder());
    assert.equal(boxes, want);
  }), { numRuns: 50 });
});

test('property: rotated intersection fast == reference, bounded by the smaller area', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), seed, (n, s) => {
    const a = randomBoxes(n, s, 5), b = randomBoxes(n, s + 7, 5);
    for (let i = 0; i < n; i++) {
      const x = fast.rotatedIntersection(a, 5 * i, b, 5 * i), y = ref.rotatedIntersection(a, 5 * i, b, 5 * i);
      assert.is(x, y, `box ${i}`);
      assert.ok(x <= Math.min(a[5 * i + 2]! * a[5 * i + 3]!, b[5 * i + 2]! * b[5 * i + 3]!) * (1 + 1e-5) + 1e-3);
      if (a[5 * i + 2]! * a[5 * i + 3]! > 0) assert.is(fast.rotatedIoU(a, 5 * i, a, 5 * i), 1);
    }
  }), { numRuns: 100 });
});

test.run();
