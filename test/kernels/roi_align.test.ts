// RoIAlign / RoIAlignRotated kernels: hand-computed cases, the pinned edge cases (out-of-range
// samples count as zero, adaptive grid, aligned zero-size RoI -> NaN, negative aligned RoI),
// the ONNX RoiAlign node tests, metamorphic checks (rotated at 0 and 90 degrees vs upright), and
// fast == reference on random inputs in both layouts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/roi_align.js';
import * as ref from '../../kernels/reference/roi_align.js';
import { RoIAlignScratch, type RoIAlignParams } from '../../kernels/roi_align.js';
import { closeArrays } from '../helpers/close.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';
import { readNodeTest } from '../helpers/onnx_node_data.js';

type Kernels = typeof fast | typeof ref;
const KERNELS = [['fast', fast], ['reference', ref]] as const;

const P = (o: Partial<RoIAlignParams> = {}): RoIAlignParams => ({
  spatialScale: 1, pooledH: 1, pooledW: 1, samplingRatio: 1, aligned: false, nhwc: false, ...o,
});

function run(k: Kernels, x: Float32Array, dims: [number, number, number, number], rois: number[], cols: number, p: RoIAlignParams, rotated = false): Float32Array {
  const [, C, H, W] = dims, R = rois.length / cols;
  const out = new Float32Array(R * C * p.pooledH * p.pooledW).fill(NaN);
  const fn = rotated ? k.roiAlignRotated : k.roiAlign;
  const bad = fn(out, x, C, H, W, Float32Array.from(rois), R, cols, p, new RoIAlignScratch());
  assert.is(bad, -1, 'no RoI rejected');
  return out;
}

const X16 = Float32Array.from({ length: 16 }, (_, i) => i); // 4x4, X[y][x] = 4y + x

test('hand-computed: one sample lands on a pixel, aligned shifts by half a pixel, adaptive grid averages', () => {
  for (const [name, k] of KERNELS) {
    // not aligned: [0, 0, 2, 2] has its single sample at (1, 1) = 5
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [0, 0, 2, 2], 4, P())), [5], name);
    // aligned: start at -0.5, sample at (0.5, 0.5): mean of 0, 1, 4, 5
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [0, 0, 2, 2], 4, P({ aligned: true }))), [2.5], name);
    // adaptive: width 2 over 1 bin -> 2x2 samples at 0.5 and 1.5: mean of bilinear values 2.5, 3.5, 6.5, 7.5
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [0, 0, 2, 2], 4, P({ samplingRatio: 0 }))), [5], name);
    // 2x2 bins over [0, 0, 4, 4] with one sample each at 1 and 3: X[1][1], X[1][3], X[3][1], X[3][3]
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [0, 0, 0, 4, 4], 5, P({ pooledH: 2, pooledW: 2 }))), [5, 7, 13, 15], name);
    // spatial_scale 0.5 maps [0, 0, 4, 4] onto [0, 0, 2, 2]
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [0, 0, 4, 4], 4, P({ spatialScale: 0.5 }))), [5], name);
  }
});

test('pinned: samples beyond [-1, H] x [-1, W] count as zero in the mean; [-1, 0) clamps to the border', () => {
  for (const [name, k] of KERNELS) {
    // RoI [-6, 0, 2, 2] pooled 1x1, sampling 2 along x at -4 (outside: 0) and 0 -> ... height 2 samples at 0.5, 1.5
    const got = run(k, X16, [1, 1, 4, 4], [-6, 0, 2, 2], 4, P({ samplingRatio: 2 }));
    // x samples at -4 (dropped) and 0; y samples at 0.5 and 1.5: (2 + 6) / 4 = 2
    assert.equal(Array.from(got), [2], name);
    // a sample at x = -0.5 is inside and clamps to column 0
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [-1, 1, 0, 2], 4, P())), [6], name);
    // a sample at y = 3.5 clamps to row 3
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [1, 3, 2, 4], 4, P())), [13.5], name);
  }
});

