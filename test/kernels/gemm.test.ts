import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  BIAS_COL, BIAS_NONE, BIAS_ROW, EPI_ACC, EPI_RELU, EPI_RESIDUAL, KC, MR, NR, gemm, gemmPacked, gemmPackedExec, gemmParams, gemmScratchSize,
  micro4x8, packPanels, packedSize, setMicroKernel, type GemmParams, type MicroKernel,
} from '../../kernels/gemm.js';
import { gemm as gemmRef } from '../../kernels/reference/gemm.js';
import { closeArrays, TOL } from '../helpers/close.js';
import { seededFloats, seed } from '../helpers/arb.js';
import { registerVectors } from './onnx_vectors.js';
import { freeHeap, fromHeap, kernelVariants, toHeap } from '../helpers/variants.js';

function run(p: GemmParams, a: Float32Array, b: Float32Array, bias: Float32Array | null): Float32Array {
  const c = new Float32Array(p.cOff + p.M * p.ldc).fill(NaN);
  gemm(c, a, b, bias, p, new Float32Array(gemmScratchSize(p.M, p.N, p.K)).fill(NaN));
  return c;
}

test('gemm hand-computed 2x3 · 3x2, with row and column bias', () => {
  const a = Float32Array.of(1, 2, 3, 4, 5, 6), b = Float32Array.of(7, 8, 9, 10, 11, 12);
  const p = gemmParams(2, 2, 3);
  assert.equal(Array.from(run(p, a, b, null)), [58, 64, 139, 154]);
  p.biasMode = BIAS_ROW;
  assert.equal(Array.from(run(p, a, b, Float32Array.of(1, -1))), [59, 65, 138, 153]);
  p.biasMode = BIAS_COL;
  assert.equal(Array.from(run(p, a, b, Float32Array.of(1, -1))), [59, 63, 140, 153]);
});

test('gemm hand-computed transposes: Aᵀ stored 3x2, Bᵀ stored 2x3', () => {
  // A = [[1,2,3],[4,5,6]] stored transposed; B = [[7,8],[9,10],[11,12]] stored transposed
  const at = Float32Array.of(1, 4, 2, 5, 3, 6), bt = Float32Array.of(7, 9, 11, 8, 10, 12);
  assert.equal(Array.from(run(gemmParams(2, 2, 3, true, true), at, bt, null)), [58, 64, 139, 154]);
});

test('gemm K = 0 gives the bias (or zeros)', () => {
  const p = gemmParams(2, 3, 0);
  assert.equal(Array.from(run(p, new Float32Array(0), new Float32Array(0), null)), [0, 0, 0, 0, 0, 0]);
  p.biasMode = BIAS_COL;
  assert.equal(Array.from(run(p, new Float32Array(0), new Float32Array(0), Float32Array.of(1, 2, 3))), [1, 2, 3, 1, 2, 3]);
});

test('packPanels lays A out as MR-row panels, k-major, zero-padded', () => {
  // A 5x2 (rows as lanes): panel 0 = rows 0..3, panel 1 = row 4 + 3 zero lanes
  const a = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  const dst = new Float32Array(packedSize(5, 2, MR)).fill(NaN);
  packPanels(dst, 0, a, 0, 2, 1, 5, 2, MR);
  assert.equal(MR, 4);
  assert.equal(Array.from(dst), [1, 3, 5, 7, 2, 4, 6, 8, 9, 0, 0, 0, 10, 0, 0, 0]);
});

test('micro4x8 computes one full tile and accumulates on request', () => {
  const kc = 3, a = seededFloats(kc * MR, 1), b = seededFloats(kc * NR, 2);
  const c = new Float32Array(2 * MR * NR).fill(NaN);
  micro4x8(kc, a, 0, b, 0, c, 1, 2 * NR, false);
  for (let i = 0; i < MR; i++) {
    for (let j = 0; j < NR; j++) {
      let s = 0;
      for (let k = 0; k < kc; k++) s += a[k * MR + i]! * b[k * NR + j]!;
      assert.ok(Math.abs(c[1 + i * 2 * NR + j]! - s) < 1e-6, `c[${i}][${j}]`);
    }
  }
  const before = c[1]!;
  micro4x8(kc, a, 0, b, 0, c, 1, 2 * NR, true);
  assert.ok(Math.abs(c[1]! - 2 * before) < 1e-6);
  assert.ok(Number.isNaN(c[0]!), 'the tile must not write outside its columns');
});

