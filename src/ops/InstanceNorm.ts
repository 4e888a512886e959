// InstanceNorm (caffe2/operators/instance_norm_op.cc), NCHW: GroupNorm with one channel per
// group; optional outputs saved_mean and saved_inv_stdev (N, C). The ONNX
// InstanceNormalization lowering.

import { ArgError } from '../core/errors.js';
import { sizeBetween } from '../core/shape.js';
import { groupNormF32 } from '../../kernels/norm.js';
import { checkFloatInputs, checkPerChannel } from './norm_util.js';
import { arg, defineOp, type OutInfo } from './schema.js';

const NAMES = ['input', 'scale', 'bias'];

export default defineOp({
  type: 'InstanceNorm', category: 'Normalization',
  doc: 'Per-(sample, channel) normalisation of NCHW input with scale/bias (epsilon default 1e-5).',
  inputs: NAMES.map((name) => ({ name })),
  outputs: [{ name: 'output' }, { name: 'saved_mean', optional: true }, { name: 'saved_inv_stdev', optional: true }],
  args: { epsilon: arg.float(1e-5), order: arg.str('NCHW', ['NCHW']) },
  inplace: [[0, 0]],
  normalize(a) {
    if (!(a.epsilon >= 0)) throw new ArgError(`must be >= 0, got ${a.epsilon}`, { arg: 'epsilon' });
    return Object.freeze({ eps: Math.fround(a.epsilon) });
  },
  infer(ins, _p, ctx) {
    checkFloatInputs(ins, NAMES, 2);
    const x = ins[0]!.shape;
    checkPerChannel(ins, NAMES, 1, 3, x[1]!);
    const outs: OutInfo[] = [{ dtype: 'float32', shape: x.slice() }];
    for (let o = 1; o < ctx.numOutputs; o++) outs.push({ dtype: 'float32', shape: [x[0]!, x[1]!] });
    return outs;
  },
  run(ctx, p) {
    const x = ctx.in(0), N = x.shape[0]!, C = x.shape[1]!;
    const mean = ctx.numOutputs >= 2 ? (ctx.out(1).data as Float32Array) : ctx.scratch('f32', N * C, 0);
    const rstd = ctx.numOutputs >= 3 ? (ctx.out(2).data as Float32Array) : ctx.scratch('f32', N * C, 1);
    groupNormF32(ctx.out(0).data as Float32Array, x.data as Float32Array, ctx.in(1).data as Float32Array,
      ctx.in(2).data as Float32Array, mean, rstd, N, C, sizeBetween(x.shape, 2), C, p.eps);
  },
});
