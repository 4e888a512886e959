// RangeFill (caffe2/operators/filler_op.{h,cc}): float32 0, 1, 2, ... in row-major order; a
// debugging fill that makes reshapes and transposes readable.

import type { ValueInfo } from '../core/tensor.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';
import { defineOp } from './schema.js';

export default defineOp({
  type: 'RangeFill', category: 'Data',
  doc: 'float32 values 0, 1, 2, ... in row-major order.',
  inputs: [{ name: 'shape_source', optional: true }],
  outputs: [{ name: 'output' }],
  args: { ...fillerArgs },
  normalize(a, io): FillerParams { checkFillerArgs(a, io.numInputs); return a; },
  infer(ins, p) { return [{ dtype: 'float32', shape: fillShape(ins, p) }]; },
  run(ctx, p) {
    const src: ValueInfo[] = ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [];
    const d = ctx.alloc(0, 'float32', fillShape(src, p)).data;
    for (let i = 0; i < d.length; i++) d[i] = i;
  },
});
