// Conv (caffe2/operators/conv_op.cc, conv_op_impl.h; aliases Conv1D/2D/3D): NCHW cross-correlation
// with groups, dilation and zero padding, plus an optional per-channel bias. X [N, C, *spatial]
// (1 to 3 spatial dims), filter [M, C/group, *kernel], bias [M] -> Y [N, M, *out].
// A constant filter is packed for the GEMM once, at plan time.

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { convGeom, type ConvGeom } from '../../kernels/geometry.js';
import { conv, convExec, convPackedWeightsSize, convScratchSize, isDepthwise, packConvWeights } from '../../kernels/conv.js';
import { convWinogradExec, packWinogradWeights, winogradEligible, winogradWeightsSize } from '../../kernels/winograd.js';
import { arg, defineOp, type PrepareEnv, type RunCtx } from './schema.js';
import { copyIn, packOnce, packOnceIn } from './prepack.js';
import type { EpilogueParams } from '../caffe2/fuse.js';
import {
  checkImage, convPoolArgs, geomOf, normalizeConvPool, requireF32, resolveSpatial, sameDims, type ConvPoolParams, type Dims, type Spatial,
} from './conv_pool_base.js';

const args = { ...convPoolArgs, group: arg.int(1) };

interface Params extends ConvPoolParams { readonly group: number }

interface State {
  /** The filter packed at plan time (null: packed per run from a fed filter). */
  packed: Float32Array | null;
  /** The same in the engine's memory (byte offset; -1: none), and the bias copied there. */
  ptr: number;
  biasPtr: number;
  /** The Winograd F(2x2, 3x3) transform of the filter in the engine's memory (-1: none). */
  wino: number;
  xShape?: readonly number[];
  geom?: ConvGeom;
}

/** Checks X, filter and bias against each other; returns M and the spatial geometry. */
function shapes(x: readonly number[], w: readonly number[], b: readonly number[] | undefined, p: Params): { M: number; s: Spatial } {
  checkImage(x);
  if (w.length !== x.length) throw new ShapeError(`input 'filter' must have the rank of 'X' (${x.length}), got ${shapeStr(w)}`);
  const M = w[0]!, G = p.group;
  if (M >= 0 && M % G !== 0) throw new ShapeError(`'filter' ${shapeStr(w)} has ${M} output channels, not divisible by group ${G}`);
  if (x[1]! >= 0 && w[1]! >= 0 && x[1] !== w[1]! * G) {
    throw new ShapeError(`input 'X' ${shapeStr(x)} has ${x[1]} channels, but 'filter' ${shapeStr(w)} with group ${G} expects ${w[1]! * G}`);
  }
  const fk = w.slice(2);
  if (p.kernel !== undefined) {
    const k = typeof p.kernel === 'number' ? fk.map(() => p.kernel as number) : p.kernel;
    if (k.length !== fk.length || k.some((v, i) => fk[i]! >= 0 && v !== fk[i])) {
      throw new ShapeError(`kernel [${k.join(', ')}] does not match 'filter' ${shapeStr(w)}`);
    }
  }
  if (b && (b.length !== 1 || (b[0]! >= 0 && M >= 0 && b[0] !== M))) throw new ShapeError(`input 'bias' must be [${M}], got ${shapeStr(b)}`);
  return { M, s: resolveSpatial(p, x, p.kernel === undefined ? fk : undefined) };
}

/** Conv with a fused epilogue (src/caffe2/fuse.ts): the residual, when there is one, is input p.res. */
const convEpilogue = defineOp<typeof args, EpilogueParams<Params>, State>({
  type: 'Conv', category: 'Layer',
  doc: 'Conv with the following Add (residual) and/or Relu fused into its output loop.',
  inputs: [{ name: 'X' }, { name: 'filter' }, { name: 'bias', optional: true }, { name: 'residual', optional: true }],
  outputs: [{ name: 'Y' }],
  args,
  infer(ins, p) {
    const conv = ins.slice(0, p.res >= 0 ? p.res : ins.length);
    requireF32(conv[0], 'X'); requireF32(conv[1], 'filter'); requireF32(conv[2], 'bias');
    const { M, s } = shapes(conv[0]!.shape, conv[1]!.shape, conv[2]?.shape, p.base);
    const shape = [conv[0]!.shape[0]!, M, ...s.out];
    if (p.res >= 0 && !sameDims(ins[p.res]!.shape, shape)) throw new ShapeError(`fused residual ${shapeStr(ins[p.res]!.shape)} must have the output's shape ${shapeStr(shape)}`);
    return [{ dtype: 'float32', shape }];
  },
  run(ctx, p) {
    runConv(ctx, p.base, p.flags, p.res);
  },
});

export default defineOp<typeof args, Params, State>({
  type: 'Conv', aliases: ['Conv1D', 'Conv2D', 'Conv3D'], category: 'Layer',
  epilogue: { residual: true, def: convEpilogue },
  doc: 'NCHW convolution: Y = conv(X, filter) + bias, with groups, dilation and pads (1-D to 3-D).',
  inputs: [{ name: 'X' }, { name: 'filter' }, { name: 'bias', optional: true }],
  outputs: [{ name: 'Y' }],
  args,
  normalize(a) {
    const base = normalizeConvPool(a);
    if (a.group < 1) throw new ArgError(`group ${a.group} must be positive`, { arg: 'group' });
    return { ...base, group: a.group };
  },
  infer([x, w, b], p) {
    requireF32(x, 'X'); requireF32(w, 'filter'); requireF32(b, 'bias');
    const { M, s } = shapes(x!.shape, w!.shape, b?.shape, p);
    return [{ dtype: 'float32', shape: [x!.shape[0]!, M, ...s.out] }];
  },
  prepare(ins: readonly ValueInfo[], p, env) {
    return prepareConv(ins, p, env);
  },
  run(ctx, p) {
    runConv(ctx, p, 0);
  },
});

