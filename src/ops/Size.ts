// Size (caffe2/operators/utility_ops.cc SizeOp): the input's element count as a 0-d int64 tensor,
// known while planning whenever every dim is.

import { Tensor } from '../core/tensor.js';
import { defineOp } from './schema.js';
import { product } from './tensor_util.js';

export default defineOp({
  type: 'Size', category: 'Shape',
  doc: 'The number of elements of the input, as a 0-d int64 tensor.',
  inputs: [{ name: 'X' }], outputs: [{ name: 'size' }],
  args: {},
  infer([x], _a, ctx) {
    const known = ctx.planning && x!.shape.every((d) => d >= 0);
    return [{ dtype: 'int64', shape: [], ...(known ? { value: Tensor.from('int64', [], [product(x!.shape)]) } : {}) }];
  },
  run(ctx) { (ctx.out(0).data as BigInt64Array)[0] = BigInt(product(ctx.in(0).shape)); },
});
