// ConstantFill (caffe2/operators/filler_op.h): a tensor filled with `value`. Without `dtype`,
// the type follows the field `value` sets (f -> FLOAT, i -> INT64); an optional second input
// (one element) overrides the value. The ONNX ConstantOfShape lowering uses input_as_shape.

import { dtypeFromCaffe2, type DType } from '../core/dtype.js';
import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import type { ValueInfo } from '../core/tensor.js';
import { checkFillerArgs, fillShape, fillerArgs, type FillerParams } from './fill_util.js';
import { arg, defineOp } from './schema.js';

interface Params extends FillerParams { readonly dtype: DType; readonly value: number | bigint | Uint8Array }

export default defineOp({
  type: 'ConstantFill', category: 'Data',
  doc: 'A tensor of `value` with the shape of `shape`, of input 0, or (input_as_shape) of input 0\'s values.',
  inputs: [{ name: 'shape_source', optional: true }, { name: 'value', optional: true }],
  outputs: [{ name: 'output' }],
  args: { ...fillerArgs, value: arg.raw(), dtype: arg.int() },
  normalize(a, io): Params {
    checkFillerArgs(a, io.numInputs);
    let dtype: DType = 'float32';
    const v = a.value;
    if (a.dtype !== undefined) {
      const d = dtypeFromCaffe2(a.dtype);
      if (!d || d === 'float16') throw new ArgError(`unsupported data type ${a.dtype}`, { arg: 'dtype' });
      dtype = d;
    } else if (v) {
      if (v.f !== undefined) dtype = 'float32';
      else if (v.i !== undefined) dtype = 'int64';
      else throw new ArgError("'value' must set f or i when 'dtype' is absent", { arg: 'value' });
    }
    let value: number | bigint | Uint8Array = 0;
    if (v) {
      if (dtype === 'string') value = v.s ?? new Uint8Array(0);
      else if (dtype === 'int64') value = v.i ?? BigInt(Math.trunc(v.f ?? 0));
      else value = v.f ?? Number(v.i ?? 0n);
    }
    if (dtype === 'int64' && typeof value !== 'bigint') value = BigInt(Math.trunc(value as number));
    return Object.freeze({ shape: a.shape, extra_shape: a.extra_shape, input_as_shape: a.input_as_shape, dtype, value });
  },
  infer(ins, p) {
    if (ins.length === 2 && ins[1]!.shape.length && ins[1]!.shape.reduce((x, y) => x * y, 1) !== 1) {
      throw new ShapeError(`the value input must hold one element, got ${shapeStr(ins[1]!.shape)}`);
    }
    return [{ dtype: p.dtype, shape: fillShape(ins.slice(0, 1), p) }];
  },
  run(ctx, p) {
    const src: ValueInfo[] = ctx.numInputs ? [{ dtype: ctx.in(0).dtype, shape: ctx.in(0).shape.slice(), value: ctx.in(0) }] : [];
    const out = ctx.alloc(0, p.dtype, fillShape(src, p));
    let value = p.value;
    if (ctx.numInputs === 2) value = p.dtype === 'int64' ? BigInt(ctx.in(1).get(0)) : ctx.in(1).get(0);
    if (p.dtype === 'string') {
      const s = value as Uint8Array;
      const d = out.data as Uint8Array[];
      for (let i = 0; i < d.length; i++) d[i] = s;
    } else if (p.dtype === 'int64') (out.data as BigInt64Array).fill(value as bigint);
    else if (p.dtype === 'bool') (out.data as Uint8Array).fill(value ? 1 : 0);
    else (out.data as Float32Array).fill(Number(value));
  },
});

