import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { conv, convExec, convPackedWeightsSize, convScratchSize, isDepthwise, packConvWeights } from '../../kernels/conv.js';
import { EPI_RELU, EPI_RESIDUAL } from '../../kernels/gemm.js';
import {
  convTranspose, convTransposeExec, convTransposePackedWeightsSize, convTransposeScratchSize, isDepthwiseTranspose, packConvTransposeWeights,
} from '../../kernels/conv_transpose.js';
import {
  computeSizeAndPad, convGeom, convTransposeSizeAndPad, LEGACY_CAFFE_POOLING, LEGACY_NOTSET, LEGACY_SAME, LEGACY_VALID, type ConvGeom,
} from '../../kernels/geometry.js';
import { col2imAdd, im2colPacked } from '../../kernels/im2col.js';
import { NR, packPanels, packedSize } from '../../kernels/gemm.js';
import { getEngine } from '../../kernels/engine.js';
import { tapHi, tapLo } from '../../kernels/geometry.js';
import { conv as convRef } from '../../kernels/reference/conv.js';
import { convTranspose as convTransposeRef } from '../../kernels/reference/conv_transpose.js';
import { col2imAdd as col2imRef, im2colPacked as im2colRef } from '../../kernels/reference/im2col.js';
import { Tensor } from '../../src/core/tensor.js';
import { closeArrays, TOL } from '../helpers/close.js';
import { seededFloats, seed } from '../helpers/arb.js';
import { makeNet, makeOp, runOp } from '../helpers/net.js';
import { Caffe2Model } from '../../src/caffe2/model.js';
import { defaultRegistry } from '../../src/ops/index.js';
import { registerVectors } from './onnx_vectors.js';
import { freeHeap, fromHeap, kernelVariants, toHeap, type Variant } from '../helpers/variants.js';

function fastConv(g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null): Float32Array {
  const y = new Float32Array(g.N * g.M * g.outD * g.outH * g.outW).fill(NaN);
  const packed = new Float32Array(convPackedWeightsSize(g)).fill(NaN);
  packConvWeights(packed, w, g);
  conv(y, x, w, packed, b, g, new Float32Array(convScratchSize(g)).fill(NaN));
  return y;
}

function refConv(g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null): Float32Array {
  const y = new Float32Array(g.N * g.M * g.outD * g.outH * g.outW).fill(NaN);
  convRef(y, x, w, new Float32Array(0), b, g);
  return y;
}

/** conv on a kernel variant, with the fused epilogue (flags) and residual `res`. */
function variantConv(v: Variant, g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, flags: number, res: Float32Array | null): Float32Array {
  const ny = g.N * g.M * g.outD * g.outH * g.outW;
  const packed = new Float32Array(convPackedWeightsSize(g)).fill(NaN);
  packConvWeights(packed, w, g);
  if (!v.exec) {
    const y = new Float32Array(ny).fill(NaN);
    conv(y, x, w, packed, b, g, new Float32Array(convScratchSize(g)).fill(NaN), flags, res);
    return y;
  }
  const hx = toHeap(x), hw = toHeap(packed), hb = b ? toHeap(b) : -1, hr = res ? toHeap(res) : -1, hy = toHeap(new Float32Array(ny).fill(NaN));
  convExec(v.exec, hy, hx, hw, hb, g, flags, hr);
  const y = fromHeap(hy, ny);
  freeHeap([hx, x.length], [hw, packed.length], [hy, ny], ...(b ? [[hb, b.length] as [number, number]] : []), ...(res ? [[hr, res.length] as [number, number]] : []));
  return y;
}

// ------------------------------------------------------------------ geometry

