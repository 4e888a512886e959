// FC (caffe2/operators/fully_connected_op.h): Y = X₂·Wᵀ + b, where X₂ is X viewed as
// [prod(X.dims[:axis]), prod(X.dims[axis:])] (so a 4-D RoI feature [R, 256, 7, 7] needs no flatten)
// and W is [N, K] viewed at `axis_w`. Y = X.dims[:axis] ++ [N]. FCTransposed shares this file's
// rule with W stored [K, N]. A constant W is packed for the GEMM once, at plan time.

import { ShapeError, shapeStr } from '../core/errors.js';
import { canonicalAxis, numelOrUnknown } from '../core/shape.js';
import type { ValueInfo } from '../core/tensor.js';
import { BIAS_COL, MR, NR, gemmPacked, packPanels, packedSize } from '../../kernels/gemm.js';
import { arg, defineOp, type AnyOpDef, type Args } from './schema.js';
import { requireF32 } from './conv_pool_base.js';
import { packOnce } from './prepack.js';

const args = { axis: arg.int(1), axis_w: arg.int(1) };

interface State { packed: Float32Array | null }

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

/** B operand panels of W: FC reads W [N, K] transposed, FCTransposed W [K, N] as is. */
function packW(dst: Float32Array, w: Float32Array, K: number, N: number, transposed: boolean): void {
  if (transposed) packPanels(dst, 0, w, 0, 1, N, N, K, NR);
  else packPanels(dst, 0, w, 0, K, 1, N, K, NR);
}

export function fullyConnected(type: 'FC' | 'FCTransposed', transposed: boolean): AnyOpDef {
  return defineOp<typeof args, Args<typeof args>, State>({
    type, category: 'Layer',
    doc: transposed ? 'Y = X₂·W + b with W stored [K, N] (X flattened at axis).' : 'Y = X₂·Wᵀ + b with W stored [N, K] (X flattened at axis).',
    inputs: [{ name: 'X' }, { name: 'W' }, { name: 'b' }],
    outputs: [{ name: 'Y' }],
    args,
    infer([x, w, b], p) {
      requireF32(x, 'X'); requireF32(w, 'W'); requireF32(b, 'b');
      return [{ dtype: 'float32', shape: dims(x!.shape, w!.shape, b!.shape, p, transposed).outShape }];
    },
    prepare(ins: readonly ValueInfo[], p) {
      const [x, w, b] = ins as [ValueInfo, ValueInfo, ValueInfo];
      if (!w.value) return { packed: null };
      const { K, N } = dims(x.shape, w.shape, b.shape, p, transposed);
      if (K < 0 || N < 0) return { packed: null };
      return { packed: packOnce(w.value, `${type}/${K}`, packedSize(N, K, NR), (dst) => packW(dst, w.value!.data as Float32Array, K, N, transposed)) };
    },
    run(ctx, p) {
      const x = ctx.in(0), w = ctx.in(1), b = ctx.in(2);
      const { M, K, N } = dims(x.shape, w.shape, b.shape, p, transposed);
      const y = ctx.out(0).data as Float32Array;
      if (M === 0 || N === 0) return;
      let packed = ctx.state.packed;
      if (!packed) {
        packed = ctx.scratch('f32', packedSize(N, K, NR), 1);
        packW(packed, w.data as Float32Array, K, N, transposed);
      }
      const xp = ctx.scratch('f32', packedSize(M, K, MR));
      packPanels(xp, 0, x.data as Float32Array, 0, K, 1, M, K, MR);
      gemmPacked(y, 0, N, M, N, K, xp, 0, packed, 0, b.data as Float32Array, 0, BIAS_COL);
    },
  });
}

export default fullyConnected('FC', false);
