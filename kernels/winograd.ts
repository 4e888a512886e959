// Winograd F(2x2, 3x3) convolution for 3x3, stride-1, undilated, ungrouped 2-D convs, on the engine
// with SIMD (kernels/wasm/winograd_simd.ts for the transforms, the packed GEMM for the products):
// 16 multiplies per 2x2 outputs and channel pair instead of 36 (2.25x fewer). Filters are
// transformed at plan time, U = G g Gᵀ (G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1], exact in float32), into
// 16 matrices U_ξ [M x C] packed as GEMM A operands. A task takes TB output tiles of one image:
// for each slice of channels, transform the input tiles into 16 packed B blocks and multiply each
// onto M_ξ (C accumulated across slices), then transform M back to 2x2 outputs with the fused
// epilogue (bias, residual, ReLU). Semantics are Conv's; only the rounding order differs.

import type { Exec } from './engine.js';
import { EPI_ACC, MR, NR, TILE_BYTES, packPanels, packedSize } from './gemm.js';
import type { ConvGeom } from './geometry.js';
import { HDR, type Job, type ThreadCtx } from './parallel.js';

/** Output tiles per task, and input channels transformed at a time (tuned here: whole C up to 512 beat slices of 64-256 by 5-30%). */
const TB = 32, CS = 512;

/** The convs this path takes: 3x3, stride 1, dilation 1, one group, 2-D with the depth tap inside. */
export function winogradEligible(g: ConvGeom): boolean {
  return g.kH === 3 && g.kW === 3 && g.sH === 1 && g.sW === 1 && g.dH === 1 && g.dW === 1 && g.G === 1
    && g.kD === 1 && g.inD === 1 && g.outD === 1 && g.padF === 0;
}

/** Floats of the transformed filter: 16 packed [M x C] matrices. */
export function winogradWeightsSize(M: number, C: number): number {
  return 16 * packedSize(M, C, MR);
}

/** Transforms filter w [M, C, 3, 3] into U_ξ = (G g Gᵀ)[ξ], each packed as an A operand, at dst[dOff]. */
export function packWinogradWeights(dst: Float32Array, dOff: number, w: Float32Array, M: number, C: number): void {
  const u = new Float32Array(16 * M * C), size = packedSize(M, C, MR);
  const gg = new Float64Array(12);
  for (let k = 0; k < M; k++) {
    for (let c = 0; c < C; c++) {
      const o = (k * C + c) * 9;
      // rows: G g (4 x 3)
      for (let j = 0; j < 3; j++) {
        const g0 = w[o + j]!, g1 = w[o + 3 + j]!, g2 = w[o + 6 + j]!;
        gg[j] = g0; gg[3 + j] = (g0 + g1 + g2) / 2; gg[6 + j] = (g0 - g1 + g2) / 2; gg[9 + j] = g2;
      }
      // columns: (G g) Gᵀ (4 x 4)
      for (let i = 0; i < 4; i++) {
        const a = gg[3 * i]!, b = gg[3 * i + 1]!, d = gg[3 * i + 2]!;
        const row = [a, (a + b + d) / 2, (a - b + d) / 2, d];
        for (let j = 0; j < 4; j++) u[(i * 4 + j) * M * C + k * C + c] = row[j]!;
      }
    }
  }
  for (let xi = 0; xi < 16; xi++) packPanels(dst, dOff + xi * size, u, xi * M * C, C, 1, M, C, MR);
}

// job args after the header: pointers (bytes; -1 = none), flags, geometry, blocking
const A_X = HDR, A_Y = HDR + 1, A_U = HDR + 2, A_B = HDR + 3, A_R = HDR + 4, A_EPI = HDR + 5;
const A_C = HDR + 6, A_M = HDR + 7, A_H = HDR + 8, A_W = HDR + 9, A_OH = HDR + 10, A_OW = HDR + 11, A_PT = HDR + 12, A_PL = HDR + 13;
const A_BLOCKS = HDR + 14;
const args = new Float64Array(HDR + 15);

function vBytes(C: number): number { return packedSize(TB, Math.min(C, CS), NR) * 4; }
function mBytes(M: number): number { return M * TB * 4; }

function winogradTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const simd = t.simd!;
  const C = a[A_C]!, M = a[A_M]!, H = a[A_H]!, W = a[A_W]!, outH = a[A_OH]!, outW = a[A_OW]!, pT = a[A_PT]!, pL = a[A_PL]!;
  const blocks = a[A_BLOCKS]!, n = Math.floor(task / blocks), b = task % blocks;
  const tW = Math.ceil(outW / 2), T = Math.ceil(outH / 2) * tW, t0 = b * TB, nt = T - t0 < TB ? T - t0 : TB;
  const ldv = vBytes(C), ldm = mBytes(M), sizeU = packedSize(M, C, MR) * 4;
  const sp = a[1]! + t.index * a[2]!, vp = sp, mp = vp + 16 * ldv, tile = mp + 16 * ldm;
  const x = a[A_X]! + n * C * H * W * 4, u = a[A_U]!;
  for (let c0 = 0; c0 < C; c0 += CS) {
    const cs = C - c0 < CS ? C - c0 : CS;
    simd.wino_in(vp, ldv, x + c0 * H * W * 4, cs, H, W, pT, pL, tW, t0, nt);
    for (let xi = 0; xi < 16; xi++) {
      simd.gemm(M, nt, cs, u + xi * sizeU + c0 * MR * 4, C, vp + xi * ldv, mp + xi * ldm, TB, 0, c0 > 0 ? EPI_ACC : 0, 0, 0, tile);
    }
  }
  const plane = outH * outW * 4, res = a[A_R]!;
  simd.wino_out(a[A_Y]! + n * M * plane, mp, ldm, M, TB, t0, nt, tW, outH, outW, a[A_B]!, a[A_EPI]!, res >= 0 ? res + n * M * plane : 0);
}

export const WINOGRAD_JOB: Job = { id: 3, run: winogradTask };

/**
 * conv() on the engine by Winograd F(2x2, 3x3) (winogradEligible(g), SIMD on): x, y, the
 * transformed filter (packWinogradWeights), bias and residual are byte offsets (bias, res: -1 for
 * none); flags are gemm.ts EPI_RELU / EPI_RESIDUAL.
 */
export function convWinogradExec(ex: Exec, y: number, x: number, u: number, bias: number, g: ConvGeom, flags = 0, res = -1): void {
  const T = Math.ceil(g.outH / 2) * Math.ceil(g.outW / 2), blocks = Math.ceil(T / TB);
  ex.header(args, 16 * vBytes(g.C) + 16 * mBytes(g.M) + TILE_BYTES);
  args[A_X] = x; args[A_Y] = y; args[A_U] = u; args[A_B] = bias; args[A_R] = res;
  args[A_EPI] = (flags & ~3) | (bias >= 0 ? 1 : 0);
  args[A_C] = g.C; args[A_M] = g.M; args[A_H] = g.inH; args[A_W] = g.inW; args[A_OH] = g.outH; args[A_OW] = g.outW;
  args[A_PT] = g.padT; args[A_PL] = g.padL; args[A_BLOCKS] = blocks;
  ex.run(WINOGRAD_JOB, args, g.N * blocks);
}
