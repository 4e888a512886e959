// Proposal kernels: Caffe2's anchor tests (TestComputeAllAnchors, ComputeSortedAnchors as a
// permutation of it, and their rotated twins), the ranking order (ties and NaN), FPN level
// mapping pinned at its boundaries, and fast == reference for top-k, proposals and levels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/proposals.js';
import * as ref from '../../kernels/reference/proposals.js';
import { BBOX_XFORM_CLIP } from '../../kernels/boxes.js';
import { nmsScratch } from '../../kernels/nms.js';
import type { ProposalParams } from '../../kernels/proposals.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';

const ANCHORS = Float32Array.of(-38, -16, 53, 31, -84, -40, 99, 55, -176, -88, 191, 103);
const ALL_GT = [-38, -16, 53, 31, -84, -40, 99, 55, -176, -88, 191, 103, -22, -16, 69, 31, -68, -40, 115, 55, -160, -88, 207,
  103, -6, -16, 85, 31, -52, -40, 131, 55, -144, -88, 223, 103, -38, 0, 53, 47, -84, -24, 99, 71, -176, -72, 191, 119, -22, 0, 69,
  47, -68, -24, 115, 71, -160, -72, 207, 119, -6, 0, 85, 47, -52, -24, 131, 71, -144, -72, 223, 119, -38, 16, 53, 63, -84, -8, 99,
  87, -176, -56, 191, 135, -22, 16, 69, 63, -68, -8, 115, 87, -160, -56, 207, 135, -6, 16, 85, 63, -52, -8, 131, 87, -144, -56,
  223, 135, -38, 32, 53, 79, -84, 8, 99, 103, -176, -40, 191, 151, -22, 32, 69, 79, -68, 8, 115, 103, -160, -40, 207, 151, -6, 32,
  85, 79, -52, 8, 131, 103, -144, -40, 223, 151];

/** xyxy (+1) -> [cx, cy, w, h, angle] as bbox_xyxy_to_ctrwh with legacy_plus_one, angles 0, 45, -120 by row. */
function toRotated(xyxy: ArrayLike<number>): Float32Array {
  const n = xyxy.length / 4, out = new Float32Array(n * 5), angles = [0, 45, -120];
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((j) => xyxy[4 * i + j]!) as [number, number, number, number];
    out.set([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1 + 1, y2 - y1 + 1, angles[i % 3]!], 5 * i);
  }
  return out;
}

test('TestComputeAllAnchors (and rotated): 3 anchors on a 4x3 grid at stride 16, exact', () => {
  assert.equal(Array.from(ref.allAnchors(ANCHORS, 3, 4, 3, 4, 16)), ALL_GT);
  assert.equal(ref.allAnchors(toRotated(ANCHORS), 3, 4, 3, 5, 16), toRotated(ALL_GT));
});

test('ComputeSortedAnchors equals ComputeAllAnchors picked in (A, H, W) order, for every prefix of a shuffle', () => {
  const [A, H, W] = [3, 4, 3];
  for (const [anchors, dim] of [[ANCHORS, 4], [toRotated(ANCHORS), 5]] as const) {
    const all = ref.allAnchors(anchors, A, H, W, dim, 16);
    const shuffled = Array.from({ length: A * H * W }, (_, i) => i).sort((a, b) => ((a * 7919) % 37) - ((b * 7919) % 37));
    for (let count = 0; count <= shuffled.length; count++) {
      const out = new Float32Array(count * dim);
      fast.sortedAnchors(out, anchors, H, W, dim, 16, shuffled, count);
      for (let r = 0; r < count; r++) {
        const idx = shuffled[r]!, a = Math.floor(idx / (H * W)), h = Math.floor((idx % (H * W)) / W), w = idx % W;
        const row = (h * W + w) * A + a;
        assert.equal(Array.from(out.subarray(r * dim, (r + 1) * dim)), Array.from(all.subarray(row * dim, (row + 1) * dim)));
      }
    }
  }
});

test('ranking: higher score first, lower index on ties, NaN last', () => {
  const s = [0.5, NaN, 0.9, 0.5, 0.9, -1, NaN, 0.5];
  for (const k of [fast, ref]) {
    const out = new Int32Array(8);
    assert.is(k.topK(out, s, 8, 8), 8);
    assert.equal(Array.from(out), [2, 4, 0, 3, 7, 5, 1, 6]);
    assert.is(k.topK(out, s, 8, 3), 3);
    assert.equal(Array.from(out.subarray(0, 3)), [2, 4, 0]);
    assert.is(k.topK(out, s, 8, 0), 0);
  }
});

test('property: topK fast == reference (heavy ties, every k)', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 80 }), fc.integer({ min: -2, max: 90 }), (v, k) => {
    const s = Float32Array.from(v, (x) => (x === 5 ? NaN : x / 4));
    const a = new Int32Array(v.length), b = new Int32Array(v.length);
    const na = fast.topK(a, s, v.length, k), nb = ref.topK(b, s, v.length, k);
    assert.is(na, nb);
    assert.equal(a.subarray(0, na), b.subarray(0, nb));
  }), PROP);
});