test('computeSizeAndPad: NOTSET, VALID, SAME and CAFFE_LEGACY_POOLING output rules', () => {
  // NOTSET: floor((in + pads - dk) / s) + 1
  assert.equal(computeSizeAndPad(7, 2, 3, 1, LEGACY_NOTSET, 1, 1), { out: 4, padHead: 1, padTail: 1 });
  assert.equal(computeSizeAndPad(7, 2, 3, 2, LEGACY_NOTSET, 0, 0), { out: 2, padHead: 0, padTail: 0 });
  // VALID drops pads: (in - dk) / s + 1
  assert.equal(computeSizeAndPad(8, 3, 2, 1, LEGACY_VALID, 5, 5), { out: 3, padHead: 0, padTail: 0 });
  // SAME: out = ceil(in / s); need = (out - 1)·s + k - in split head = floor(need / 2)
  assert.equal(computeSizeAndPad(7, 2, 4, 1, LEGACY_SAME, 0, 0), { out: 4, padHead: 1, padTail: 2 });
  // SAME with kernel < stride: Caffe2 does not clamp need, so pads go negative
  assert.equal(computeSizeAndPad(4, 4, 1, 1, LEGACY_SAME, 0, 0), { out: 1, padHead: -1, padTail: -2 });
  // CAFFE_LEGACY_POOLING: ceil((4 + 2 - 3) / 2 + 1) = 3 outputs; tail pad grows to 1 + 2·(3 - 2)
  assert.equal(computeSizeAndPad(4, 2, 3, 1, LEGACY_CAFFE_POOLING, 1, 1), { out: 3, padHead: 1, padTail: 3 });
  // ... and the last window must start inside the image: ceil(5/2 + 1) = 4 -> 3 because 3·2 >= 5 + 1
  assert.equal(computeSizeAndPad(5, 2, 2, 1, LEGACY_CAFFE_POOLING, 1, 1).out, 3);
  assert.equal(convTransposeSizeAndPad(3, 2, 4, 1, LEGACY_NOTSET, 1, 1), { out: 7, padHead: 1, padTail: 1 });
  assert.equal(convTransposeSizeAndPad(3, 2, 4, 1, LEGACY_SAME, 1, 1), { out: 9, padHead: 0, padTail: 0 });
});

// ------------------------------------------------------------------ hand-computed

test('conv hand-computed: 3x3 ones kernel over 1..16 with pad 1, stride 2, and a bias', () => {
  const x = Float32Array.from({ length: 16 }, (_, i) => i + 1);
  const g = convGeom(1, 1, 1, 1, [4, 4], [2, 2], [3, 3], [2, 2], [1, 1], [1, 1]);
  // windows centred at (0,0), (0,2), (2,0), (2,2), clipped by the zero padding
  const y = fastConv(g, x, new Float32Array(9).fill(1), Float32Array.of(0.5));
  assert.equal(Array.from(y), [14.5, 30.5, 57.5, 99.5]);
  assert.equal(Array.from(refConv(g, x, new Float32Array(9).fill(1), Float32Array.of(0.5))), [14.5, 30.5, 57.5, 99.5]);
});

test('conv hand-computed: dilation 2 picks every other pixel; 1x1 conv mixes channels', () => {
  // 4x4 input 0..15, 2x2 kernel dilated to 3x3: taps (0,0) (0,2) (2,0) (2,2) of each window
  const x = Float32Array.from({ length: 16 }, (_, i) => i);
  const g = convGeom(1, 1, 1, 1, [4, 4], [2, 2], [2, 2], [1, 1], [2, 2], [0, 0]);
  const tap = (i: number): number => x[i]! * 1 + x[i + 2]! * 10 + x[i + 8]! * 100 + x[i + 10]! * 1000;
  assert.equal(Array.from(fastConv(g, x, Float32Array.of(1, 10, 100, 1000), null)), [tap(0), tap(1), tap(4), tap(5)]);
  assert.equal([tap(0), tap(5)], [10820, 16375]);
  // 1x1: Y[m] = Σ_c w[m][c]·X[c] (+ b[m]), two pixels, three channels -> two outputs
  const x2 = Float32Array.of(1, 2, 3, 4, 5, 6), w2 = Float32Array.of(1, 0, -1, 0.5, 0.5, 0.5);
  const g2 = convGeom(1, 3, 2, 1, [1, 2], [1, 2], [1, 1], [1, 1], [1, 1], [0, 0]);
  assert.equal(Array.from(fastConv(g2, x2, w2, Float32Array.of(0, 1))), [-4, -4, 5.5, 7]);
});

