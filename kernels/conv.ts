// Convolution, NCHW, 1-D/2-D/3-D (ConvGeom's D x H x W), groups and dilation: Caffe2 ConvOp
// (caffe2/operators/conv_op_impl.h): per image and group, Y_g[Mg x P] = W_g[Mg x Kg]·col_g[Kg x P]
// + bias. X [N, C, D, H, W], filter [M, C/G, kD, kH, kW] (rows of Kg = C/G·kD·kH·kW), Y [N, M, oD, oH, oW].
// Paths: 1x1 stride-1 pad-0 convs pack X itself as the GEMM's B operand (no im2col); depthwise
// convs (one input channel per group) run a direct kernel; everything else im2cols a block of
// output columns straight into packed panels. Groups read their channel slice in place.

import { BIAS_ROW, MR, NR, gemmPacked, packPanels, packedSize } from './gemm.js';
import type { ConvGeom } from './geometry.js';
import { im2colPacked } from './im2col.js';
import { tapHi, tapLo } from './geometry.js';

/** Output columns (positions) per im2col block: the B block is Kg x NC floats. */
export const NC = 256;

/** Rows of one group's GEMM operand: Kg = C/G · kD·kH·kW. */
export function convKg(g: ConvGeom): number {
  return (g.C / g.G) * g.kD * g.kH * g.kW;
}

/** Depthwise: one input channel per group; the direct kernel beats a K = kD·kH·kW GEMM. */
export function isDepthwise(g: ConvGeom): boolean {
  return g.C === g.G && g.G > 1;
}

function isPointwise(g: ConvGeom): boolean {
  return g.kD * g.kH * g.kW === 1 && g.sD === 1 && g.sH === 1 && g.sW === 1 && g.padF === 0 && g.padT === 0 && g.padL === 0
    && g.inD === g.outD && g.inH === g.outH && g.inW === g.outW;
}

/** Floats of the packed filter: G blocks of MR-row panels (0 for depthwise, which reads the raw filter). */
export function convPackedWeightsSize(g: ConvGeom): number {
  return isDepthwise(g) ? 0 : g.G * packedSize(g.M / g.G, convKg(g), MR);
}

/** Packs the filter [M, Kg] into per-group MR-row panels (plan time for constant weights). */
export function packConvWeights(dst: Float32Array, w: Float32Array, g: ConvGeom): void {
  if (isDepthwise(g)) return;
  const Mg = g.M / g.G, Kg = convKg(g), gs = packedSize(Mg, Kg, MR);
  for (let gi = 0; gi < g.G; gi++) packPanels(dst, gi * gs, w, gi * Mg * Kg, Kg, 1, Mg, Kg, MR);
}

/** Scratch floats conv() needs (the packed im2col block). */
export function convScratchSize(g: ConvGeom): number {
  if (isDepthwise(g)) return 0;
  const P = g.outD * g.outH * g.outW;
  return packedSize(P < NC ? P : NC, convKg(g), NR);
}

/**
 * y = conv(x, w) + bias. `packed` is the filter packed by packConvWeights (the raw filter `w`
 * is read only by the depthwise path); `scratch` holds convScratchSize(g) floats.
 */
export function conv(
  y: Float32Array, x: Float32Array, w: Float32Array, packed: Float32Array, bias: Float32Array | null,
  g: ConvGeom, scratch: Float32Array,
): void {
  if (isDepthwise(g)) {
    depthwiseConv(y, x, w, bias, g);
    return;
  }
  const { N, C, M, G } = g;
  const Cg = C / G, Mg = M / G, Kg = convKg(g), gs = packedSize(Mg, Kg, MR);
  const Pin = g.inD * g.inH * g.inW, P = g.outD * g.outH * g.outW;
  const pointwise = isPointwise(g);
  for (let n = 0; n < N; n++) {
    const xOff = n * C * Pin, yOff = n * M * P;
    for (let gi = 0; gi < G; gi++) {
      for (let j0 = 0; j0 < P; j0 += NC) {
        const nc = P - j0 < NC ? P - j0 : NC;
        if (pointwise) packPanels(scratch, 0, x, xOff + gi * Cg * Pin + j0, 1, Pin, nc, Kg, NR);
        else im2colPacked(scratch, x, xOff, g, gi * Cg, Cg, j0, nc);
        gemmPacked(y, yOff + gi * Mg * P + j0, P, Mg, nc, Kg, packed, gi * gs, scratch, 0, bias, gi * Mg, bias ? BIAS_ROW : 0);
      }
    }
  }
}

/**
 * Depthwise conv (C = G; each output channel m reads input channel floor(m / (M/G))), tap by tap:
 * the output plane starts at the bias and each filter tap adds w·x over the positions it reaches.
 * Sums are float32 per tap, as Caffe2's float GEMM accumulates.
 */
export function depthwiseConv(y: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, g: ConvGeom): void {
  const { N, C, M, inD, inH, inW, outD, outH, outW, kD, kH, kW, sD, sH, sW, dD, dH, dW, padF, padT, padL } = g;
  const Mg = M / C, Pin = inD * inH * inW, P = outD * outH * outW, kk = kD * kH * kW;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const yo = (n * M + m) * P, xo = (n * C + Math.floor(m / Mg)) * Pin, wo = m * kk;
      y.fill(bias ? bias[m]! : 0, yo, yo + P);
      for (let kd = 0; kd < kD; kd++) {
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            const wv = w[wo + (kd * kH + kh) * kW + kw]!;
            const lo = tapLo(kw, sW, padL, dW, outW), hi = tapHi(kw, sW, padL, dW, inW, outW);
            const iwOff = kw * dW - padL;
            for (let od = 0; od < outD; od++) {
              const id = od * sD - padF + kd * dD;
              if (id < 0 || id >= inD) continue;
              for (let oh = 0; oh < outH; oh++) {
                const ih = oh * sH - padT + kh * dH;
                if (ih < 0 || ih >= inH) continue;
                const yr = yo + (od * outH + oh) * outW, xr = xo + (id * inH + ih) * inW + iwOff;
                for (let ow = lo; ow < hi; ow++) y[yr + ow] += wv * x[xr + ow * sW]!;
              }
            }
          }
        }
      }
    }
  }
}