/** Plan-time packing of a constant filter (and bias) for the plain kernels or into the engine's memory. */
export function prepareConv(ins: readonly ValueInfo[], p: Params, env: PrepareEnv): State {
  const group = p.group;
  const w = ins[1]!, b = ins[2];
  const st: State = { packed: null, ptr: -1, biasPtr: -1, wino: -1 };
  if (!w.value) return st;
  const g = filterGeom(w.shape, group), wd = w.value.data as Float32Array, size = convPackedWeightsSize(g);
  if (env.exec && !isDepthwise(g)) {
    // 3x3 stride-1 convs take the Winograd path with SIMD; the GEMM packing is made only if a run needs it
    if (env.exec.simd && winogradFilter(w.shape, p)) st.wino = packOnceIn(env.exec.arena, w.value, 'conv/winograd', winogradWeightsSize(g.M, g.C), (dst, off) => packWinogradWeights(dst, off, wd, g.M, g.C));
    else st.ptr = packOnceIn(env.exec.arena, w.value, `conv/${group}`, size, (dst, off) => packConvWeights(dst, wd, g, off));
    if (b?.value) st.biasPtr = copyIn(env.exec.arena, b.value);
  } else st.packed = packOnce(w.value, `conv/${group}`, size, (dst) => packConvWeights(dst, wd, g));
  return st;
}

/** A 2-D 3x3 filter with stride 1, dilation 1 and one group (the geometry check repeats at run time). */
function winogradFilter(w: readonly number[], p: Params): boolean {
  const ones = (d: Dims): boolean => d === undefined || (typeof d === 'number' ? d === 1 : d.every((v) => v === 1));
  return w.length === 4 && w[2] === 3 && w[3] === 3 && p.group === 1 && ones(p.stride) && ones(p.dilation);
}

/**
 * Runs a conv whose output may carry a fused epilogue (`flags`: gemm.ts EPI_RELU, EPI_RESIDUAL
 * with the residual as input `resIndex`).
 */
export function runConv(ctx: RunCtx<State>, p: Params, flags: number, resIndex = -1): void {
  const x = ctx.in(0), w = ctx.in(1), b = resIndex === 2 ? undefined : ctx.maybe(2), st = ctx.state;
  if (!st.geom || !sameDims(st.xShape, x.shape)) {
    st.geom = geomOf(x.shape, w.shape[0]!, p.group, shapes(x.shape, w.shape, b?.shape, p).s);
    st.xShape = x.shape;
  }
  const g = st.geom, y = ctx.out(0);
  if (g.N === 0) return;
  const res = resIndex >= 0 ? ctx.in(resIndex).data as Float32Array : null;
  const ex = ctx.exec;
  if (ex && !isDepthwise(g)) {
    const wino = st.wino >= 0 && ex.simd && winogradEligible(g);
    let wp = wino ? st.wino : st.ptr, bp = st.biasPtr;
    if (wp < 0) {
      // a fed filter (packed per run), or a constant one whose Winograd form does not fit this geometry
      const wd = w.data as Float32Array;
      if (st.wino >= 0) wp = st.ptr = packOnceIn(ex.arena, w, `conv/${p.group}`, convPackedWeightsSize(g), (dst, off) => packConvWeights(dst, wd, g, off));
      else {
        wp = ex.engine.stagingRegion(4, convPackedWeightsSize(g) * 4);
        packConvWeights(ex.arena.f32(), wd, g, wp / 4);
      }
    }
    if (b && bp < 0) bp = ex.stageIn(b.data as Float32Array, 3);
    const xp = ex.stageIn(x.data as Float32Array, 0);
    const rp = res ? ex.stageIn(res, 2) : -1;
    const yd = y.data as Float32Array, yp = ex.outPtr(yd, 1);
    if (wino) convWinogradExec(ex, yp, xp, wp, b ? bp : -1, g, flags, rp);
    else convExec(ex, yp, xp, wp, b ? bp : -1, g, flags, rp);
    ex.stageOut(yd, yp);
    return;
  }
  let packed = st.packed;
  if (!packed) {
    packed = ctx.scratch('f32', convPackedWeightsSize(g), 1);
    packConvWeights(packed, w.data as Float32Array, g);
  }
  conv(y.data as Float32Array, x.data as Float32Array, w.data as Float32Array, packed, (b?.data as Float32Array | undefined) ?? null,
    g, ctx.scratch('f32', convScratchSize(g)), flags, res);
}

/** The filter-only part of the geometry (what packing needs): M, G, C and the kernel dims. */
function filterGeom(w: readonly number[], G: number): ConvGeom {
  const k = w.slice(2), ones = k.map(() => 1);
  return convGeom(0, w[1]! * G, w[0]!, G, ones, ones, k, ones, ones, k.map(() => 0));
}