test('conv hand-computed: depthwise with multiplier 2 reads its own channel', () => {
  // C = G = 2, M = 4: output channels 0,1 read channel 0 and 2,3 read channel 1; 1-D kernel 2
  const x = Float32Array.of(1, 2, 3, 10, 20, 30);
  const w = Float32Array.of(1, 1, 1, -1, 2, 0, 0, 2);
  const g = convGeom(1, 2, 4, 2, [3], [2], [2], [1], [1], [0]);
  const want = [3, 5, -1, -1, 20, 40, 40, 60];
  assert.equal(Array.from(fastConv(g, x, w, null)), want);
  assert.equal(Array.from(refConv(g, x, w, null)), want);
});

test('convTranspose hand-computed: detectron2 bilinear x2 (k4 s2 p1, taps .25 .75 .75 .25)', () => {
  const t = [0.25, 0.75, 0.75, 0.25];
  const w = Float32Array.from({ length: 16 }, (_, i) => t[Math.floor(i / 4)]! * t[i % 4]!);
  const g = convGeom(1, 1, 1, 1, [2, 2], [4, 4], [4, 4], [2, 2], [1, 1], [1, 1]);
  const y = new Float32Array(16).fill(NaN);
  const packed = new Float32Array(convTransposePackedWeightsSize(g));
  packConvTransposeWeights(packed, w, g);
  convTranspose(y, Float32Array.of(1, 2, 3, 4), w, packed, null, g, new Float32Array(convTransposeScratchSize(g)));
  assert.equal(Array.from(y), [
    0.5625, 0.9375, 1.3125, 1.125,
    1.125, 1.75, 2.25, 1.875,
    1.875, 2.75, 3.25, 2.625,
    1.6875, 2.4375, 2.8125, 2.25,
  ]);
});

// ------------------------------------------------------------------ properties

interface ConvCase { g: ConvGeom; bias: boolean; seed: number }

const dimArb = fc.record({
  in: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }),
  d: fc.integer({ min: 1, max: 3 }), ph: fc.integer({ min: 0, max: 3 }), pt: fc.integer({ min: 0, max: 3 }),
});

/** Conv problems over 1-3 spatial dims, every legacy_pad mode, groups and depthwise, 0..2 images. */
const convCases: fc.Arbitrary<ConvCase> = fc.record({
  nd: fc.constantFrom(1, 2, 2, 3), N: fc.constantFrom(0, 1, 2), G: fc.constantFrom(1, 1, 2, 3),
  Cg: fc.constantFrom(1, 2, 3), Mg: fc.constantFrom(1, 2, 5, 9), depthwise: fc.boolean(),
  legacy: fc.constantFrom(LEGACY_NOTSET, LEGACY_NOTSET, LEGACY_VALID, LEGACY_SAME),
  dims: fc.array(dimArb, { minLength: 3, maxLength: 3 }), bias: fc.boolean(), seed,
}).map((r) => {
  const dims = r.dims.slice(0, r.nd);
  const G = r.depthwise ? r.Cg + 1 : r.G, Cg = r.depthwise ? 1 : r.Cg;
  const out: number[] = [], heads: number[] = [];
  for (const d of dims) {
    const dil = r.legacy === LEGACY_SAME ? 1 : d.d;
    const dk = dil * (d.k - 1) + 1;
    if (r.legacy === LEGACY_NOTSET && d.in + d.ph + d.pt < dk) return null;
    const s = computeSizeAndPad(d.in, d.s, d.k, dil, r.legacy, d.ph, d.pt);
    if (s.out < 1) return null;
    out.push(s.out);
    heads.push(s.padHead);
    d.d = dil;
  }
  const g = convGeom(r.N, Cg * G, r.Mg * G, G, dims.map((d) => d.in), out, dims.map((d) => d.k),
    dims.map((d) => d.s), dims.map((d) => d.d), heads);
  return { g, bias: r.bias, seed: r.seed };
}).filter((c): c is ConvCase => c !== null);

test('property: conv == reference (1-3 D, groups, depthwise, dilation, strides, pads, legacy_pad, N = 0)', () => {
  fc.assert(fc.property(convCases, ({ g, bias, seed: s }) => {
    const Kg = (g.C / g.G) * g.kD * g.kH * g.kW;
    const x = seededFloats(g.N * g.C * g.inD * g.inH * g.inW, s, -1, 1);
    const w = seededFloats(g.M * Kg, s + 1, -1, 1);
    const b = bias ? seededFloats(g.M, s + 2, -1, 1) : null;
    const msg = closeArrays(fastConv(g, x, w, b), refConv(g, x, w, b), TOL.conv);
    assert.not.ok(msg, `${JSON.stringify(g)} bias=${bias}: ${msg}`);
  }), { numRuns: 250 });
});

