import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { computeSizeAndPad, convGeom, LEGACY_CAFFE_POOLING, LEGACY_NOTSET, LEGACY_SAME, LEGACY_VALID, type ConvGeom } from '../../kernels/geometry.js';
import { avgPool, globalAvgPool, globalMaxPool, maxPool, maxPoolWithIndex, poolExec } from '../../kernels/pool.js';
import { freeHeap, fromHeap, kernelVariants, toHeap } from '../helpers/variants.js';
import * as ref from '../../kernels/reference/pool.js';
import { closeArrays, TOL } from '../helpers/close.js';
import { seededFloats, seed } from '../helpers/arb.js';
import { registerVectors } from './onnx_vectors.js';

const x16 = Float32Array.from({ length: 16 }, (_, i) => i + 1);

function pool(kind: 'max' | 'avg' | 'avgpad', g: ConvGeom, x: Float32Array, impl: 'fast' | 'ref'): Float32Array {
  const y = new Float32Array(g.N * g.C * g.outD * g.outH * g.outW).fill(NaN);
  const k = impl === 'fast' ? { maxPool, avgPool } : ref;
  if (kind === 'max') k.maxPool(y, x, g);
  else k.avgPool(y, x, g, kind === 'avgpad');
  return y;
}

test('pool hand-computed: 2x2 stride 2 max and average over 1..16', () => {
  const g = convGeom(1, 1, 1, 1, [4, 4], [2, 2], [2, 2], [2, 2], [1, 1], [0, 0]);
  assert.equal(Array.from(pool('max', g, x16, 'fast')), [6, 8, 14, 16]);
  assert.equal(Array.from(pool('avg', g, x16, 'fast')), [3.5, 5.5, 11.5, 13.5]);
});

test('pool hand-computed: 3x3 pad 1 average, clipped divisor vs count_include_pad', () => {
  const g = convGeom(1, 1, 1, 1, [4, 4], [2, 2], [3, 3], [2, 2], [1, 1], [1, 1]);
  // window (0,0) covers 1,2,5,6; window (1,1) covers rows 1..3 x cols 1..3
  assert.equal(Array.from(pool('avg', g, x16, 'fast')), [3.5, 5, 9.5, 11]);
  // count_include_pad divides by 9 everywhere; Caffe2 multiplies by the float32 1/9
  const ninth = Math.fround(1 / 9);
  const want = [14, 30, 57, 99].map((s) => Math.fround(s * ninth));
  assert.equal(Array.from(pool('avgpad', g, x16, 'fast')), want);
});

test('pool hand-computed: CAFFE_LEGACY_POOLING keeps a third window that starts inside the image', () => {
  const s = computeSizeAndPad(4, 2, 3, 1, LEGACY_CAFFE_POOLING, 1, 1);
  const g = convGeom(1, 1, 1, 1, [4, 4], [s.out, s.out], [3, 3], [2, 2], [1, 1], [1, 1]);
  // windows per axis: rows {0,1}, {1,2,3}, {3}
  assert.equal(Array.from(pool('max', g, x16, 'fast')), [6, 8, 8, 14, 16, 16, 14, 16, 16]);
  assert.equal(Array.from(pool('avg', g, x16, 'fast')).slice(0, 3), [3.5, 5, 6]);
});

test('pool: NaN propagates through max, -Infinity is kept', () => {
  const g = convGeom(1, 1, 1, 1, [4], [2], [2], [2], [1], [0]);
  const x = Float32Array.of(1, NaN, -Infinity, -Infinity);
  const y = pool('max', g, x, 'fast');
  assert.ok(Number.isNaN(y[0]!));
  assert.is(y[1], -Infinity);
  const gy = new Float32Array(2);
  globalMaxPool(gy, Float32Array.of(NaN, 1, 2, 3), 2, 2);
  assert.ok(Number.isNaN(gy[0]!));
  assert.is(gy[1], 3);
});

