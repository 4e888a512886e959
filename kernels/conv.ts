// Convolution, NCHW, 1-D/2-D/3-D (ConvGeom's D x H x W), groups and dilation: Caffe2 ConvOp
// (caffe2/operators/conv_op_impl.h): per image and group, Y_g[Mg x P] = W_g[Mg x Kg]·col_g[Kg x P]
// + bias. X [N, C, D, H, W], filter [M, C/G, kD, kH, kW] (rows of Kg = C/G·kD·kH·kW), Y [N, M, oD, oH, oW].
// Paths: 1x1 stride-1 pad-0 convs pack X itself as the GEMM's B operand (no im2col); depthwise
// convs (one input channel per group) run a direct kernel; everything else im2cols a block of
// output columns straight into packed panels. Groups read their channel slice in place.

import { BIAS_ROW, EPI_ACC, EPI_RELU, EPI_RESIDUAL, KC, MR, NR, TILE_BYTES, gemmPacked, packPanels, packedSize } from './gemm.js';
import type { ConvGeom } from './geometry.js';
import { im2colPacked } from './im2col.js';
import { tapHi, tapLo } from './geometry.js';

/** 2-D (or 1-D), with the one depth tap inside the input: the SIMD im2col handles it. */
function is2d(g: ConvGeom): boolean {
  return g.kD === 1 && g.inD === 1 && g.outD === 1 && g.padF === 0;
}
import type { Exec } from './engine.js';
import { HDR, USE_SIMD, type Job, type ThreadCtx } from './parallel.js';

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

/** Packs the filter [M, Kg] into per-group MR-row panels at dst[dOff] (plan time for constant weights). */
export function packConvWeights(dst: Float32Array, w: Float32Array, g: ConvGeom, dOff = 0): void {
  if (isDepthwise(g)) return;
  const Mg = g.M / g.G, Kg = convKg(g), gs = packedSize(Mg, Kg, MR);
  for (let gi = 0; gi < g.G; gi++) packPanels(dst, dOff + gi * gs, w, gi * Mg * Kg, Kg, 1, Mg, Kg, MR);
}

/** Scratch floats conv() needs (the packed im2col block). */
export function convScratchSize(g: ConvGeom): number {
  if (isDepthwise(g)) return 0;
  const P = g.outD * g.outH * g.outW;
  return packedSize(P < NC ? P : NC, convKg(g), NR);
}

/**
 * y = conv(x, w) + bias. `packed` is the filter packed by packConvWeights (the raw filter `w`
 * is read only by the depthwise path); `scratch` holds convScratchSize(g) floats. `flags`
 * (gemm.ts EPI_RELU, EPI_RESIDUAL) fuse a residual add of `res` (laid out as y) and a ReLU.
 */
export function conv(
  y: Float32Array, x: Float32Array, w: Float32Array, packed: Float32Array, bias: Float32Array | null,
  g: ConvGeom, scratch: Float32Array, flags = 0, res: Float32Array | null = null,
): void {
  if (isDepthwise(g)) {
    depthwiseConv(y, x, w, bias, g);
    postOps(y, flags, res);
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
        const co = yOff + gi * Mg * P + j0;
        gemmPacked(y, co, P, Mg, nc, Kg, packed, gi * gs, scratch, 0, bias, gi * Mg, bias ? BIAS_ROW : 0, flags, res, co, P);
      }
    }
  }
}

/** The fused epilogue as separate passes (for kernels without one): y += res, then ReLU on the bits. */
export function postOps(y: Float32Array, flags: number, res: Float32Array | null): void {
  if (flags & EPI_RESIDUAL && res) for (let i = 0; i < y.length; i++) y[i] = y[i]! + res[i]!;
  if (flags & EPI_RELU) {
    const yi = new Int32Array(y.buffer, y.byteOffset, y.length);
    for (let i = 0; i < yi.length; i++) { const v = yi[i]!; yi[i] = v & ~(v >> 31); }
  }
}

// ------------------------------------------------------------------ on the engine (SIMD, threads)

// job args after the header: pointers (bytes; -1 = none), epilogue flags, geometry, column block
const A_X = HDR, A_Y = HDR + 1, A_W = HDR + 2, A_B = HDR + 3, A_R = HDR + 4, A_EPI = HDR + 5, A_G = HDR + 6;
const GEOM_KEYS = ['N', 'C', 'M', 'G', 'inD', 'inH', 'inW', 'outD', 'outH', 'outW', 'kD', 'kH', 'kW',
  'sD', 'sH', 'sW', 'dD', 'dH', 'dW', 'padF', 'padT', 'padL'] as const;
const A_NC = A_G + GEOM_KEYS.length, A_BLOCKS = A_NC + 1, A_END = A_BLOCKS + 1;
const args = new Float64Array(A_END);

export function writeGeom(a: Float64Array, at: number, g: ConvGeom): void {
  for (let i = 0; i < GEOM_KEYS.length; i++) a[at + i] = g[GEOM_KEYS[i]!];
}

export function readGeom(a: Float64Array, at: number): ConvGeom {
  const g: Record<string, number> = {};
  for (let i = 0; i < GEOM_KEYS.length; i++) g[GEOM_KEYS[i]!] = a[at + i]!;
  return g as unknown as ConvGeom;
}

