// PRelu (caffe2/operators/prelu_op.cc): Y = X > 0 ? X : X * slope, float32. Slope holds one value
// shared by every element, or one per channel: dim 1 for NCHW, the last dim for NHWC.

import { preluF32 } from '../../kernels/activation.js';
import { ShapeError, shapeStr } from '../core/errors.js';
import { numel, numelOrUnknown } from '../core/shape.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'PRelu', category: 'Activation', doc: 'Y = X for X > 0, else slope * X; one slope, or one per channel (float32).',
  inputs: [{ name: 'X' }, { name: 'Slope' }], outputs: [{ name: 'Y' }],
  args: { order: arg.str('NCHW', ['NCHW', 'NHWC']) },
  inplace: [[0, 0]],
  infer([x, w], p) {
    requireFloat32(x!.dtype);
    requireFloat32(w!.dtype, 'Slope');
    const s = x!.shape, n = numelOrUnknown(w!.shape);
    if (s.length < (p.order === 'NCHW' ? 2 : 1) && n !== 1) throw new ShapeError(`input 'X' ${shapeStr(s)} has no channel dim for a per-channel 'Slope' ${shapeStr(w!.shape)}`);
    const C = p.order === 'NCHW' ? s[1]! : s[s.length - 1]!;
    if (n !== 1 && n >= 0 && C >= 0 && n !== C) throw new ShapeError(`input 'Slope' ${shapeStr(w!.shape)} must hold 1 value or one per channel (${C} of 'X' ${shapeStr(s)})`);
    return [{ dtype: 'float32', shape: s.slice() }];
  },
  run(ctx, p) {
    const x = ctx.in(0), w = ctx.in(1).data as Float32Array;
    const inner = p.order === 'NCHW' && w.length > 1 ? numel(x.shape.slice(2)) : 1;
    preluF32(ctx.out(0).data as Float32Array, x.data as Float32Array, w, inner);
  },
});
