// ConvTranspose (caffe2/operators/conv_transpose_op.cc, conv_transpose_unpool_op_base.h): the
// adjoint of Conv, NCHW 2-D only as in Caffe2. X [N, M, H, W], filter [M, C/group, kH, kW]
// (input channels first), bias [C] -> Y [N, C, (H-1)·s + k + adj - pad_head - pad_tail, ...].
// `adjs` (adj, adj_h/adj_w; 0 <= adj <= stride) is PyTorch's output_padding. No dilation.

import { ArgError, NotSupportedError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { convGeom, convTransposeSizeAndPad, LEGACY_CAFFE_POOLING, type ConvGeom } from '../../kernels/geometry.js';
import {
  convTranspose, convTransposeExec, convTransposePackedWeightsSize, convTransposeScratchSize, isDepthwiseTranspose, packConvTransposeWeights,
} from '../../kernels/conv_transpose.js';
import { EPI_RELU } from '../../kernels/gemm.js';
import { postOps } from '../../kernels/conv.js';
import type { EpilogueParams } from '../caffe2/fuse.js';
import { copyIn, packOnce, packOnceIn } from './prepack.js';
import { arg, defineOp, type RunCtx } from './schema.js';
import { checkImage, convPoolArgs, dimsFor, normalizeConvPool, pickDims, requireF32, sameDims, type ConvPoolParams, type Dims } from './conv_pool_base.js';

const args = {
  ...convPoolArgs, group: arg.int(1),
  adjs: arg.ints(), adj: arg.int(), adj_h: arg.int(), adj_w: arg.int(),
  /** ONNX's, passed through and ignored by Caffe2: rejected unless it is the default. */
  output_shape: arg.ints(),
};

interface Params extends ConvPoolParams { readonly group: number; readonly adj: Dims }

interface State {
  /** Packed W_gᵀ: plain array, or byte offset in the engine's memory (-1: none), with the bias there too. */
  packed: Float32Array | null;
  ptr: number;
  biasPtr: number;
  xShape?: readonly number[];
  geom?: ConvGeom;
}

interface Resolved { C: number; out: number[]; kernel: number[]; stride: number[]; padHead: number[] }

function shapes(x: readonly number[], w: readonly number[], b: readonly number[] | undefined, p: Params): Resolved {
  checkImage(x);
  if (x.length !== 4) throw new ShapeError(`input 'X' must be 4-D [N, M, H, W] (Caffe2's ConvTranspose is 2-D), got ${shapeStr(x)}`);
  if (w.length !== 4) throw new ShapeError(`input 'filter' must be 4-D [M, C/group, kH, kW], got ${shapeStr(w)}`);
  const G = p.group;
  if (x[1]! >= 0 && x[1] !== w[0]) throw new ShapeError(`input 'X' ${shapeStr(x)} has ${x[1]} channels, but 'filter' ${shapeStr(w)} expects ${w[0]}`);
  if (w[0]! % G !== 0) throw new ShapeError(`'filter' ${shapeStr(w)} has ${w[0]} input channels, not divisible by group ${G}`);
  const C = w[1]! * G;
  if (b && (b.length !== 1 || b[0] !== C)) throw new ShapeError(`input 'bias' must be [${C}] (C/group · group), got ${shapeStr(b)}`);
  const kernel = p.kernel === undefined ? w.slice(2) : dimsFor(p.kernel, 2, 1, 'kernels');
  if (kernel[0] !== w[2] || kernel[1] !== w[3]) throw new ShapeError(`kernel [${kernel.join(', ')}] does not match 'filter' ${shapeStr(w)}`);
  const stride = dimsFor(p.stride, 2, 1, 'strides');
  const adj = dimsFor(p.adj, 2, 0, 'adjs');
  const pads = dimsFor(p.pads, 2, 0, 'pads', 2);
  const out: number[] = [], padHead: number[] = [];
  for (let i = 0; i < 2; i++) {
    if (adj[i]! > stride[i]!) throw new ShapeError(`adj ${adj[i]} must not exceed stride ${stride[i]} in spatial dim ${i}`);
    const s = convTransposeSizeAndPad(x[2 + i]!, stride[i]!, kernel[i]!, adj[i]!, p.legacyPad, pads[i]!, pads[2 + i]!);
    if (x[2 + i]! >= 0 && s.out < 1) throw new ShapeError(`pads ${s.padHead} + ${s.padTail} leave no output in spatial dim ${i} of 'X' ${shapeStr(x)}`);
    out.push(x[2 + i]! < 0 ? -1 : s.out);
    padHead.push(s.padHead);
  }
  return { C, out, kernel, stride, padHead };
}

/** ConvTranspose with the following Relu fused (src/caffe2/fuse.ts). */
const convTransposeRelu = defineOp<typeof args, EpilogueParams<Params>, State>({
  type: 'ConvTranspose', category: 'Layer',
  doc: 'ConvTranspose with the following Relu applied to its output channels as they are finished.',
  inputs: [{ name: 'X' }, { name: 'filter' }, { name: 'bias', optional: true }],
  outputs: [{ name: 'Y' }],
  args,
  infer([x, w, b], p) {
    const r = shapes(x!.shape, w!.shape, b?.shape, p.base);
    return [{ dtype: 'float32', shape: [x!.shape[0]!, r.C, ...r.out] }];
  },
  run(ctx, p) { runConvTranspose(ctx, p.base, (p.flags & EPI_RELU) !== 0); },
});

const def = defineOp<typeof args, Params, State>({
  type: 'ConvTranspose', category: 'Layer',
  epilogue: { residual: false, def: convTransposeRelu },
  doc: 'NCHW 2-D transposed convolution (PyTorch conv_transpose2d with output_padding = adjs).',
  inputs: [{ name: 'X' }, { name: 'filter' }, { name: 'bias', optional: true }],
  outputs: [{ name: 'Y' }],
  args,
  normalize(a) {
    if (a.legacy_pad === LEGACY_CAFFE_POOLING) throw new ArgError('legacy_pad CAFFE_LEGACY_POOLING is not supported by ConvTranspose', { arg: 'legacy_pad' });
    const base = normalizeConvPool(a);
    for (const d of base.dilation === undefined ? [] : typeof base.dilation === 'number' ? [base.dilation] : base.dilation) {
      if (d !== 1) throw new NotSupportedError(`dilation ${d} is not supported (Caffe2's ConvTranspose has none and would ignore it)`, { arg: 'dilations' });
    }
    if (a.output_shape?.length) throw new NotSupportedError("'output_shape' is ignored by Caffe2 and would change the result; give 'pads'/'adjs'", { arg: 'output_shape' });
    if (a.group < 1) throw new ArgError(`group ${a.group} must be positive`, { arg: 'group' });
    const adj = pickDims(a as unknown as Record<string, unknown>, 'adjs', 'adj', 'adj_h', 'adj_w');
    for (const v of adj === undefined ? [] : typeof adj === 'number' ? [adj] : adj) {
      if (v < 0) throw new ArgError(`adj ${v} must be >= 0`, { arg: 'adjs' });
    }
    return { ...base, group: a.group, adj };
  },
  infer([x, w, b], p) {
    requireF32(x, 'X'); requireF32(w, 'filter'); requireF32(b, 'bias');
    const r = shapes(x!.shape, w!.shape, b?.shape, p);
    return [{ dtype: 'float32', shape: [x!.shape[0]!, r.C, ...r.out] }];
  },
  prepare(ins: readonly ValueInfo[], p, env) {
    const w = ins[1]!, b = ins[2];
    const st: State = { packed: null, ptr: -1, biasPtr: -1 };
    if (!w.value) return st;
    const g = filterGeom(w.shape, p.group), wd = w.value.data as Float32Array, size = convTransposePackedWeightsSize(g);
    if (env.exec && !isDepthwiseTranspose(g)) {
      st.ptr = packOnceIn(env.exec.arena, w.value, `convT/${p.group}`, size, (dst, off) => packConvTransposeWeights(dst, wd, g, off));
      if (b?.value) st.biasPtr = copyIn(env.exec.arena, b.value);
    } else st.packed = packOnce(w.value, `convT/${p.group}`, size, (dst) => packConvTransposeWeights(dst, wd, g));
    return st;
  },
  run(ctx, p) { runConvTranspose(ctx, p, false); },
});

function runConvTranspose(ctx: RunCtx<State>, p: Params, relu: boolean): void {
  const x = ctx.in(0), w = ctx.in(1), b = ctx.maybe(2), st = ctx.state;
  if (!st.geom || !sameDims(st.xShape, x.shape)) {
    const r = shapes(x.shape, w.shape, b?.shape, p);
    st.geom = convGeom(x.shape[0]!, r.C, x.shape[1]!, p.group, x.shape.slice(2), r.out, r.kernel, r.stride, [1, 1], r.padHead);
    st.xShape = x.shape;
  }
  const g = st.geom, y = ctx.out(0);
  if (g.N === 0) return;
  const ex = ctx.exec, yd = y.data as Float32Array;
  if (ex && !isDepthwiseTranspose(g)) {
    let wp = st.ptr;
    if (wp < 0) {
      wp = ex.engine.stagingRegion(4, convTransposePackedWeightsSize(g) * 4);
      packConvTransposeWeights(ex.arena.f32(), w.data as Float32Array, g, wp / 4);
    }
    const bp = b ? (st.biasPtr >= 0 ? st.biasPtr : ex.stageIn(b.data as Float32Array, 3)) : -1;
    const xp = ex.stageIn(x.data as Float32Array, 0), yp = ex.outPtr(yd, 1);
    convTransposeExec(ex, yp, xp, wp, bp, g, relu);
    ex.stageOut(yd, yp);
    return;
  }
  let packed = st.packed;
  if (!packed) {
    packed = ctx.scratch('f32', convTransposePackedWeightsSize(g), 1);
    packConvTransposeWeights(packed, w.data as Float32Array, g);
  }
  convTranspose(yd, x.data as Float32Array, w.data as Float32Array, packed, (b?.data as Float32Array | undefined) ?? null,
    g, ctx.scratch('f32', convTransposeScratchSize(g)));
  if (relu) postOps(yd, EPI_RELU, null);
}

/** What packing needs: M (X channels), C, G and the kernel, from the filter alone. */
function filterGeom(w: readonly number[], G: number): ConvGeom {
  return convGeom(0, w[1]! * G, w[0]!, G, [1, 1], [1, 1], w.slice(2), [1, 1], [1, 1], [0, 0]);
}

export default def;
