// BatchMatMul (caffe2/operators/batch_matmul_op.h): Y[..., M, N] = op(A[..., M, K])·op(B[..., K, N])
// over the batch dims, trans_a / trans_b transposing the last two dims. Batch dims must match unless
// broadcast=1 (numpy.matmul broadcasting, the form Caffe2's ONNX backend emits for MatMul).
// 1-D operands: A·B of two vectors is [1]; a vector A (B) multiplies every matrix of B (A).

import { ShapeError, shapeStr } from '../core/errors.js';
import { broadcastShapes, numel } from '../core/shape.js';
import { MR, NR, gemmPacked, packPanels, packedSize } from '../../kernels/gemm.js';
import { arg, defineOp } from './schema.js';
import { requireF32 } from './conv_pool_base.js';

interface Params { readonly trans_a: boolean; readonly trans_b: boolean; readonly broadcast: boolean }

/**
 * The batched problem: Y batch dims, per-batch M, N, K, and for each operand its batch dims
 * (right-aligned to Y's, 1 where broadcast) and its matrix layout (row stride, k stride).
 */
interface Problem {
  out: number[];
  batch: number[]; aBatch: number[]; bBatch: number[];
  M: number; N: number; K: number;
  /** A[i][k] = a[aBase + i·ars + k·aks]; B[k][j] = b[bBase + k·bks + j·bjs]. */
  ars: number; aks: number; bks: number; bjs: number;
  aMat: number; bMat: number;
}

function problem(a: readonly number[], b: readonly number[], p: Params): Problem {
  if (a.length === 0 || b.length === 0) throw new ShapeError(`inputs must be at least 1-D, got 'A' ${shapeStr(a)} and 'B' ${shapeStr(b)}`);
  // 1-D operands become a 1 x K row (A) or K x 1 column (B) and their unit dim is dropped from Y.
  const a2 = a.length === 1 ? (p.trans_a ? [a[0]!, 1] : [1, a[0]!]) : a;
  const b2 = b.length === 1 ? (p.trans_b ? [1, b[0]!] : [b[0]!, 1]) : b;
  const M = p.trans_a ? a2[a2.length - 1]! : a2[a2.length - 2]!;
  const K = p.trans_a ? a2[a2.length - 2]! : a2[a2.length - 1]!;
  const Kb = p.trans_b ? b2[b2.length - 1]! : b2[b2.length - 2]!;
  const N = p.trans_b ? b2[b2.length - 2]! : b2[b2.length - 1]!;
  if (K >= 0 && Kb >= 0 && K !== Kb) {
    throw new ShapeError(`'A' ${shapeStr(a)}${p.trans_a ? ' (transposed)' : ''} has K = ${K} but 'B' ${shapeStr(b)}${p.trans_b ? ' (transposed)' : ''} has K = ${Kb}`);
  }
  const ab = a2.slice(0, -2), bb = b2.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const aBatch = [...new Array<number>(rank - ab.length).fill(1), ...ab];
  const bBatch = [...new Array<number>(rank - bb.length).fill(1), ...bb];
  if (!p.broadcast && aBatch.some((d, i) => d >= 0 && bBatch[i]! >= 0 && d !== bBatch[i])) {
    throw new ShapeError(`batch dims of 'A' ${shapeStr(a)} and 'B' ${shapeStr(b)} differ; set broadcast=1 to broadcast them`);
  }
  const batch = broadcastShapes(aBatch, bBatch);
  let out: number[];
  if (a.length === 1 && b.length === 1) out = [1];
  else if (a.length === 1) out = [...batch, N];
  else if (b.length === 1) out = [...batch, M];
  else out = [...batch, M, N];
  const lda = a2[a2.length - 1]!, ldb = b2[b2.length - 1]!;
  return {
    out, batch, aBatch, bBatch, M, N, K,
    ars: p.trans_a ? 1 : lda, aks: p.trans_a ? lda : 1,
    bks: p.trans_b ? 1 : ldb, bjs: p.trans_b ? ldb : 1,
    aMat: M * K, bMat: K * N,
  };
}

export default defineOp({
  type: 'BatchMatMul', category: 'Layer',
  doc: 'Batched Y = op(A)·op(B) over the leading dims (numpy.matmul broadcasting with broadcast=1).',
  inputs: [{ name: 'A' }, { name: 'B' }], outputs: [{ name: 'Y' }],
  args: { trans_a: arg.bool(false), trans_b: arg.bool(false), broadcast: arg.bool(false) },
  ignore: ['use_scratch'],
  infer([a, b], p) {
    requireF32(a, 'A'); requireF32(b, 'B');
    return [{ dtype: 'float32', shape: problem(a!.shape, b!.shape, p).out }];
  },
  run(ctx, p) {
    const a = ctx.in(0), b = ctx.in(1), y = ctx.out(0).data as Float32Array;
    const q = problem(a.shape, b.shape, p);
    const { M, N, K } = q;
    const nb = numel(q.batch);
    if (nb === 0 || M === 0 || N === 0) return;
    const ad = a.data as Float32Array, bd = b.data as Float32Array;
    const sa = packedSize(M, K, MR);
    const scratch = ctx.scratch('f32', sa + packedSize(N, K, NR));
    const rank = q.batch.length;
    const idx = ctx.scratch('i32', rank + 1, 1);
    idx.fill(0);
    let lastA = -1, lastB = -1;
    for (let t = 0; t < nb; t++) {
      // batch offsets of A and B for Y's batch index idx (broadcast dims stay at 0)
      let ia = 0, ib = 0;
      for (let d = 0; d < rank; d++) {
        ia = ia * q.aBatch[d]! + (q.aBatch[d] === 1 ? 0 : idx[d]!);
        ib = ib * q.bBatch[d]! + (q.bBatch[d] === 1 ? 0 : idx[d]!);
      }
      if (ia !== lastA) { packPanels(scratch, 0, ad, ia * q.aMat, q.ars, q.aks, M, K, MR); lastA = ia; }
      if (ib !== lastB) { packPanels(scratch, sa, bd, ib * q.bMat, q.bjs, q.bks, N, K, NR); lastB = ib; }
      gemmPacked(y, t * M * N, N, M, N, K, scratch, 0, scratch, sa, null, 0, 0);
      for (let d = rank - 1; d >= 0; d--) {
        if (++idx[d]! < q.batch[d]!) break;
        idx[d] = 0;
      }
    }
  },
});
