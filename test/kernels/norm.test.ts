import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fast from '../../kernels/norm.js';
import * as ref from '../../kernels/reference/norm.js';
import * as fastSm from '../../kernels/softmax.js';
import * as refSm from '../../kernels/reference/softmax.js';
import { closeArrays, type Tol } from '../helpers/close.js';
import { PROP, seed, seededFloats } from '../helpers/arb.js';

const f = Math.fround;
// float32 fused parameters vs the float64 numpy formula: a few ulp of the output magnitude
const NORM_TOL: Tol = { atol: 2e-5, rtol: 2e-5 };

test('SpatialBN fused params and AffineChannel, hand-computed (NCHW and NHWC)', () => {
  const alpha = new Float32Array(2), beta = new Float32Array(2);
  fast.batchNormParamsF32(alpha, beta, Float32Array.of(2, 0.5), Float32Array.of(1, -1), Float32Array.of(1, 2), Float32Array.of(4, 0.25), 0);
  assert.equal(Array.from(alpha), [1, 1]);
  assert.equal(Array.from(beta), [0, -3]);
  const y = new Float32Array(4);
  // NCHW [1, 2, 1, 2]: channel 0 = (1, 2), channel 1 = (3, 4)
  fast.affineChannelF32(y, Float32Array.of(1, 2, 3, 4), Float32Array.of(2, 3), Float32Array.of(0.5, -1), 1, 2, 2, false);
  assert.equal(Array.from(y), [2.5, 4.5, 8, 11]);
  // NHWC [1, 2, 2]: pixel 0 = (1, 2), pixel 1 = (3, 4)
  fast.affineChannelF32(y, Float32Array.of(1, 2, 3, 4), Float32Array.of(2, 3), Float32Array.of(0.5, -1), 1, 2, 2, true);
  assert.equal(Array.from(y), [2.5, 5, 6.5, 11]);
});

test('GroupNorm hand-computed: [1, 4, 1, 2], G = 2, mean 2.5 / 6.5 and biased var 1.25', () => {
  const x = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), y = new Float32Array(8), mean = new Float32Array(2), rstd = new Float32Array(2);
  const gamma = Float32Array.of(1, 1, 2, 2), beta = Float32Array.of(0, 0, 0, 1);
  fast.groupNormF32(y, x, gamma, beta, mean, rstd, 1, 4, 2, 2, f(1e-5));
  const r = 1 / Math.sqrt(1.25 + 1e-5);
  assert.equal(Array.from(mean), [2.5, 6.5]);
  assert.not.ok(closeArrays(rstd, [r, r], NORM_TOL));
  const want = [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r, -3 * r, -r, r + 1, 3 * r + 1];
  assert.not.ok(closeArrays(y, want, NORM_TOL), closeArrays(y, want, NORM_TOL));
});

test('empty groups and rows: mean 0, variance 0 (math::Moments on no elements)', () => {
  const mean = new Float32Array(2), rstd = new Float32Array(2);
  fast.groupNormF32(new Float32Array(0), new Float32Array(0), Float32Array.of(1, 1), Float32Array.of(0, 0), mean, rstd, 1, 2, 0, 2, f(1e-5));
  assert.equal(Array.from(mean), [0, 0]);
  assert.equal(Array.from(rstd), [f(1 / Math.sqrt(f(1e-5))), f(1 / Math.sqrt(f(1e-5)))]);
  const m = new Float32Array(3), s = new Float32Array(3);
  fast.layerNormF32(new Float32Array(0), new Float32Array(0), m, s, 3, 0, f(1e-5), undefined, undefined);
  assert.equal(Array.from(m), [0, 0, 0]);
  assert.not.ok(closeArrays(s, [Math.sqrt(1e-5), Math.sqrt(1e-5), Math.sqrt(1e-5)], NORM_TOL));
});

test('LayerNorm hand-computed with and without affine', () => {
  const x = Float32Array.of(1, 2, 3, 4, 2, 2, 2, 2), y = new Float32Array(8), mean = new Float32Array(2), sigma = new Float32Array(2);
  fast.layerNormF32(y, x, mean, sigma, 2, 4, f(1e-5), undefined, undefined);
  const s = Math.sqrt(1.25 + 1e-5), s2 = Math.sqrt(1e-5);
  assert.not.ok(closeArrays(mean, [2.5, 2], NORM_TOL));
  assert.not.ok(closeArrays(sigma, [s, s2], NORM_TOL));
  assert.not.ok(closeArrays(y, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, 0, 0, 0, 0], NORM_TOL));
  fast.layerNormF32(y, x, mean, sigma, 2, 4, f(1e-5), Float32Array.of(1, 2, 3, 4), Float32Array.of(0, 0, 0, 1));
  assert.not.ok(closeArrays(y, [-1.5 / s, -1 / s, 1.5 / s, 6 / s + 1, 0, 0, 0, 1], NORM_TOL));
});

test('Softmax hand-computed; rows independent; large logits do not overflow', () => {
  const y = new Float32Array(6);
  fastSm.softmaxF32(y, Float32Array.of(0, Math.log(2), Math.log(4), 1000, 1000, -Infinity), 2, 3);
  assert.not.ok(closeArrays(y, [1 / 7, 2 / 7, 4 / 7, 0.5, 0.5, 0], { atol: 1e-7, rtol: 1e-6 }));
});

const nchw = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
  fc.integer({ min: 0, max: 40 })).map(([N, G, K, HxW]) => ({ N, G, C: G * K, HxW }));

