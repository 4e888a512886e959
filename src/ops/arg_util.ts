// Shared by ArgMax and ArgMin (caffe2/operators/arg_ops.cc): the index of the first extremum
// along `axis` (default -1, the last), int64 output, `keepdims` (default true) keeps the axis
// as 1. Input types int32, int64, float, double.

import { ShapeError } from '../core/errors.js';
import { canonicalAxis, sizeBetween } from '../core/shape.js';
import { argExtremum } from '../../kernels/reduce.js';
import { ARITH_DTYPES } from './elementwise_util.js';
import { arg, defineOp, type AnyOpDef } from './schema.js';

export function argOp(type: 'ArgMax' | 'ArgMin', doc: string): AnyOpDef {
  const isMax = type === 'ArgMax';
  return defineOp({
    type, category: 'Reduce', doc,
    inputs: [{ name: 'X' }], outputs: [{ name: 'Indices' }],
    args: { axis: arg.int(-1), keepdims: arg.bool(true) },
    infer([x], p) {
      if (!ARITH_DTYPES.includes(x!.dtype)) throw new ShapeError(`input 'X' must be ${ARITH_DTYPES.join(', ')}, got ${x!.dtype}`);
      const ax = canonicalAxis(p.axis, x!.shape.length);
      const shape = x!.shape.slice();
      if (p.keepdims) shape[ax] = 1; else shape.splice(ax, 1);
      return [{ dtype: 'int64', shape }];
    },
    run(ctx, p) {
      const x = ctx.in(0), ax = canonicalAxis(p.axis, x.rank);
      argExtremum(isMax, ctx.out(0).data as BigInt64Array, x.data as Float32Array,
        sizeBetween(x.shape, 0, ax), x.shape[ax]!, sizeBetween(x.shape, ax + 1));
    },
  });
}