test('global pooling: mean as sum times float32 1/count, max per plane', () => {
  const y = new Float32Array(2), z = new Float32Array(2);
  globalAvgPool(y, x16, 2, 8);
  assert.equal(Array.from(y), [Math.fround(36 * Math.fround(1 / 8)), Math.fround(100 * Math.fround(1 / 8))]);
  globalMaxPool(z, x16, 2, 8);
  assert.equal(Array.from(z), [8, 16]);
});

const poolCases = fc.record({
  nd: fc.constantFrom(1, 2, 2, 3), N: fc.constantFrom(0, 1, 2), C: fc.constantFrom(1, 3),
  legacy: fc.constantFrom(LEGACY_NOTSET, LEGACY_NOTSET, LEGACY_VALID, LEGACY_SAME, LEGACY_CAFFE_POOLING),
  dims: fc.array(fc.record({ in: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), ph: fc.nat(3), pt: fc.nat(3), dil: fc.constantFrom(1, 1, 2, 3) }), { minLength: 3, maxLength: 3 }),
  kind: fc.constantFrom<'max' | 'avg' | 'avgpad'>('max', 'avg', 'avgpad'), seed,
}).map((r) => {
  // dilation only with explicit pads (SAME and Caffe's legacy pooling size the plain kernel)
  const dims = r.dims.slice(0, r.nd).map((d) => ({ ...d, dil: r.legacy === LEGACY_NOTSET ? d.dil : 1 })), out: number[] = [], heads: number[] = [];
  for (const d of dims) {
    const ph = d.ph % d.k, pt = r.legacy === LEGACY_CAFFE_POOLING ? ph : d.pt % d.k; // pads < kernel
    if (r.legacy === LEGACY_NOTSET && d.in + ph + pt < d.dil * (d.k - 1) + 1) return null;
    const s = computeSizeAndPad(d.in, d.s, d.k, d.dil, r.legacy, ph, pt);
    if (s.out < 1) return null;
    out.push(s.out);
    heads.push(s.padHead);
  }
  const g = convGeom(r.N, r.C, r.C, 1, dims.map((d) => d.in), out, dims.map((d) => d.k), dims.map((d) => d.s), dims.map((d) => d.dil), heads);
  return { g, kind: r.kind, seed: r.seed };
}).filter((c): c is { g: ConvGeom; kind: 'max' | 'avg' | 'avgpad'; seed: number } => c !== null);

test('pool hand-computed: dilation 2 takes every other tap; padding taps are not counted', () => {
  // 4x4 input 1..16, 2x2 kernel dilated by 2: windows (0,0),(0,1),(1,0),(1,1) of the ONNX test
  const g = convGeom(1, 1, 1, 1, [4, 4], [2, 2], [2, 2], [1, 1], [2, 2], [0, 0]);
  assert.equal(Array.from(pool('max', g, x16, 'fast')), [11, 12, 15, 16]);
  assert.equal(Array.from(pool('avg', g, x16, 'fast')), [6, 7, 10, 11]);
  // 1-D: in 5, kernel 2 dilated 3, pad 1: window -1 has taps {-1, 2} -> only x[2] counts
  const h = convGeom(1, 1, 1, 1, [5], [3], [2], [1], [3], [1]);
  assert.equal(Array.from(pool('avg', h, Float32Array.of(1, 2, 3, 4, 5), 'fast')), [3, 2.5, 3.5]);
  assert.equal(Array.from(pool('avgpad', h, Float32Array.of(1, 2, 3, 4, 5), 'fast')), [1.5, 2.5, 3.5]);
});

test('max pool on uint8 and int8 (ONNX maxpool_2d_uint8): integers, padding never wins', () => {
  const g = convGeom(1, 1, 1, 1, [3, 3], [3, 3], [3, 3], [1, 1], [1, 1], [1, 1]);
  for (const impl of [maxPool, ref.maxPool]) {
    const u = new Uint8Array(9), i = new Int8Array(9);
    impl(u, Uint8Array.of(1, 2, 3, 4, 255, 6, 7, 8, 9), g);
    assert.equal(Array.from(u), [255, 255, 255, 255, 255, 255, 255, 255, 255]);
    impl(i, Int8Array.of(-128, -100, -90, -128, -128, -128, -50, -128, -128), g);
    assert.equal(Array.from(i), [-100, -90, -90, -50, -50, -90, -50, -50, -128]);
  }
});

