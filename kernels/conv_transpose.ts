// Transposed convolution, NCHW 2-D: Caffe2 ConvTransposeOp (caffe2/operators/conv_transpose_op_impl.h):
// per image and group, col_g[Cg·kH·kW x inH·inW] = W_gᵀ·X_g, then Col2Im adds col into a zeroed Y,
// then the bias. X [N, M, inH, inW], filter [M, C/G, kH, kW] (input channels first, as PyTorch),
// Y [N, C, outH, outW]; no dilation. Equals PyTorch conv_transpose2d with output_padding = adj:
// rows and columns no tap reaches (the adj tail) hold only the bias. With one input channel per
// group (ONNX bilinear Resize lowered to a depthwise ConvTranspose) a direct kernel replaces the
// K = 1 GEMM.

import { MR, NR, gemmPacked, packPanels, packedSize } from './gemm.js';
import { tapHi, tapLo, type ConvGeom } from './geometry.js';
import { col2imAdd } from './im2col.js';

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

/** Packs W_gᵀ (rows Cg·kH·kW, K = M/G) per group into MR-row panels. */
export function packConvTransposeWeights(dst: Float32Array, w: Float32Array, g: ConvGeom): void {
  if (isDepthwiseTranspose(g)) return;
  const R = rowsG(g), Mg = g.M / g.G, gs = packedSize(R, Mg, MR);
  for (let gi = 0; gi < g.G; gi++) packPanels(dst, gi * gs, w, gi * Mg * R, 1, R, R, Mg, MR);
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
