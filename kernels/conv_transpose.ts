// Transposed convolution, NCHW 2-D: Caffe2 ConvTransposeOp (caffe2/operators/conv_transpose_op_impl.h):
// per image and group, col_g[Cg·kH·kW x inH·inW] = W_gᵀ·X_g, then Col2Im adds col into a zeroed Y,
// then the bias. X [N, M, inH, inW], filter [M, C/G, kH, kW] (input channels first, as PyTorch),
// Y [N, C, outH, outW]; no dilation. Equals PyTorch conv_transpose2d with output_padding = adj:
// rows and columns no tap reaches (the adj tail) hold only the bias. With one input channel per
// group (ONNX bilinear Resize lowered to a depthwise ConvTranspose) a direct kernel replaces the
// K = 1 GEMM.

import { MR, NR, TILE_BYTES, gemmPacked, packPanels, packedSize } from './gemm.js';
import { tapHi, tapLo, type ConvGeom } from './geometry.js';
import { col2imAdd } from './im2col.js';
import type { Exec } from './engine.js';
import { HDR, USE_SIMD, type Job, type ThreadCtx } from './parallel.js';
import { readGeom, writeGeom } from './conv.js';

/** Input positions (GEMM columns) per block. */
export const NC = 256;

function cols(g: ConvGeom): number { return g.inH * g.inW; }
/** GEMM rows per group: Cg·kH·kW. */
function rowsG(g: ConvGeom): number { return (g.C / g.G) * g.kH * g.kW; }

/** One input channel per group: the direct kernel runs and the filter is read unpacked. */
export function isDepthwiseTranspose(g: ConvGeom): boolean {
  return g.M === g.G;
}

export function convTransposePackedWeightsSize(g: ConvGeom): number {
  return isDepthwiseTranspose(g) ? 0 : g.G * packedSize(rowsG(g), g.M / g.G, MR);
}

/** Packs W_gᵀ (rows Cg·kH·kW, K = M/G) per group into MR-row panels at dst[dOff]. */
export function packConvTransposeWeights(dst: Float32Array, w: Float32Array, g: ConvGeom, dOff = 0): void {
  if (isDepthwiseTranspose(g)) return;
  const R = rowsG(g), Mg = g.M / g.G, gs = packedSize(R, Mg, MR);
  for (let gi = 0; gi < g.G; gi++) packPanels(dst, dOff + gi * gs, w, gi * Mg * R, 1, R, R, Mg, MR);
}

/** Scratch floats: the packed X block and the col block. */
export function convTransposeScratchSize(g: ConvGeom): number {
  if (isDepthwiseTranspose(g)) return 0;
  const P = cols(g), nc = P < NC ? P : NC;
  return packedSize(nc, g.M / g.G, NR) + rowsG(g) * nc;
}

export function convTranspose(
  y: Float32Array, x: Float32Array, w: Float32Array, packed: Float32Array, bias: Float32Array | null,
  g: ConvGeom, scratch: Float32Array,
): void {
  if (isDepthwiseTranspose(g)) {
    depthwiseConvTranspose(y, x, w, bias, g);
    return;
  }
  const { N, C, M, G } = g;
  const Cg = C / G, Mg = M / G, R = rowsG(g), gs = packedSize(R, Mg, MR);
  const P = cols(g), Q = g.outH * g.outW;
  const colOff = packedSize(P < NC ? P : NC, Mg, NR);
  for (let n = 0; n < N; n++) {
    const yn = n * C * Q;
    // Col2Im accumulates into a zeroed image; starting from the bias saves the extra pass.
    for (let c = 0; c < C; c++) y.fill(bias ? bias[c]! : 0, yn + c * Q, yn + (c + 1) * Q);
    for (let gi = 0; gi < G; gi++) {
      const xg = (n * M + gi * Mg) * P;
      for (let j0 = 0; j0 < P; j0 += NC) {
        const nc = P - j0 < NC ? P - j0 : NC;
        packPanels(scratch, 0, x, xg + j0, 1, P, nc, Mg, NR);
        gemmPacked(scratch, colOff, nc, R, nc, Mg, packed, gi * gs, scratch, 0, null, 0, 0);
        col2imAdd(y, yn, scratch, colOff, nc, g, gi * Cg, Cg, j0, nc);
      }
    }
  }
}

/**
 * Depthwise transposed conv (M = G: input channel m feeds output channels m·Cg .. m·Cg + Cg - 1),
 * tap by tap: each output plane starts at its bias and every filter tap adds w·x at the positions
 * it reaches, float32 per tap.
 */