test('FPN levels: canonical 224 -> level 4, x2 per level, the +1e-6 lifts a box just under a boundary', () => {
  const box = (s: number): number[] => [0, 0, s, s];
  const rois = Float32Array.from([box(224), box(112), box(448), box(56), box(1000), box(0), box(224 * (0.5 - 5e-7)), box(111.9)].flat());
  for (const k of [fast, ref]) {
    const out = new Int32Array(8);
    assert.is(k.fpnLevels(out, rois, 4, 0, 8, 2, 5, 224, 4, false), -1);
    // 112 is level 3; 111.99989 is 3 only because of the +1e-6; 111.9 is 2; 0 clamps to 2, 1000 to 5
    assert.equal(Array.from(out), [4, 3, 5, 2, 5, 2, 3, 2]);
    // with +1, a 223 x 223 box is 224 wide: level 4
    assert.is(k.fpnLevels(out, Float32Array.of(5, 10, 20, 233, 243), 5, 1, 1, 2, 5, 224, 4, true), -1);
    assert.is(out[0], 4);
    assert.is(k.fpnLevels(out, Float32Array.of(0, 0, 5, 5, 3, 0, 2, 5), 4, 0, 2, 2, 5, 224, 4, false), 1, 'negative area is rejected');
  }
});

test('property: FPN levels fast == reference', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 50 }), seed, fc.boolean(), (n, s, legacy) => {
    const r = seededFloats(n * 4, s, 0, 1), rois = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) rois.set([0, r[4 * i]! * 100, r[4 * i + 1]! * 100, r[4 * i]! * 100 + r[4 * i + 2]! ** 3 * 900, r[4 * i + 1]! * 100 + r[4 * i + 3]! * 700], 5 * i);
    const a = new Int32Array(n), b = new Int32Array(n);
    assert.is(fast.fpnLevels(a, rois, 5, 1, n, 2, 5, 224, 4, legacy), ref.fpnLevels(b, rois, 5, 1, n, 2, 5, 224, 4, legacy));
    assert.equal(a, b);
  }), PROP);
});

const params = (o: Partial<ProposalParams> = {}, legacy = false): ProposalParams => ({
  featStride: 16, preNmsTopN: 30, postNmsTopN: 10, nmsThresh: Math.fround(0.7), minSize: 0, clipAngleThresh: 1,
  coder: { weights: [1, 1, 1, 1], clip: BBOX_XFORM_CLIP, legacyPlusOne: legacy, angleBoundOn: true, angleBoundLo: -180, angleBoundHi: 180 },
  ...o,
});

test('property: proposals for one image fast == reference (upright and rotated, every top-N regime, ties)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), seed,
    fc.constantFrom(4, 5), fc.integer({ min: -1, max: 80 }), fc.integer({ min: -1, max: 20 }), fc.boolean(), fc.constantFrom(0, 4, 16),
    (A, H, W, s, dim, pre, post, legacy, minSize) => {
      const n = A * H * W;
      const scores = seededFloats(n, s, 0, 1).map((v) => Math.round(v * 16) / 16);
      const deltas = seededFloats(n * dim, s + 1, -0.5, 0.5);
      const anchors = dim === 4 ? Float32Array.from({ length: A * 4 }, (_, i) => [-20, -12, 35, 27][i % 4]! * (1 + (i >> 2)))
        : Float32Array.from({ length: A * 5 }, (_, i) => [8, 8, 40 + 10 * (i / 5), 30, (i / 5) * 30][i % 5]!);
      const p = params({ preNmsTopN: pre, postNmsTopN: post, minSize }, legacy);
      const imInfo = [H * 16 - 3.5, W * 16 - 0.5, 1.25];
      const k = fast.preNmsCount(n, pre);
      const sc = { i32: new Int32Array(3 * k), f32: new Float32Array(2 * k * dim + k), nms: nmsScratch(k) };
      const b1 = new Float32Array(k * dim), s1 = new Float32Array(k), b2 = new Float32Array(k * dim), s2 = new Float32Array(k);
      const m1 = fast.proposalsForImage(b1, s1, scores, deltas, anchors, A, H, W, dim, imInfo, p, sc);
      const m2 = ref.proposalsForImage(b2, s2, scores, deltas, anchors, A, H, W, dim, imInfo, p);
      assert.is(m1, m2);
      assert.equal(b1.subarray(0, m1 * dim), b2.subarray(0, m2 * dim));
      assert.equal(s1.subarray(0, m1), s2.subarray(0, m2));
      for (let i = 1; i < m1; i++) assert.ok(s1[i]! <= s1[i - 1]!, 'scores descend');
      if (post > 0) assert.ok(m1 <= post);
    }), PROP);
});

test.run();
