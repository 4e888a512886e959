// Winograd F(2x2, 3x3) against the reference conv: random 3x3 stride-1 problems (pads 0..2 per side,
// odd and even sizes, rows wide enough for the four-tile SIMD paths, channel counts across the
// 128-channel slices), with and without bias, residual and ReLU, on one and two threads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { EPI_RELU, EPI_RESIDUAL } from '../../kernels/gemm.js';
import { convGeom } from '../../kernels/geometry.js';
import { conv as convRef } from '../../kernels/reference/conv.js';
import { convWinogradExec, packWinogradWeights, winogradEligible, winogradWeightsSize } from '../../kernels/winograd.js';
import { getEngine } from '../../kernels/engine.js';
import { closeArrays, TOL } from '../helpers/close.js';
import { seededFloats, seed } from '../helpers/arb.js';
import { freeHeap, fromHeap, kernelVariants, toHeap } from '../helpers/variants.js';

const problems = fc.record({
  N: fc.constantFrom(1, 1, 2), C: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(128, 129, 200)), M: fc.integer({ min: 1, max: 13 }),
  H: fc.integer({ min: 1, max: 12 }), W: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 41 })),
  pt: fc.nat(2), pl: fc.nat(2), pb: fc.nat(2), pr: fc.nat(2), bias: fc.boolean(), relu: fc.boolean(), residual: fc.boolean(), seed,
});

test('winogradEligible: only 3x3, stride 1, dilation 1, one group, 2-D', () => {
  const g = (k: number, s: number, d: number, G: number) => convGeom(1, 4, 4, G, [8, 8], [8, 8], [k, k], [s, s], [d, d], [1, 1]);
  assert.ok(winogradEligible(g(3, 1, 1, 1)));
  assert.not.ok(winogradEligible(g(3, 2, 1, 1)));
  assert.not.ok(winogradEligible(g(3, 1, 2, 1)));
  assert.not.ok(winogradEligible(g(3, 1, 1, 2)));
  assert.not.ok(winogradEligible(g(1, 1, 1, 1)));
});

for (const v of kernelVariants().filter((x) => x.exec?.simd)) {
  test(`property [${v.name}]: Winograd F(2x2,3x3) conv with bias, residual, ReLU == reference`, () => {
    fc.assert(fc.property(problems, (q) => {
      const outH = q.H + q.pt + q.pb - 2, outW = q.W + q.pl + q.pr - 2;
      if (outH < 1 || outW < 1 || q.N * q.C * q.H * q.W > 120000) return;
      const g = convGeom(q.N, q.C, q.M, 1, [q.H, q.W], [outH, outW], [3, 3], [1, 1], [1, 1], [q.pt, q.pl]);
      const ny = q.N * q.M * outH * outW;
      const x = seededFloats(q.N * q.C * q.H * q.W, q.seed, -1, 1), w = seededFloats(q.M * q.C * 9, q.seed + 1, -0.3, 0.3);
      const b = q.bias ? seededFloats(q.M, q.seed + 2, -1, 1) : null, res = q.residual ? seededFloats(ny, q.seed + 3, -1, 1) : null;
      const want = new Float32Array(ny);
      convRef(want, x, w, new Float32Array(0), b, g);
      for (let i = 0; i < ny; i++) {
        if (res) want[i] = want[i]! + res[i]!;
        if (q.relu && !(want[i]! > 0)) want[i] = 0;
      }
      const size = winogradWeightsSize(q.M, q.C), arena = getEngine().arena;
      const hu = arena.alloc(size * 4);
      packWinogradWeights(arena.f32(), hu / 4, w, q.M, q.C);
      const hx = toHeap(x), hb = b ? toHeap(b) : -1, hr = res ? toHeap(res) : -1, hy = toHeap(new Float32Array(ny).fill(NaN));
      const flags = (q.relu ? EPI_RELU : 0) | (q.residual ? EPI_RESIDUAL : 0);
      convWinogradExec(v.exec!, hy, hx, hu, hb, g, flags, hr);
      const got = fromHeap(hy, ny);
      arena.free(hu, size * 4);
      freeHeap([hx, x.length], [hy, ny], ...(b ? [[hb, b.length] as [number, number]] : []), ...(res ? [[hr, res.length] as [number, number]] : []));
      const msg = closeArrays(got, want, TOL.conv);
      assert.not.ok(msg, `${JSON.stringify(q)}: ${msg}`);
    }), { numRuns: 200 });
  });
}

test.run();
