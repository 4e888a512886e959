// FC (caffe2/operators/fully_connected_op.h): Y = X₂·Wᵀ + b, where X₂ is X viewed as
// [prod(X.dims[:axis]), prod(X.dims[axis:])] (so a 4-D RoI feature [R, 256, 7, 7] needs no flatten)
// and W is [N, K] viewed at `axis_w`. Y = X.dims[:axis] ++ [N]. FCTransposed shares this file's
// rule with W stored [K, N]. A constant W is packed for the GEMM once, at plan time.

import { ShapeError, shapeStr } from '../core/errors.js';
import { canonicalAxis, numelOrUnknown } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';
import { BIAS_COL, EPI_RELU, MR, NR, gemmPacked, gemmPackedExec, packPanels, packedSize } from '../../kernels/gemm.js';
import { arg, defineOp, type AnyOpDef, type Args, type RunCtx } from './schema.js';
import { requireF32 } from './conv_pool_base.js';
import { copyIn, packOnce, packOnceIn } from './prepack.js';
import type { EpilogueParams } from '../caffe2/fuse.js';

const args = { axis: arg.int(1), axis_w: arg.int(1) };
type Params = Args<typeof args>;

interface State {
  /** W packed as the GEMM's B operand at plan time: plain array, or byte offset in the engine memory (-1: none). */
  packed: Float32Array | null;
  ptr: number;
  biasPtr: number;
}

function prod(s: readonly number[], from: number, to: number): number {
  let n = 1;
  for (let i = from; i < to; i++) { if (s[i]! < 0) return -1; n *= s[i]!; }
  return n;
}

interface Dims { M: number; K: number; N: number; outShape: number[] }

function dims(x: readonly number[], w: readonly number[], b: readonly number[], p: { axis: number; axis_w: number }, transposed: boolean): Dims {
  const ca = canonicalAxis(p.axis, x.length, 'axis');
  const cw = canonicalAxis(p.axis_w, w.length, 'axis_w');
  const M = prod(x, 0, ca), K = prod(x, ca, x.length);
  const N = transposed ? prod(w, cw, w.length) : prod(w, 0, cw);
  const wn = numelOrUnknown(w);
  if (K >= 0 && N >= 0 && wn >= 0 && K * N !== wn) {
    throw new ShapeError(`'W' ${shapeStr(w)} viewed at axis_w ${p.axis_w} as ${transposed ? '[K, N]' : '[N, K]'} has N = ${N}, so it must hold K·N = ${K * N} values for K = ${K} ('X' ${shapeStr(x)} at axis ${p.axis}), got ${wn}`);
  }
  if (b.length !== 1 || (N >= 0 && b[0]! >= 0 && b[0] !== N)) throw new ShapeError(`input 'b' must be [${N}], got ${shapeStr(b)}`);
  return { M, K, N, outShape: [...x.slice(0, ca), N] };
}

/** B operand panels of W at dst[dOff]: FC reads W [N, K] transposed, FCTransposed W [K, N] as is. */
function packW(dst: Float32Array, w: Float32Array, K: number, N: number, transposed: boolean, dOff = 0): void {
  if (transposed) packPanels(dst, dOff, w, 0, 1, N, N, K, NR);
  else packPanels(dst, dOff, w, 0, K, 1, N, K, NR);
}

function run(ctx: RunCtx<State>, p: Params, transposed: boolean, flags: number): void {
  const x = ctx.in(0), w = ctx.in(1), b = ctx.in(2);
  const { M, K, N } = dims(x.shape, w.shape, b.shape, p, transposed);
  const y = ctx.out(0).data as Float32Array;
  if (M === 0 || N === 0) return;
  const st = ctx.state, ex = ctx.exec;
  if (ex) {
    let wp = st.ptr;
    if (wp < 0) {
      wp = ex.engine.stagingRegion(4, packedSize(N, K, NR) * 4);
      packW(ex.arena.f32(), w.data as Float32Array, K, N, transposed, wp / 4);
    }
    const bp = st.biasPtr >= 0 ? st.biasPtr : ex.stageIn(b.data as Float32Array, 3);
    const xp = ex.engine.stagingRegion(0, packedSize(M, K, MR) * 4);
    packPanels(ex.arena.f32(), xp / 4, x.data as Float32Array, 0, K, 1, M, K, MR);
    const yp = ex.outPtr(y, 1);
    gemmPackedExec(ex, yp, N, M, N, K, xp, wp, bp, BIAS_COL, flags);
    ex.stageOut(y, yp);
    return;
  }
  let packed = st.packed;
  if (!packed) {
    packed = ctx.scratch('f32', packedSize(N, K, NR), 1);
    packW(packed, w.data as Float32Array, K, N, transposed);
  }
  const xp = ctx.scratch('f32', packedSize(M, K, MR));
  packPanels(xp, 0, x.data as Float32Array, 0, K, 1, M, K, MR);
  gemmPacked(y, 0, N, M, N, K, xp, 0, packed, 0, b.data as Float32Array, 0, BIAS_COL, flags);
}

export function fullyConnected(type: 'FC' | 'FCTransposed', transposed: boolean): AnyOpDef {
  const epilogueDef = defineOp<typeof args, EpilogueParams<Params>, State>({
    type, category: 'Layer',
    doc: `${type} with the following Relu fused into its output loop.`,
    inputs: [{ name: 'X' }, { name: 'W' }, { name: 'b' }],
    outputs: [{ name: 'Y' }],
    args,
    infer([x, w, b], p) {
      return [{ dtype: 'float32', shape: dims(x!.shape, w!.shape, b!.shape, p.base, transposed).outShape }];
    },
    run(ctx, p) { run(ctx, p.base, transposed, p.flags & EPI_RELU); },
  });
  return defineOp<typeof args, Params, State>({
    type, category: 'Layer',
    doc: transposed ? 'Y = X₂·W + b with W stored [K, N] (X flattened at axis).' : 'Y = X₂·Wᵀ + b with W stored [N, K] (X flattened at axis).',
    inputs: [{ name: 'X' }, { name: 'W' }, { name: 'b' }],
    outputs: [{ name: 'Y' }],
    args,
    epilogue: { residual: false, def: epilogueDef },
    infer([x, w, b], p) {
      requireF32(x, 'X'); requireF32(w, 'W'); requireF32(b, 'b');
      return [{ dtype: 'float32', shape: dims(x!.shape, w!.shape, b!.shape, p, transposed).outShape }];
    },
    prepare(ins: readonly ValueInfo[], p, env) {
      const [x, w, b] = ins as [ValueInfo, ValueInfo, ValueInfo];
      const st: State = { packed: null, ptr: -1, biasPtr: -1 };
      if (!w.value) return st;
      const { K, N } = dims(x.shape, w.shape, b.shape, p, transposed);
      if (K < 0 || N < 0) return st;
      const wd = w.value.data as Float32Array, size = packedSize(N, K, NR);
      if (env.exec) {
        st.ptr = packOnceIn(env.exec.arena, w.value, `${type}/${K}`, size, (dst, off) => packW(dst, wd, K, N, transposed, off));
        if (b.value) st.biasPtr = copyIn(env.exec.arena, b.value);
      } else st.packed = packOnce(w.value, `${type}/${K}`, size, (dst) => packW(dst, wd, K, N, transposed));
      return st;
    },
    run(ctx, p) { run(ctx, p, transposed, 0); },
  });
}

export default fullyConnected('FC', false);
