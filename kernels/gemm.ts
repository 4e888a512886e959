// Single-precision GEMM, C = A·B (+ bias), row-major Float32Arrays, after the Goto/BLIS scheme.
// A is packed into MR-row panels and B into NR-column panels, k-major inside a panel; a register-
// tiled MR x NR micro-kernel accumulates in float64 locals (JS numbers: no per-step rounding);
// the driver blocks K by KC and M by MC so a B micro-panel stays in L1 and an A block in L2.
// Packed operands are plain Float32Arrays at an offset: weights are packed once by the planner,
// and a SIMD (WASM) micro-kernel or a worker can take over the same panels and tiles.

import type { Exec } from './engine.js';
import { HDR, USE_SIMD, type Job, type ThreadCtx } from './parallel.js';

export const MR = 4;
export const NR = 8;
/** Cache blocking: K block (A and B micro-panels of KC·MR and KC·NR floats) and M block. */
export const KC = 256;
export const MC = 128;
/** Scratch bytes of one edge tile (the SIMD kernel's, per thread). */
export const TILE_BYTES = MR * NR * 4;

/** Bias modes of the epilogue: none, one value per row of C, one per column of C. */
export const BIAS_NONE = 0, BIAS_ROW = 1, BIAS_COL = 2;
/**
 * Epilogue flags beside the bias mode: add a residual R (same layout as C, row stride ldr) after
 * the bias, then ReLU. The order is Caffe2's: (conv + bias) + residual, then max(·, 0).
 */
export const EPI_RESIDUAL = 8, EPI_RELU = 4;
/** Add onto C instead of overwriting it (a later K slice of one product). */
export const EPI_ACC = 16;

/**
 * The micro-kernel contract: C[co + i·ldc + j] = (acc ? C[...] : 0) + Σ_k a[ao + k·MR + i]·b[bo + k·NR + j]
 * for the full MR x NR tile (i < MR, j < NR), k < kc. A replacement (SIMD, WASM) keeps this
 * contract and the panel layout; the driver handles edges, blocking and the epilogue.
 */
export type MicroKernel = (
  kc: number, a: Float32Array, ao: number, b: Float32Array, bo: number,
  c: Float32Array, co: number, ldc: number, acc: boolean,
) => void;

/** Floats needed to pack `lanes` vectors of length K into w-wide panels. */
export function packedSize(lanes: number, K: number, w: number): number {
  return Math.ceil(lanes / w) * w * K;
}

/**
 * Packs `lanes` vectors of length K into w-wide panels:
 * dst[dOff + (l - l % w)·K + k·w + l % w] = src[sOff + l·ls + k·ks]; lanes past the end are zero.
 * A (M x K, rows as lanes) uses w = MR; B (K x N, columns as lanes) uses w = NR.
 */
export function packPanels(
  dst: Float32Array, dOff: number, src: Float32Array, sOff: number,
  ls: number, ks: number, lanes: number, K: number, w: number,
): void {
  if (ls === 1) {
    // lanes contiguous (B row-major, a conv input): read each source row once, front to back,
    // and deal it out to the panels; panel order would stride a whole row per 8 floats read
    const full = lanes - (lanes % w), panel = w * K;
    for (let k = 0; k < K; k++) {
      const s = sOff + k * ks;
      let d = dOff + k * w, l0 = 0;
      for (; l0 < full; l0 += w, d += panel) for (let l = 0; l < w; l++) dst[d + l] = src[s + l0 + l]!;
      if (l0 < lanes) {
        let l = 0;
        for (; l < lanes - l0; l++) dst[d + l] = src[s + l0 + l]!;
        for (; l < w; l++) dst[d + l] = 0;
      }
    }
    return;
  }
  let d = dOff;
  for (let l0 = 0; l0 < lanes; l0 += w) {
    const n = lanes - l0 < w ? lanes - l0 : w;
    let s = sOff + l0 * ls;
    for (let k = 0; k < K; k++, s += ks, d += w) {
      let l = 0;
      for (; l < n; l++) dst[d + l] = src[s + l * ls]!;
      for (; l < w; l++) dst[d + l] = 0;
    }
  }
}