for (const v of kernelVariants()) {
  test(`property [${v.name}]: conv with fused residual + ReLU == reference (then add, then ReLU)`, () => {
    fc.assert(fc.property(convCases, fc.boolean(), fc.boolean(), ({ g, bias, seed: s }, relu, residual) => {
      if (v.exec && isDepthwise(g)) return; // the engine leaves depthwise to the direct kernel
      const Kg = (g.C / g.G) * g.kD * g.kH * g.kW, ny = g.N * g.M * g.outD * g.outH * g.outW;
      const x = seededFloats(g.N * g.C * g.inD * g.inH * g.inW, s, -1, 1);
      const w = seededFloats(g.M * Kg, s + 1, -1, 1);
      const b = bias ? seededFloats(g.M, s + 2, -1, 1) : null;
      const res = residual ? seededFloats(ny, s + 3, -1, 1) : null;
      const want = refConv(g, x, w, b);
      for (let i = 0; i < ny; i++) {
        if (res) want[i] = want[i]! + res[i]!;
        if (relu && !(want[i]! > 0)) want[i] = Number.isNaN(want[i]!) ? want[i]! : 0;
      }
      const flags = (relu ? EPI_RELU : 0) | (residual ? EPI_RESIDUAL : 0);
      const msg = closeArrays(variantConv(v, g, x, w, b, flags, res), want, TOL.conv);
      assert.not.ok(msg, `${JSON.stringify(g)} bias=${bias} relu=${relu} residual=${residual}: ${msg}`);
    }), { numRuns: Number(process.env.CONV_RUNS ?? 150) });
  });
}

for (const v of kernelVariants()) {
  test(`[${v.name}] conv with K walked in channel slices (70 channels 3x3, 300 1x1), residual + ReLU == reference`, () => {
    for (const [C, k, M] of [[70, 3, 9], [300, 1, 6]] as const) {
      const g = convGeom(2, C, M, 1, [5, 7], [5, 7], [k, k], [1, 1], [1, 1], [(k - 1) / 2, (k - 1) / 2]);
      const x = seededFloats(2 * C * 35, 5, -1, 1), w = seededFloats(M * C * k * k, 6, -0.2, 0.2), b = seededFloats(M, 7, -1, 1);
      const res = seededFloats(2 * M * 35, 8, -1, 1);
      const want = refConv(g, x, w, b).map((y, i) => Math.max(Math.fround(y + res[i]!), 0));
      const msg = closeArrays(variantConv(v, g, x, w, b, EPI_RELU | EPI_RESIDUAL, res), want, TOL.conv);
      assert.not.ok(msg, `C=${C} k=${k}: ${msg}`);
    }
  });
}

