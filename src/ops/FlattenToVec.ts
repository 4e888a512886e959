// FlattenToVec (caffe2/operators/utility_ops.h): a 1-D view of all elements; rank must be >= 1.

import { ShapeError } from '../core/errors.js';
import { defineOp } from './schema.js';
import { product, viewAs } from './tensor_util.js';

export default defineOp({
  type: 'FlattenToVec', category: 'Shape',
  doc: 'A 1-D view of every element of a tensor of rank >= 1.',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: {},
  inplace: [[0, 0]],
  infer([x], _a, ctx) {
    if (x!.shape.length < 1) throw new ShapeError("input 'input' must have rank >= 1, got a 0-d tensor");
    const shape = [product(x!.shape)];
    return [{ dtype: x!.dtype, shape, ...(ctx.planning && x!.value ? { value: viewAs(x!.value, shape) } : {}) }];
  },
  run(ctx) {
    const x = ctx.in(0);
    ctx.set(0, viewAs(x, [x.size]));
  },
});