/** Random GEMM problems: sizes around the MR/NR/KC edges, strided and offset operands. */
const problems = fc.record({
  M: fc.oneof(fc.constantFrom(0, 1, MR - 1, MR, MR + 1), fc.integer({ min: 0, max: 37 })),
  N: fc.oneof(fc.constantFrom(0, 1, NR - 1, NR, NR + 1), fc.integer({ min: 0, max: 41 })),
  K: fc.oneof(fc.constantFrom(0, 1, 2, KC, KC + 1), fc.integer({ min: 0, max: 40 })),
  transA: fc.boolean(), transB: fc.boolean(),
  pad: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)), off: fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)),
  biasMode: fc.constantFrom(BIAS_NONE, BIAS_ROW, BIAS_COL), seed,
});

test('property: gemm == reference (sizes at tile/K-block edges, transposes, strides, offsets, bias)', () => {
  fc.assert(fc.property(problems, (q) => {
    const p = gemmParams(q.M, q.N, q.K, q.transA, q.transB);
    p.lda += q.pad[0]; p.ldb += q.pad[1]; p.ldc += q.pad[2];
    [p.aOff, p.bOff, p.cOff] = q.off;
    p.biasMode = q.biasMode;
    p.biasOff = 2;
    const a = seededFloats(p.aOff + (q.transA ? q.K : q.M) * p.lda, q.seed, -1, 1);
    const b = seededFloats(p.bOff + (q.transB ? q.N : q.K) * p.ldb, q.seed + 1, -1, 1);
    const bias = seededFloats(2 + Math.max(q.M, q.N), q.seed + 2, -1, 1);
    const got = run(p, a, b, bias);
    const want = new Float32Array(got.length).fill(NaN);
    gemmRef(want, a, b, bias, p);
    // untouched padding between rows stays NaN in both
    const msg = closeArrays(got, want, TOL.gemm);
    assert.not.ok(msg, `${JSON.stringify({ ...q, seed: q.seed })}: ${msg}`);
  }), { numRuns: 150 });
});

test('gemmPacked with a swapped micro-kernel (same contract) gives the same result', () => {
  const plain: MicroKernel = (kc, a, ao, b, bo, c, co, ldc, acc) => {
    for (let i = 0; i < MR; i++) {
      for (let j = 0; j < NR; j++) {
        let s = acc ? c[co + i * ldc + j]! : 0;
        for (let k = 0; k < kc; k++) s += a[ao + k * MR + i]! * b[bo + k * NR + j]!;
        c[co + i * ldc + j] = s;
      }
    }
  };
  const M = 9, N = 19, K = KC + 7;
  const a = seededFloats(M * K, 5), b = seededFloats(K * N, 6);
  const ap = new Float32Array(packedSize(M, K, MR)), bp = new Float32Array(packedSize(N, K, NR));
  packPanels(ap, 0, a, 0, K, 1, M, K, MR);
  packPanels(bp, 0, b, 0, 1, N, N, K, NR);
  const c1 = new Float32Array(M * N), c2 = new Float32Array(M * N);
  gemmPacked(c1, 0, N, M, N, K, ap, 0, bp, 0, null, 0, BIAS_NONE);
  const prev = setMicroKernel(plain);
  try { gemmPacked(c2, 0, N, M, N, K, ap, 0, bp, 0, null, 0, BIAS_NONE); } finally { setMicroKernel(prev); }
  assert.not.ok(closeArrays(c1, c2, TOL.gemm));
});

test('gemmPacked split into MR-aligned row and NR-aligned column blocks equals the whole (the worker contract)', () => {
  const M = 13, N = 21, K = 37;
  const a = seededFloats(M * K, 11), b = seededFloats(K * N, 12), bias = seededFloats(M + N, 13);
  const ap = new Float32Array(packedSize(M, K, MR)), bp = new Float32Array(packedSize(N, K, NR));
  packPanels(ap, 0, a, 0, K, 1, M, K, MR);
  packPanels(bp, 0, b, 0, 1, N, N, K, NR);
  for (const mode of [BIAS_ROW, BIAS_COL]) {
    const whole = new Float32Array(M * N), parts = new Float32Array(M * N).fill(NaN);
    gemmPacked(whole, 0, N, M, N, K, ap, 0, bp, 0, bias, 0, mode);
    for (const [i0, i1] of [[0, 8], [8, M]] as const) {
      for (const [j0, j1] of [[0, 16], [16, N]] as const) {
        gemmPacked(parts, i0 * N + j0, N, i1 - i0, j1 - j0, K, ap, i0 * K, bp, j0 * K, bias, mode === BIAS_ROW ? i0 : j0, mode);
      }
    }
    assert.equal(parts, whole);
  }
});

/** ReLU on the float32 bits (a set sign bit gives +0), as the kernels apply it. */
function reluBits(a: Float32Array): void {
  const u = new Int32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < u.length; i++) u[i] = u[i]! & ~(u[i]! >> 31);
}