test('property: the SIMD im2col and packb write exactly what im2colPacked / packPanels write (2-D, strides 1-3, wide rows)', () => {
  const e = getEngine(), simd = e.main.simd!;
  const wide = fc.record({
    C: fc.integer({ min: 1, max: 4 }), inH: fc.integer({ min: 1, max: 9 }), inW: fc.integer({ min: 1, max: 45 }),
    k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }),
    ph: fc.integer({ min: 0, max: 2 }), pw: fc.integer({ min: 0, max: 3 }), a: fc.nat(), b: fc.nat(), seed,
  });
  fc.assert(fc.property(wide, (r) => {
    const dk = r.d * (r.k - 1) + 1;
    const outH = Math.floor((r.inH + 2 * r.ph - dk) / r.s) + 1, outW = Math.floor((r.inW + 2 * r.pw - dk) / r.s) + 1;
    if (outH < 1 || outW < 1) return;
    const g = convGeom(1, r.C, 1, 1, [r.inH, r.inW], [outH, outW], [r.k, r.k], [r.s, r.s], [r.d, r.d], [r.ph, r.pw]);
    const P = outH * outW, j0 = r.a % P, nc = 1 + (r.b % (P - j0)), K = r.C * r.k * r.k;
    const x = seededFloats(r.C * r.inH * r.inW, r.seed);
    const want = new Float32Array(packedSize(nc, K, NR)).fill(NaN);
    im2colPacked(want, x, 0, g, 0, r.C, j0, nc);
    const hx = toHeap(x), hd = toHeap(new Float32Array(want.length).fill(NaN)), taps = toHeap(new Float32Array(2 * r.k));
    const i32 = new Int32Array(e.arena.f32().buffer);
    for (let kw = 0; kw < r.k; kw++) {
      i32[taps / 4 + 2 * kw] = tapLo(kw, r.s, r.pw, r.d, outW);
      i32[taps / 4 + 2 * kw + 1] = tapHi(kw, r.s, r.pw, r.d, r.inW, outW);
    }
    simd.im2col(hd, hx, r.C, r.inH, r.inW, r.k, r.k, r.s, r.s, r.d, r.d, r.ph, r.pw, outW, Math.floor(j0 / outW), j0 % outW, nc, taps);
    assert.equal(fromHeap(hd, want.length), want, JSON.stringify(r));
    // packb: rows of a 1x1 conv's input, nc contiguous columns from j0, row stride inH·inW
    const wantB = new Float32Array(packedSize(nc, r.C, NR)).fill(NaN), Pin = r.inH * r.inW;
    if (j0 + nc <= Pin) {
      packPanels(wantB, 0, x, j0, 1, Pin, nc, r.C, NR);
      simd.packb(hd, hx + j0 * 4, Pin, r.C, nc);
      assert.equal(fromHeap(hd, wantB.length), wantB, `packb ${JSON.stringify(r)}`);
    }
    freeHeap([hx, x.length], [hd, want.length], [taps, 2 * r.k]);
  }), { numRuns: 300 });
});

test('property: im2colPacked and col2imAdd == reference on column blocks', () => {
  fc.assert(fc.property(convCases, fc.nat(), fc.nat(), ({ g, seed: s }, a, b) => {
    const P = g.outD * g.outH * g.outW, Cg = g.C / g.G;
    const j0 = a % P, nc = 1 + (b % (P - j0)), c0 = (a % g.G) * Cg;
    const K = Cg * g.kD * g.kH * g.kW;
    const x = seededFloats(g.C * g.inD * g.inH * g.inW, s);
    const d1 = new Float32Array(packedSize(nc, K, NR)).fill(NaN), d2 = new Float32Array(d1.length).fill(NaN);
    im2colPacked(d1, x, 0, g, c0, Cg, j0, nc);
    im2colRef(d2, x, 0, g, c0, Cg, j0, nc);
    assert.equal(d1, d2, `im2col ${JSON.stringify(g)} c0=${c0} j0=${j0} nc=${nc}`);
    if (g.kD !== 1 || g.inD !== 1 || g.outD !== 1 || g.dH !== 1 || g.dW !== 1) return;
    // col2im: the same block seen from ConvTranspose (image = the conv input, columns = outputs)
    const tg = convGeom(1, g.C, g.M, g.G, [g.outH, g.outW], [g.inH, g.inW], [g.kH, g.kW], [g.sH, g.sW], [1, 1], [g.padT, g.padL]);
    const col = seededFloats(2 + K * nc, s + 3);
    const y1 = seededFloats(g.C * g.inH * g.inW, s + 4), y2 = y1.slice();
    col2imAdd(y1, 0, col, 2, nc, tg, c0, Cg, j0, nc);
    col2imRef(y2, 0, col, 2, nc, tg, c0, Cg, j0, nc);
    assert.not.ok(closeArrays(y1, y2, TOL.conv), `col2im ${JSON.stringify(tg)}`);
  }), { numRuns: 200 });
});

const convTransposeCases = fc.record({
  N: fc.constantFrom(0, 1, 2), G: fc.constantFrom(1, 2, 3), Cg: fc.constantFrom(1, 2, 3), Mg: fc.constantFrom(1, 1, 3),
  dims: fc.array(fc.record({ in: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }), ph: fc.nat(3), pt: fc.nat(3), adj: fc.nat(3) }), { minLength: 2, maxLength: 2 }),
  legacy: fc.constantFrom(LEGACY_NOTSET, LEGACY_NOTSET, LEGACY_VALID), bias: fc.boolean(), seed,
}).map((r) => {
  const out: number[] = [], heads: number[] = [];
  for (const d of r.dims) {
    const s = convTransposeSizeAndPad(d.in, d.s, d.k, Math.min(d.adj, d.s), r.legacy, d.ph, d.pt);
    if (s.out < 1) return null;
    out.push(s.out);
    heads.push(s.padHead);
  }
  return {
    g: convGeom(r.N, r.Cg * r.G, r.Mg * r.G, r.G, r.dims.map((d) => d.in), out, r.dims.map((d) => d.k), r.dims.map((d) => d.s), [1, 1], heads),
    bias: r.bias, seed: r.seed,
  };
}).filter((c): c is ConvCase => c !== null);

