import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/resize.js';
import * as ref from '../../kernels/reference/resize.js';
import { nearestIndex, resizeOutDim } from '../../kernels/resize.js';
import { closeArrays } from '../helpers/close.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';

const f = Math.fround;

/**
 * Caffe2's numpy reference (caffe2/python/operator_test/resize_op_test.py), ported: sizes and
 * source indices computed in float64 from the (float32) scale.
 */
function numpyResizeNearest(x: Float32Array, P: number, H: number, W: number, hs: number, ws: number): { oH: number; oW: number; y: Float32Array } {
  const oH = Math.trunc(H * hs), oW = Math.trunc(W * ws);
  const y = new Float32Array(P * oH * oW);
  for (let p = 0; p < P; p++) for (let i = 0; i < oH; i++) for (let j = 0; j < oW; j++) {
    const ii = Math.trunc(Math.min(i / hs, H - 1)), jj = Math.trunc(Math.min(j / ws, W - 1));
    y[(p * oH + i) * oW + j] = x[(p * H + ii) * W + jj]!;
  }
  return { oH, oW, y };
}

function resize(x: Float32Array, P: number, H: number, W: number, hs: number, ws: number, k = fast): { oH: number; oW: number; y: Float32Array } {
  const oH = resizeOutDim(H, hs), oW = resizeOutDim(W, ws);
  const y = new Float32Array(P * oH * oW);
  k.resizeNearestNchw(y, x, P, H, W, oH, oW, f(hs), f(ws), new Int32Array(oW));
  return { oH, oW, y };
}

test('ResizeNearest 2x and 0.5x hand-computed', () => {
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  assert.equal(Array.from(resize(x, 1, 2, 3, 2, 2).y), [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6]);
  const r = resize(Float32Array.from({ length: 16 }, (_, i) => i), 1, 4, 4, 0.5, 0.5);
  assert.equal([r.oH, r.oW, Array.from(r.y)], [2, 2, [0, 2, 8, 10]]);
  // height 1.5, width 3 on [1, 1, 2, 2]
  const s = resize(Float32Array.of(1, 2, 3, 4), 1, 2, 2, 1.5, 3);
  assert.equal([s.oH, s.oW], [3, 6]);
  assert.equal(Array.from(s.y), [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
});

test('float32 vs float64: Caffe2 divides and multiplies in float32, the numpy test reference in float64', () => {
  // scale 0.4 (float32 0.4000000059604645): row 2 reads input row int(2 / 0.4f) = 5 in float32, 4 in float64
  assert.is(nearestIndex(2, f(0.4), 100), 5);
  assert.is(Math.trunc(2 / f(0.4)), 4);
  // scale 1/3: output row 1 reads row 3 (float32) where float64 says 2
  assert.is(nearestIndex(1, f(1 / 3), 10), 3);
  assert.is(Math.trunc(1 / f(1 / 3)), 2);
  // sizes: int(20 * 0.35f) is 7 in float32, 6 in float64; int(10 * 0.7f) 7 vs 6
  assert.is(resizeOutDim(20, f(0.35)), 7);
  assert.is(Math.trunc(20 * f(0.35)), 6);
  assert.is(resizeOutDim(10, f(0.7)), 7);
  // the whole op: at scale 0.4 on a 10x10 map the two semantics differ in row/column 2
  const x = Float32Array.from({ length: 100 }, (_, i) => i);
  const ours = resize(x, 1, 10, 10, f(0.4), f(0.4)), np = numpyResizeNearest(x, 1, 10, 10, f(0.4), f(0.4));
  assert.equal([ours.oH, ours.oW, np.oH, np.oW], [4, 4, 4, 4]);
  assert.equal(Array.from(ours.y), [0, 2, 5, 7, 20, 22, 25, 27, 50, 52, 55, 57, 70, 72, 75, 77]);
  assert.equal(Array.from(np.y), [0, 2, 4, 7, 20, 22, 24, 27, 40, 42, 44, 47, 70, 72, 74, 77]);
});

test('property: ResizeNearest equals the numpy reference wherever float32 and float64 agree (scales 0.25..4)', () => {
  let differing = 0, total = 0;
  fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 13 }),
    fc.integer({ min: 25, max: 400 }), fc.integer({ min: 25, max: 400 }), seed, (P, H, W, hq, wq, s) => {
      const hs = f(hq / 100), ws = f(wq / 100);
      const x = seededFloats(P * H * W, s);
      const ours = resize(x, P, H, W, hs, ws), np = numpyResizeNearest(x, P, H, W, hs, ws);
      // the float64 semantics are the same function except at the float32 rounding boundaries
      const same = (n: number, sc: number, out: number): boolean => {
        if (Math.trunc(n * sc) !== out) return false;
        for (let o = 0; o < out; o++) if (Math.min(Math.trunc(o / sc), n - 1) !== nearestIndex(o, sc, n)) return false;
        return true;
      };
      total++;
      if (same(H, hs, ours.oH) && same(W, ws, ours.oW)) assert.equal(ours.y, np.y);
      else differing++;
    }), { numRuns: 300 });
  // the boundary cases exist but are rare
  assert.ok(differing < total / 4, `${differing} of ${total} differ`);
});