/**
 * The 4x8 micro-kernel: 32 float64 accumulators, one rank-1 update per k. In V8 every tile from
 * 2x4 (no spills) to 6x8 measured within noise here (3.0-3.6 GFLOP/s, CPU time): bounds-checked
 * loads and float32->float64 conversions, not the tile, set the pace. 4x8 is kept because its
 * B panel is two 4-lane SIMD vectors wide, the shape a WASM micro-kernel wants.
 */
export function micro4x8(
  kc: number, a: Float32Array, ao: number, b: Float32Array, bo: number,
  c: Float32Array, co: number, ldc: number, acc: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  for (let k = 0; k < kc; k++) {
    const a0 = a[ao]!, a1 = a[ao + 1]!, a2 = a[ao + 2]!, a3 = a[ao + 3]!;
    const b0 = b[bo]!, b1 = b[bo + 1]!, b2 = b[bo + 2]!, b3 = b[bo + 3]!;
    const b4 = b[bo + 4]!, b5 = b[bo + 5]!, b6 = b[bo + 6]!, b7 = b[bo + 7]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c04 += a0 * b4; c05 += a0 * b5; c06 += a0 * b6; c07 += a0 * b7;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c14 += a1 * b4; c15 += a1 * b5; c16 += a1 * b6; c17 += a1 * b7;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c24 += a2 * b4; c25 += a2 * b5; c26 += a2 * b6; c27 += a2 * b7;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    c34 += a3 * b4; c35 += a3 * b5; c36 += a3 * b6; c37 += a3 * b7;
    ao += 4;
    bo += 8;
  }
  let r = co;
  if (acc) {
    c00 += c[r]!; c01 += c[r + 1]!; c02 += c[r + 2]!; c03 += c[r + 3]!;
    c04 += c[r + 4]!; c05 += c[r + 5]!; c06 += c[r + 6]!; c07 += c[r + 7]!;
  }
  c[r] = c00; c[r + 1] = c01; c[r + 2] = c02; c[r + 3] = c03;
  c[r + 4] = c04; c[r + 5] = c05; c[r + 6] = c06; c[r + 7] = c07;
  r += ldc;
  if (acc) {
    c10 += c[r]!; c11 += c[r + 1]!; c12 += c[r + 2]!; c13 += c[r + 3]!;
    c14 += c[r + 4]!; c15 += c[r + 5]!; c16 += c[r + 6]!; c17 += c[r + 7]!;
  }
  c[r] = c10; c[r + 1] = c11; c[r + 2] = c12; c[r + 3] = c13;
  c[r + 4] = c14; c[r + 5] = c15; c[r + 6] = c16; c[r + 7] = c17;
  r += ldc;
  if (acc) {
    c20 += c[r]!; c21 += c[r + 1]!; c22 += c[r + 2]!; c23 += c[r + 3]!;
    c24 += c[r + 4]!; c25 += c[r + 5]!; c26 += c[r + 6]!; c27 += c[r + 7]!;
  }
  c[r] = c20; c[r + 1] = c21; c[r + 2] = c22; c[r + 3] = c23;
  c[r + 4] = c24; c[r + 5] = c25; c[r + 6] = c26; c[r + 7] = c27;
  r += ldc;
  if (acc) {
    c30 += c[r]!; c31 += c[r + 1]!; c32 += c[r + 2]!; c33 += c[r + 3]!;
    c34 += c[r + 4]!; c35 += c[r + 5]!; c36 += c[r + 6]!; c37 += c[r + 7]!;
  }
  c[r] = c30; c[r + 1] = c31; c[r + 2] = c32; c[r + 3] = c33;
  c[r + 4] = c34; c[r + 5] = c35; c[r + 6] = c36; c[r + 7] = c37;
}

