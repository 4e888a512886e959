// Transposed convolution, NCHW 2-D: Caffe2 ConvTransposeOp (caffe2/operators/conv_transpose_op_impl.h):
// per image and group, col_g[Cg·kH·kW x inH·inW] = W_gᵀ·X_g, then Col2Im adds col into a zeroed Y,
// then the bias. X [N, M, inH, inW], filter [M, C/G, kH, kW] (input channels first, as PyTorch),
// Y [N, C, outH, outW]; no dilation. Equals PyTorch conv_transpose2d with output_padding = adj:
// rows and columns no tap reaches (the adj tail) hold only the bias.

import { MR, NR, gemmPacked, packPanels, packedSize } from './gemm.js';
import type { ConvGeom } from './geometry.js';
import { col2imAdd } from './im2col.js';

/** Input positions (GEMM columns) per block. */
export const NC = 256;

function cols(g: ConvGeom): number { return g.inH * g.inW; }
/** GEMM rows per group: Cg·kH·kW. */
function rowsG(g: ConvGeom): number { return (g.C / g.G) * g.kH * g.kW; }

export function convTransposePackedWeightsSize(g: ConvGeom): number {
  return g.G * packedSize(rowsG(g), g.M / g.G, MR);
}

/** Packs W_gᵀ (rows Cg·kH·kW, K = M/G) per group into MR-row panels. */
export function packConvTransposeWeights(dst: Float32Array, w: Float32Array, g: ConvGeom): void {
  const R = rowsG(g), Mg = g.M / g.G, gs = packedSize(R, Mg, MR);
  for (let gi = 0; gi < g.G; gi++) packPanels(dst, gi * gs, w, gi * Mg * R, 1, R, R, Mg, MR);
}

/** Scratch floats: the packed X block and the col block. */
export function convTransposeScratchSize(g: ConvGeom): number {
  const P = cols(g), nc = P < NC ? P : NC;
  return packedSize(nc, g.M / g.G, NR) + rowsG(g) * nc;
}

export function convTranspose(
  y: Float32Array, x: Float32Array, _w: Float32Array, packed: Float32Array, bias: Float32Array | null,
  g: ConvGeom, scratch: Float32Array,
): void {
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