test('property: ResizeNearest NCHW and NHWC fast == reference, 2x fast path included', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }),
    fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 3, 0.3, 0.4, 2.7), fc.constantFrom(0.25, 0.5, 1, 2, 2.5, 4, 0.35, 0.7), seed, (N, C, H, W, hs, ws, s) => {
      const x = seededFloats(N * C * H * W, s);
      const oH = resizeOutDim(H, hs), oW = resizeOutDim(W, ws);
      const a = new Float32Array(N * C * oH * oW), b = new Float32Array(a.length);
      fast.resizeNearestNchw(a, x, N * C, H, W, oH, oW, f(hs), f(ws), new Int32Array(oW));
      ref.resizeNearestNchw(b, x, N * C, H, W, oH, oW, f(hs), f(ws), new Int32Array(oW));
      assert.equal(a, b);
      fast.resizeNearestNhwc(a, x, N, H, W, C, oH, oW, f(hs), f(ws), new Int32Array(oW));
      ref.resizeNearestNhwc(b, x, N, H, W, C, oH, oW, f(hs), f(ws), new Int32Array(oW));
      assert.equal(a, b);
    }), PROP);
});

test('UpsampleNearest hand-computed and property', () => {
  const y = new Float32Array(8);
  fast.upsampleNearest(y, Float32Array.of(1, 2), 1, 1, 2, 2);
  assert.equal(Array.from(y), [1, 1, 2, 2, 1, 1, 2, 2]);
  fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 4 }), seed, (P, H, W, sc, s) => {
    const x = seededFloats(P * H * W, s);
    const a = new Float32Array(P * H * W * sc * sc), b = new Float32Array(a.length);
    fast.upsampleNearest(a, x, P, H, W, sc); ref.upsampleNearest(b, x, P, H, W, sc);
    assert.equal(a, b);
  }), PROP);
});

test('UpsampleBilinear (align corners) hand-computed: [0, 3] -> 4 columns is [0, 1, 2, 3]', () => {
  const oW = resizeOutDim(2, 2);
  const y = new Float32Array(2 * oW);
  fast.upsampleBilinearNchw(y, Float32Array.of(0, 3), 1, 1, 2, 2, oW, new Int32Array(2 * oW), new Float32Array(2 * oW));
  assert.equal(Array.from(y), [0, 1, 2, 3, 0, 1, 2, 3]);
  // 2x2 -> 3x3: corners kept, centre = mean of the four
  const z = new Float32Array(9);
  fast.upsampleBilinearNchw(z, Float32Array.of(0, 2, 4, 6), 1, 2, 2, 3, 3, new Int32Array(6), new Float32Array(6));
  assert.equal(Array.from(z), [0, 1, 2, 2, 3, 4, 4, 5, 6]);
});

test('property: UpsampleBilinear fast == reference (same float32 steps)', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }),
    fc.constantFrom(0.5, 1, 1.5, 2, 3.3), fc.constantFrom(0.5, 1, 2, 2.5, 4), seed, (P, H, W, hs, ws, s) => {
      const x = seededFloats(P * H * W, s, -5, 5);
      const oH = resizeOutDim(H, hs), oW = resizeOutDim(W, ws);
      const a = new Float32Array(P * oH * oW), b = new Float32Array(a.length);
      fast.upsampleBilinearNchw(a, x, P, H, W, oH, oW, new Int32Array(2 * oW), new Float32Array(2 * oW));
      ref.upsampleBilinearNchw(b, x, P, H, W, oH, oW, new Int32Array(2 * oW), new Float32Array(2 * oW));
      assert.not.ok(closeArrays(a, b, { atol: 0, rtol: 0 }), closeArrays(a, b, { atol: 0, rtol: 0 }));
    }), PROP);
});

test.run();