test('property: GroupNorm / InstanceNorm fast == numpy-style reference (two-pass float64)', () => {
  fc.assert(fc.property(nchw, seed, fc.boolean(), ({ N, G, C, HxW }, s, inst) => {
    const groups = inst ? C : G;
    const x = seededFloats(N * C * HxW, s, -3, 5), gamma = seededFloats(C, s + 1, -2, 2), beta = seededFloats(C, s + 2, -1, 1);
    const ya = new Float32Array(x.length), yb = new Float32Array(x.length);
    const ma = new Float32Array(N * groups), mb = new Float32Array(N * groups), ra = new Float32Array(N * groups), rb = new Float32Array(N * groups);
    fast.groupNormF32(ya, x, gamma, beta, ma, ra, N, C, HxW, groups, f(1e-5));
    ref.groupNormF32(yb, x, gamma, beta, mb, rb, N, C, HxW, groups, f(1e-5));
    assert.not.ok(closeArrays(ma, mb, NORM_TOL), 'mean');
    if (HxW === 0) return;
    // the fused form x*s + (beta - s*mu) cancels: its float32 error scales with |s|*(|x|+|mu|),
    // which is large when a group is (near) constant and rstd ~ 1/sqrt(eps)
    const K = C / groups, D = K * HxW;
    for (let i = 0; i < x.length; i++) {
      const ng = Math.floor(i / D), c = (ng % groups) * K + Math.floor((i % D) / HxW);
      const sc = Math.abs(gamma[c]! * rb[ng]!);
      const bound = 6e-8 * 4 * (sc * (Math.abs(x[i]!) + Math.abs(mb[ng]!)) + Math.abs(beta[c]!)) + 1e-6;
      assert.ok(Math.abs(ya[i]! - yb[i]!) <= bound, `y[${i}]: got ${ya[i]}, want ${yb[i]} (bound ${bound})`);
    }
    assert.not.ok(closeArrays(ma, mb, NORM_TOL), 'mean');
    // rstd can reach 1/sqrt(eps) ~ 316 when a group is constant (HxW*K == 1)
    assert.not.ok(closeArrays(ra, rb, { atol: 1e-4, rtol: 1e-4 }), `rstd: ${closeArrays(ra, rb, { atol: 1e-4, rtol: 1e-4 })}`);
    const yc = x.slice();
    fast.groupNormF32(yc, yc, gamma, beta, ma, ra, N, C, HxW, groups, f(1e-5));
    assert.equal(yc, ya);
  }), PROP);
});

test('property: SpatialBN params + AffineChannel fast == reference, NCHW and NHWC', () => {
  fc.assert(fc.property(nchw, seed, fc.boolean(), ({ N, C, HxW }, s, nhwc) => {
    const x = seededFloats(N * C * HxW, s, -3, 3);
    const scale = seededFloats(C, s + 1, -2, 2), bias = seededFloats(C, s + 2, -1, 1);
    const mean = seededFloats(C, s + 3, -1, 1), variance = seededFloats(C, s + 4, 0.01, 3);
    const aa = new Float32Array(C), ba = new Float32Array(C), ab = new Float32Array(C), bb = new Float32Array(C);
    fast.batchNormParamsF32(aa, ba, scale, bias, mean, variance, f(1e-5));
    ref.batchNormParamsF32(ab, bb, scale, bias, mean, variance, f(1e-5));
    assert.not.ok(closeArrays(aa, ab, NORM_TOL));
    assert.not.ok(closeArrays(ba, bb, NORM_TOL));
    const ya = new Float32Array(x.length), yb = new Float32Array(x.length);
    fast.affineChannelF32(ya, x, aa, ba, N, C, HxW, nhwc);
    ref.affineChannelF32(yb, x, aa, ba, N, C, HxW, nhwc);
    assert.not.ok(closeArrays(ya, yb, NORM_TOL));
  }), PROP);
});

test('property: LayerNorm fast == reference', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 50 }), seed, fc.boolean(), (M, N, s, affine) => {
    const x = seededFloats(M * N, s, -4, 4), g = seededFloats(N, s + 1), b = seededFloats(N, s + 2);
    const ya = new Float32Array(x.length), yb = new Float32Array(x.length);
    const ma = new Float32Array(M), mb = new Float32Array(M), sa = new Float32Array(M), sb = new Float32Array(M);
    fast.layerNormF32(ya, x, ma, sa, M, N, f(1e-5), affine ? g : undefined, affine ? b : undefined);
    ref.layerNormF32(yb, x, mb, sb, M, N, f(1e-5), affine ? g : undefined, affine ? b : undefined);
    assert.not.ok(closeArrays(ya, yb, NORM_TOL), closeArrays(ya, yb, NORM_TOL));
    assert.not.ok(closeArrays(ma, mb, NORM_TOL));
    assert.not.ok(closeArrays(sa, sb, NORM_TOL));
  }), PROP);
});

test('property: Softmax fast == reference exactly (same float32 steps), in place too', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 60 }), seed, (N, D, s) => {
    const x = seededFloats(N * D, s, -30, 30);
    const a = new Float32Array(x.length), b = new Float32Array(x.length), c = x.slice();
    fastSm.softmaxF32(a, x, N, D); refSm.softmaxF32(b, x, N, D); fastSm.softmaxF32(c, c, N, D);
    // sums differ only in association order (double accumulation vs left fold): 1 ulp at most
    assert.not.ok(closeArrays(a, b, { atol: 0, rtol: 2.5e-7 }), closeArrays(a, b, { atol: 0, rtol: 2.5e-7 }));
    assert.equal(c, a);
  }), PROP);
});

test.run();
