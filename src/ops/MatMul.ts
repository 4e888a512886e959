// MatMul (caffe2/operators/matmul_op.h): Y = op(A₂)·op(B₂), 2-D, where A₂ is A viewed as
// [prod(A.dims[:axis_a]), prod(A.dims[axis_a:])] (likewise B at axis_b) and op transposes with
// trans_a / trans_b. A third input (gradient nets) gives Y its shape.

import { ShapeError, shapeStr } from '../core/errors.js';
import { canonicalAxis, numelOrUnknown } from '../core/shape.js';
import { gemm, gemmParams, gemmScratchSize } from '../../kernels/gemm.js';
import { arg, defineOp } from './schema.js';
import { requireF32 } from './conv_pool_base.js';

function prod(s: readonly number[], from: number, to: number): number {
  let n = 1;
  for (let i = from; i < to; i++) { if (s[i]! < 0) return -1; n *= s[i]!; }
  return n;
}

interface Mnk { M: number; N: number; K: number }

function mnk(a: readonly number[], b: readonly number[], p: { axis_a: number; axis_b: number; trans_a: boolean; trans_b: boolean }): Mnk {
  const ca = canonicalAxis(p.axis_a, a.length, 'axis_a'), cb = canonicalAxis(p.axis_b, b.length, 'axis_b');
  const a0 = prod(a, 0, ca), a1 = prod(a, ca, a.length), b0 = prod(b, 0, cb), b1 = prod(b, cb, b.length);
  const [M, Ka] = p.trans_a ? [a1, a0] : [a0, a1];
  const [Kb, N] = p.trans_b ? [b1, b0] : [b0, b1];
  if (Ka >= 0 && Kb >= 0 && Ka !== Kb) {
    throw new ShapeError(`${p.trans_a ? 'trans(A)' : 'A'} ${shapeStr(a)} is [${M}, ${Ka}] but ${p.trans_b ? 'trans(B)' : 'B'} ${shapeStr(b)} is [${Kb}, ${N}]: inner dims differ`);
  }
  return { M, N, K: Ka >= 0 ? Ka : Kb };
}

export default defineOp({
  type: 'MatMul', category: 'Layer',
  doc: 'Y = op(A)·op(B) on A, B flattened to 2-D at axis_a / axis_b.',
  inputs: [{ name: 'A' }, { name: 'B' }, { name: 'Y_shape', optional: true }],
  outputs: [{ name: 'Y' }],
  args: { axis_a: arg.int(1), axis_b: arg.int(1), trans_a: arg.bool(false), trans_b: arg.bool(false) },
  infer([a, b, like], p) {
    requireF32(a, 'A'); requireF32(b, 'B');
    const { M, N } = mnk(a!.shape, b!.shape, p);
    if (like) {
      const n = numelOrUnknown(like.shape);
      if (n >= 0 && M >= 0 && N >= 0 && n !== M * N) throw new ShapeError(`input 'Y_shape' ${shapeStr(like.shape)} must have ${M * N} elements`);
      return [{ dtype: 'float32', shape: like.shape.slice() }];
    }
    return [{ dtype: 'float32', shape: [M, N] }];
  },
  run(ctx, p) {
    const a = ctx.in(0), b = ctx.in(1);
    const { M, N, K } = mnk(a.shape, b.shape, p);
    const gp = gemmParams(M, N, K, p.trans_a, p.trans_b);
    gemm(ctx.out(0).data as Float32Array, a.data as Float32Array, b.data as Float32Array, null, gp, ctx.scratch('f32', gemmScratchSize(M, N, K)));
  },
});