/** Rows of the im2col matrix packed at a time: whole channels, about a GEMM K block (KC). */
function sliceChannels(g: ConvGeom): number {
  return Math.max(1, Math.floor(KC / (g.kD * g.kH * g.kW)));
}

/**
 * One task: image n, group gi, output columns [j0, j0 + nc). K is walked in slices of whole
 * channels (about KC rows): each slice is im2col'ed (or packed) into this thread's scratch, where
 * it stays in L2, and multiplied onto the output (the first slice overwrites, later ones add);
 * the last slice applies the epilogue.
 */
function convTask(t: ThreadCtx, a: Float64Array, task: number): void {
  const g = readGeom(a, A_G);
  const { C, M, G } = g;
  const NCb = a[A_NC]!, blocks = a[A_BLOCKS]!;
  const n = Math.floor(task / (G * blocks)), gi = Math.floor(task / blocks) % G, j0 = (task % blocks) * NCb;
  const Cg = C / G, Mg = M / G, Kg = convKg(g), gs = packedSize(Mg, Kg, MR), rk = g.kD * g.kH * g.kW;
  const Pin = g.inD * g.inH * g.inW, P = g.outD * g.outH * g.outW, nc = P - j0 < NCb ? P - j0 : NCb;
  const f = t.f32, sp = a[1]! + t.index * a[2]!, pointwise = isPointwise(g);
  const xOff = a[A_X]! / 4 + n * C * Pin;
  const co = a[A_Y]! / 4 + (n * M + gi * Mg) * P + j0;
  const ro = a[A_R]! >= 0 ? a[A_R]! / 4 + (n * M + gi * Mg) * P + j0 : 0;
  const bias = a[A_B]!, flags = a[A_EPI]! | (bias >= 0 ? BIAS_ROW : 0);
  const wp = a[A_W]! / 4 + gi * gs, chans = sliceChannels(g);
  const simd = a[0]! & USE_SIMD ? t.simd : null;
  const tile = sp + packedSize(nc, Math.min(Kg, chans * rk), NR) * 4, taps = tile + TILE_BYTES;
  const fast2d = simd !== null && !pointwise && is2d(g);
  if (fast2d) {
    for (let kw = 0; kw < g.kW; kw++) {
      t.i32[taps / 4 + 2 * kw] = tapLo(kw, g.sW, g.padL, g.dW, g.outW);
      t.i32[taps / 4 + 2 * kw + 1] = tapHi(kw, g.sW, g.padL, g.dW, g.inW, g.outW);
    }
  }
  for (let c = 0; c < Cg; c += chans) {
    const cn = Cg - c < chans ? Cg - c : chans, kc = cn * rk, pc = c * rk, last = c + cn === Cg;
    if (pointwise) {
      if (simd) simd.packb(sp, (xOff + (gi * Cg + c) * Pin + j0) * 4, Pin, kc, nc);
      else packPanels(f, sp / 4, f, xOff + (gi * Cg + c) * Pin + j0, 1, Pin, nc, kc, NR);
    } else if (fast2d) {
      simd!.im2col(sp, (xOff + (gi * Cg + c) * Pin) * 4, cn, g.inH, g.inW, g.kH, g.kW, g.sH, g.sW, g.dH, g.dW, g.padT, g.padL,
        g.outW, Math.floor(j0 / g.outW), j0 % g.outW, nc, taps);
    } else im2colPacked(f, f, xOff, g, gi * Cg + c, cn, j0, nc, sp / 4);
    const fl = (c > 0 ? EPI_ACC : 0) | (last ? flags : 0);
    if (simd) simd.gemm(Mg, nc, kc, (wp + pc * MR) * 4, Kg, sp, co * 4, P, bias + gi * Mg * 4, fl, ro * 4, P, tile);
    else gemmPacked(f, co, P, Mg, nc, kc, f, wp + pc * MR, f, sp / 4, f, bias / 4 + gi * Mg, fl & 3, fl, f, ro, P, Kg);
  }
}

export const CONV_JOB: Job = { id: 1, run: convTask };

/**
 * conv() on the engine: x, y, the packed filter, bias and residual are byte offsets into its
 * memory (bias, res: -1 for none). Tasks are column blocks of one image and group; with several
 * threads the blocks shrink until every thread gets a few.
 */
export function convExec(ex: Exec, y: number, x: number, packed: number, bias: number, g: ConvGeom, flags = 0, res = -1): void {
  const P = g.outD * g.outH * g.outW, Kg = convKg(g);
  let nc = P < NC ? P : NC;
  const per = g.N * g.G;
  if (ex.threads > 1) {
    const want = 4 * ex.threads;
    if (per * Math.ceil(P / nc) < want) nc = Math.max(ex.grain, Math.ceil(Math.ceil(P / Math.ceil(want / per)) / NR) * NR);
    if (nc > P) nc = P;
  }
  const blocks = Math.ceil(P / nc);
  const kcMax = Math.min(Kg, sliceChannels(g) * g.kD * g.kH * g.kW);
  ex.header(args, packedSize(nc, kcMax, NR) * 4 + TILE_BYTES + 8 * g.kW);
  args[A_X] = x; args[A_Y] = y; args[A_W] = packed; args[A_B] = bias; args[A_R] = res;
  args[A_EPI] = flags & ~3;
  writeGeom(args, A_G, g);
  args[A_NC] = nc; args[A_BLOCKS] = blocks;
  ex.run(CONV_JOB, args, per * blocks);
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
