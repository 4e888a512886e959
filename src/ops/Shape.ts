// Shape (caffe2/operators/shape_op.h): the input's dims as a 1-D int64 tensor, or only those of
// `axes` (each in 0..rank-1, no negative form). Its value is known while planning whenever the
// selected dims are, which is what lets traced shape arithmetic fold to static shapes.

import { ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { int64Vector } from './tensor_util.js';

function selected(x: readonly number[], axes: readonly number[]): number[] {
  if (axes.length === 0) return x.slice();
  return axes.map((a) => {
    if (a < 0 || a >= x.length) throw new ShapeError(`axis ${a} is out of range for input 'X' ${shapeStr(x)} (expected 0..${x.length - 1})`);
    return x[a]!;
  });
}

export default defineOp({
  type: 'Shape', category: 'Shape',
  doc: 'The dims of the input (or of `axes`) as an int64 vector.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'shape' }],
  args: { axes: arg.ints([]) },
  infer([x], a, ctx) {
    const dims = selected(x!.shape, a.axes ?? []);
    const known = ctx.planning && dims.every((d) => d >= 0);
    return [{ dtype: 'int64', shape: [dims.length], ...(known ? { value: int64Vector(dims) } : {}) }];
  },
  run(ctx, a) {
    const dims = selected(ctx.in(0).shape, a.axes ?? []);
    const out = ctx.out(0).data as BigInt64Array;
    for (let i = 0; i < dims.length; i++) out[i] = BigInt(dims[i]!);
  },
});
