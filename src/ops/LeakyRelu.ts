// LeakyRelu (caffe2/operators/leaky_relu_op.cc): Y = max(X, 0) + min(X, 0) * alpha, float32.

import { leakyReluF32 } from '../../kernels/activation.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'LeakyRelu', category: 'Activation', doc: 'Y = X for X > 0, else alpha * X (float32).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { alpha: arg.float(0.01) },
  inplace: [[0, 0]],
  // the op stores alpha as a float
  normalize: (a) => Object.freeze({ alpha: Math.fround(a.alpha) }),
  infer([x]) {
    requireFloat32(x!.dtype);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx, p) { leakyReluF32(ctx.out(0).data as Float32Array, ctx.in(0).data as Float32Array, p.alpha); },
});
