// MaxPool (caffe2/operators/pool_op.cc; aliases MaxPool1D/2D/3D): the maximum over each window,
// clipped to the input (padding never wins); global_pooling takes the whole plane. NaN propagates.
// float32, and int8/uint8 as an extension (ONNX MaxPool takes them; Caffe2 registered float).

import { globalMaxPool, maxPool, poolExec, type MaxPoolArray } from '../../kernels/pool.js';
import { defineOp } from './schema.js';
import { normalizePool, poolArgs, poolGeom, poolInfer, type PoolParams, type PoolState } from './pool_util.js';

export default defineOp<typeof poolArgs, PoolParams, PoolState>({
  type: 'MaxPool', aliases: ['MaxPool1D', 'MaxPool2D', 'MaxPool3D'], category: 'Pool',
  doc: 'NCHW max pooling over clipped (optionally dilated) windows, or over each whole plane with global_pooling (1-D to 3-D); float32, int8, uint8.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: poolArgs,
  ignore: ['storage_order'],
  normalize: normalizePool,
  infer([x], p) { return [{ dtype: x!.dtype, shape: poolInfer(x!, p, ['float32', 'int8', 'uint8']) }]; },
  prepare() { return {}; },
  run(ctx, p) {
    const x = ctx.in(0), y = ctx.out(0).data as MaxPoolArray, xd = x.data as MaxPoolArray;
    const g = poolGeom(ctx.state, x.shape, p);
    const ex = ctx.exec, yp = ex && ex.threads > 1 && y instanceof Float32Array ? ex.arena.ptrOf(y) : -1, xp = yp >= 0 ? ex!.arena.ptrOf(xd) : -1;
    if (p.global) globalMaxPool(y, xd, g.N * g.C, g.inD * g.inH * g.inW);
    else if (xp >= 0 && g.N * g.C > 1) poolExec(ex!, yp, xp, g, true);
    else maxPool(y, xd, g);
  },
});
