// GroupNorm (caffe2/operators/group_norm_op.{h,cc}), NCHW: X (N, C, *) normalised per
// (sample, group of C/G channels) with the biased variance, then gamma/beta per channel.
// Outputs Y and optionally mean and inv_std (N, G). epsilon defaults to 1e-5 and the `eps` arg
// that detectron2's ATen rewrite leaves behind is ignored, as Caffe2 ignores it (spec 3.14).

import { ArgError, ShapeError, shapeStr } from '../core/errors.js';
import { sizeBetween } from '../core/shape.js';
import { groupNormF32 } from '../../kernels/norm.js';
import { checkFloatInputs, checkPerChannel } from './norm_util.js';
import { arg, defineOp, type OutInfo } from './schema.js';

const NAMES = ['X', 'gamma', 'beta'];

export default defineOp({
  type: 'GroupNorm', category: 'Normalization',
  doc: 'Group normalisation of NCHW X (group default 32, epsilon 1e-5); optional mean and inv_std outputs (N, G).',
  inputs: [{ name: 'X' }, { name: 'gamma' }, { name: 'beta' }],
  outputs: [{ name: 'Y' }, { name: 'mean', optional: true }, { name: 'inv_std', optional: true }],
  args: { group: arg.int(32), epsilon: arg.float(1e-5), order: arg.str('NCHW', ['NCHW']), is_test: arg.bool(true) },
  ignore: ['eps'],
  inplace: [[0, 0]],
  normalize(a, io) {
    if (a.group < 1) throw new ArgError(`must be >= 1, got ${a.group}`, { arg: 'group' });
    if (io.numOutputs === 2) throw new ArgError('GroupNorm has 1 or 3 outputs (Y, mean, inv_std), got 2');
    if (!a.is_test && io.numOutputs !== 3) throw new ArgError('is_test=0 needs the mean and inv_std outputs', { arg: 'is_test' });
    return Object.freeze({ group: a.group, eps: Math.fround(a.epsilon) });
  },
  infer(ins, p, ctx) {
    checkFloatInputs(ins, NAMES, 2);
    const x = ins[0]!.shape, C = x[1]!;
    if (C >= 0 && C % p.group !== 0) throw new ShapeError(`channels C = ${C} of input 'X' ${shapeStr(x)} are not divisible by group = ${p.group}`);
    checkPerChannel(ins, NAMES, 1, 3, C);
    const outs: OutInfo[] = [{ dtype: 'float32', shape: x.slice() }];
    if (ctx.numOutputs === 3) outs.push({ dtype: 'float32', shape: [x[0]!, p.group] }, { dtype: 'float32', shape: [x[0]!, p.group] });
    return outs;
  },
  run(ctx, p) {
    const x = ctx.in(0), N = x.shape[0]!, C = x.shape[1]!, G = p.group;
    const stats = ctx.numOutputs === 3;
    const mean = stats ? (ctx.out(1).data as Float32Array) : ctx.scratch('f32', N * G, 0);
    const rstd = stats ? (ctx.out(2).data as Float32Array) : ctx.scratch('f32', N * G, 1);
    groupNormF32(ctx.out(0).data as Float32Array, x.data as Float32Array, ctx.in(1).data as Float32Array,
      ctx.in(2).data as Float32Array, mean, rstd, N, C, sizeBetween(x.shape, 2), G, p.eps);
  },
});
