// Clip (caffe2/operators/clip_op.cc): Y = min(max(X, min), max), float32. An absent bound is
// float's lowest()/max(), i.e. no clipping on that side; NaN passes through.
// Extension: the bounds may come from optional inputs 1 (min) and 2 (max), one float32 value
// each, read at run time and taking the place of the args (ONNX Clip-11 feeds them as tensors).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { clipF32 } from '../../kernels/activation.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

const FLT_MAX = 3.4028234663852886e38;

export default defineOp({
  type: 'Clip', category: 'Activation', doc: 'Clamps X to [min, max] (float32).',
  inputs: [{ name: 'X' }, { name: 'min', optional: true }, { name: 'max', optional: true }], outputs: [{ name: 'Y' }],
  args: { min: arg.float(), max: arg.float() },
  inplace: [[0, 0]],
  normalize(a) {
    const lo = a.min === undefined ? -FLT_MAX : Math.fround(a.min), hi = a.max === undefined ? FLT_MAX : Math.fround(a.max);
    if (Number.isNaN(lo) || Number.isNaN(hi)) throw new ArgError('bounds must not be NaN', { arg: Number.isNaN(lo) ? 'min' : 'max' });
    return Object.freeze({ lo, hi });
  },
  infer(ins) {
    requireFloat32(ins[0]!.dtype);
    ins.slice(1).forEach((b, i) => {
      const name = i ? 'max' : 'min';
      requireFloat32(b.dtype, name);
      if (b.shape.some((d) => d !== 1)) throw new ShapeError(`input '${name}' must hold one value, got ${shapeStr(b.shape)}`);
    });
    return [{ dtype: 'float32', shape: ins[0]!.shape.slice() }];
  },
  run(ctx, p) {
    const bound = (t: Tensor | undefined, arg: number): number => (t ? (t.data as Float32Array)[0]! : arg);
    clipF32(ctx.out(0).data as Float32Array, ctx.in(0).data as Float32Array, bound(ctx.maybe(1), p.lo), bound(ctx.maybe(2), p.hi));
  },
});
