// Scale (caffe2/operators/scale_op.cc): Y = X * scale, the scale a float32; float or double X.
// The ONNX lowering emits it for Gemm's alpha and beta.

import { ShapeError } from '../core/errors.js';
import { scaleFloat, type FloatArray } from '../../kernels/activation.js';
import { arg, defineOp } from './schema.js';

export default defineOp({
  type: 'Scale', category: 'Elementwise', doc: 'Y = X * scale (float32 or float64 X; scale is a float32).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { scale: arg.float(1) },
  inplace: [[0, 0]],
  normalize: (a) => Object.freeze({ scale: Math.fround(a.scale) }),
  infer([x]) {
    if (x!.dtype !== 'float32' && x!.dtype !== 'float64') throw new ShapeError(`input 'X' must be float32 or float64, got ${x!.dtype}`);
    return [{ dtype: x!.dtype, shape: x!.shape.slice() }];
  },
  run(ctx, p) { scaleFloat(ctx.out(0).data as FloatArray, ctx.in(0).data as FloatArray, p.scale); },
});