export function depthwiseConvTranspose(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeom): void {
  const { N, C, M, inH, inW, outH, outW, kH, kW, sH, sW, padT, padL } = g;
  const Cg = C / M, P = inH * inW, Q = outH * outW;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const m = Math.floor(c / Cg), yo = (n * C + c) * Q, xo = (n * M + m) * P, wo = c * kH * kW;
      y.fill(bias ? bias[c]! : 0, yo, yo + Q);
      for (let kh = 0; kh < kH; kh++) {
        for (let kw = 0; kw < kW; kw++) {
          const wv = w[wo + kh * kW + kw]!;
          const lo = tapLo(kw, sW, padL, 1, inW), hi = tapHi(kw, sW, padL, 1, outW, inW);
          for (let ih = 0; ih < inH; ih++) {
            const oh = ih * sH - padT + kh;
            if (oh < 0 || oh >= outH) continue;
            const yr = yo + oh * outW + kw - padL, xr = xo + ih * inW;
            for (let iw = lo; iw < hi; iw++) y[yr + iw * sW] += wv * x[xr + iw]!;
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------ on the engine (SIMD, threads)

// Tasks own whole output channels (col2im of different input positions overlaps when kernel >
// stride, different channels never do): image n, group gi, channels [c0, c0 + cb) of the group.
const A_X = HDR, A_Y = HDR + 1, A_W = HDR + 2, A_B = HDR + 3, A_RELU = HDR + 4, A_CB = HDR + 5, A_BLOCKS = HDR + 6, A_G = HDR + 7;
const args = new Float64Array(A_G + 22);

function convTransposeTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const g = readGeom(a, A_G);
  const { C, M, G } = g, Cg = C / G, Mg = M / G, kk = g.kH * g.kW, R = Cg * kk, gs = packedSize(R, Mg, MR);
  const cbMax = a[A_CB]!, blocks = a[A_BLOCKS]!;
  const n = Math.floor(task / (G * blocks)), gi = Math.floor(task / blocks) % G, c0 = (task % blocks) * cbMax;
  const cb = Cg - c0 < cbMax ? Cg - c0 : cbMax, rows = cb * kk;
  const P = g.inH * g.inW, Q = g.outH * g.outW, f = t.f32;
  const sp = a[1]! + t.index * a[2]!, nc0 = P < NC ? P : NC, colOff = sp / 4 + packedSize(nc0, Mg, NR), tile = (colOff + rows * nc0) * 4;
  const yn = a[A_Y]! / 4 + n * C * Q, cFirst = gi * Cg + c0, bias = a[A_B]!;
  for (let c = cFirst; c < cFirst + cb; c++) f.fill(bias >= 0 ? f[bias / 4 + c]! : 0, yn + c * Q, yn + (c + 1) * Q);
  const xg = a[A_X]! / 4 + (n * M + gi * Mg) * P, wp = a[A_W]! / 4 + gi * gs + c0 * kk * Mg;
  const simd = a[0]! & USE_SIMD ? t.simd : null;
  for (let j0 = 0; j0 < P; j0 += NC) {
    const nc = P - j0 < NC ? P - j0 : NC;
    if (simd) simd.packb(sp, (xg + j0) * 4, P, Mg, nc);
    else packPanels(f, sp / 4, f, xg + j0, 1, P, nc, Mg, NR);
    // rows c0·kk.. of the packed W_gᵀ start on a panel boundary (cbMax·kk is a multiple of MR)
    if (simd) simd.gemm(rows, nc, Mg, wp * 4, Mg, sp, colOff * 4, nc, 0, 0, 0, 0, tile);
    else gemmPacked(f, colOff, nc, rows, nc, Mg, f, wp, f, sp / 4, null, 0, 0);
    col2imAdd(f, a[A_Y]! / 4 + n * C * Q, f, colOff, nc, g, cFirst, cb, j0, nc);
  }
  if (a[A_RELU]) {
    const yi = t.i32;
    for (let i = yn + cFirst * Q, e = yn + (cFirst + cb) * Q; i < e; i++) { const v = yi[i]!; yi[i] = v & ~(v >> 31); }
  }
}

export const CONV_TRANSPOSE_JOB: Job = { id: 5, run: convTransposeTask };

/**
 * convTranspose() on the engine (not depthwise): byte offsets for y, x, the packed weights and the
 * bias (-1: none); relu applies max(·, 0) on the bits after the bias (a fused Relu).
 */
export function convTransposeExec(ex: Exec, y: number, x: number, packed: number, bias: number, g: ConvGeom, relu = false): void {
  const Cg = g.C / g.G, kk = g.kH * g.kW, Mg = g.M / g.G, P = g.inH * g.inW, nc = P < NC ? P : NC;
  // channel blocks whose row offset c0·kk stays MR-aligned, a few per thread
  let unit = 1;
  while ((unit * kk) % MR !== 0) unit++;
  const want = Math.max(1, Math.ceil((4 * ex.threads) / (g.N * g.G)));
  const cb = Math.min(Cg, Math.max(unit, Math.ceil(Math.ceil(Cg / want) / unit) * unit)), blocks = Math.ceil(Cg / cb);
  ex.header(args, (packedSize(nc, Mg, NR) + cb * kk * nc) * 4 + TILE_BYTES);
  args[A_X] = x; args[A_Y] = y; args[A_W] = packed; args[A_B] = bias; args[A_RELU] = relu ? 1 : 0; args[A_CB] = cb; args[A_BLOCKS] = blocks;
  writeGeom(args, A_G, g);
  ex.run(CONV_TRANSPOSE_JOB, args, g.N * g.G * blocks);
}