const packedProblems = fc.record({
  M: fc.oneof(fc.constantFrom(1, MR - 1, MR, MR + 1, 33), fc.integer({ min: 1, max: 45 })),
  N: fc.oneof(fc.constantFrom(1, NR - 1, NR, NR + 1, 41), fc.integer({ min: 1, max: 45 })),
  K: fc.oneof(fc.constantFrom(0, 1, KC, KC + 3), fc.integer({ min: 0, max: 40 })),
  pad: fc.nat(3), biasMode: fc.constantFrom(BIAS_NONE, BIAS_ROW, BIAS_COL), relu: fc.boolean(), residual: fc.boolean(),
  acc: fc.boolean(), kExtra: fc.constantFrom(0, 0, 3), seed,
});

for (const v of kernelVariants()) {
  test(`property [${v.name}]: gemmPacked (K slice of a longer A, onto C or not) with bias, residual and ReLU epilogue == reference`, () => {
    fc.assert(fc.property(packedProblems, (q) => {
      const { M, N, K } = q, ldc = N + q.pad, ldr = N + 1, ka = K + q.kExtra;
      // A is the last K columns of a wider matrix [M, ka]: its panels hold ka steps, the product uses K of them
      const aWide = seededFloats(M * ka, q.seed, -1, 1), b = seededFloats(K * N, q.seed + 1, -1, 1);
      const a = new Float32Array(M * K);
      for (let i = 0; i < M; i++) a.set(aWide.subarray(i * ka + q.kExtra, (i + 1) * ka), i * K);
      const bias = seededFloats(Math.max(M, N), q.seed + 2, -1, 1), res = seededFloats(M * ldr, q.seed + 3, -1, 1);
      const c0 = seededFloats(M * ldc, q.seed + 4, -1, 1);
      const want = new Float32Array(M * ldc).fill(NaN);
      const p = gemmParams(M, N, K);
      p.ldc = ldc;
      gemmRef(want, a, b, null, p);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          const k = i * ldc + j;
          if (q.acc) want[k] = want[k]! + c0[k]!;
          if (q.biasMode === BIAS_ROW) want[k] = want[k]! + bias[i]!;
          if (q.biasMode === BIAS_COL) want[k] = want[k]! + bias[j]!;
          if (q.residual) want[k] = want[k]! + res[i * ldr + j]!;
        }
        if (q.relu) reluBits(want.subarray(i * ldc, i * ldc + N));
      }
      const ap = new Float32Array(packedSize(M, ka, MR)), bp = new Float32Array(packedSize(N, K, NR));
      packPanels(ap, 0, aWide, 0, ka, 1, M, ka, MR);
      packPanels(bp, 0, b, 0, 1, N, N, K, NR);
      const flags = (q.relu ? EPI_RELU : 0) | (q.residual ? EPI_RESIDUAL : 0) | (q.acc ? EPI_ACC : 0);
      const cInit = q.acc ? c0 : new Float32Array(M * ldc).fill(NaN);
      for (let i = 0; i < M; i++) cInit.fill(NaN, i * ldc + N, (i + 1) * ldc);
      let got: Float32Array;
      if (!v.exec) {
        got = cInit.slice();
        gemmPacked(got, 0, ldc, M, N, K, ap, q.kExtra * MR, bp, 0, bias, 0, q.biasMode, flags, res, 0, ldr, ka);
      } else {
        const hA = toHeap(ap), hB = toHeap(bp), hBias = toHeap(bias), hRes = toHeap(res), hC = toHeap(cInit);
        gemmPackedExec(v.exec, hC, ldc, M, N, K, hA + q.kExtra * MR * 4, hB, hBias, q.biasMode, flags, hRes, ldr, ka);
        got = fromHeap(hC, M * ldc);
        freeHeap([hA, ap.length], [hB, bp.length], [hBias, bias.length], [hRes, res.length], [hC, M * ldc]);
      }
      const msg = closeArrays(got, want, TOL.gemm);
      assert.not.ok(msg, `${JSON.stringify(q)}: ${msg}`);
    }), { numRuns: 120 });
  });
}

// ONNX MatMul lowers to BatchMatMul broadcast=1 and Gemm (alpha = beta = 1, vector C) to FC /
// FCTransposed, as Caffe2's ONNX backend does; a vector·vector product is [1] in Caffe2, a scalar in ONNX.
const n = registerVectors(test, ['MatMul', 'Gemm'], {}, { test_matmul_1d_1d: [1] });

test('the shared ONNX MatMul/Gemm vectors are present', () => {
  assert.ok(n >= 11, `expected the ONNX node-test MatMul/Gemm vectors under ../shared, found ${n}`);
});

test.run();