test('property: max/avg pooling == reference (1-3 D, every legacy_pad mode, dilation, count_include_pad, N = 0)', () => {
  fc.assert(fc.property(poolCases, ({ g, kind, seed: s }) => {
    const x = seededFloats(g.N * g.C * g.inD * g.inH * g.inW, s, -3, 3);
    const msg = closeArrays(pool(kind, g, x, 'fast'), pool(kind, g, x, 'ref'), TOL.reduce);
    assert.not.ok(msg, `${kind} ${JSON.stringify(g)}: ${msg}`);
  }), { numRuns: 300 });
});

test('property: 2-D 3x3 max pooling (its own fast path) == reference bit for bit: strides, asymmetric pads, NaN, -0', () => {
  fc.assert(fc.property(
    fc.record({ N: fc.constantFrom(1, 2), C: fc.constantFrom(1, 3), H: fc.integer({ min: 1, max: 12 }), W: fc.integer({ min: 1, max: 12 }),
      sH: fc.integer({ min: 1, max: 3 }), sW: fc.integer({ min: 1, max: 3 }), pads: fc.array(fc.nat(2), { minLength: 4, maxLength: 4 }), seed }),
    ({ N, C, H, W, sH, sW, pads: [pt, pl, pb, pr], seed: s }) => {
      const outH = Math.floor((H + pt! + pb! - 3) / sH) + 1, outW = Math.floor((W + pl! + pr! - 3) / sW) + 1;
      if (outH < 1 || outW < 1) return;
      const g = convGeom(N, C, C, 1, [H, W], [outH, outW], [3, 3], [sH, sW], [1, 1], [pt!, pl!]);
      const x = seededFloats(N * C * H * W, s, -3, 3).map((v, i) => (i % 17 === 5 ? NaN : i % 13 === 7 ? -0 : v));
      const got = pool('max', g, x, 'fast'), want = pool('max', g, x, 'ref');
      assert.ok(got.every((v, i) => Object.is(v, want[i])), `${JSON.stringify(g)}`);
    }), { numRuns: 300 });
});

for (const v of kernelVariants().filter((x) => x.exec && x.exec.threads > 1)) {
  test(`property [${v.name}]: pooling split by planes across threads == one thread, bit for bit`, () => {
    fc.assert(fc.property(poolCases, ({ g, kind, seed: s }) => {
      const x = seededFloats(g.N * g.C * g.inD * g.inH * g.inW, s, -3, 3);
      const ny = g.N * g.C * g.outD * g.outH * g.outW;
      const hx = toHeap(x), hy = toHeap(new Float32Array(ny).fill(NaN));
      poolExec(v.exec!, hy, hx, g, kind === 'max', kind === 'avgpad');
      const got = fromHeap(hy, ny);
      freeHeap([hx, x.length], [hy, ny]);
      const msg = closeArrays(got, pool(kind, g, x, 'fast'), TOL.exact);
      assert.not.ok(msg, `${kind} ${JSON.stringify(g)}: ${msg}`);
    }), { numRuns: 200 });
  });
}

test('MaxPoolWithIndex: first of equal maxima, -FLT_MAX and -1 where nothing beats it (NaN, -inf)', () => {
  const g = convGeom(1, 1, 1, 1, [2, 3], [1, 2], [2, 2], [1, 1], [1, 1], [0, 0]);
  for (const impl of [maxPoolWithIndex, ref.maxPoolWithIndex]) {
    const y = new Float32Array(2), i = new Int32Array(2);
    impl(y, i, Float32Array.of(5, 1, 5, 5, -Infinity, NaN), g);
    assert.equal([Array.from(y), Array.from(i)], [[5, 5], [0, 2]]);
    impl(y, i, Float32Array.of(-Infinity, NaN, NaN, -Infinity, -Infinity, -Infinity), g);
    assert.equal([Array.from(y), Array.from(i)], [[-3.4028234663852886e38, -3.4028234663852886e38], [-1, -1]]);
  }
});

