// Floor (caffe2/operators/floor_op.cc): the largest integer <= X, elementwise. float32 as in
// Caffe2; float64 as an extension (the ONNX Resize lowering computes coordinates in double).

import { floorFloat, type FloatArray } from '../../kernels/activation.js';
import { ShapeError } from '../core/errors.js';
import { foldValue } from './elementwise_util.js';
import { defineOp } from './schema.js';

export default defineOp({
  type: 'Floor', category: 'Elementwise', doc: 'The largest integer <= X, elementwise (float32, float64).',
  inputs: [{ name: 'X' }], outputs: [{ name: 'Y' }],
  args: {},
  inplace: [[0, 0]],
  infer(ins, _p, ctx) {
    const x = ins[0]!;
    if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new ShapeError(`input 'X' must be float32 or float64, got ${x.dtype}`);
    const out = { dtype: x.dtype, shape: x.shape.slice() };
    const value = foldValue(ctx, ins, out, (t, [v]) => floorFloat(t.data as FloatArray, v!.data as FloatArray));
    return [value ? { ...out, value } : out];
  },
  run(ctx) { floorFloat(ctx.out(0).data as FloatArray, ctx.in(0).data as FloatArray); },
});
