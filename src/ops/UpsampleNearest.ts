// UpsampleNearest (modules/detectron/upsample_nearest_op.h, Detectron1): the last two dims of a
// 3-D or 4-D float32 X multiplied by the integer `scale` (default 2), each value repeated.

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { sizeBetween } from '../core/shape.js';
import { upsampleNearest } from '../../kernels/resize.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

export default defineOp({
  type: 'UpsampleNearest', category: 'Layer',
  doc: 'Nearest upsampling of the last two dims of 3-D/4-D X by the integer `scale` (default 2).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: { scale: arg.int(2) },
  normalize(a) {
    if (a.scale < 1) throw new ArgError(`must be >= 1, got ${a.scale}`, { arg: 'scale' });
    return a;
  },
  infer([x], p) {
    requireFloat32(x!.dtype);
    const r = x!.shape.length;
    if (r !== 3 && r !== 4) throw new ShapeError(`input 'X' must be 3-D or 4-D, got ${shapeStr(x!.shape)}`);
    const shape = x!.shape.slice();
    for (const i of [r - 2, r - 1]) if (shape[i]! >= 0) shape[i] = shape[i]! * p.scale;
    return [{ dtype: 'float32', shape }];
  },
  run(ctx, p) {
    const x = ctx.in(0), r = x.rank;
    upsampleNearest(ctx.out(0).data as Float32Array, x.data as Float32Array, sizeBetween(x.shape, 0, r - 2),
      x.shape[r - 2]!, x.shape[r - 1]!, p.scale);
  },
});
