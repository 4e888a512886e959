// Pow (caffe2/operators/pow_op.{h,cc}), float32: one input with the `exponent` arg, or two
// inputs X ^ exponent of the same shape, or with broadcast=1 Caffe2's legacy broadcasting
// (no numpy broadcasting: Caffe2 rejects different shapes without broadcast=1).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { isStatic, shapesEqual } from '../core/shape.js';
import { powScalarF32 } from '../../kernels/activation.js';
import { binaryF32, POW } from '../../kernels/elementwise.js';
import { BroadcastCache, broadcastArgs, broadcastShape, normalizeBroadcast, type BroadcastParams } from './elementwise_util.js';
import { arg, defineOp } from './schema.js';
import { requireFloat32 } from './unary_util.js';

interface Params extends BroadcastParams { readonly exponent: number | undefined }

export default defineOp({
  type: 'Pow', category: 'Elementwise', doc: 'X ^ exponent (arg), or X ^ B elementwise (same shape, or legacy broadcast=1); float32.',
  inputs: [{ name: 'X' }, { name: 'exponent', optional: true }], outputs: [{ name: 'Y' }],
  args: { exponent: arg.float(), ...broadcastArgs },
  inplace: [[0, 0]],
  normalize(a, io): Params {
    if (io.numInputs === 1) {
      if (a.exponent === undefined) throw new ArgError("Pow with one input needs the 'exponent' argument", { arg: 'exponent' });
      return Object.freeze({ legacy: false, axis: -1, exponent: Math.fround(a.exponent) });
    }
    if (!a.broadcast && (a.axis !== -1 || a.axis_str)) {
      throw new ArgError("do not set 'axis' or 'axis_str' without broadcast=1", { arg: a.axis !== -1 ? 'axis' : 'axis_str' });
    }
    return Object.freeze({ ...normalizeBroadcast(a), exponent: undefined });
  },
  infer(ins, p) {
    requireFloat32(ins[0]!.dtype);
    if (ins.length === 1) return [{ dtype: 'float32', shape: ins[0]!.shape.slice() }];
    requireFloat32(ins[1]!.dtype, 'exponent');
    const a = ins[0]!.shape, b = ins[1]!.shape;
    if (!p.legacy && isStatic(a) && isStatic(b) && !shapesEqual(a, b)) {
      throw new ShapeError(`input 'exponent' ${shapeStr(b)} must have the shape of input 'X' ${shapeStr(a)} (set broadcast=1 for legacy broadcasting)`);
    }
    return [{ dtype: 'float32', shape: broadcastShape(a, b, { legacy: p.legacy, axis: p.axis }) }];
  },
  prepare: () => new BroadcastCache(),
  run(ctx, p) {
    const x = ctx.in(0), out = ctx.out(0).data as Float32Array;
    if (p.exponent !== undefined) { powScalarF32(out, x.data as Float32Array, p.exponent); return; }
    const e = ctx.in(1);
    binaryF32(POW, out, x.data as Float32Array, e.data as Float32Array, ctx.state.get(x.shape, e.shape, { legacy: p.legacy, axis: p.axis }));
  },
});
