// GivenTensorFp16Fill (caffe2/operators/given_tensor_fill_op.cc): a float16 tensor from `values`
// (floats), each rounded to the nearest half (ties to even). Stored as fp16 bit patterns.

import { doubleToHalf } from '../../kernels/half.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { argFieldsSet, arg, defineOp } from './schema.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';

interface Params extends FillerParams { readonly bits: Uint16Array }

export default defineOp({
  type: 'GivenTensorFp16Fill', category: 'Data',
  doc: 'A float16 tensor from `values` (floats, rounded to half).',
  inputs: [{ name: 'shape_source', optional: true }],
  outputs: [{ name: 'output' }],
  args: { ...fillerArgs, values: arg.raw() },
  normalize(a, io): Params {
    checkFillerArgs(a, io.numInputs);
    const v = a.values;
    if (v && !v.floats.length && argFieldsSet(v).length) throw new ArgError(`a float16 fill needs 'floats', but the argument sets ${argFieldsSet(v).join(', ')}`, { arg: 'values' });
    const f = v?.floats ?? new Float32Array(0);
    const bits = new Uint16Array(f.length);
    for (let i = 0; i < f.length; i++) bits[i] = doubleToHalf(f[i]!);
    return Object.freeze({ shape: a.shape, extra_shape: a.extra_shape, input_as_shape: a.input_as_shape, bits });
  },
  infer(ins, p) {
    const shape = fillShape(ins, p);
    const known = shape.every((d) => d >= 0);
    if (known && numel(shape) !== p.bits.length) throw new ShapeError(`shape ${shapeStr(shape)} holds ${numel(shape)} elements but ${p.bits.length} values are given`);
    return [{ dtype: 'float16', shape, ...(known ? { value: new Tensor('float16', shape, p.bits) } : {}) }];
  },
  run(ctx, p) {
    const shape = fillShape(ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [], p);
    if (numel(shape) !== p.bits.length) throw new ShapeError(`shape ${shapeStr(shape)} holds ${numel(shape)} elements but ${p.bits.length} values are given`);
    ctx.set(0, new Tensor('float16', shape, p.bits));
  },
});
