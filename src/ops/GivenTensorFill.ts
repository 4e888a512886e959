// GivenTensorFill and its typed variants (caffe2/operators/given_tensor_fill_op.{h,cc}): a tensor
// from the `values` arg. Float types read `floats`, integer and bool types `ints`, strings
// `strings`; an optional `dtype` (Caffe2 DataType number) reinterprets the values.
// Init nets store every weight this way, so float values become the tensor data without a copy.

import { dtypeFromCaffe2, type DType } from '../core/dtype.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import type { Argument } from '../proto/caffe2.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';
import { arg, argFieldsSet, defineOp, type AnyOpDef } from './schema.js';

interface Params extends FillerParams { readonly dtype: DType; readonly values: Tensor['data']; readonly count: number }

function valuesAs(a: Argument | undefined, dtype: DType): { data: Tensor['data']; count: number } {
  const floats = a?.floats ?? new Float32Array(0), ints = a?.ints ?? new BigInt64Array(0);
  const strings = a?.strings ?? [];
  const wrong = (want: string): never => {
    throw new ArgError(`a ${dtype} fill needs '${want}', but the argument sets ${argFieldsSet(a!).join(', ')}`, { arg: 'values' });
  };
  const set = a ? argFieldsSet(a) : [];
  switch (dtype) {
    case 'float32':
      if (floats.length || !set.length) return { data: floats, count: floats.length };
      if (ints.length) return { data: Float32Array.from(ints, Number), count: ints.length };
      return wrong('floats');
    case 'float64':
      if (floats.length || !set.length) return { data: Float64Array.from(floats), count: floats.length };
      if (ints.length) return { data: Float64Array.from(ints, Number), count: ints.length };
      return wrong('floats');
    case 'int64':
      if (ints.length || !set.length) return { data: ints, count: ints.length };
      return wrong('ints');
    case 'int32': case 'int16': case 'int8': case 'uint8': case 'uint16': case 'bool': case 'float16': {
      const src: ArrayLike<number | bigint> = ints.length ? ints : floats.length && floats.every(Number.isInteger) ? floats : set.length ? wrong('ints') : ints;
      const t = new Tensor(dtype, [src.length]);
      const d = t.data as Int32Array;
      for (let i = 0; i < src.length; i++) d[i] = dtype === 'bool' ? (Number(src[i]) ? 1 : 0) : Number(src[i]);
      return { data: t.data, count: src.length };
    }
    case 'string':
      if (strings.length || !set.length) return { data: strings.slice(), count: strings.length };
      return wrong('strings');
  }
}

function givenTensorFill(type: string, base: DType, allowDtype: boolean, doc: string): AnyOpDef {
  return defineOp({
    type, category: 'Data', doc,
    inputs: [{ name: 'shape_source', optional: true }],
    outputs: [{ name: 'output' }],
    args: { ...fillerArgs, values: arg.raw(), ...(allowDtype ? { dtype: arg.int() } : {}) },
    normalize(a, io): Params {
      const p = a as typeof a & { dtype?: number };
      checkFillerArgs(a, io.numInputs);
      let dtype = base;
      if (p.dtype !== undefined) {
        const d = dtypeFromCaffe2(p.dtype);
        if (!d) throw new ArgError(`unknown Caffe2 data type ${p.dtype}`, { arg: 'dtype' });
        dtype = d;
      }
      const v = valuesAs(a.values, dtype);
      return Object.freeze({ shape: a.shape, extra_shape: a.extra_shape, input_as_shape: a.input_as_shape, dtype, values: v.data, count: v.count });
    },
    infer(ins, p) {
      const shape = fillShape(ins, p);
      if (shape.every((d) => d >= 0) && numel(shape) !== p.count) {
        throw new ShapeError(`shape ${shapeStr(shape)} holds ${numel(shape)} elements but ${p.count} values are given`);
      }
      // a constant: its value is known while planning, so shape arithmetic on it can fold
      const known = shape.every((d) => d >= 0) && p.dtype !== 'string';
      return [{ dtype: p.dtype, shape, ...(known ? { value: new Tensor(p.dtype, shape, p.values as never) } : {}) }];
    },
    run(ctx, p) {
      const shape = fillShape(ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [], p);
      ctx.set(0, new Tensor(p.dtype, shape, p.values));
    },
  });
}

export const GivenTensorFill = givenTensorFill('GivenTensorFill', 'float32', true, 'A float tensor from `values` (floats); `dtype` reinterprets them.');
export const GivenTensorDoubleFill = givenTensorFill('GivenTensorDoubleFill', 'float64', false, 'A double tensor from `values` (floats).');
export const GivenTensorIntFill = givenTensorFill('GivenTensorIntFill', 'int32', false, 'An int32 tensor from `values` (ints).');
export const GivenTensorInt16Fill = givenTensorFill('GivenTensorInt16Fill', 'int16', false, 'An int16 tensor from `values` (ints).');
export const GivenTensorInt64Fill = givenTensorFill('GivenTensorInt64Fill', 'int64', false, 'An int64 tensor from `values` (ints), exact.');
export const GivenTensorBoolFill = givenTensorFill('GivenTensorBoolFill', 'bool', false, 'A bool tensor from `values` (ints, 0 or 1).');
export const GivenTensorStringFill = givenTensorFill('GivenTensorStringFill', 'string', false, 'A string tensor from `values` (strings).');
