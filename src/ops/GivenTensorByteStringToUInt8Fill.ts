// GivenTensorByteStringToUInt8Fill (caffe2/operators/given_tensor_byte_string_to_uint8_fill_op.h):
// a uint8 tensor whose bytes are the one string in `values`; `dtype`, if set, must be STRING.

import { CAFFE2_DTYPE } from '../core/dtype.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { arg, defineOp } from './schema.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';

interface Params extends FillerParams { readonly bytes: Uint8Array }

export default defineOp({
  type: 'GivenTensorByteStringToUInt8Fill', category: 'Data',
  doc: 'A uint8 tensor holding the bytes of the single string in `values`.',
  inputs: [{ name: 'shape_source', optional: true }],
  outputs: [{ name: 'output' }],
  args: { ...fillerArgs, values: arg.raw(), dtype: arg.int() },
  normalize(a, io): Params {
    checkFillerArgs(a, io.numInputs);
    if (a.dtype !== undefined && a.dtype !== CAFFE2_DTYPE.STRING) throw new ArgError(`dtype must be STRING (4), got ${a.dtype}`, { arg: 'dtype' });
    // the raw bytes of `strings[0]` (not decoded as text: any byte value is allowed)
    const v = a.values?.strings ?? [];
    if (v.length !== 1) throw new ArgError(`expects exactly one string in 'strings', got ${v.length}`, { arg: 'values' });
    return Object.freeze({ shape: a.shape, extra_shape: a.extra_shape, input_as_shape: a.input_as_shape, bytes: v[0]!.slice() });
  },
  infer(ins, p) {
    const shape = fillShape(ins, p);
    const known = shape.every((d) => d >= 0);
    if (known && numel(shape) !== p.bytes.length) throw new ShapeError(`shape ${shapeStr(shape)} holds ${numel(shape)} elements but the string has ${p.bytes.length} bytes`);
    return [{ dtype: 'uint8', shape, ...(known ? { value: new Tensor('uint8', shape, p.bytes) } : {}) }];
  },
  run(ctx, p) {
    const shape = fillShape(ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [], p);
    ctx.set(0, new Tensor('uint8', shape, p.bytes));
  },
});
