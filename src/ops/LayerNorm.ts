// LayerNorm (caffe2/operators/layer_norm_op.{h,cc}): X viewed as [M, N] = [dims before axis,
// dims from axis]; each row normalised with its biased variance; with elementwise_affine, then
// * gamma + beta (N values each). Outputs Y and, optionally, mean and std (dims[:axis] + [1]).
// Caffe2 requires all 3 outputs; we also accept Y alone. Without elementwise_affine, gamma
// and beta inputs are ignored, as in Caffe2.

import { ArgError } from '../core/errors.js';
import { canonicalAxis, sizeBetween } from '../core/shape.js';
import { layerNormF32 } from '../../kernels/norm.js';
import { checkFloatInputs, checkPerChannel } from './norm_util.js';
import { arg, defineOp, type OutInfo } from './schema.js';

const NAMES = ['input', 'gamma', 'beta'];

export default defineOp({
  type: 'LayerNorm', category: 'Normalization',
  doc: 'Normalises X over the dims from `axis` (default 1); epsilon default 1e-5; optional gamma/beta with elementwise_affine.',
  inputs: [{ name: 'input' }, { name: 'gamma', optional: true }, { name: 'beta', optional: true }],
  outputs: [{ name: 'output' }, { name: 'mean', optional: true }, { name: 'stddev', optional: true }],
  args: { axis: arg.int(1), epsilon: arg.float(1e-5), elementwise_affine: arg.bool(false) },
  inplace: [[0, 0]],
  normalize(a, io) {
    if (a.elementwise_affine && io.numInputs !== 3) throw new ArgError(`elementwise_affine needs the gamma and beta inputs, got ${io.numInputs} input(s)`, { arg: 'elementwise_affine' });
    if (io.numInputs === 2) throw new ArgError('LayerNorm takes 1 or 3 inputs (input, gamma, beta), got 2');
    if (io.numOutputs === 2) throw new ArgError('LayerNorm has 1 or 3 outputs (output, mean, stddev), got 2');
    return Object.freeze({ axis: a.axis, eps: Math.fround(a.epsilon), affine: a.elementwise_affine });
  },
  infer(ins, p, ctx) {
    checkFloatInputs(ins, NAMES, 2);
    const x = ins[0]!.shape, ax = canonicalAxis(p.axis, x.length);
    if (p.affine) {
      const n = x.slice(ax).some((d) => d < 0) ? -1 : sizeBetween(x, ax);
      checkPerChannel(ins, NAMES, 1, 3, n, `prod(dims[${ax}:])`);
    }
    const outs: OutInfo[] = [{ dtype: 'float32', shape: x.slice() }];
    if (ctx.numOutputs === 3) {
      const stat = [...x.slice(0, ax), 1];
      outs.push({ dtype: 'float32', shape: stat }, { dtype: 'float32', shape: stat.slice() });
    }
    return outs;
  },
  run(ctx, p) {
    const x = ctx.in(0), ax = canonicalAxis(p.axis, x.rank);
    const M = sizeBetween(x.shape, 0, ax), N = sizeBetween(x.shape, ax);
    const mean = ctx.numOutputs === 3 ? (ctx.out(1).data as Float32Array) : ctx.scratch('f32', M, 0);
    const sigma = ctx.numOutputs === 3 ? (ctx.out(2).data as Float32Array) : ctx.scratch('f32', M, 1);
    layerNormF32(ctx.out(0).data as Float32Array, x.data as Float32Array, mean, sigma, M, N, p.eps,
      p.affine ? (ctx.in(1).data as Float32Array) : undefined, p.affine ? (ctx.in(2).data as Float32Array) : undefined);
  },
});