test('pinned: an aligned zero-size RoI with adaptive sampling is NaN (Caffe2; the golden oracle gives 0)', () => {
  for (const [name, k] of KERNELS) {
    const got = run(k, X16, [1, 2, 4, 4], [1, 1, 1, 1], 4, P({ aligned: true, samplingRatio: 0, pooledH: 2, pooledW: 2 }));
    assert.ok(got.every(Number.isNaN), `${name}: ${Array.from(got)}`);
    // with a fixed grid the samples exist (all at 0.5, 0.5) and the mean is finite
    const fixed = run(k, X16, [1, 1, 4, 4], [1, 1, 1, 1], 4, P({ aligned: true, samplingRatio: 2 }));
    assert.equal(Array.from(fixed), [2.5], name);
    // not aligned, the size is raised to 1: finite
    assert.equal(Array.from(run(k, X16, [1, 1, 4, 4], [1, 1, 1, 1], 4, P({ samplingRatio: 0 }))), [7.5], name);
  }
});

test('pinned: an aligned RoI of negative size is rejected by index; not aligned it is raised to 1x1', () => {
  for (const [, k] of KERNELS) {
    const out = new Float32Array(2);
    assert.is(k.roiAlign(out, X16, 1, 4, 4, Float32Array.of(0, 0, 2, 2, 2, 2, 1, 3), 2, 4, P({ aligned: true })), 1);
    assert.is(k.roiAlignRotated(out, X16, 1, 4, 4, Float32Array.of(1, 1, -1, 1, 0), 1, 5, P({ aligned: true })), 0);
    assert.is(k.roiAlign(out, X16, 1, 4, 4, Float32Array.of(2, 2, 1, 3), 1, 4, P()), -1);
  }
});

test('ONNX RoiAlign node tests (avg, half_pixel and output_half_pixel) through our kernel', () => {
  for (const [name, aligned] of [['roialign_aligned_false', false], ['roialign_aligned_true', true]] as const) {
    const t = readNodeTest(name);
    if (!t) continue;
    const [X, rois, batch] = t.inputs;
    const [, C, H, W] = X!.shape as [number, number, number, number];
    assert.is(t.attrs['coordinate_transformation_mode'], aligned ? 'half_pixel' : 'output_half_pixel');
    const R = rois!.shape[0]!;
    const r5 = new Float32Array(R * 5);
    for (let i = 0; i < R; i++) r5.set([batch!.get(i), ...Array.from({ length: 4 }, (_, j) => rois!.get(i * 4 + j))], 5 * i);
    const p = P({ spatialScale: Number(t.attrs['spatial_scale']), pooledH: Number(t.attrs['output_height']),
      pooledW: Number(t.attrs['output_width']), samplingRatio: Number(t.attrs['sampling_ratio']), aligned });
    for (const [kn, k] of KERNELS) {
      const out = new Float32Array(R * C * p.pooledH * p.pooledW);
      assert.is(k.roiAlign(out, X!.data as Float32Array, C, H, W, r5, R, 5, p), -1);
      // the node test's expected values are printed to 4 decimals
      const msg = closeArrays(out, t.outputs[0]!.data as Float32Array, { atol: 1e-4, rtol: 0 });
      assert.not.ok(msg, `${name} ${kn}: ${msg}`);
    }
  }
});

// ------------------------------------------------------------------ properties

interface Case { N: number; C: number; H: number; W: number; R: number; cols: number; p: RoIAlignParams; x: Float32Array; rois: Float32Array }

