// Relu (caffe2/operators/relu_op.cc): y = max(x, 0), float32; may run in place.

import { ShapeError } from '../core/errors.js';
import { reluF32 } from '../../kernels/activation.js';
import { defineOp } from './schema.js';

export default defineOp({
  type: 'Relu', category: 'Activation',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: {},
  inplace: [[0, 0]],
  infer([x]) {
    if (x!.dtype !== 'float32') throw new ShapeError(`input 'X' must be float32, got ${x!.dtype}`);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx) {
    reluF32(ctx.out(0).data as Float32Array, ctx.in(0).data as Float32Array);
  },
});
