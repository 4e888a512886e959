// Clip (caffe2/operators/clip_op.cc): Y = min(max(X, min), max), float32. An absent bound is
// float's lowest()/max(), i.e. no clipping on that side; NaN passes through.

import { ArgError } from '../core/errors.js';
import { clipF32 } from '../../kernels/activation.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

const FLT_MAX = 3.4028234663852886e38;

export default defineOp({
  type: 'Clip', category: 'Activation', doc: 'Clamps X to [min, max] (float32).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { min: arg.float(), max: arg.float() },
  inplace: [[0, 0]],
  normalize(a) {
    const lo = a.min === undefined ? -FLT_MAX : Math.fround(a.min), hi = a.max === undefined ? FLT_MAX : Math.fround(a.max);
    if (Number.isNaN(lo) || Number.isNaN(hi)) throw new ArgError('bounds must not be NaN', { arg: Number.isNaN(lo) ? 'min' : 'max' });
    return Object.freeze({ lo, hi });
  },
  infer([x]) {
    requireFloat32(x!.dtype);
    return [{ dtype: 'float32', shape: x!.shape.slice() }];
  },
  run(ctx, p) { clipF32(ctx.out(0).data as Float32Array, ctx.in(0).data as Float32Array, p.lo, p.hi); },
});
