// Flatten (caffe2/operators/flatten_op.h): a 2-D view [prod(dims[0..axis)), prod(dims[axis..))].
// `axis` is not canonicalised: it must lie in 0..rank (Caffe2 has no negative form).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { product, viewAs } from './tensor_util.js';

function flatDims(x: readonly number[], axis: number): number[] {
  if (x.length < axis) throw new ShapeError(`input 'input' has rank ${x.length}, but axis is ${axis} (rank must be >= axis), got ${shapeStr(x)}`);
  return [product(x, 0, axis), product(x, axis)];
}

export default defineOp({
  type: 'Flatten', category: 'Shape',
  doc: 'A 2-D view: the dims before `axis` and the dims from `axis` on, each multiplied out.',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: { axis: arg.int(1) },
  inplace: [[0, 0]],
  normalize(a) {
    if (a.axis < 0) throw new ArgError(`must be >= 0 (Caffe2 does not canonicalise a negative axis), got ${a.axis}`, { arg: 'axis' });
    return a;
  },
  infer([x], a, ctx) {
    const shape = flatDims(x!.shape, a.axis);
    return [{ dtype: x!.dtype, shape, ...(ctx.planning && x!.value ? { value: viewAs(x!.value, shape) } : {}) }];
  },
  run(ctx, a) {
    const x = ctx.in(0);
    ctx.set(0, viewAs(x, flatDims(x.shape, a.axis)));
  },
});