const caseArb = (rotated: boolean): fc.Arbitrary<Case> => fc.record({
  N: fc.integer({ min: 1, max: 2 }), C: fc.constantFrom(0, 1, 3, 8, 9, 16, 19), H: fc.integer({ min: 1, max: 24 }), W: fc.integer({ min: 1, max: 24 }),
  R: fc.integer({ min: 0, max: 6 }), batchCol: fc.boolean(), ph: fc.integer({ min: 1, max: 4 }), pw: fc.integer({ min: 1, max: 4 }),
  sr: fc.integer({ min: -1, max: 3 }), aligned: fc.boolean(), nhwc: fc.boolean(), scale: fc.constantFrom(1, 0.5, 0.25, 0.125), s: seed,
}).map((a) => {
  const cols = (rotated ? 5 : 4) + (a.batchCol ? 1 : 0);
  const r = seededFloats(a.R * 6, a.s, 0, 1), rois = new Float32Array(a.R * cols);
  const span = Math.max(a.H, a.W) / a.scale;
  for (let i = 0; i < a.R; i++) {
    const o = i * cols, b = a.batchCol ? 1 : 0;
    if (a.batchCol) rois[o] = Math.floor(r[6 * i + 5]! * a.N);
    const x = (r[6 * i]! * 1.4 - 0.2) * span, y = (r[6 * i + 1]! * 1.4 - 0.2) * span;
    const w = r[6 * i + 2]! * span * 0.8, h = r[6 * i + 3]! * span * 0.8;
    if (rotated) rois.set([x, y, w, h, (r[6 * i + 4]! - 0.5) * 360], o + b);
    else rois.set([x, y, x + w, y + h], o + b);
  }
  return { N: a.N, C: a.C, H: a.H, W: a.W, R: a.R, cols, rois, x: seededFloats(a.N * a.C * a.H * a.W, a.s + 1, -2, 2),
    p: P({ spatialScale: a.scale, pooledH: a.ph, pooledW: a.pw, samplingRatio: a.sr, aligned: a.aligned, nhwc: a.nhwc }) };
});

function both(c: Case, rotated: boolean): [Float32Array, Float32Array] {
  const n = c.R * c.C * c.p.pooledH * c.p.pooledW;
  const a = new Float32Array(n).fill(-7), b = new Float32Array(n).fill(-7);
  const fn = rotated ? [fast.roiAlignRotated, ref.roiAlignRotated] : [fast.roiAlign, ref.roiAlign];
  assert.is(fn[0]!(a, c.x, c.C, c.H, c.W, c.rois, c.R, c.cols, c.p, new RoIAlignScratch()), fn[1]!(b, c.x, c.C, c.H, c.W, c.rois, c.R, c.cols, c.p));
  return [a, b];
}

// C of 8 or more runs the 8-channel register path (plus a tail); big maps with few RoIs stay on
// the plane-by-plane NCHW path, small maps with many taps take the interleaved copy.
test('property: RoIAlign fast == reference (NCHW/NHWC, aligned, every sampling ratio, RoIs partly outside)', () => {
  fc.assert(fc.property(caseArb(false), (c) => {
    const [a, b] = both(c, false);
    const msg = closeArrays(a, b, { atol: 1e-5, rtol: 1e-5 });
    assert.not.ok(msg, msg);
  }), PROP);
});

test('NCHW strategies: interleaved copy (taps >= map pixels) and plane by plane (few taps) both match the reference', () => {
  const cases: [number, number, number[], RoIAlignParams][] = [
    // 4x4 map, 2x2 bins of 2x2 samples: 36 merged taps >= 16 pixels -> interleaved (2 images, 19 channels: 8 + 8 + tail 3)
    [4, 4, [0, 0.3, 0.2, 3.1, 2.9, 1, 1, 1, 3, 3.5], P({ pooledH: 2, pooledW: 2, samplingRatio: 2 })],
    // 40x40 map, one sample: 4 taps < 1600 pixels -> plane by plane
    [40, 40, [1, 10.2, 20.7, 11, 21.5], P({ samplingRatio: 1 })],
    // 30 x 30 samples per bin over a 12-pixel span: heavy merging of repeated pixels
    [40, 40, [0, 3.3, 4.1, 15.2, 9.9], P({ pooledH: 2, pooledW: 3, samplingRatio: 30 })],
  ];
  const scratch = new RoIAlignScratch(); // reused across calls, as an op instance does
  for (const [H, W, roisArr, p] of cases) {
    const C = 19, x = seededFloats(2 * C * H * W, H, -1, 1), rois = Float32Array.from(roisArr), R = roisArr.length / 5;
    for (const nhwc of [false, true]) {
      const q = { ...p, nhwc };
      const a = new Float32Array(R * C * q.pooledH * q.pooledW), b = a.slice();
      fast.roiAlign(a, x, C, H, W, rois, R, 5, q, scratch);
      ref.roiAlign(b, x, C, H, W, rois, R, 5, q);
      const msg = closeArrays(a, b, { atol: 1e-6, rtol: 1e-6 });
      assert.not.ok(msg, `H=${H} nhwc=${nhwc}: ${msg}`);
    }
  }
});