test('property: convTranspose == reference (groups, depthwise, strides, pads, adj, N = 0)', () => {
  fc.assert(fc.property(convTransposeCases, ({ g, bias, seed: s }) => {
    const x = seededFloats(g.N * g.M * g.inH * g.inW, s);
    const w = seededFloats(g.M * (g.C / g.G) * g.kH * g.kW, s + 1);
    const b = bias ? seededFloats(g.C, s + 2) : null;
    const y1 = new Float32Array(g.N * g.C * g.outH * g.outW).fill(NaN), y2 = y1.slice();
    const packed = new Float32Array(convTransposePackedWeightsSize(g));
    packConvTransposeWeights(packed, w, g);
    convTranspose(y1, x, w, packed, b, g, new Float32Array(convTransposeScratchSize(g)).fill(NaN));
    convTransposeRef(y2, x, w, packed, b, g);
    const msg = closeArrays(y1, y2, TOL.conv);
    assert.not.ok(msg, `${JSON.stringify(g)}: ${msg}`);
  }), { numRuns: 200 });
});

for (const v of kernelVariants().filter((x) => x.exec)) {
  test(`property [${v.name}]: convTranspose on the engine (channel-block tasks), with ReLU, == reference`, () => {
    fc.assert(fc.property(convTransposeCases, fc.boolean(), ({ g, bias, seed: s }, relu) => {
      if (isDepthwiseTranspose(g)) return; // the engine leaves it to the direct kernel
      const x = seededFloats(g.N * g.M * g.inH * g.inW, s);
      const w = seededFloats(g.M * (g.C / g.G) * g.kH * g.kW, s + 1);
      const b = bias ? seededFloats(g.C, s + 2) : null;
      const ny = g.N * g.C * g.outH * g.outW;
      const want = new Float32Array(ny).fill(NaN);
      convTransposeRef(want, x, w, new Float32Array(0), b, g);
      if (relu) for (let i = 0; i < ny; i++) if (!(want[i]! > 0)) want[i] = 0;
      const packed = new Float32Array(convTransposePackedWeightsSize(g));
      packConvTransposeWeights(packed, w, g);
      const hx = toHeap(x), hw = toHeap(packed), hb = b ? toHeap(b) : -1, hy = toHeap(new Float32Array(ny).fill(NaN));
      convTransposeExec(v.exec!, hy, hx, hw, hb, g, relu);
      const got = fromHeap(hy, ny);
      freeHeap([hx, x.length], [hw, packed.length], [hy, ny], ...(b ? [[hb, b.length] as [number, number]] : []));
      const msg = closeArrays(got, want, TOL.conv);
      assert.not.ok(msg, `${JSON.stringify(g)} relu=${relu}: ${msg}`);
    }), { numRuns: 150 });
  });
}