/** The micro-kernel gemmPacked calls; a faster one with the same MR x NR contract may replace it. */
let micro: MicroKernel = micro4x8;

/** Swaps the micro-kernel (same MR, NR and panel layout); returns the previous one. */
export function setMicroKernel(k: MicroKernel): MicroKernel {
  const prev = micro;
  micro = k;
  return prev;
}

// Edge tiles (M % MR, N % NR) run the full micro-kernel into this tile, then copy the valid part.
const EDGE = new Float32Array(MR * NR);

function storeEdge(c: Float32Array, co: number, ldc: number, mr: number, nr: number, acc: boolean): void {
  for (let i = 0; i < mr; i++) {
    const r = co + i * ldc, e = i * NR;
    if (acc) for (let j = 0; j < nr; j++) c[r + j] = c[r + j]! + EDGE[e + j]!;
    else for (let j = 0; j < nr; j++) c[r + j] = EDGE[e + j]!;
  }
}

/**
 * The epilogue of a finished mr x nr tile: bias, residual, ReLU, each rounded to float32 as a
 * separate float op would be (a double sum of two floats rounds to their float sum). ReLU works on
 * the bits as reluF32 (kernels/activation.ts): a set sign bit (negative, -0, negative NaN) gives +0.
 */
function epilogue(
  c: Float32Array, co: number, ldc: number, mr: number, nr: number,
  bias: Float32Array | null, bo: number, mode: number, res: Float32Array | null, ro: number, ldr: number,
): void {
  for (let i = 0; i < mr; i++) {
    const r = co + i * ldc;
    if (mode === BIAS_ROW) {
      const v = bias![bo + i]!;
      for (let j = 0; j < nr; j++) c[r + j] = c[r + j]! + v;
    } else if (mode === BIAS_COL) {
      for (let j = 0; j < nr; j++) c[r + j] = c[r + j]! + bias![bo + j]!;
    }
    if (res) for (let j = 0, s = ro + i * ldr; j < nr; j++) c[r + j] = c[r + j]! + res[s + j]!;
  }
}

function reluTile(ci: Int32Array, co: number, ldc: number, mr: number, nr: number): void {
  for (let i = 0; i < mr; i++) {
    for (let j = 0, r = co + i * ldc; j < nr; j++) {
      const v = ci[r + j]!;
      ci[r + j] = v & ~(v >> 31);
    }
  }
}

/**
 * C[cOff + i·ldc + j] = Σ_k A[i][k]·B[k][j] (+ bias[biasOff + i] for BIAS_ROW, + bias[biasOff + j]
 * for BIAS_COL), i < M, j < N, with A packed by packPanels(w = MR) at ap[aOff] and B packed with
 * w = NR at bp[bOff]. C is overwritten (never read before the first K block is stored).
 * `flags` adds EPI_RESIDUAL (then res[resOff + i·ldr + j] is added after the bias), EPI_RELU, and
 * EPI_ACC (C += the product: a later K slice). A's panels may hold `ka` > K steps (K slice of a longer A).
 * Sub-problems need no repacking, so workers can split one GEMM: rows [i0, i1) with i0 % MR = 0
 * are (M = i1 - i0, aOff + i0·K, cOff + i0·ldc, row bias + i0, resOff + i0·ldr); columns [j0, j1)
 * with j0 % NR = 0 are (N = j1 - j0, bOff + j0·K, cOff + j0, column bias + j0, resOff + j0).
 */
