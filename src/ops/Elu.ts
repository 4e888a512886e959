// Elu (caffe2/operators/elu_op.cc): Y = X < 0 ? alpha * (exp(X) - 1) : X, float32; alpha is a float.

import { eluF32 } from '../../kernels/activation.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'Elu', category: 'Activation', doc: 'Y = X for X >= 0, else alpha * (exp(X) - 1) (float32).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { alpha: arg.float(1) },
  inplace: [[0, 0]],
  normalize: (a) => Object.freeze({ alpha: Math.fround(a.alpha) }),
  infer([x]) {
    requireFloat32(x!.dtype);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx, p) { eluF32(ctx.out(0).data as Float32Array, ctx.in(0).data as Float32Array, p.alpha); },
});