test('property: MaxPoolWithIndex fast == reference (2-D, pads, strides, N and C > 1)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 2 }), fc.nat(2), fc.nat(2), fc.constantFrom(1, 2), seed, (H, W, kh, kw, s, ph, pw, NC, sd) => {
      if (ph >= kh || pw >= kw || H + 2 * ph < kh || W + 2 * pw < kw) return;
      const oH = Math.floor((H + 2 * ph - kh) / s) + 1, oW = Math.floor((W + 2 * pw - kw) / s) + 1;
      const g = convGeom(NC, 2, 2, 1, [H, W], [oH, oW], [kh, kw], [s, s], [1, 1], [ph, pw]);
      const x = seededFloats(NC * 2 * H * W, sd, -3, 3).map(Math.round);
      const n = NC * 2 * oH * oW;
      const a = new Float32Array(n), b = new Float32Array(n), ia = new Int32Array(n), ib = new Int32Array(n);
      maxPoolWithIndex(a, ia, x, g); ref.maxPoolWithIndex(b, ib, x, g);
      assert.equal([Array.from(a), Array.from(ia)], [Array.from(b), Array.from(ib)]);
    }), { numRuns: 150 });
});

test('property: global pooling == reference', () => {
  fc.assert(fc.property(fc.nat(6), fc.integer({ min: 1, max: 70 }), seed, (planes, plane, s) => {
    const x = seededFloats(planes * plane, s, -3, 3);
    for (const [f, r] of [[globalAvgPool, ref.globalAvgPool], [globalMaxPool, ref.globalMaxPool]] as const) {
      const a = new Float32Array(planes).fill(NaN), b = a.slice();
      f(a, x, planes, plane);
      r(b, x, planes, plane);
      assert.not.ok(closeArrays(a, b, TOL.reduce));
    }
  }), { numRuns: 100 });
});

const n = registerVectors(test, ['MaxPool', 'AveragePool'], {
  // ONNX forms Caffe2 has no equivalent for: refused with the reason
  test_averagepool_2d_ceil: 'ceil_mode 1 has no Caffe2 equivalent',
  test_averagepool_2d_ceil_last_window_starts_on_pad: 'ceil_mode 1 has no Caffe2 equivalent',
  test_averagepool_2d_dilations: 'ceil_mode 1 has no Caffe2 equivalent',
  test_averagepool_2d_precomputed_same_upper: 'auto_pad',
  test_averagepool_2d_same_lower: 'auto_pad',
  test_averagepool_2d_same_upper: 'auto_pad',
  test_averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_True: 'ceil_mode 1 has no Caffe2 equivalent',
  test_averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_True: 'ceil_mode 1 has no Caffe2 equivalent',
  test_averagepool_3d_dilations_small: 'ceil_mode 1 has no Caffe2 equivalent',
  test_maxpool_2d_ceil: 'ceil_mode 1 has no Caffe2 equivalent',
  test_maxpool_2d_ceil_output_size_reduce_by_one: 'ceil_mode 1 has no Caffe2 equivalent',
  test_maxpool_2d_precomputed_same_upper: 'auto_pad',
  test_maxpool_2d_same_lower: 'auto_pad',
  test_maxpool_2d_same_upper: 'auto_pad',
  test_maxpool_3d_dilations_use_ref_impl_large: 'ceil_mode 1 has no Caffe2 equivalent',
});

test('the shared ONNX pooling vectors are present', () => {
  assert.ok(n >= 30, `expected the ONNX node-test pooling vectors under ../shared, found ${n}`);
});

test.run();
