// MaxPoolWithIndex (caffe2/operators/max_pool_with_index.cu; Caffe2 registered it for CUDA only,
// this is its CPU form): 2-D NCHW max pooling (ConvPoolOpBase args, no dilation) whose second
// output, 1-D int32 of Y's size, holds each maximum's position h·W + w in its input plane.
// The window starts at -FLT_MAX and a value wins only when strictly greater (-1: none did).

import { maxPoolWithIndex } from '../../kernels/pool.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { numelOrUnknown } from '../core/shape.js';
import { defineOp } from './schema.js';
import { normalizePool, poolArgs, poolGeom, poolInfer, type PoolParams, type PoolState } from './pool_util.js';

export default defineOp<typeof poolArgs, PoolParams, PoolState>({
  type: 'MaxPoolWithIndex', category: 'Pool',
  doc: '2-D NCHW max pooling and the int32 in-plane index (h·W + w) of each maximum.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }, { name: 'Index' }],
  args: poolArgs,
  normalize(a) {
    const p = normalizePool(a);
    const dil = p.dilation === undefined ? [] : typeof p.dilation === 'number' ? [p.dilation] : p.dilation;
    if (dil.some((d) => d !== 1)) throw new ArgError('MaxPoolWithIndex has no dilation', { arg: 'dilations' });
    if (p.global) throw new ArgError('MaxPoolWithIndex has no global pooling', { arg: 'global_pooling' });
    return p;
  },
  infer([x], p) {
    if (x!.shape.length !== 4) throw new ShapeError(`input 'X' must be 4-D NCHW, got ${shapeStr(x!.shape)}`);
    const shape = poolInfer(x!, p);
    return [{ dtype: 'float32', shape }, { dtype: 'int32', shape: [numelOrUnknown(shape)] }];
  },
  prepare() { return {}; },
  run(ctx, p) {
    const x = ctx.in(0);
    maxPoolWithIndex(ctx.out(0).data as Float32Array, ctx.out(1).data as Int32Array, x.data as Float32Array, poolGeom(ctx.state, x.shape, p));
  },
});
