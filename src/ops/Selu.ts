// Selu (caffe2/operators/selu_op.{h,cc}): Y = scale * (X > 0 ? X : alpha * exp(X) - alpha), float32.
// The defaults are the SELU constants, read as floats (GetSingleArgument<float>).

import { seluF32 } from '../../kernels/activation.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'Selu', category: 'Activation', doc: 'Y = scale * X for X > 0, else scale * alpha * (exp(X) - 1) (float32).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { alpha: arg.float(1.6732632423543772), scale: arg.float(1.0507009873554805) },
  inplace: [[0, 0]],
  normalize: (a) => Object.freeze({ alpha: Math.fround(a.alpha), scale: Math.fround(a.scale) }),
  infer([x]) {
    requireFloat32(x!.dtype);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx, p) { seluF32(ctx.out(0).data as Float32Array, ctx.in(0).data as Float32Array, p.alpha, p.scale); },
});
