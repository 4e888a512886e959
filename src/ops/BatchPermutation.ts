// BatchPermutation (caffe2/operators/batch_permutation_op.cc): Y[n] = X[indices[n]], whole slices
// along dim 0. X [N, ...] float32, indices [N] int32. Caffe2 does not range-check the indices;
// we reject one outside [0, N) instead of reading out of bounds.

import { ShapeError, shapeStr } from '../core/errors.js';
import { defineOp } from './schema.js';
import { requireFloat, requireSameDim } from './detection_util.js';

export default defineOp({
  type: 'BatchPermutation', category: 'Detection',
  doc: 'Reorders the rows (dim 0) of X by indices; undoes DistributeFpnProposals\' level grouping.',
  inputs: [{ name: 'X' }, { name: 'indices' }],
  outputs: [{ name: 'Y' }],
  args: {},
  infer([x, idx]) {
    requireFloat(x!, 'X');
    if (idx!.dtype !== 'int32') throw new ShapeError(`input 'indices' must be int32, got ${idx!.dtype}`);
    if (x!.shape.length < 1) throw new ShapeError(`input 'X' must have a batch dim, got ${shapeStr(x!.shape)}`);
    if (idx!.shape.length !== 1) throw new ShapeError(`input 'indices' must be 1-D [N], got ${shapeStr(idx!.shape)}`);
    requireSameDim(idx!.shape[0]!, x!.shape[0]!, () => `input 'indices' ${shapeStr(idx!.shape)} must have one entry per row of input 'X' ${shapeStr(x!.shape)}`);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx) {
    const x = ctx.in(0), idx = ctx.in(1).data as Int32Array, y = ctx.out(0).data as Float32Array;
    const N = x.shape[0]!, K = N ? x.size / N : 0, src = x.data as Float32Array;
    for (let n = 0; n < N; n++) {
      const i = idx[n]!;
      if (!(i >= 0 && i < N)) throw new ShapeError(`input 'indices'[${n}] = ${i} is out of range for input 'X' ${shapeStr(x.shape)} (expected 0..${N - 1})`);
      y.set(src.subarray(i * K, (i + 1) * K), n * K);
    }
  },
});