test('property: RoIAlignRotated fast == reference', () => {
  fc.assert(fc.property(caseArb(true), (c) => {
    const [a, b] = both(c, true);
    const msg = closeArrays(a, b, { atol: 1e-5, rtol: 1e-5 });
    assert.not.ok(msg, msg);
  }), PROP);
});

test('property: RoIAlignRotated at angle 0 == RoIAlign on the same box', () => {
  // Not aligned, both raise a RoI smaller than 1 to 1, but RoIAlign grows it from x1 and the
  // rotated op about its center: the property holds for RoIs of at least 1 feature pixel.
  fc.assert(fc.property(caseArb(false), (c) => {
    const rot = new Float32Array(c.R * (c.cols + 1));
    for (let i = 0; i < c.R; i++) {
      const b = c.cols === 5 ? 1 : 0, o = i * c.cols, q = i * (c.cols + 1);
      if (b) rot[q] = c.rois[o]!;
      const min = 1 / c.p.spatialScale;
      c.rois[o + b + 2] = Math.max(c.rois[o + b + 2]!, c.rois[o + b]! + min);
      c.rois[o + b + 3] = Math.max(c.rois[o + b + 3]!, c.rois[o + b + 1]! + min);
      const [x1, y1, x2, y2] = c.rois.subarray(o + b, o + b + 4) as unknown as number[];
      rot.set([(x1! + x2!) / 2, (y1! + y2!) / 2, x2! - x1!, y2! - y1!, 0], q + b);
    }
    const n = c.R * c.C * c.p.pooledH * c.p.pooledW;
    const up = new Float32Array(n), r = new Float32Array(n);
    fast.roiAlign(up, c.x, c.C, c.H, c.W, c.rois, c.R, c.cols, c.p);
    fast.roiAlignRotated(r, c.x, c.C, c.H, c.W, rot, c.R, c.cols + 1, c.p);
    const msg = closeArrays(r, up, { atol: 1e-4, rtol: 1e-4 });
    assert.not.ok(msg, msg);
  }), { numRuns: 150 });
});

test('property: RoIAlignRotated at 90 degrees == RoIAlign on the feature map turned clockwise', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), seed, (H, W, C, s) => {
    const x = seededFloats(C * H * W, s, -1, 1), xt = new Float32Array(C * W * H);
    // xt[c][a][b] = x[c][H - 1 - b][a], shape [C, W, H]
    for (let c = 0; c < C; c++) for (let a = 0; a < W; a++) for (let b = 0; b < H; b++) xt[(c * W + a) * H + b] = x[(c * H + H - 1 - b) * W + a]!;
    const r = seededFloats(4, s + 1, 0, 1);
    const cx = r[0]! * W, cy = r[1]! * H, w = 1 + r[2]! * W, h = 1 + r[3]! * H;
    const p = P({ pooledH: 3, pooledW: 2, samplingRatio: 2 });
    const rot = new Float32Array(C * 6), up = new Float32Array(C * 6);
    fast.roiAlignRotated(rot, x, C, H, W, Float32Array.of(cx, cy, w, h, 90), 1, 5, p);
    const cx2 = H - 1 - cy, cy2 = cx;
    ref.roiAlign(up, xt, C, W, H, Float32Array.of(cx2 - w / 2, cy2 - h / 2, cx2 + w / 2, cy2 + h / 2), 1, 4, p);
    const msg = closeArrays(rot, up, { atol: 1e-4, rtol: 1e-4 });
    assert.not.ok(msg, msg);
  }), { numRuns: 150 });
});

test.run();
