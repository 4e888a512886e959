// Softmax (caffe2/operators/softmax_op.cc): X coerced to 2-D (dims before `axis`, dims from it)
// and normalised per row; float32, output = X's shape.

import { canonicalAxis, sizeBetween } from '../core/shape.js';
import { softmaxF32 } from '../../kernels/softmax.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'Softmax', category: 'Activation',
  doc: 'Row softmax of X viewed as [prod(dims[:axis]), prod(dims[axis:])] (float32).',
  inputs: [{ name: 'input' }], outputs: [{ name: 'output' }],
  args: { axis: arg.int(1) },
  inplace: [[0, 0]],
  infer([x], p) {
    requireFloat32(x!.dtype, 'input');
    canonicalAxis(p.axis, x!.shape.length);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx, p) {
    const x = ctx.in(0), ax = canonicalAxis(p.axis, x.rank);
    softmaxF32(ctx.out(0).data as Float32Array, x.data as Float32Array, sizeBetween(x.shape, 0, ax), sizeBetween(x.shape, ax));
  },
});