export function gemmPacked(
  c: Float32Array, cOff: number, ldc: number, M: number, N: number, K: number,
  ap: Float32Array, aOff: number, bp: Float32Array, bOff: number,
  bias: Float32Array | null, biasOff: number, biasMode: number,
  flags = 0, res: Float32Array | null = null, resOff = 0, ldr = 0, ka = K,
): void {
  if (M <= 0 || N <= 0) return;
  const accAll = (flags & EPI_ACC) !== 0;
  const rs = flags & EPI_RESIDUAL ? res : null;
  const ci = flags & EPI_RELU ? new Int32Array(c.buffer, c.byteOffset, c.length) : null;
  if (K === 0) {
    for (let i = 0; i < M; i++) {
      const r = cOff + i * ldc;
      if (!accAll) for (let j = 0; j < N; j++) c[r + j] = 0;
    }
    epilogue(c, cOff, ldc, M, N, bias, biasOff, biasMode, rs, resOff, ldr);
    if (ci) reluTile(ci, cOff, ldc, M, N);
    return;
  }
  const mk = micro;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = K - pc < KC ? K - pc : KC;
    const acc = pc > 0 || accAll, last = pc + kc === K;
    for (let ic = 0; ic < M; ic += MC) {
      const mEnd = ic + MC < M ? ic + MC : M;
      for (let jp = 0; jp < N; jp += NR) {
        const nr = N - jp < NR ? N - jp : NR;
        const bo = bOff + jp * K + pc * NR;
        for (let ip = ic; ip < mEnd; ip += MR) {
          const mr = M - ip < MR ? M - ip : MR;
          const co = cOff + ip * ldc + jp;
          const ao = aOff + ip * ka + pc * MR;
          if (mr === MR && nr === NR) mk(kc, ap, ao, bp, bo, c, co, ldc, acc);
          else {
            mk(kc, ap, ao, bp, bo, EDGE, 0, NR, false);
            storeEdge(c, co, ldc, mr, nr, acc);
          }
          if (last) {
            if (biasMode !== BIAS_NONE || rs) epilogue(c, co, ldc, mr, nr, bias, biasOff + (biasMode === BIAS_ROW ? ip : jp), biasMode, rs, resOff + ip * ldr + jp, ldr);
            if (ci) reluTile(ci, co, ldc, mr, nr);
          }
        }
      }
    }
  }
}

/** A GEMM on unpacked operands: which matrices, their layout, and the bias. */
export interface GemmParams {
  M: number; N: number; K: number;
  /** A is stored K x M (read transposed); B is stored N x K. */
  transA: boolean; transB: boolean;
  /** Row strides as stored (A: M x K or K x M, B: K x N or N x K, C: M x N). */
  lda: number; ldb: number; ldc: number;
  aOff: number; bOff: number; cOff: number;
  biasMode: number; biasOff: number;
}

export function gemmParams(M: number, N: number, K: number, transA = false, transB = false): GemmParams {
  return {
    M, N, K, transA, transB, lda: transA ? M : K, ldb: transB ? K : N, ldc: N,
    aOff: 0, bOff: 0, cOff: 0, biasMode: BIAS_NONE, biasOff: 0,
  };
}

/** Scratch floats gemm() needs to pack both operands. */
export function gemmScratchSize(M: number, N: number, K: number): number {
  return packedSize(M, K, MR) + packedSize(N, K, NR);
}

/** C = op(A)·op(B) (+ bias) on unpacked operands; packs both into `scratch` (gemmScratchSize). */
export function gemm(
  c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null, p: GemmParams, scratch: Float32Array,
): void {
  const { M, N, K } = p;
  if (M <= 0 || N <= 0) return;
  const bp = packedSize(M, K, MR);
  if (p.transA) packPanels(scratch, 0, a, p.aOff, 1, p.lda, M, K, MR);
  else packPanels(scratch, 0, a, p.aOff, p.lda, 1, M, K, MR);
  if (p.transB) packPanels(scratch, bp, b, p.bOff, p.ldb, 1, N, K, NR);
  else packPanels(scratch, bp, b, p.bOff, 1, p.ldb, N, K, NR);
  gemmPacked(c, p.cOff, p.ldc, M, N, K, scratch, 0, scratch, bp, bias, p.biasOff, p.biasMode);
}

