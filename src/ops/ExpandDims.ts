// ExpandDims (caffe2/operators/expand_squeeze_dims_op.h; ONNX Unsqueeze): a view with a size-1
// dim inserted at each of `dims` (sorted, de-duplicated, >= 0), in ascending order.

import { ShapeError, shapeStr } from '../core/errors.js';
import { arg, defineOp } from './schema.js';
import { normalizeDims } from './Squeeze.js';
import { viewAs } from './tensor_util.js';

function expanded(x: readonly number[], dims: readonly number[]): number[] {
  const last = dims[dims.length - 1]!;
  if (x.length + dims.length < last + 1) {
    throw new ShapeError(`input 'data' ${shapeStr(x)} has rank ${x.length}, but dims [${dims.join(', ')}] need rank >= ${last + 1 - dims.length}`);
  }
  const out = x.slice();
  for (const d of dims) out.splice(d, 0, 1);
  return out;
}

export default defineOp({
  type: 'ExpandDims', category: 'Shape',
  doc: 'A view with size-1 dims inserted at the listed positions.',
  inputs: [{ name: 'data' }], outputs: [{ name: 'expanded' }],
  args: { dims: arg.ints() },
  inplace: [[0, 0]],
  normalize(a) { return Object.freeze({ dims: normalizeDims(a.dims) }); },
  infer([x], p, ctx) {
    const shape = expanded(x!.shape, p.dims);
    return [{ dtype: x!.dtype, shape, ...(ctx.planning && x!.value ? { value: viewAs(x!.value, shape) } : {}) }];
  },
  run(ctx, p) {
    const x = ctx.in(0);
    ctx.set(0, viewAs(x, expanded(x.shape, p.dims)));
  },
});