test('property: the Conv op (args -> plan -> run) == reference kernel on the same geometry', () => {
  fc.assert(fc.property(convCases, ({ g, bias, seed: s }) => {
    const nd = g.inD > 1 || g.kD > 1 || g.outD > 1 ? 3 : 2;
    const sp = (d: number, h: number, w: number): number[] => (nd === 3 ? [d, h, w] : [h, w]);
    const x = new Tensor('float32', [g.N, g.C, ...sp(g.inD, g.inH, g.inW)], seededFloats(g.N * g.C * g.inD * g.inH * g.inW, s));
    const Kg = (g.C / g.G) * g.kD * g.kH * g.kW;
    const w = new Tensor('float32', [g.M, g.C / g.G, ...sp(g.kD, g.kH, g.kW)], seededFloats(g.M * Kg, s + 1));
    const b = bias ? new Tensor('float32', [g.M], seededFloats(g.M, s + 2)) : undefined;
    // explicit pads reproduce any legacy_pad geometry; tails only fix the output size
    const pads: number[] = [];
    const inn = sp(g.inD, g.inH, g.inW), k = sp(g.kD, g.kH, g.kW), st = sp(g.sD, g.sH, g.sW), dl = sp(g.dD, g.dH, g.dW);
    const heads = sp(g.padF, g.padT, g.padL), outs = sp(g.outD, g.outH, g.outW);
    if (heads.some((h) => h < 0)) return;
    const tails = outs.map((o, i) => (o - 1) * st[i]! + dl[i]! * (k[i]! - 1) + 1 - inn[i]! - heads[i]!);
    if (tails.some((t) => t < 0)) return;
    pads.push(...heads, ...tails);
    const y = runOp('Conv', { kernels: k, strides: st, dilations: dl, pads, group: g.G }, [x, w, b], 1, [false, true, true])[0]!;
    assert.equal(y.shape, [g.N, g.M, ...outs]);
    const msg = closeArrays(y.data as Float32Array, refConv(g, x.data as Float32Array, w.data as Float32Array, b ? b.data as Float32Array : null), TOL.conv);
    assert.not.ok(msg, `${JSON.stringify(g)}: ${msg}`);
  }), { numRuns: 60 });
});

test('a model planned for two image sizes packs its filter once and runs both right', () => {
  const w = new Tensor('float32', [4, 2, 3, 3], seededFloats(72, 7)), b = new Tensor('float32', [4], seededFloats(4, 8));
  const net = makeNet([makeOp('Conv', ['x', 'w', 'b'], ['y'], { kernels: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] })], ['x', 'w', 'b'], ['y']);
  const model = new Caffe2Model(net, undefined, { registry: defaultRegistry, poison: true, weights: new Map([['w', w], ['b', b]]) });
  const plans = [[1, 2, 5, 5], [2, 2, 7, 6]].map((shape) => model.plan(new Map([['x', { dtype: 'float32' as const, shape }]])));
  const packed = plans.map((p) => p.ops[0]!.state as { packed: Float32Array | null; ptr: number });
  if (model.exec) assert.ok(packed[0]!.ptr >= 0 && packed[0]!.ptr === packed[1]!.ptr, 'both plans share one packed filter in the engine memory');
  else assert.ok(packed[0]!.packed instanceof Float32Array && packed[0]!.packed === packed[1]!.packed, 'both plans share one packed filter');
  for (const shape of [[1, 2, 5, 5], [2, 2, 7, 6]]) {
    const x = new Tensor('float32', shape, seededFloats(shape.reduce((p, d) => p * d, 1), 9));
    const y = model.run({ x }).get('y')!;
    const [oh, ow] = [Math.floor((shape[2]! - 1) / 2) + 1, Math.floor((shape[3]! - 1) / 2) + 1];
    const g = convGeom(shape[0]!, 2, 4, 1, [shape[2]!, shape[3]!], [oh, ow], [3, 3], [2, 2], [1, 1], [1, 1]);
    assert.equal(y.shape, [shape[0], 4, oh, ow]);
    assert.not.ok(closeArrays(y.data as Float32Array, refConv(g, x.data as Float32Array, w.data as Float32Array, b.data as Float32Array), TOL.conv));
  }
});

// ------------------------------------------------------------------ published vectors

const n = registerVectors(test, ['Conv', 'ConvTranspose'], {
  // ONNX forms Caffe2 cannot express: they must be refused, not silently computed differently
  test_conv_with_autopad_same: 'auto_pad',
  test_convtranspose_autopad_same: 'auto_pad',
  test_convtranspose_1d: "must be 4-D [N, M, H, W] (Caffe2's ConvTranspose is 2-D)",
  test_convtranspose_3d: "must be 4-D [N, M, H, W] (Caffe2's ConvTranspose is 2-D)",
  test_convtranspose_dilations: "dilation 2 is not supported (Caffe2's ConvTranspose has none",
  test_convtranspose_kernel_shape: "'output_shape' is ignored by Caffe2",
  test_convtranspose_output_shape: "'output_shape' is ignored by Caffe2",
});

test('the shared ONNX conv vectors are present', () => {
  assert.ok(n >= 40, `expected the ONNX node-test conv vectors under ../shared, found ${n}`);
});

test.run();