// ------------------------------------------------------------------ on the engine (SIMD, threads)

// job args after the header: M, N, K, pointers (bytes), ldc, bias mode | flags, ldr, split
const G_M = HDR, G_N = HDR + 1, G_K = HDR + 2, G_A = HDR + 3, G_B = HDR + 4, G_C = HDR + 5, G_LDC = HDR + 6;
const G_BIAS = HDR + 7, G_FLAGS = HDR + 8, G_RES = HDR + 9, G_LDR = HDR + 10, G_ROWS = HDR + 11, G_BLOCK = HDR + 12, G_KA = HDR + 13;
const gargs = new Float64Array(HDR + 14);

/** One task: a block of MR-aligned rows or NR-aligned columns of gemmPacked, by the sub-problem contract. */
function gemmTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const M = a[G_M]!, N = a[G_N]!, K = a[G_K]!, ldc = a[G_LDC]!, ldr = a[G_LDR]!, blk = a[G_BLOCK]!, ka = a[G_KA]!;
  let ap = a[G_A]!, bp = a[G_B]!, cp = a[G_C]!, bias = a[G_BIAS]!, rp = a[G_RES]!;
  const flags = a[G_FLAGS]!;
  let m = M, n = N;
  const i0 = task * blk;
  if (a[G_ROWS]) {
    m = Math.min(blk, M - i0);
    ap += i0 * ka * 4; cp += i0 * ldc * 4; rp += i0 * ldr * 4;
    if ((flags & 3) === BIAS_ROW) bias += i0 * 4;
  } else {
    n = Math.min(blk, N - i0);
    bp += i0 * K * 4; cp += i0 * 4; rp += i0 * 4;
    if ((flags & 3) === BIAS_COL) bias += i0 * 4;
  }
  const f = t.f32;
  if (a[0]! & USE_SIMD && t.simd && K > 0) {
    t.simd.gemm(m, n, K, ap, ka, bp, cp, ldc, bias, flags, rp, ldr, a[1]! + t.index * a[2]!);
  } else {
    gemmPacked(f, cp / 4, ldc, m, n, K, f, ap / 4, f, bp / 4, f, bias / 4, flags & 3, flags, f, rp / 4, ldr, ka);
  }
}

export const GEMM_JOB: Job = { id: 2, run: gemmTask };

/**
 * gemmPacked on the engine: every operand a byte offset into its memory (bias, res: any value when
 * unused; A's panels hold `ka` steps). Split into row blocks (multiples of MR) or column blocks
 * (multiples of NR), whichever dimension has more, so each thread gets a few.
 */
export function gemmPackedExec(
  ex: Exec, c: number, ldc: number, M: number, N: number, K: number, ap: number, bp: number,
  bias: number, biasMode: number, flags = 0, res = 0, ldr = 0, ka = K,
): void {
  if (M <= 0 || N <= 0) return;
  const rows = Math.ceil(M / MR) > Math.ceil(N / NR);
  const unit = rows ? MR : NR, units = Math.ceil((rows ? M : N) / unit);
  const tasks = ex.threads > 1 ? Math.min(units, 4 * ex.threads) : 1;
  const blk = Math.ceil(units / tasks) * unit;
  ex.header(gargs, TILE_BYTES);
  gargs[G_M] = M; gargs[G_N] = N; gargs[G_K] = K; gargs[G_A] = ap; gargs[G_B] = bp; gargs[G_C] = c;
  gargs[G_LDC] = ldc; gargs[G_BIAS] = bias; gargs[G_FLAGS] = (flags & ~3) | biasMode; gargs[G_RES] = res; gargs[G_LDR] = ldr;
  gargs[G_ROWS] = rows ? 1 : 0; gargs[G_BLOCK] = blk; gargs[G_KA] = ka;
  ex.run(GEMM_JOB, gargs, Math.ceil((rows ? M : N) / blk));
}
